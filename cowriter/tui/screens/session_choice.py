"""`--session NAME` for a session that is not in the store: a slip of the keyboard must not start an
empty song silently. The sessions whose names are near NAME are offered first (Enter opens the
highlighted one), then starting a new session called NAME, which happens only when chosen; Esc quits,
and nothing is made. Keyboard only, fits 60x20.

The screen dismisses with the name of the session to open (one of the near ones, or NAME to make it), or
None to quit."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from cowriter.textsafe import safe_line

NEW = "\0new"  # the option that starts a new session under the name typed


class SessionChoiceScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    SessionChoiceScreen { align: center middle; }
    SessionChoiceScreen > Vertical { width: 72; max-width: 100%; height: auto; max-height: 100%;
                                     border: round $warning; background: $surface; padding: 0 1; }
    SessionChoiceScreen OptionList { height: auto; max-height: 9; border: none; padding: 0; }
    SessionChoiceScreen .choice-keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "quit", "Quit")]

    def __init__(self, name: str, near: list[str]) -> None:
        super().__init__()
        self.asked = name
        self.near = list(near)

    def compose(self) -> ComposeResult:
        shown = safe_line(self.asked)
        with Vertical():
            yield Label(Text(f"There is no session called “{shown}”.", style="bold"))
            yield Label("Did you mean one of these?" if self.near else "Start it as a new session?")
            options = [Option(Text(safe_line(n)), id=f"s-{i}") for i, n in enumerate(self.near)]
            options.append(Option(Text(f"+ a new session called “{shown}”", style="italic"), id=NEW))
            yield OptionList(*options, id="choices")
            yield Label(
                "Enter opens the highlighted one · Esc quits (nothing is made)", classes="choice-keys"
            )

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = 0
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option = event.option.id or ""
        self.dismiss(self.asked if option == NEW else self.near[int(option[2:])])

    def action_quit(self) -> None:
        self.dismiss(None)
