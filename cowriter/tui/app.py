"""The Textual app: thin. It holds the workspace, installs the main screen and the command palette
entries, and closes the workspace on the way out: a reply in flight is cancelled and the workers are given
a moment to end first, the song is saved, and a song with nowhere to go is offered a session. When the
terminal goes away (SIGHUP) or the process is told to end (SIGTERM), the song is kept first."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.filter import LineFilter
from textual.notifications import SeverityLevel

from cowriter.service.workspace import Workspace
from cowriter.textsafe import safe, safe_line
from cowriter.tui.commands import CowriterCommands
from cowriter.tui.screens.main import MainScreen
from cowriter.tui.textfilter import ShowControls

DEFAULT_THEME = "textual-dark"
NOTICE_SECONDS = 4.0  # how long a notice stays (Textual's default is 5): it is one line, read at a glance
QUIT_WAIT = 10.0  # seconds the quit waits for workers (a cancelled reply stops within a token)
NOTICE_AFTER = 0.3  # seconds of waiting before the quit says what it waits for
SHOW_CONTROLS = ShowControls()


class CowriterApp(App[int]):
    TITLE = "cowriter"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses (tests) live elsewhere
    COMMANDS = App.COMMANDS | {CowriterCommands}
    NOTIFICATION_TIMEOUT = NOTICE_SECONDS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+l", "redraw", "Redraw", show=False, priority=True),
    ]

    def __init__(
        self,
        workspace: Workspace,
        *,
        theme: str = DEFAULT_THEME,
        history_session: str | None = None,
        recover: bool = False,
        signals: bool = False,
        unknown_session: tuple[str, list[str]] | None = None,
    ) -> None:
        """`history_session`: the session to keep an opened file's history in, opened after the first
        frame (`cowriter open FILE` without --session). `recover`: offer back the songs an earlier cowriter
        left unsaved (after the first frame; a bare `cowriter`). `signals`: a hang-up (the terminal went
        away) or a request to end keeps the song first (the real program; not in tests).
        `unknown_session`: `--session NAME` named no session: (NAME, the near names), asked on the first
        frame (no key reaches the song before the answer); none is made until the writer chooses to."""
        super().__init__()
        self.workspace = workspace
        self.theme = theme
        self.history_session = history_session
        self.recover = recover
        self.signals = signals
        self.unknown_session = unknown_session
        self._quitting = False

    def on_mount(self) -> None:
        if self.signals:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGHUP, self._hung_up)
            loop.add_signal_handler(signal.SIGTERM, self._told_to_end)

    def _hung_up(self) -> None:
        """The terminal is gone (SIGHUP): keep the song where it lives (file and session, or the recovery
        store), then end at once; there is no screen left to restore. Runs on the event loop, between
        the UI's own steps, never inside one of them."""
        try:
            self._catch_up()
            self.workspace.hang_up()
        finally:
            os._exit(128 + signal.SIGHUP)

    def _told_to_end(self) -> None:
        """SIGTERM: keep the song the same way, then leave as ctrl+q would (the terminal is still there)."""
        if self._quitting:
            return
        self._quitting = True
        main = self.main_screen
        if main is not None:
            main.cancel_reply()
        try:
            self._catch_up()
            self.workspace.hang_up()
        finally:
            self.exit(128 + signal.SIGTERM)

    def _catch_up(self) -> None:
        """The editor's text into the workspace, should its last keystroke still be on its way there."""
        main = self.main_screen
        if main is not None and main.is_attached:
            main._catch_up()

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the one that shows every control character a row would send to the
        terminal (`tui.textfilter`): nothing a song, a model or a server wrote can drive it."""
        return [*super().get_line_filters(), SHOW_CONTROLS]

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notice as plain text with its controls shown: a path, a song's line or a server's
        message in it can neither drive the terminal nor be read as markup (`[` in a file name). Never
        markup, whatever the caller says: a widget's `notify` passes Textual's default (markup on).

        A notice is a line at the bottom of the screen (`app.tcss`): its title leads the line ("Melody:
        …") instead of taking a line of its own."""
        del markup
        shown = safe(message)
        if title:
            shown = f"{safe_line(title)}: {shown}"
        super().notify(shown, severity=severity, timeout=timeout, markup=False)

    def get_default_screen(self) -> MainScreen:
        screen = MainScreen(self.workspace)
        screen.history_session = self.history_session
        return screen

    @property
    def main_screen(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def action_redraw(self) -> None:
        """ctrl+l, as in shells and editors: draw the whole screen again (after another program, or a
        message from the system, wrote over it)."""
        self.screen.refresh(repaint=True, layout=True)

    async def action_quit(self) -> None:
        from cowriter.tui.screens.quit import QuitScreen

        if self._quitting or isinstance(self.screen, QuitScreen):
            return  # already on the way out, or asking where the song goes
        ws = self.workspace
        main = self.main_screen
        self._catch_up()  # the last keystrokes, should they still be on their way
        if main is not None and main.is_attached:
            try:
                main.remember()
            except Exception as exc:  # where the cursor was is not worth losing the quit
                self.log.warning(f"cursor not kept: {exc}")
        if not ws.can_save and ws.dirty and ws.text.strip():
            self.push_screen(QuitScreen(ws), self._quit_decided)
            return
        await self._shut_down()

    async def _quit_decided(self, decision: str | None) -> None:
        from cowriter.tui.screens.quit import DISCARD

        if decision == DISCARD:  # thrown away on purpose: not offered back next time either
            await asyncio.to_thread(self.workspace.discard_scratch)
        if decision is not None:  # kept in a session, or thrown away on purpose; None: back to the song
            await self._shut_down()

    async def _shut_down(self) -> None:
        """Stop the model and wait for the workers, save, close, exit. The workspace (and the model in it)
        is closed only once nothing runs in it any more, or after QUIT_WAIT seconds (the llama backend
        itself never frees the model under a running generation)."""
        self._quitting = True
        ws = self.workspace
        main = self.main_screen
        if main is not None:
            main.cancel_reply()  # the reply in flight, if any
        await self._wait_for_workers(QUIT_WAIT)
        if ws.homeless and not ws.text.strip():  # nothing left to keep
            await asyncio.to_thread(ws.discard_scratch)
        if ws.can_save and ws.dirty:
            try:
                await asyncio.to_thread(ws.save)
            except Exception as exc:  # never lose the song silently: say why, and stay
                self._quitting = False
                self.notify(f"Not saved: {exc}", severity="error")
                return
        await asyncio.to_thread(ws.close)
        self.exit(0)

    async def _wait_for_workers(self, timeout: float) -> None:
        """Until every worker has ended, or `timeout` seconds. A wait the writer would notice (the model
        reading a long prompt finishes that step before it can stop) is said on screen."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        said = False
        while (running := [w for w in self.workers if not w.is_finished]) and loop.time() < start + timeout:
            if not said and loop.time() > start + NOTICE_AFTER:
                said = True
                model = any(w.group == "model" for w in running)
                self.notify("Quitting once the co-writer stops…" if model else "Quitting…", timeout=timeout)
            await asyncio.sleep(0.02)
