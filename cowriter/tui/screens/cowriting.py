"""The co-writer on the main screen: asking (the chat, regenerate, alternatives), the reply streaming in,
the proposal shown as a diff to accept or reject by line, section or whole, heard before accepting, and
following the song when it changes under it (typing, transposing). The model runs in a worker that only
posts messages; the handlers here update the widgets."""

from __future__ import annotations

import contextlib
import os
import threading
from typing import TYPE_CHECKING

from textual import on

from cowriter.errors import CowriterError, explain
from cowriter.service.workspace import Proposal
from cowriter.tui import messages as m
from cowriter.tui.screens.melody import MelodyActions, review_key
from cowriter.tui.widgets.chat import ChatView

if TYPE_CHECKING:  # imported with the first proposal (handlers below are found by name)
    from cowriter.tui.widgets.proposal import ProposalView

STOPPING = "stopping…"  # the status while a cancelled reply winds down


def lower_priority(niceness: int = 4) -> None:
    """Make the calling thread (and the threads it starts, e.g. llama.cpp's) yield the CPU to the UI.
    Linux keeps a nice value per thread; elsewhere this does nothing."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)


class CoWritingActions(MelodyActions):
    _streamed = ""  # the reply so far
    _reply_asked: tuple[object, ...] = ()  # what the writer was doing when they asked (see `_waiting`)

    def _find_model(self) -> None:
        """The model's name in the status line, and whether it is there at all ("nope.gguf (missing)"),
        without loading it; in a worker when finding it may look through folders (or ask a server)."""
        ws = self.ws
        if ws.backend is not None:
            self._show_model(*ws.model_check())
            return

        def work() -> None:
            try:
                name, problem = ws.model_check()
            except Exception as exc:  # a name not shown is no reason to stop
                name, problem = "model", f"unknown: {type(exc).__name__}"
            self.app.call_from_thread(self._show_model, name, problem)
            hint = "" if problem else ws.model_hint()  # once ever, on the 135M default
            if hint:
                self.app.call_from_thread(self.notify, hint, title="On the 135M default model", timeout=15)

        self.run_worker(work, thread=True, group="find-model", exit_on_error=False)

    def _show_model(self, name: str, problem: str) -> None:
        self.status.model = name
        self.status.model_problem = problem

    @on(ChatView.Submitted)
    def _asked(self, event: ChatView.Submitted) -> None:
        if self._ask(event.prompt):
            self.chat.taken(event.prompt)

    def _ask(self, prompt: str, *, line: int | None = None) -> bool:
        """Ask the model (in a worker); False when it is still answering (the request is not taken)."""
        if self._cancel is not None:
            self.notify("The co-writer is still answering (Esc cancels; your request stays typed).",
                        severity="warning")
            return False
        self._request += 1
        request = self._request
        cancel = threading.Event()
        self._cancel = cancel
        self._last_prompt = prompt
        self._streamed = ""
        self._reply_asked = self._attention()
        self.chat.add("writer", prompt if line is None else f"other versions of line {line + 1}")
        self.chat.begin_reply()
        self.status.model_state = "thinking"
        self._catch_up()
        ws = self.ws
        seen = ws.seen()  # the song the model reads: its answer is merged onto the song as it is by then
        pieces: list[str] = []
        ready: list[str] = []  # the candidates finished so far, one line each

        def on_token(piece: str) -> None:
            pieces.append(piece)
            self.post_message(m.TokenStreamed(request, "".join(pieces) + "".join(ready)))

        def on_candidate(line: str) -> None:
            ready.append(f"\n· {line}")
            self.post_message(m.TokenStreamed(request, "".join(pieces) + "".join(ready)))

        def work() -> None:
            lower_priority()  # the model's threads start from here and inherit it: typing stays quick
            try:
                if line is None:
                    proposal = ws.propose(
                        prompt, on_token=on_token, cancel=cancel, seen=seen, on_candidate=on_candidate
                    )
                else:
                    proposal = ws.alternatives(line, on_token=on_token, cancel=cancel, seen=seen)
            except CowriterError as exc:
                self.post_message(m.ModelFailed(request, str(exc), cancelled=cancel.is_set()))
            except Exception as exc:  # the promise: a notification, never a crash
                self.post_message(m.ModelFailed(request, explain(exc)))
            else:
                self.post_message(m.ProposalReady(request, proposal))

        self.run_worker(work, thread=True, group="model", exit_on_error=False)
        return True

    def on_token_streamed(self, message: m.TokenStreamed) -> None:
        if message.request == self._request:
            self._streamed = message.text
            self.chat.stream(message.text)

    async def on_proposal_ready(self, message: m.ProposalReady) -> None:
        if message.request != self._request:
            return
        if not self.query("#proposal"):
            from cowriter.tui.widgets.proposal import ProposalView

            await self.query_one("#side").mount(ProposalView(id="proposal"), before=0)
        self._cancel = None
        self._show_model(message.proposal.model, "")  # the name its lines are credited to
        self.status.model_state = "idle"
        proposal = message.proposal
        self.chat.end_reply(proposal.reply)
        if not proposal.changes and not proposal.alternatives:
            self.notify("The reply changes nothing in the song.", severity="warning")
            return
        if self.proposal is not None:  # one is still open: this one waits its turn, nothing is dropped
            self.waiting.append(proposal)
            self._show_proposal(self.proposal)
            what = "Alternatives" if proposal.alternatives else "Another proposal"
            self.notify(f"{what} ready: it waits behind the open one (n in the proposal shows it).",
                        title="Co-writer")
            return
        followed = self._followed(proposal)
        if followed is None:
            return
        if proposal.errors:
            self.notify("Proposal has problems: " + "; ".join(proposal.errors[:3]), severity="warning")
        self._show_proposal(followed)
        if self._waiting(self._reply_asked):
            self.proposal_view.focus_list()
        else:  # the writer went on writing: their keys stay theirs
            what = "Alternatives" if proposal.alternatives else "Proposal"
            self.notify(f"{what} ready: {review_key()} to review.", title="Co-writer")

    def _followed(self, proposal: Proposal) -> Proposal | None:
        """`proposal` carried onto the song as it is now (transposed with it, merged with the writer's
        edits), saying what became of it; None when nothing of it is left to decide."""
        followed = self.ws.follow(proposal)
        if followed is None:
            self.notify("A proposal could not move to the song's new key: closed (its reply is in the "
                        "chat; F2 asks again).", severity="warning")
            return None
        if not followed.changes and not followed.alternatives:
            self.notify("A proposal had nothing left once carried onto the song: closed.", severity="warning")
            return None
        if followed.transpose != proposal.transpose:
            self.notify("The proposal moved to the song's new key.")
        if followed.base != self.ws.text:  # made on the ChordPro form of the writer's page
            self.notify("Your page is chords over lyrics: accepting makes it ChordPro first (your own "
                        "version, credited to you), then adds the model's lines.", title="Co-writer")
        if followed.conflicts:
            n = len(followed.conflicts)
            self.notify(f"You changed {n} of the proposal's lines meanwhile: marked ! to resolve (a takes "
                        "the model's, r keeps yours).", title="Co-writer", severity="warning")
        return followed

    def on_model_failed(self, message: m.ModelFailed) -> None:
        if message.request != self._request:
            return
        self._cancel = None
        self.status.model_state = "idle"
        # the reply's entry says what became of it, in one line (no stale "…", no separate error entry)
        said = self._streamed.strip()
        why = "cancelled" if message.cancelled else "no answer: " + (message.error.splitlines() or [""])[0]
        self.chat.end_reply(f"{said} ({why})" if said else f"({why})")
        if message.cancelled:
            self.notify("Reply cancelled.")
        else:
            self.notify(message.error, title="Co-writer", severity="error", timeout=8)

    def _show_proposal(self, proposal: Proposal | None) -> None:
        if proposal is not None and not proposal.changes and not proposal.alternatives:
            proposal = None
        while proposal is None and self.waiting:  # the next one waiting, carried onto the song as it is
            proposal = self._followed(self.waiting.pop(0))
            if proposal is not None:
                self.notify(f"Next proposal: {proposal.summary or 'other versions of a line'}.")
        self.proposal = proposal
        if proposal is not None or self.query("#proposal"):
            self.proposal_view.show(proposal, waiting=len(self.waiting))
        self._set_open(proposal is not None or self.melody is not None)
        if proposal is None and not self.editor.has_focus and not self.chat.input.has_focus:
            self.editor.focus()

    def on_proposal_view_next(self, event: ProposalView.Next) -> None:
        """The open proposal goes to the back of the queue; the next one waiting shows."""
        if not self.waiting or self.proposal is None:
            self.notify("No other proposal is waiting.")
            return
        self.waiting.append(self.proposal)
        self.proposal = None
        self._show_proposal(None)
        if self.proposal is not None:
            self.proposal_view.focus_list()

    def on_proposal_view_candidate_wanted(self, event: ProposalView.CandidateWanted) -> None:
        """The co-writer's next candidate for the open request, in place of the one shown."""
        other = event.proposal.other_candidate()
        if other is event.proposal:
            self.notify("The song changed under these candidates: F2 asks again.", severity="warning")
            return
        self._show_proposal(other)
        self.proposal_view.focus_list()

    def on_proposal_view_decided(self, event: ProposalView.Decided) -> None:
        self._catch_up()
        ids = list(event.ids) if event.ids is not None else None
        ws = self.ws
        if not event.accept:
            self._show_proposal(ws.reject(event.proposal, ids))
            return
        current = ws.follow(event.proposal)
        if current is None:
            self._show_proposal(None)
            self.notify("Proposal closed: it could not move to the song's new key (F2 asks again).",
                        severity="warning")
            return
        present = {c.id for c in current.changes}
        chosen = current.clean_ids() if ids is None else tuple(i for i in ids if i in present)
        blocked = current.closure(chosen) & current.conflicts - set(chosen)
        if blocked:  # a frame in conflict comes with it: the writer resolves that line first
            line = min(c.start for c in current.changes if c.id in blocked) + 1
            self.notify(f"That line goes with line {line}, which you changed too: resolve it first "
                        "(a takes the model's, r keeps yours).", severity="warning")
            return
        before = ws.text
        rest = ws.accept(current, list(chosen))
        if ws.text == before:  # nothing of it fits the song any more: never a false "Accepted"
            if current.conflicts:
                self.notify("Nothing accepted: the lines marked ! are ones you changed too (a on one takes "
                            "the model's, r keeps yours).", severity="warning")
            else:
                self.notify("Nothing accepted: those lines no longer fit the song (F2 asks again).",
                            severity="warning")
            self._show_proposal(rest)
            return
        if current.base != before:
            self.notify("Your page is ChordPro now: kept as your own version before the model's lines.")
        self._accepted(before, event.proposal)
        n = len(chosen)
        asked = len(ids) if ids is not None else n
        gone = f" ({asked - n} no longer fit the song)" if n < asked else ""
        pending = len(rest.conflicts)
        still = f"; {pending} you changed too wait{'s' * (pending == 1)} (marked !)" if pending else ""
        self.notify(f"Accepted {n} line{'s' * (n != 1)} from {event.proposal.model}{gone}{still}.")
        self._show_proposal(rest)

    def _follow_song(self, text: str, moved: Proposal | None, *, transposed: bool) -> None:
        proposal = self.proposal
        if proposal is None:
            return
        if moved is not None and moved.base == text:
            self._show_proposal(moved)
            self.notify("The proposal moved to the new key with the song.")
            return
        followed = self.ws.follow(proposal)
        if followed is None:  # its lines would come in the old key: closed, not left to mislead
            self._show_proposal(None)
            self.notify("Proposal closed: it could not move to the new key (F2 asks again).",
                        severity="warning")
            return
        self._show_proposal(followed)
        if not followed.changes and not followed.alternatives:
            self.notify("Proposal closed: the song changed under it (F2 asks again).", severity="warning")
        elif transposed:
            self.notify("The proposal moved to the new key with the song.")

    def on_proposal_view_chosen(self, event: ProposalView.Chosen) -> None:
        self._catch_up()
        before = self.ws.text
        chosen = event.proposal.choose(event.index)
        try:
            self.ws.accept(chosen, [c.id for c in chosen.changes])  # picked by the writer: even a conflict
        except CowriterError as exc:
            self._show_proposal(None)
            self.notify(f"Not accepted: {exc}", severity="warning")
            return
        self._accepted(before, event.proposal)
        self._show_proposal(None)
        line = "" if event.proposal.line is None else f" {event.proposal.line + 1}"
        self.notify(f"Accepted alternative {event.index + 1} for line{line} from {event.proposal.model}.")

    def _accepted(self, before: str, proposal: Proposal) -> None:
        """The song took the model's lines: show them, and record the version credited to the model."""
        self._replace_text(self.ws.text)
        ws, after, revision = self.ws, self.ws.text, self.ws.revision
        self._show_lines(before, after)

        def work() -> None:
            try:
                ws.record_accept(before, after, proposal.model, proposal.prompt, revision=revision)
            except CowriterError as exc:
                self.post_message(m.Saved("", after, str(exc)))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)
        self._schedule_save()

    def _show_lines(self, before: str, after: str) -> None:
        """Scroll the editor to the lines `after` has that `before` had not (the cursor stays put)."""
        from textual.geometry import Region

        from cowriter.service.workspace.diff import apply_changes, diff_changes

        changes = diff_changes(before, after)
        _, brought = apply_changes(before, changes, {c.id for c in changes})
        if not brought:
            return
        first, last = min(brought), max(brought)
        editor = self.editor

        def scroll() -> None:
            height = max(editor.scrollable_content_region.height, 1)
            top, rows = editor.line_rows(first, last)  # rows on screen: long lines wrap
            if not editor.scroll_offset.y <= top <= top + rows <= editor.scroll_offset.y + height:
                editor.scroll_to_region(Region(0, top, 1, min(rows, height)), animate=False, force=True)

        self.call_after_refresh(scroll)

    def on_proposal_view_play_requested(self, event: ProposalView.PlayRequested) -> None:
        self._hear(event.proposal)

    def _hear(self, proposal: Proposal) -> None:
        """Play the song with `proposal` in it, from the bar of its first changed line to its last (the
        bars are found in a worker: it parses and times the song)."""
        self._melody_queue = ()
        ws = self.ws

        def work() -> None:
            try:
                where = ws.proposal_bars(proposal)
            except Exception:  # playing it all is still hearing it
                where = None
            if where is None:
                self.app.call_from_thread(self._play, proposal.text, what="the song with the proposal")
            else:
                self.app.call_from_thread(
                    self._play, proposal.text, bar=where[0], until_bar=where[1], what="the proposal's bars"
                )

        self.run_worker(work, thread=True, group="hear", exclusive=True, exit_on_error=False)
