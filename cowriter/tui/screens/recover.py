"""Songs an earlier cowriter left unsaved (it crashed, its terminal went away, it was killed), offered back
when a bare `cowriter` starts: take one back, discard it, or start a new song and leave them for next
time. Keyboard only, fits 80x24.

Dismisses with the name of the song to take back, or None. Discarding deletes that song from the recovery
store (in a worker: disk) and leaves the others listed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from cowriter.errors import CowriterError
from cowriter.service.workspace import Workspace
from cowriter.textsafe import safe_line

PREVIEW = 52  # characters of the song's first line shown


class RecoverScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    RecoverScreen { align: center middle; }
    RecoverScreen > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                               border: round $warning; background: $surface; padding: 0 1; }
    RecoverScreen OptionList { height: auto; max-height: 12; border: none; padding: 0; }
    RecoverScreen #recover-error { color: $error; }
    RecoverScreen .recover-keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "take", "Take it back"),
        Binding("d", "discard", "Discard it"),
        Binding("escape", "later", "New song (keep them for later)"),
    ]

    class Discarded(Message):
        def __init__(self, name: str, error: str = "") -> None:
            super().__init__()
            self.name = name
            self.error = error

    def __init__(self, workspace: Workspace, left: Sequence[Any]) -> None:
        super().__init__()
        self.ws = workspace
        self.left = list(left)

    def compose(self) -> ComposeResult:
        with Vertical():
            n = len(self.left)
            what = "a song" if n == 1 else f"{n} songs"
            yield Label(f"[b]A cowriter ended without saving {what}.[/b] Take it back?")
            yield OptionList(*(self._option(song) for song in self.left), id="recover-list")
            yield Label("", id="recover-error")
            yield Label("Enter take it back · d discard it (deleted)", classes="recover-keys")
            yield Label("Esc a new song (they wait for the next cowriter)", classes="recover-keys")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @staticmethod
    def _option(song: Any) -> Option:
        lines = [line for line in str(song.text).split("\n") if line.strip()]
        first = next((line for line in lines if not line.lstrip().startswith("{")), lines[0] if lines else "")
        title = next((line.split(":", 1)[1].strip(" }") for line in lines if line.startswith("{title")), "")
        when = time.strftime("%a %d %b %H:%M", time.localtime(song.modified))
        head = f"{when} · {len(lines)} line{'s' * (len(lines) != 1)}"
        shown = Text(head, "bold")
        words = safe_line(title or first)
        shown.append(f"  {words[:PREVIEW]}{'…' * (len(words) > PREVIEW)}")
        return Option(shown, id=song.name)

    def _highlighted(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.left:
            return None
        return options.get_option_at_index(options.highlighted).id

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_take()

    def action_take(self) -> None:
        name = self._highlighted()
        if name is not None:
            self.dismiss(name)

    def action_later(self) -> None:
        self.dismiss(None)

    def action_discard(self) -> None:
        name = self._highlighted()
        if name is None:
            return
        ws = self.ws

        def work() -> None:
            from cowriter.service.workspace import ports

            try:
                ports.discard_scratch(name, ws.sessions_dir)
            except CowriterError as exc:
                self.post_message(self.Discarded(name, str(exc)))
            else:
                self.post_message(self.Discarded(name))

        self.run_worker(work, thread=True, group="discard", exit_on_error=False)

    def on_recover_screen_discarded(self, message: Discarded) -> None:
        if message.error:
            self.query_one("#recover-error", Label).update(safe_line(f"Not discarded: {message.error}"))
            return
        self.left = [song for song in self.left if song.name != message.name]
        options = self.query_one(OptionList)
        options.clear_options()
        if not self.left:
            self.dismiss(None)
            return
        options.add_options([self._option(song) for song in self.left])
        options.highlighted = 0
