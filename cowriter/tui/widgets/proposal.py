"""A proposal from the model, shown as a diff against the song: one row per changed line, grouped by
section, to accept or reject line by line, by section, or all at once. A new section's start and end
directives are shown where they go but are not rows to pick: they come with the section's lines (see
`cowriter.service.workspace.frames`). Alternatives for a line are listed
with their syllable fit; any of them can be played before it is accepted. When the co-writer made
several candidates, `c` shows the next in place of this one and `?` says why each ranks where it does
(its scores, what it misses, why others were rejected)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cowriter.service.workspace import Proposal
from cowriter.textsafe import safe_line

KEYS = "a/s/A accept r/R reject p play"  # line/section/all; fits the side panel at 80 columns
ALTERNATIVE_KEYS = "a accept  p play  r/Esc: none"
CONFLICT_KEYS = "! a the model's  r keep yours"  # on a line the writer changed too (fits 80 columns)
# the same in a narrow panel (24 columns inside at 60x20), where the long ones would lose their end
SHORT_KEYS = {KEYS: "a/s/A ok r/R no p play", ALTERNATIVE_KEYS: "a ok  p play  r none",
              CONFLICT_KEYS: "! a model's  r yours"}  # fmt: skip


class ProposalView(Vertical, can_focus=False):
    DEFAULT_CSS = """
    ProposalView { height: 2fr; display: none; border: round $accent; }
    ProposalView.-open { display: block; }
    ProposalView > Static { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ProposalView > #proposal-title { text-style: bold; }
    ProposalView > OptionList { height: 1fr; border: none; padding: 0; }
    ProposalView > OptionList:focus { border: none; }
    ProposalView > #proposal-keys { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a,enter", "accept_line", "Accept line"),
        Binding("s", "accept_section", "Accept section"),
        Binding("A", "accept_all", "Accept all"),
        Binding("r,delete", "reject_line", "Reject line"),
        Binding("R", "reject_all", "Reject all"),
        Binding("p", "play", "Play it"),
        Binding("n", "next", "Next proposal", show=False),  # the title says "+N (n)" when any wait
        # the co-writer's other candidates for this request, and why this one ranks where it does: the
        # title says "1/4 (c ?)" when there are any
        Binding("c", "candidate", "Next candidate", show=False),
        Binding("question_mark", "why", "Why this candidate", show=False),
    ]

    @dataclass
    class Decided(Message):
        """The writer accepted or rejected these change ids (None: all of them)."""

        proposal: Proposal
        accept: bool
        ids: tuple[int, ...] | None

    @dataclass
    class Chosen(Message):
        """An alternative was picked (its index)."""

        proposal: Proposal
        index: int

    @dataclass
    class PlayRequested(Message):
        proposal: Proposal

    @dataclass
    class Next(Message):
        """The writer wants the next proposal waiting (this one waits in its turn)."""

    @dataclass
    class CandidateWanted(Message):
        """The writer wants the co-writer's next candidate for this request in place of this one."""

        proposal: Proposal

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.proposal: Proposal | None = None
        self.waiting = 0  # proposals waiting behind this one

    def compose(self) -> ComposeResult:
        yield Static("", id="proposal-title")
        yield OptionList(id="proposal-list")
        yield Static(KEYS, id="proposal-keys")

    @property
    def options(self) -> OptionList:
        return self.query_one("#proposal-list", OptionList)

    def show(self, proposal: Proposal | None, *, waiting: int = 0) -> None:
        """Show `proposal` (None or one without changes: close), and how many wait behind it."""
        self.proposal = proposal
        self.waiting = waiting
        options = self.options
        highlighted = options.highlighted
        options.clear_options()
        if proposal is None or (not proposal.changes and not proposal.alternatives):
            self.remove_class("-open")
            return
        self.add_class("-open")
        title = self.query_one("#proposal-title", Static)
        more = f"+{waiting} waiting (n) · " if waiting else ""  # first: a narrow panel cuts the end
        if proposal.alternatives:
            n = len(proposal.alternatives)
            title.update(
                Text(f"{more}Line {(proposal.line or 0) + 1}: {n} option{'s' * (n != 1)} (±syllables)")
            )
            for i, alt in enumerate(proposal.alternatives):
                fit = "=" if alt.fit == 0 else f"{alt.fit:+d}"
                shown = Text.assemble((f"{fit:>3} ", "bold"), safe_line(alt.text))
                options.add_option(Option(shown, id=f"alt-{i}"))
        else:
            # where the lines go first, then what waits for the writer: a narrow panel cuts the model's name
            n = len(proposal.conflicts)
            clash = f" · {n} !" if n else ""
            count = len(proposal.candidates)
            # which candidate, early: a narrow panel cuts the end of the title
            others = f"{proposal.candidate + 1}/{count} (c ?) · " if count > 1 else ""
            title.update(Text(safe_line(f"{more}{others}{proposal.summary}{clash} · {proposal.model}")))
            section: str | None = None
            frames = proposal.frame_ids
            for c in proposal.changes:
                if c.id in frames:
                    # a new section's frame goes in with its lines: shown where it goes, not to pick
                    old, new = _words(c.old), _words(c.new)
                    if old or new:
                        opens = section != c.section
                        section = c.section
                        options.add_option(Option(_change_text(old, new, "bold" * opens), disabled=True))
                    continue
                if c.section != section:
                    section = c.section
                    label = Text(safe_line(f"[{section or 'song'}]"), "bold")
                    options.add_option(Option(label, disabled=True))
                if c.conflict:
                    options.add_option(Option(_conflict_text(c.old, c.new), id=f"c-{c.id}"))
                else:
                    options.add_option(Option(_change_text(c.old, c.new), id=f"c-{c.id}"))
        enabled = [i for i in range(options.option_count) if not options.get_option_at_index(i).disabled]
        if enabled:
            options.highlighted = highlighted if highlighted in enabled else enabled[0]
        self._show_keys()

    def _show_keys(self) -> None:
        """The keys for the highlighted row: a line the writer changed too says what a and r do there."""
        proposal = self.proposal
        keys = KEYS
        if proposal is not None and proposal.alternatives:
            keys = ALTERNATIVE_KEYS
        elif proposal is not None and (current := self._current()) and current.startswith("c-"):
            cid = int(current[2:])
            if any(c.id == cid and c.conflict for c in proposal.changes):
                keys = CONFLICT_KEYS
        line = self.query_one("#proposal-keys", Static)
        room = line.content_region.width
        line.update(SHORT_KEYS[keys] if 0 < room < len(keys) else keys)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_keys)  # the key line's own width is known after the layout

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_keys()

    def focus_list(self) -> None:
        self.options.focus()

    def _current(self) -> str | None:
        options = self.options
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_accept_line()

    def action_accept_line(self) -> None:
        self._decide(True, "line")

    def action_accept_section(self) -> None:
        self._decide(True, "section")

    def action_accept_all(self) -> None:
        self._decide(True, "all")

    def action_reject_line(self) -> None:
        self._decide(False, "line")

    def action_reject_all(self) -> None:
        self._decide(False, "all")

    def action_next(self) -> None:
        self.post_message(self.Next())

    def action_candidate(self) -> None:
        if self.proposal is not None and len(self.proposal.candidates) > 1:
            self.post_message(self.CandidateWanted(self.proposal))

    def action_why(self) -> None:
        """Why the candidate shown ranks where it does, and how many others were turned down."""
        proposal = self.proposal
        if proposal is None or not proposal.candidates:
            self.notify("One candidate only: nothing was ranked.", title="Co-writer")
            return
        shown = proposal.candidates[proposal.candidate]
        refused = sum(not c.ok for c in proposal.candidates if c is not shown)
        more = f"; {refused} other{'s' * (refused != 1)} rejected (c shows them)" if refused else ""
        self.notify(shown.why + more, title="Why", timeout=15)

    def action_play(self) -> None:
        proposal = self.proposal
        if proposal is None:
            return
        current = self._current()
        if proposal.alternatives and current and current.startswith("alt-"):
            proposal = proposal.choose(int(current[4:]))
        self.post_message(self.PlayRequested(proposal))

    def _decide(self, accept: bool, scope: str) -> None:
        proposal = self.proposal
        if proposal is None:
            return
        current = self._current()
        if proposal.alternatives:
            if accept and current and current.startswith("alt-"):
                self.post_message(self.Chosen(proposal, int(current[4:])))
            elif not accept:
                self.post_message(self.Decided(proposal, False, None))
            return
        ids: tuple[int, ...] | None = None  # all: every line the writer did not change too
        if scope != "all":
            if current is None or not current.startswith("c-"):
                return
            cid = int(current[2:])
            if scope == "line":
                ids = (cid,)
            else:
                section = next(c.section for c in proposal.changes if c.id == cid)
                ids = proposal.clean_ids(proposal.ids_in_section(section))  # its lines the writer left alone
        self.post_message(self.Decided(proposal, accept, ids))


def _words(lines: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(line for line in lines if line.strip())


def _conflict_text(ours: tuple[str, ...], theirs: tuple[str, ...]) -> Text:
    """A line both changed: the writer's as it is now, and the model's."""
    text = Text()
    mine = " / ".join(ours) if ours else "(you changed the lines around it)"
    model = " / ".join(theirs) if theirs else "(removes it)"
    text.append("! yours ", "bold")
    text.append(safe_line(mine), "bold")
    text.append("\n! model ", "bold")
    text.append(safe_line(model), "green")
    return text


def _change_text(old: tuple[str, ...], new: tuple[str, ...], style: str = "") -> Text:
    text = Text()
    for line in old:
        text.append(safe_line(f"- {line or '(blank line)'}"), f"red strike {style}".strip())
        if new:
            text.append("\n")
    for i, line in enumerate(new):
        text.append(safe_line(f"+ {line or '(blank line)'}"), f"green {style}".strip())
        if i < len(new) - 1:
            text.append("\n")
    return text
