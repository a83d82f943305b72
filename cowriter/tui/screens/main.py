"""The one screen where the song, the conversation and the sound live together.

Everything that blocks (parsing for the gutter, the model, arranging and playing, transposing, saving) runs
in thread workers that only post messages (`cowriter.tui.messages`); the handlers here update widgets.
The workspace is mutated on this (the UI) thread only. Shared state and saving live in
`screens/base.py`, the transport in `screens/playback.py`.
"""

from __future__ import annotations

import base64
import contextlib
import os
import threading
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, TextArea

from cowriter.errors import CowriterError
from cowriter.service.workspace import Proposal
from cowriter.tui import messages as m
from cowriter.tui.commands import bindings
from cowriter.tui.screens.melody import MelodyActions, review_key
from cowriter.tui.widgets.chat import ChatView
from cowriter.tui.widgets.sheet_editor import SheetEditor
from cowriter.tui.widgets.status import StatusBar
from cowriter.tui.widgets.transport import Transport

if TYPE_CHECKING:  # imported with the first proposal (handlers below are found by name)
    from cowriter.tui.widgets.proposal import ProposalView

STOPPING = "stopping…"  # the status while a cancelled reply winds down
CHECK_DELAY = 0.08  # seconds of quiet typing before the gutter is recomputed
OSC52_LIMIT = 74_000  # bytes of base64: several terminals drop longer OSC 52 sequences


