"""The Textual app: thin. It holds the workspace, installs the main screen and the command palette
entries, and closes the workspace on the way out (saving first)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from cowriter.service.workspace import Workspace
from cowriter.tui.commands import CowriterCommands
from cowriter.tui.screens.main import MainScreen

DEFAULT_THEME = "textual-dark"


class CowriterApp(App[int]):
    TITLE = "cowriter"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses (tests) live elsewhere
    COMMANDS = App.COMMANDS | {CowriterCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, workspace: Workspace, *, theme: str = DEFAULT_THEME) -> None:
        super().__init__()
        self.workspace = workspace
        self.theme = theme

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.workspace)

    async def action_quit(self) -> None:
        ws = self.workspace
        screen = self.screen
        if isinstance(screen, MainScreen):
            try:
                screen.remember()
            except Exception as exc:  # where the cursor was is not worth losing the quit
                self.log.warning(f"cursor not kept: {exc}")
        if ws.can_save and ws.dirty:
            try:
                ws.save()
            except Exception as exc:  # never lose the quit; say why the save failed
                self.notify(f"Not saved: {exc}", severity="error")
                return
        ws.close()
        self.exit(0)
