"""The one screen where the song, the conversation and the sound live together.

Everything that blocks (parsing for the gutter, the model, arranging and playing, transposing, saving) runs
in thread workers that only post messages (`cowriter.tui.messages`); the handlers here update widgets.
The workspace is mutated on this (the UI) thread only.
"""

from __future__ import annotations

import base64
import contextlib
import os
import threading
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, TextArea

from cowriter.errors import CowriterError
from cowriter.service.workspace import PlayPosition, Proposal, Workspace
from cowriter.service.workspace_diff import section_at
from cowriter.tui import messages as m
from cowriter.tui.commands import bindings
from cowriter.tui.widgets.chat import ChatView
from cowriter.tui.widgets.proposal import ProposalView
from cowriter.tui.widgets.sheet_editor import SheetEditor
from cowriter.tui.widgets.status import StatusBar
from cowriter.tui.widgets.transport import Transport

CHECK_DELAY = 0.08  # seconds of quiet typing before the gutter is recomputed
SAVE_DELAY = 2.0  # seconds of quiet typing before an automatic save
OSC52_LIMIT = 74_000  # bytes of base64: several terminals drop longer OSC 52 sequences


def lower_priority(niceness: int = 4) -> None:
    """Make the calling thread (and the threads it starts, e.g. llama.cpp's) yield the CPU to the UI.
    Linux keeps a nice value per thread; elsewhere this does nothing."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings()  # type: ignore[assignment]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.ws = workspace
        self.proposal: Proposal | None = None
        self._request = 0
        self._last_prompt = ""
        self._cancel: threading.Event | None = None
        self._check_timer: Timer | None = None
        self._save_timer: Timer | None = None
        self._watch_timer: Timer | None = None
        self._playing_song = False

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

    @property
    def editor(self) -> SheetEditor:
        return self.query_one(SheetEditor)

    @property
    def chat(self) -> ChatView:
        return self.query_one(ChatView)

    @property
    def proposal_view(self) -> ProposalView:
        return self.query_one(ProposalView)

    @property
    def transport(self) -> Transport:
        return self.query_one(Transport)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

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
        for message in self.ws.history:
            self.chat.add("writer" if message.role == "user" else "model", message.content)
        self.status.model = self.ws.model_name
        self._schedule_check(0.05)

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
        if self._save_timer is not None:
            self._save_timer.stop()
        if self.ws.can_save:
            self._save_timer = self.set_timer(SAVE_DELAY, self._autosave)

    @on(TextArea.SelectionChanged, "#editor")
    def _moved(self, event: TextArea.SelectionChanged) -> None:
        self._show_hint()

    def _show_hint(self) -> None:
        """The message of a problem on the cursor's line, in the status line."""
        row = self.editor.cursor_location[0]
        found = self.editor.diagnostics_at(row)
        self.status.hint = f"line {row + 1}: {found[0].message}" if found else ""

    def _schedule_check(self, delay: float) -> None:
        if self._check_timer is not None:
            self._check_timer.stop()
        self._check_timer = self.set_timer(delay, self._start_check) if delay else None
        if not delay:
            self._start_check()

    def _start_check(self) -> None:
        text = self.ws.text
        ws = self.ws

        def work() -> None:
            self.post_message(m.Checked(text, ws.check(text)))

        self.run_worker(work, thread=True, group="check", exclusive=True, exit_on_error=False)

    def on_checked(self, message: m.Checked) -> None:
        if message.text != self.ws.text:
            return  # a newer check is on its way
        check = message.check
        self.editor.set_diagnostics(check.diagnostics)
        self.editor.set_lyrics(check.gutter)
        self._show_hint()
        self.status.problems = len(check.errors)
        if check.song is not None:
            self.transport.key = check.song.key or ""
            if self.ws.settings.bpm is None and check.song.tempo:
                self.transport.bpm = check.song.tempo
        self.transport.bars = check.bars

    def _replace_text(self, text: str) -> None:
        """Put `text` in the editor as one undoable edit (the workspace already holds it)."""
        editor = self.editor
        row, col = editor.cursor_location
        editor.replace(text, (0, 0), editor.document.end)
        last = editor.document.line_count - 1
        row = min(row, last)
        editor.cursor_location = (row, min(col, len(editor.document.get_line(row))))
        self.status.saved = self._saved_label()
        self._schedule_check(0)

    # -- the model ---------------------------------------------------------------------------------------

    @on(ChatView.Submitted)
    def _asked(self, event: ChatView.Submitted) -> None:
        self._ask(event.prompt)

    def _ask(self, prompt: str, *, line: int | None = None) -> None:
        if self._cancel is not None:
            self.notify("The co-writer is still answering (Esc cancels).", severity="warning")
            return
        self._request += 1
        request = self._request
        cancel = threading.Event()
        self._cancel = cancel
        self._last_prompt = prompt
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

    def on_token_streamed(self, message: m.TokenStreamed) -> None:
        if message.request == self._request:
            self.chat.stream(message.text)

    async def on_proposal_ready(self, message: m.ProposalReady) -> None:
        if message.request != self._request:
            return
        if not self.query(ProposalView):
            await self.query_one("#side").mount(ProposalView(id="proposal"), before=0)
        self._cancel = None
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
        self.proposal_view.focus_list()

    def on_model_failed(self, message: m.ModelFailed) -> None:
        if message.request != self._request:
            return
        self._cancel = None
        self.status.model_state = "idle"
        self.chat.end_reply(note="cancelled" if message.cancelled else message.error)
        if message.cancelled:
            self.notify("Reply cancelled.")
        else:
            self.notify(message.error, title="Co-writer", severity="error", timeout=8)

    def _show_proposal(self, proposal: Proposal | None) -> None:
        if proposal is not None and not proposal.changes and not proposal.alternatives:
            proposal = None
        self.proposal = proposal
        if proposal is not None or self.query(ProposalView):
            self.proposal_view.show(proposal)
        self.query_one("#side").set_class(proposal is not None, "-wide")
        if proposal is None and not self.editor.has_focus and not self.chat.input.has_focus:
            self.editor.focus()

    @on(ProposalView.Decided)
    def _decided(self, event: ProposalView.Decided) -> None:
        ids = list(event.ids) if event.ids is not None else None
        if event.accept:
            before = self.ws.text
            rest = self.ws.accept(event.proposal, ids)
            self._accepted(before, event.proposal)
            n = len(ids) if ids is not None else len(event.proposal.changes)
            self.notify(f"Accepted {n} line{'s' * (n != 1)} from {event.proposal.model}.")
        else:
            rest = self.ws.reject(event.proposal, ids)
        self._show_proposal(rest)

    @on(ProposalView.Chosen)
    def _chosen(self, event: ProposalView.Chosen) -> None:
        before = self.ws.text
        self.ws.accept(event.proposal.choose(event.index))
        self._accepted(before, event.proposal)
        self._show_proposal(None)

    def _accepted(self, before: str, proposal: Proposal) -> None:
        """The song took the model's lines: show them, and record the version credited to the model."""
        self._replace_text(self.ws.text)
        ws, after = self.ws, self.ws.text

        def work() -> None:
            try:
                ws.record_accept(before, after, proposal.model, proposal.prompt)
            except CowriterError as exc:
                self.post_message(m.Saved("", after, str(exc)))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)
        self._schedule_save()

    @on(ProposalView.PlayRequested)
    def _play_requested(self, event: ProposalView.PlayRequested) -> None:
        self._play(text=event.proposal.text)

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
        self._ask("", line=self.editor.cursor_location[0])

    def action_cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        elif self.transport.playing:
            self.action_play()
        elif self.proposal is not None and not self.editor.has_focus:
            self.editor.focus()

    def action_focus_proposal(self) -> None:
        if self.proposal is None:
            self.notify("No proposal open.")
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
            self._play(text=self.proposal.text)

    def action_play(self) -> None:
        if self.transport.playing:
            self.run_worker(self.ws.stop, thread=True, group="stop", exit_on_error=False)
            self._stopped()
            return
        self._play()

    def _play(self, text: str | None = None) -> None:
        self._playing_song = text is None
        ws = self.ws
        section = self.transport.loop or None

        def moved(pos: PlayPosition) -> None:
            self.post_message(m.PlayheadMoved(pos))

        def work() -> None:
            try:
                route = ws.play(
                    moved,
                    text=text,
                    section=section,
                    loop=section is not None,
                )
            except CowriterError as exc:
                self.post_message(m.PlaybackStopped(str(exc)))
            except Exception as exc:
                self.post_message(m.PlaybackStopped(f"{type(exc).__name__}: {exc}"))
            else:
                self.post_message(m.PlaybackStarted(route))

        self.transport.playing = True
        self.run_worker(work, thread=True, group="play", exclusive=True, exit_on_error=False)

    def on_playback_started(self, message: m.PlaybackStarted) -> None:
        if message.route:
            self.status.route = message.route
        if self._watch_timer is None:
            self._watch_timer = self.set_interval(0.25, self._watch_playback)

    def _watch_playback(self) -> None:
        if not self.ws.playing:
            self._stopped()
            route = self.status.route
            if route.startswith("WAV to "):
                self.notify(f"Sound written {route.removeprefix('WAV ')}: play it with any player.")

    def on_playback_stopped(self, message: m.PlaybackStopped) -> None:
        self._stopped()
        if message.error:
            self.notify(message.error, title="Playback", severity="error", timeout=8)

    def _stopped(self) -> None:
        if self._watch_timer is not None:
            self._watch_timer.stop()
            self._watch_timer = None
        self.transport.playing = False
        self.editor.set_play_line(None)

    def on_playhead_moved(self, message: m.PlayheadMoved) -> None:
        if not self.transport.playing:
            return
        pos = message.position
        self.transport.bar = pos.bar
        self.transport.beat = pos.beat
        if self._playing_song and pos.line:
            self.editor.set_play_line(pos.line - 1)

    def action_loop_section(self) -> None:
        if self.transport.loop:
            self.transport.loop = ""
            self.notify("Loop off.")
            return
        name = section_at(self.ws.lines, self.editor.cursor_location[0])
        if not name:
            self.notify("Put the cursor inside a section to loop it.", severity="warning")
            return
        self.transport.loop = name
        self.notify(f"Looping {name} (F5 plays).")
        if self.transport.playing:
            self._play()

    def action_tempo(self, delta: int) -> None:
        current = self.ws.settings.bpm or self.transport.bpm or 100.0
        bpm = max(30.0, min(300.0, current + delta))
        self.ws.set_tempo(bpm)  # queued to the player's thread: returns at once
        self.transport.bpm = bpm

    def action_next_style(self) -> None:
        """The song's own style, then each style in turn."""
        choices: list[str | None] = [None, *self.ws.styles()]
        current = self.ws.settings.style
        nxt = choices[(choices.index(current) + 1) % len(choices)] if current in choices else None
        self.ws.settings.style = nxt
        self.transport.style = nxt or ""
        self.notify(f"Style: {nxt or 'as the song says'} (F5 plays).")

    def action_transpose(self, semitones: int) -> None:
        ws = self.ws
        text = ws.text

        def work() -> None:
            try:
                new = ws.transposed(semitones, text)
            except CowriterError as exc:
                self.post_message(m.SongReplaced("", str(exc)))
            else:
                self.post_message(m.SongReplaced(new, f"{semitones:+d}"))

        self.run_worker(work, thread=True, group="transpose", exit_on_error=False)

    def on_song_replaced(self, message: m.SongReplaced) -> None:
        if not message.text:
            self.notify(message.note, title="Transpose", severity="error")
            return
        self.ws.replace_text(message.text)
        self.ws.settings.transpose += int(message.note or 0)
        self.transport.transpose = self.ws.settings.transpose
        self._replace_text(message.text)
        self._schedule_save()

    # -- saving, export, copy ----------------------------------------------------------------------------

    def _saved_label(self) -> str:
        if not self.ws.can_save:
            return "not saved (ctrl+o exports)"
        return "modified" if self.ws.dirty else "saved"

    def _schedule_save(self) -> None:
        if self.ws.can_save:
            if self._save_timer is not None:
                self._save_timer.stop()
            self._save_timer = self.set_timer(SAVE_DELAY, self._autosave)

    def _autosave(self) -> None:
        self._save(quiet=True)

    def action_save(self) -> None:
        if not self.ws.can_save:
            self.action_export()
            return
        self._save(quiet=False)

    def _save(self, quiet: bool) -> None:
        ws = self.ws
        text = ws.text
        self.status.saved = "saving…"

        def work() -> None:
            try:
                where = ws.save_text(text)
            except CowriterError as exc:
                self.post_message(m.Saved("", text, str(exc)))
            else:
                self.post_message(m.Saved("" if quiet else where, text))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

    def on_saved(self, message: m.Saved) -> None:
        if message.error:
            self.notify(message.error, title="Save", severity="error")
        elif message.where:
            self.notify(f"Saved to {message.where}.")
        self.status.saved = self._saved_label()

    def action_export(self) -> None:
        from cowriter.tui.screens.export import ExportScreen

        def done(path: str | None) -> None:
            if path:
                self._export(path)

        self.app.push_screen(ExportScreen(self.ws.suggested_export()), done)

    def _export(self, path: str) -> None:
        ws = self.ws

        def work() -> None:
            try:
                where = ws.export(path)
            except CowriterError as exc:
                self.post_message(m.Saved("", ws.text, str(exc)))
            else:
                self.post_message(m.Saved(str(where), ws.text))

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

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
