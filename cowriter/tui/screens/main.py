"""The one screen where the song, the conversation and the sound live together.

Everything that blocks (parsing for the gutter, the model, arranging and playing, transposing, saving) runs
in thread workers that only post messages (`cowriter.tui.messages`); the handlers here update widgets.
The workspace is mutated on this (the UI) thread only. Shared state and saving live in
`screens/base.py`, the transport in `screens/playback.py`, melody sketches in `screens/melody.py`, the
co-writer (asking, proposals) in `screens/cowriting.py`.
"""

from __future__ import annotations

import base64
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, TextArea

from cowriter.errors import CowriterError, explain
from cowriter.tui import messages as m
from cowriter.tui.commands import bindings
from cowriter.tui.screens.cowriting import STOPPING, CoWritingActions
from cowriter.tui.widgets.chat import ChatView
from cowriter.tui.widgets.sheet_editor import SheetEditor
from cowriter.tui.widgets.status import StatusBar
from cowriter.tui.widgets.transport import Transport

CHECKING = "looking for speakers…"  # the route until the probe says (a moment after the first frame)
CHECK_DELAY = 0.08  # seconds of quiet typing before the gutter is recomputed
OSC52_LIMIT = 74_000  # bytes of base64: several terminals drop longer OSC 52 sequences


class MainScreen(CoWritingActions):
    BINDINGS: ClassVar[list[BindingType]] = bindings()  # type: ignore[assignment]

    history_session: str | None = None  # the session to keep an opened file's history in (set by the app)

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
        self._fit_layout()
        self.editor.focus()
        self.call_after_refresh(self._after_first_frame)
        label = self.ws.audio_label  # a device is yet to be found (after the first frame)
        self.status.route = CHECKING if label == "speakers" else label
        self.status.saved = self._saved_label()
        self._show_settings()
        row, col = self.ws.cursor
        if 0 < row < self.editor.document.line_count:
            self.editor.cursor_location = (row, col)
        if self.ws.notice:
            self.notify(self.ws.notice, title="Session", severity="warning", timeout=10)
        unknown = getattr(self.app, "unknown_session", None)
        if unknown is not None:  # asked on the first frame: no key reaches a song the answer replaces
            self._ask_session(*unknown)

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
        self._probe_route()
        self._schedule_check(0.05)
        if self.history_session:
            self._open_history(self.history_session)
        if getattr(self.app, "recover", False) and self.ws.homeless and not self.ws.text:
            self._find_left()

    def _ask_session(self, name: str, near: list[str]) -> None:
        """`--session NAME` named no session: offer the near ones, or making NAME; Esc quits."""
        from cowriter.tui.screens.session_choice import SessionChoiceScreen

        def chosen(session: str | None) -> None:
            if session is None:
                self.app.call_later(self.app.action_quit)  # nothing typed, nothing made
            else:
                self._open_history(session)  # an existing one, or NAME made now that it is asked for

        self.app.push_screen(SessionChoiceScreen(name, near), chosen)

    def _find_left(self) -> None:
        """Look for songs earlier cowriters left unsaved (in a worker: the recovery store on disk)."""
        ws = self.ws

        def work() -> None:
            from cowriter.service.workspace import ports

            songs = tuple(ports.left_songs(ws.sessions_dir))
            if songs:
                self.post_message(m.LeftFound(songs))

        self.run_worker(work, thread=True, group="recover", exit_on_error=False)

    def on_left_found(self, message: m.LeftFound) -> None:
        from cowriter.tui.screens.recover import RecoverScreen

        if self.ws.text.strip():  # the writer began already: their keys stay theirs
            n = len(message.songs)
            self.notify(f"{n} unsaved song{'s' * (n != 1)} from an earlier cowriter wait{'s' * (n == 1)}: "
                        "the next bare `cowriter` offers them back.", title="Recovery", timeout=10)
            return
        self.app.push_screen(RecoverScreen(self.ws, message.songs), self._take_back)

    def _take_back(self, name: str | None) -> None:
        """Open the song the writer takes back from the recovery store (in a worker: disk)."""
        if name is None:
            return
        ws = self.ws

        def work() -> None:
            try:
                self.post_message(m.LeftTaken(ws.open_left(name)))
            except CowriterError as exc:
                self.post_message(m.LeftTaken(None, str(exc)))
            except Exception as exc:  # a notice, never a crash
                self.post_message(m.LeftTaken(None, f"{type(exc).__name__}: {exc}"))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

    def on_left_taken(self, message: m.LeftTaken) -> None:
        opened = message.opened
        if opened is None:
            self.notify(f"Not taken back: {message.error}", severity="error", timeout=8)
            return
        if self.ws.text.strip():  # the writer began a new song meanwhile: both are worth keeping
            opened.session.close()
            self.notify("You began a new song meanwhile; the other waits for the next cowriter.",
                        severity="warning")
            return
        self.ws.adopt_left(opened)
        self.editor.load_text(self.ws.text)
        self._schedule_check(0)  # its key, gutter and problems (loading text is no edit: no check follows)
        self._show_history()
        self._show_settings()
        self.status.saved = self._saved_label()
        self._schedule_check(0)
        lines = len([line for line in self.ws.lines if line.strip()])
        self.notify(f"Took back the unsaved song ({lines} lines); ctrl+s gives it a name.")

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
                self.post_message(m.SessionOpened(None, explain(exc)))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

    def on_session_opened(self, message: m.SessionOpened) -> None:
        opened = message.opened
        if opened is None:
            self.notify(f"This song's history is not kept: {message.error}", title="Session",
                        severity="warning", timeout=8)
            return
        self._catch_up()
        untouched, had = self.ws.text == opened.text, self.ws.text
        self.ws.adopt(opened)
        if self.ws.text != had:  # an empty file whose song the session kept (or one chosen by name): shown
            self.editor.load_text(self.ws.text)
            self._schedule_check(0)  # its key, gutter and problems (loading text is no edit: no check)
        self._show_history()
        self._show_settings()
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
        self._take_edit(event.text_area.text)

    def _take_edit(self, text: str) -> None:
        """The writer's text (as the editor has it) into the workspace."""
        if text == self.ws.text:
            return
        self.ws.set_text(text)
        if self.proposal is not None:  # it follows the song: what the writer changes too becomes a conflict
            self._show_proposal(self.ws.follow(self.proposal))
        self.status.saved = self._saved_label()
        self._schedule_check(CHECK_DELAY)
        self._schedule_save()

    @on(TextArea.SelectionChanged, "#editor")
    def _moved(self, event: TextArea.SelectionChanged) -> None:
        self._show_hint()

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
        self._ask(self._last_prompt)  # the open proposal stays; the new one waits behind it

    def action_alternatives(self) -> None:
        from cowriter.service.workspace.model import lyric_words

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
        self.ws.cancel_model()  # at once, even while the model reads a long prompt (not at its next token)
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
        elif self.melody is not None and self.focused is self.melody_view.options:
            self._show_melody(None)  # Esc in the sketches: close them, as r does (the song is untouched)
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
        from cowriter.service.workspace.export import export_kind

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
                self.app.call_from_thread(self._exported, what, "", explain(exc))
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
