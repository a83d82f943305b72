"""Proposals as changes to the song: what the model would change, to accept or reject piece by piece.

A `Change` replaces a run of the song's lines (possibly none: an insertion) with new lines (possibly none:
a removal). Accepting a subset of changes never touches the other lines, so the writer's text is only
changed where they said yes — except for a section's frame, which follows its lines so sections stay
balanced (`cowriter.service.workspace.frames`: accepting a line of a new section brings its `{start_of_…}`
and `{end_of_…}`; rejecting all of its lines drops them).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

from cowriter.service.workspace.frames import Frames, apply_all, balanced, section_directive
from cowriter.service.workspace.merge import Edits, carry

__all__ = [
    "Alternative", "Candidate", "Change", "Proposal", "apply_changes", "carry_authors", "diff_changes",
    "moved_lines", "section_at",
]


@dataclass(frozen=True, slots=True)
class Change:
    id: int
    start: int  # 0-based line of the current text where `old` begins (or where `new` goes in)
    old: tuple[str, ...]
    new: tuple[str, ...]
    section: str = ""  # the section the change falls in ("" before any section)
    # the writer changed these lines too since the model saw them: `old` is the writer's lines as they are
    # now, `new` the model's; accepting takes the model's, rejecting keeps the writer's (`merge`)
    conflict: bool = False

    @property
    def kind(self) -> str:
        return "add" if not self.old else "remove" if not self.new else "replace"


@dataclass(frozen=True, slots=True)
class Alternative:
    """One candidate line and how well its syllables fit the line it would replace."""

    text: str
    syllables: int
    target: int

    @property
    def fit(self) -> int:
        """Syllables over (+) or under (-) the target."""
        return self.syllables - self.target


@dataclass(frozen=True, slots=True)
class Candidate:
    """One of the co-writer's candidates for a request: the song with it in place (on the proposal's
    base), and why it ranks where it does (its scores, what it misses, why it was rejected)."""

    text: str
    chordpro: str
    why: str
    ok: bool = True


@dataclass(frozen=True, slots=True)
class Proposal:
    prompt: str
    reply: str  # the model's words as streamed
    chordpro: str  # the part of the reply that is song text
    base: str  # the song text the changes apply to
    text: str  # the song with every change accepted
    changes: tuple[Change, ...]
    model: str = "model"
    errors: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    line: int | None = None  # for alternatives: the 0-based line they replace
    transpose: int = 0  # the song's transposition (`Settings.transpose`) when the model saw it
    # the writer's page was chords over lyrics: the proposal is on its ChordPro form, which accepting
    # makes the song's first (as the writer's own version; see `Workspace.accept`)
    as_chordpro: bool = False
    candidates: tuple[Candidate, ...] = ()  # the co-writer's candidates, best first (issue 12)
    candidate: int = 0  # which of them this proposal shows

    @property
    def sections(self) -> tuple[str, ...]:
        seen: list[str] = []
        for c in self.changes:
            if c.section not in seen:
                seen.append(c.section)
        return tuple(seen)

    def ids_in_section(self, section: str) -> tuple[int, ...]:
        return tuple(c.id for c in self.changes if c.section == section)

    def closure(self, ids: Collection[int]) -> frozenset[int]:
        """The changes that go in when `ids` are accepted: them, and the section frames they need."""
        return Frames(self.base, self.changes).bring(ids)

    @property
    def frame_ids(self) -> frozenset[int]:
        """The changes that are a new section's frame (its start and end directives and the blank lines
        setting it apart): they go in with the section's lines, never on their own."""
        return Frames(self.base, self.changes).section_frames

    @property
    def conflicts(self) -> frozenset[int]:
        """The changes to lines the writer changed too (`Change.conflict`)."""
        return frozenset(c.id for c in self.changes if c.conflict)

    def clean_ids(self, ids: Collection[int] | None = None) -> tuple[int, ...]:
        """Of `ids` (all when None), those that go in without touching a line the writer changed since
        the model saw it: no conflict, and no frame that comes with them in conflict. What "accept all"
        and "accept section" take; a conflict goes in only when picked on its own."""
        conflicts = self.conflicts
        chosen = [c.id for c in self.changes if (ids is None or c.id in ids) and c.id not in conflicts]
        if not conflicts:
            return tuple(chosen)
        frames = Frames(self.base, self.changes)
        return tuple(i for i in chosen if not frames.bring({i}) & conflicts)

    def rebase(self, base: str) -> Proposal:
        """The proposal carried onto a newer text (the writer kept typing): a three-way merge
        (`workspace.merge`). Changes to lines the writer left alone move with the text; new lines go
        where the model put them; a line both changed becomes a conflict; a change the writer already
        made leaves. Change ids stay the same."""
        if base == self.base:
            return self
        old = self.base.split("\n") if self.base else []
        new = base.split("\n") if base else []
        edits = Edits(old, new)
        changes = tuple(carry(self.changes, edits))
        text, _ = _apply(base, changes, {c.id for c in changes})
        if not balanced(text) and balanced(base):
            # repeated lines can move a change onto a twin of its line, pairing frames that were not
            # pairs: the song's own frames stay then, and the lines that needed the proposal's go too
            frames = Frames(base, changes)
            gone = frames.drop(frames.structural)
            changes = tuple(c for c in changes if c.id not in gone)
            text, _ = _apply(base, changes, {c.id for c in changes})
        line, alternatives = self.line, self.alternatives
        if line is not None:
            kind, at = edits.image[line] if line < len(old) else ("gone", 0)
            line = None if kind == "gone" else at
            if line is None:  # the line they were for is gone
                alternatives, changes, text = (), (), base
        return replace(self, base=base, text=text, changes=changes, line=line, alternatives=alternatives)

    def without(self, applied: Collection[int] = (), dropped: Collection[int] = ()) -> Proposal:
        """What is left to decide once `applied` are in the song and `dropped` are rejected (with the
        frame changes that go with them, see `closure`)."""
        frames = Frames(self.base, self.changes)
        applied = frames.bring(applied)
        dropped = frames.drop(dropped, applied)
        done = [c for c in self.changes if c.id in applied]
        base, _ = _apply(self.base, self.changes, applied)
        rest: list[Change] = []
        for c in self.changes:
            if c.id in applied or c.id in dropped:
                continue
            shift = sum(len(a.new) - len(a.old) for a in done if (a.start, a.id) < (c.start, c.id))
            rest.append(replace(c, id=len(rest), start=c.start + shift))
        changes = tuple(rest)
        text, _ = _apply(base, changes, {c.id for c in changes})
        if self.alternatives and (applied or dropped):  # one of them went in, or all were turned down
            return replace(self, base=base, text=base, changes=(), alternatives=(), line=None)
        return replace(self, base=base, text=text, changes=changes)

    @property
    def summary(self) -> str:
        """Where the lines go, in the editor's line numbers: "7 new lines after line 13", "lines 5-8
        rewritten", "line 6 removed", "3 changes in lines 5-12" ("" with no change)."""
        changes = self.changes
        if not changes:
            return ""
        n = len(changes)
        if all(c.kind == "add" for c in changes) and len({c.start for c in changes}) == 1:
            at = changes[0].start
            return f"{n} new line{'s' * (n != 1)} " + ("at the top" if at == 0 else f"after line {at}")
        first = min(c.start for c in changes)
        # 1-based, the last line touched (new lines at `start` go after line `start`)
        last = max(first + 1, *(c.start + len(c.old) for c in changes))
        span = f"line {first + 1}" if last - first <= 1 else f"lines {first + 1}-{last}"
        kinds = {c.kind for c in changes}
        if kinds == {"replace"}:
            return f"{span} rewritten"
        if kinds == {"remove"}:
            return f"{span} removed"
        return f"{n} changes in {span}"

    @property
    def brought(self) -> tuple[int, int] | None:
        """The first and last 0-based lines of `text` that the changes bring or touch (None: none)."""
        if not self.changes:
            return None
        _, authored = _apply(self.base, self.changes, {c.id for c in self.changes})
        if authored:
            return min(authored), max(authored)
        # removals only: the line that now follows the first one removed (nothing before it moved)
        at = min(min(c.start for c in self.changes), max(len(self.text.split("\n")) - 1, 0))
        return at, at

    def other_candidate(self, step: int = 1) -> Proposal:
        """The same request with its next (or, `step` -1, previous) candidate in place of this one; this
        proposal itself when there is no other, or when the song has changed under it (its candidates
        were merged into the song as it was)."""
        if len(self.candidates) < 2 or self.candidates[self.candidate].text != self.text:
            return self
        index = (self.candidate + step) % len(self.candidates)
        chosen = self.candidates[index]
        return replace(
            self,
            text=chosen.text,
            chordpro=chosen.chordpro,
            changes=diff_changes(self.base, chosen.text),
            candidate=index,
        )

    def choose(self, index: int) -> Proposal:
        """For alternatives: the proposal with alternative `index` in place of the line."""
        if self.line is None or not 0 <= index < len(self.alternatives):
            return self
        lines = self.base.split("\n")
        lines[self.line] = self.alternatives[index].text
        text = "\n".join(lines)
        return replace(self, text=text, chordpro=self.alternatives[index].text,
                       changes=diff_changes(self.base, text))