def lower_priority(niceness: int = 4) -> None:
    """Make the calling thread (and the threads it starts, e.g. llama.cpp's) yield the CPU to the UI.
    Linux keeps a nice value per thread; elsewhere this does nothing."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)


class MainScreen(MelodyActions):
    BINDINGS: ClassVar[list[BindingType]] = bindings()  # type: ignore[assignment]

    _streamed = ""  # the reply so far
    history_session: str | None = None  # the session to keep an opened file's history in (set by the app)
    _reply_asked: tuple[object, ...] = ()  # what the writer was doing when they asked (see `_waiting`)

    # -- layout ------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield SheetEditor(self.ws.text, id="editor")
            with Vertical(id="side"):
                # the ProposalView mounts with the first proposal (a lighter first frame)
                yield ChatView(id="chat")
        yield Transport(id="transport")
        yield StatusBar(id="status")
        # the Footer (key bindings) mounts right after the first frame: it is the costliest widget to build

    def on_mount(self) -> None:
        self.editor.focus()
        self.call_after_refresh(self._after_first_frame)
        self.status.route = self.ws.audio_label
        self.status.saved = self._saved_label()
        self.transport.style = self.ws.settings.style or ""
        row, col = self.ws.cursor
        if 0 < row < self.editor.document.line_count:
            self.editor.cursor_location = (row, col)
        if self.ws.notice:
            self.notify(self.ws.notice, title="Session", severity="warning", timeout=10)

    def _after_first_frame(self) -> None:
        """What can wait until the writer sees the song: the footer, the model's name, the first check."""
        if not self.is_attached:  # quitting already
            return
        self.mount(Footer())
        self.call_after_refresh(self.refresh_bindings)  # the footer fills in from the bindings
        self.chat.add("model", "Ask for a verse, a chorus, other lines, chords… (F2). "
                      "Proposals appear above; nothing changes until you accept.")
        self._show_history()
        self._find_model()
        self._schedule_check(0.05)
        if self.history_session:
            self._open_history(self.history_session)

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

        self.run_worker(work, thread=True, group="find-model", exit_on_error=False)

    def _show_model(self, name: str, problem: str) -> None:
        self.status.model = name
        self.status.model_problem = problem

    def _show_history(self) -> None:
        for message in self.ws.history:
            self.chat.add("writer" if message.role == "user" else "model", message.content)

    def _open_history(self, name: str) -> None:
        """Open the session that keeps this file's history (chat, versions, who wrote each line) in a
        worker; the workspace adopts it on this thread when it is ready."""
        ws = self.ws

        def work() -> None:
            try:
                self.post_message(m.SessionOpened(ws.open_session(name)))
            except CowriterError as exc:
                self.post_message(m.SessionOpened(None, str(exc)))
            except Exception as exc:  # history not kept is a notice, never a crash
                self.post_message(m.SessionOpened(None, f"{type(exc).__name__}: {exc}"))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

    def on_session_opened(self, message: m.SessionOpened) -> None:
        opened = message.opened
        if opened is None:
            self.notify(f"This song's history is not kept: {message.error}", title="Session",
                        severity="warning", timeout=8)
            return
        untouched = self.ws.text == opened.text
        self.ws.adopt(opened)
        self._show_history()
        if untouched and self.editor.cursor_location == (0, 0):  # back where the writer left off
            row, col = self.ws.cursor
            if 0 < row < self.editor.document.line_count:
                self.editor.cursor_location = (row, col)
        self.status.saved = self._saved_label()
        if self.ws.notice:
            self.notify(self.ws.notice, title="Session", severity="warning", timeout=10)

    # -- the song text -----------------------------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _edited(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        if text == self.ws.text:
            return
        self.ws.set_text(text)
        if self.proposal is not None:
            self._show_proposal(self.proposal.rebase(text))
        self.status.saved = self._saved_label()
        self._schedule_check(CHECK_DELAY)
        self._schedule_save()

    @on(TextArea.SelectionChanged, "#editor")
    def _moved(self, event: TextArea.SelectionChanged) -> None:
        self._show_hint()

    # -- the model ---------------------------------------------------------------------------------------

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
        ws = self.ws
        pieces: list[str] = []

        def on_token(piece: str) -> None:
            pieces.append(piece)
            self.post_message(m.TokenStreamed(request, "".join(pieces)))

        def work() -> None:
            lower_priority()  # the model's threads start from here and inherit it: typing stays quick
            try:
                if line is None:
                    proposal = ws.propose(prompt, on_token=on_token, cancel=cancel)
                else:
                    proposal = ws.alternatives(line, on_token=on_token, cancel=cancel)
            except CowriterError as exc:
                self.post_message(m.ModelFailed(request, str(exc), cancelled=cancel.is_set()))
            except Exception as exc:  # the promise: a notification, never a crash
                self.post_message(m.ModelFailed(request, f"{type(exc).__name__}: {exc}"))
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
        if proposal.base != self.ws.text:
            proposal = proposal.rebase(self.ws.text)
        if not proposal.changes and not proposal.alternatives:
            self.notify("The reply changes nothing in the song.", severity="warning")
            return
        if proposal.errors:
            self.notify("Proposal has problems: " + "; ".join(proposal.errors[:3]), severity="warning")
        self._show_proposal(proposal)
        if self._waiting(self._reply_asked):
            self.proposal_view.focus_list()
        else:  # the writer went on writing: their keys stay theirs
            what = "Alternatives" if proposal.alternatives else "Proposal"
            self.notify(f"{what} ready: {review_key()} to review.", title="Co-writer")

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
        self.proposal = proposal
        if proposal is not None or self.query("#proposal"):
            self.proposal_view.show(proposal)
        self.query_one("#side").set_class(proposal is not None, "-wide")
        if proposal is None and not self.editor.has_focus and not self.chat.input.has_focus:
            self.editor.focus()

    def on_proposal_view_decided(self, event: ProposalView.Decided) -> None:
        ids = list(event.ids) if event.ids is not None else None
        if event.accept:
            before = self.ws.text
            asked = len(ids) if ids is not None else len(event.proposal.changes)
            n = self._still_fitting(event.proposal, ids)
            rest = self.ws.accept(event.proposal, ids)
            if self.ws.text == before:  # nothing of it fits the song any more: never a false "Accepted"
                self.notify("Nothing accepted: those lines no longer fit the song (F2 asks again).",
                            severity="warning")
                self._show_proposal(rest)
                return
            self._accepted(before, event.proposal)
            gone = f" ({asked - n} no longer fit the song)" if n < asked else ""
            self.notify(f"Accepted {n} line{'s' * (n != 1)} from {event.proposal.model}{gone}.")
        else:
            rest = self.ws.reject(event.proposal, ids)
        self._show_proposal(rest)

    def _still_fitting(self, proposal: Proposal, ids: list[int] | None) -> int:
        """How many of the changes `ids` (all when None) `Workspace.accept` will put in the song now: a
        proposal made for an older text keeps only the changes that still fit it."""
        chosen = [c for c in proposal.changes if ids is None or c.id in ids]
        if proposal.base == self.ws.text:
            return len(chosen)
        wanted = {(c.old, c.new) for c in chosen}
        return sum((c.old, c.new) in wanted for c in proposal.rebase(self.ws.text).changes)

    def _follow_song(self, text: str, moved: Proposal | None, *, transposed: bool) -> None:
        proposal = self.proposal
        if proposal is None:
            return
        if moved is not None and moved.base == text:
            self._show_proposal(moved)
            self.notify("The proposal moved to the new key with the song.")
            return
        if transposed:  # its lines would come in the old key: closed, not left to mislead
            self._show_proposal(None)
            self.notify("Proposal closed: it could not move to the new key (F2 asks again).",
                        severity="warning")
            return
        rebased = proposal.rebase(text)
        self._show_proposal(rebased)
        if not rebased.changes and not rebased.alternatives:
            self.notify("Proposal closed: the song changed under it (F2 asks again).", severity="warning")
        elif len(rebased.changes) < len(proposal.changes):
            self.notify("Some of the proposal no longer fits the song and was dropped.", severity="warning")

    def on_proposal_view_chosen(self, event: ProposalView.Chosen) -> None:
        before = self.ws.text
        self.ws.accept(event.proposal.choose(event.index))
        self._accepted(before, event.proposal)
        self._show_proposal(None)
        line = "" if event.proposal.line is None else f" {event.proposal.line + 1}"
        self.notify(f"Accepted alternative {event.index + 1} for line{line} from {event.proposal.model}.")

    def _accepted(self, before: str, proposal: Proposal) -> None:
        """The song took the model's lines: show them, and record the version credited to the model."""
        self._replace_text(self.ws.text)
        ws, after = self.ws, self.ws.text
        self._show_lines(before, after)

        def work() -> None:
            try:
                ws.record_accept(before, after, proposal.model, proposal.prompt)
            except CowriterError as exc:
                self.post_message(m.Saved("", after, str(exc)))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)
        self._schedule_save()

    def _show_lines(self, before: str, after: str) -> None:
        """Scroll the editor to the lines `after` has that `before` had not (the cursor stays put)."""
        from textual.geometry import Region

        from cowriter.service.workspace_diff import apply_changes, diff_changes

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
                self.app.call_from_thread(self._play, proposal.text)
            else:
                self.app.call_from_thread(self._play, proposal.text, bar=where[0], until_bar=where[1])

        self.run_worker(work, thread=True, group="hear", exclusive=True, exit_on_error=False)

    # -- actions -----------------------------------------------------------------------------------------

    def action_help(self) -> None:
        from cowriter.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_ask(self) -> None:
        self.chat.input.focus()

    def action_regenerate(self) -> None:
        if not self._last_prompt:
            self.notify("Nothing to regenerate yet: ask something first (F2).")
            return
        self._show_proposal(None)
        self._ask(self._last_prompt)

    def action_alternatives(self) -> None:
        from cowriter.service.workspace_model import lyric_words

        row = self.editor.cursor_location[0]
        if not lyric_words(self.ws.lines[row] if row < len(self.ws.lines) else ""):
            self.notify("Put the cursor on a lyric line to ask for other versions of it.", severity="warning")
            return
        self._ask("", line=row)

    def cancel_reply(self) -> bool:
        """Stop the model's reply in flight, if there is one (it ends as "cancelled"); True when there
        was one to stop."""
        cancel = self._cancel
        if cancel is None:
            return False
        cancel.set()
        # the model stops at its next token: while it reads the prompt that can take seconds
        self.status.model_state = STOPPING
        return True

    def action_cancel(self) -> None:
        if self.cancel_reply():
            return
        if self.transport.playing:
            self.action_play()
        elif (
            self.proposal is not None
            and self.proposal.alternatives
            and self.focused is self.proposal_view.options
        ):  # Esc in the alternatives: none of them
            self._show_proposal(self.ws.reject(self.proposal))
        elif (self.proposal is not None or self.melody is not None) and not self.editor.has_focus:
            self.editor.focus()

    def action_focus_proposal(self) -> None:
        """The open proposal's list; with melody sketches open too, each in turn."""
        if self.proposal is None and self.melody is None:
            self.notify("No proposal open.")
        elif self.melody is not None and (
            self.proposal is None or self.focused is self.proposal_view.options
        ):
            self.melody_view.focus_list()
        else:
            self.proposal_view.focus_list()

    def action_accept_all(self) -> None:
        if self.proposal is not None:
            self.proposal_view.action_accept_all()

    def action_reject_all(self) -> None:
        if self.proposal is not None:
            self.proposal_view.action_reject_all()

    def action_play_proposal(self) -> None:
        if self.proposal is not None:
            self._hear(self.proposal)

    # -- saving, export, copy ----------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.ws.read_only and self.ws.path is None:  # another writer's session: a copy is what's left
            self.action_export()
            return
        if not self.ws.can_save:  # nowhere yet: give the song a home, as quitting would offer
            from cowriter.tui.screens.quit import KEPT, QuitScreen

            def kept(decision: str | None) -> None:
                if decision == KEPT:
                    self._save(quiet=False)  # the session has it: "saved", and autosave goes there

            self.app.push_screen(QuitScreen(self.ws, saving=True), kept)
            return
        self._save(quiet=False)

    def action_export(self) -> None:
        from cowriter.tui.screens.export import ExportScreen

        def done(path: str | None) -> None:
            if path:
                self._export(path)

        self.app.push_screen(ExportScreen(self.ws.suggested_export()), done)

    def _export(self, path: str) -> None:
        """Write the song to `path` in a worker. A MIDI, lead sheet or WAV takes seconds (arranging,
        rendering): the status line says "exporting…" meanwhile, and a notice says what was written."""
        from cowriter.service.workspace_export import export_kind

        ws = self.ws
        try:
            kind, what = export_kind(path)
        except CowriterError:  # the export screen checked it; the worker says why if not
            kind, what = "", "the song"
        if kind not in ("chordpro", "text"):
            self.notify(f"Exporting {what}…")
        self.status.saved = "exporting…"

        def work() -> None:
            try:
                where = ws.export(path)
            except CowriterError as exc:
                self.app.call_from_thread(self._exported, what, "", str(exc))
            except Exception as exc:  # a notice, never a crash
                self.app.call_from_thread(self._exported, what, "", f"{type(exc).__name__}: {exc}")
            else:
                self.app.call_from_thread(self._exported, what, str(where))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

    def _exported(self, what: str, where: str, error: str = "") -> None:
        self.status.saved = self._saved_label()
        if error:
            self.notify(error, title="Export", severity="error", timeout=8)
        else:
            self.notify(f"Exported {what} to {where}.")

    def action_copy_song(self) -> None:
        text = self.editor.selected_text or self.ws.text
        size = len(base64.b64encode(text.encode("utf-8")))
        if size > OSC52_LIMIT:
            self.notify(
                f"Too large for the terminal clipboard ({size // 1024} KB); export it instead (ctrl+o).",
                severity="warning",
            )
            return
        self.app.copy_to_clipboard(text)
        what = "selection" if self.editor.selected_text else "song"
        self.notify(f"Copied the {what} ({len(text)} characters) via the terminal (OSC 52).")

    def remember(self) -> None:
        self.ws.remember(self.editor.cursor_location)

    async def on_unmount(self) -> None:
        self.ws.stop()
