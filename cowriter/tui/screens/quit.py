"""A song that has nowhere to go (no file, no session), on quitting or on saving (ctrl+s): keep it as a
session, (quitting) quit without it, or go back. Keyboard only, fits 80x24.

The screen keeps the song itself (in a worker: the session store writes to disk) and dismisses with
"kept" once it is safe, "discard" when the writer throws it away (quitting only), or None to go back to
the song.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from cowriter.errors import CowriterError, explain
from cowriter.textsafe import safe

if TYPE_CHECKING:
    from cowriter.service.workspace import SessionOpened, Workspace

KEPT = "kept"
DISCARD = "discard"


class QuitScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    QuitScreen { align: center middle; }
    QuitScreen > Vertical { width: 72; max-width: 100%; height: auto; border: round $warning;
                            background: $surface; padding: 0 1; }
    QuitScreen #quit-name { margin: 0; }
    QuitScreen #quit-error { color: $error; }
    QuitScreen .quit-keys { color: $text-muted; }
    """
    AUTO_FOCUS = ""  # the keys below work at once; e (or Tab) goes to the name
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "keep", "Keep as session"),
        Binding("e", "edit", "Edit the name"),
        Binding("d", "discard", "Quit without saving"),
        Binding("escape", "back", "Back to the song"),
    ]

    class Kept(Message):
        """The worker's answer: the new session, or why there is none."""

        def __init__(self, opened: SessionOpened | None, error: str = "") -> None:
            super().__init__()
            self.opened = opened
            self.error = error

    def __init__(self, workspace: Workspace, *, saving: bool = False) -> None:
        """`saving`: asked by Save (ctrl+s), not by quitting: no "quit without saving", and Enter keeps
        the song and goes back to it."""
        super().__init__()
        self.ws = workspace
        self.saving = saving
        self.suggestion = workspace.suggested_session()
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]This song is not saved anywhere yet.[/b]")
            yield Label("Keep it as a session (reopen it with cowriter --session NAME):")
            yield Input(self.suggestion, id="quit-name", placeholder="session name")
            yield Label("", id="quit-error", markup=False)
            if self.saving:
                yield Label("Enter keep it (it saves there from now on) · e edit the name",
                            classes="quit-keys")
                yield Label("Esc back to the song (ctrl+o exports a copy instead)", classes="quit-keys")
            else:
                yield Label("Enter keep it and quit · e edit the name", classes="quit-keys")
                yield Label("d quit without saving · Esc back to the song", classes="quit-keys")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.saving and action == "discard")

    @property
    def name_input(self) -> Input:
        return self.query_one("#quit-name", Input)

    def _say(self, text: str) -> None:
        self.query_one("#quit-error", Label).update(safe(text))

    def action_edit(self) -> None:
        self.name_input.focus()

    def action_discard(self) -> None:
        if not self.busy:
            self.dismiss(DISCARD)

    def action_back(self) -> None:
        if not self.busy:
            self.dismiss(None)

    @on(Input.Submitted, "#quit-name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_keep()

    def action_keep(self) -> None:
        name = self.name_input.value.strip()
        if self.busy:
            return
        if not name:
            self._say("Give the session a name" + (" (or Esc to go back)." if self.saving
                                                    else " (or d to quit without saving)."))
            self.name_input.focus()
            return
        self.busy = True
        self._say("Keeping the song…")
        ws = self.ws

        def work() -> None:
            try:
                opened = ws.keep_in_session(name)
            except CowriterError as exc:  # a name refused or taken: say so, and let the writer change it
                self.post_message(self.Kept(None, str(exc)))
            except Exception as exc:  # a message on the screen, never a crash (and never a lost song)
                self.post_message(self.Kept(None, explain(exc)))
            else:
                self.post_message(self.Kept(opened))

        self.run_worker(work, thread=True, group="keep", exit_on_error=False)

    def on_quit_screen_kept(self, message: Kept) -> None:
        self.busy = False
        if message.opened is None:
            self._say(f"Not kept: {message.error}")
            self.name_input.focus()
            return
        self.ws.adopt(message.opened)  # from now on the song saves there
        self.dismiss(KEPT)