_SHORT = {"soc": "chorus", "sov": "verse", "sob": "bridge", "sot": "tab", "sog": "grid"}
_DIRECTIVE = re.compile(r"^\s*\{\s*([\w-]+)\s*(.*?)\s*\}\s*$")
_LABEL = re.compile(r"""label\s*=\s*["']?([^"']*)["']?""")


def section_at(lines: list[str], index: int) -> str:
    """The title of the section that line `index` lies in, from `{start_of_…}` / `{soc}` directives."""
    for i in range(min(index, len(lines) - 1), -1, -1):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            continue
        name, rest = m.group(1).lower(), m.group(2).lstrip(":").strip()
        if name.startswith("end_of_") or name in ("eoc", "eov", "eob", "eot", "eog"):
            if i == index:
                continue  # the closing line belongs to its section
            return ""
        if name.startswith("start_of_") or name in _SHORT:
            kind = _SHORT.get(name, name.removeprefix("start_of_"))
            label = _LABEL.search(rest)
            title = label.group(1) if label else rest
            return title.strip() or kind.replace("_", " ").replace("-", " ").title()
    return ""


def diff_changes(old_text: str, new_text: str) -> tuple[Change, ...]:
    """The differences as one change per line, so each line can be accepted on its own: a replaced
    line, an added line, or a removed line."""
    old = old_text.split("\n") if old_text else []
    new = new_text.split("\n") if new_text else []
    if old_text.endswith("\n") and new_text.endswith("\n"):
        # the final newline ends the last line, it is no line of its own: new lines go before it, so
        # accepting any of them keeps the file ending with a newline
        old.pop()
        new.pop()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    out: list[Change] = []

    def add(start: int, before: tuple[str, ...], after: tuple[str, ...], where: str) -> None:
        out.append(Change(len(out), start, before, after, where))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            add(i1 + k, (old[i1 + k],), (new[j1 + k],), section_at(new, j1 + k))
        for k in range(pairs, i2 - i1):
            add(i1 + k, (old[i1 + k],), (), section_at(old, i1 + k))
        added = range(j1 + pairs, j2)
        words = [j for j in added if new[j].strip()]
        for j in added:
            # a blank line goes with the lines it separates: the section it opens, else the lines before
            # it, else the ones after (so accepting a section takes it too)
            after = [w for w in words if w > j][:1]
            if new[j].strip():
                near = [j]
            elif after and (section_directive(new[after[0]]) or ("", ""))[0] == "start":
                near = after
            else:
                near = [w for w in words if w < j][-1:] or after or [j]
            add(i2, (), (new[j],), section_at(new, near[0]))
    return tuple(out)


def moved_lines(
    proposal: Proposal, base: str, text: str, alternatives: tuple[Alternative, ...], semitones: int
) -> Proposal | None:
    """`proposal` on `base` and `text`, the same song and proposal restated line for line (transposed by
    `semitones`): each change keeps its id, place and kind, its lines taken from them. None when they are
    not line for line."""
    old_base = proposal.base.split("\n") if proposal.base else []
    new_base = base.split("\n") if base else []
    new_text = text.split("\n") if text else []
    _, nodes = apply_all(old_base, proposal.changes)
    if len(old_base) != len(new_base) or len(nodes) != len(new_text):
        return None
    brought: dict[int, list[int]] = {}
    for k, (kind, cid) in enumerate(nodes):
        if kind == "c":
            brought.setdefault(cid, []).append(k)
    changes = tuple(
        replace(
            c,
            old=tuple(new_base[c.start : c.start + len(c.old)]),
            new=tuple(new_text[k] for k in brought.get(c.id, ())),
        )
        for c in proposal.changes
    )
    return replace(
        proposal,
        base=base,
        text=text,
        changes=changes,
        alternatives=alternatives,
        transpose=proposal.transpose + semitones,
    )


def apply_changes(
    old_text: str, changes: Iterable[Change], accepted: Collection[int]
) -> tuple[str, list[int]]:
    """The text with the accepted changes applied, and the 0-based indexes of the lines they brought.

    A section's frame follows its lines: accepting a line of a new section brings its start and end
    directives, and frame lines that pair up go in together (`workspace.frames`)."""
    changes = tuple(changes)
    return _apply(old_text, changes, Frames(old_text, changes).bring(accepted))


def _apply(old_text: str, changes: Iterable[Change], accepted: Collection[int]) -> tuple[str, list[int]]:
    old = old_text.split("\n") if old_text else []
    new, nodes = apply_all(old, [c for c in changes if c.id in accepted])
    return "\n".join(new), [i for i, (kind, _) in enumerate(nodes) if kind == "c"]


def carry_authors(old: list[str], authors: list[str], new: list[str], author: str) -> list[str]:
    """Authors for `new`: unchanged lines keep theirs; a model line the writer edits becomes `edited:…`."""
    out = [author] * len(new)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out[j1:j2] = authors[i1:i2] if i2 <= len(authors) else [author] * (j2 - j1)
        elif tag == "replace" and author == "human":
            for k in range(j2 - j1):
                was = authors[i1 + k] if i1 + k < min(i2, len(authors)) else "human"
                if was.startswith("model:") or was.startswith("edited:"):
                    out[j1 + k] = was if was.startswith("edited:") else f"edited:{was}"
    return out
