"""The help screen: every key, from the same table as the footer and the command palette."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from cowriter.tui.commands import ACTIONS

PROPOSAL_KEYS = (
    ("a / Enter", "accept the highlighted line"),
    ("s", "accept its whole section"),
    ("A", "accept every line"),
    ("r / Del", "reject the highlighted line"),
    ("R", "reject the whole proposal"),
    ("p", "play the song with it (A/B before accepting)"),
)

MELODY_KEYS = (
    ("p", "play the highlighted sketch (from its line's bar, or its section)"),
    ("n", "play every sketch, one after another"),
    ("a / Enter", "accept it: the song gets it as an ABC block"),
    ("r / Del / Esc", "dismiss the sketches; the song stays as it is (Esc while one plays: stop)"),
)


def help_table() -> Table:
    table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("what")
    for a in ACTIONS:
        if a.key:
            table.add_row(a.key.replace(",", " / "), a.help)
    table.add_row("ctrl+p", "the command palette: every action here, by name; themes too")
    table.add_row("", "")
    palette = Text("In the palette", style="bold underline")
    table.add_row(palette, "ctrl+p, then the name (no key of their own):")
    for a in ACTIONS:
        if not a.key:  # no key of its own: typed by name in the palette
            table.add_row(Text(a.title, style="italic"), a.help)
    table.add_row("", "")
    table.add_row(Text("In a proposal", style="bold underline"), "")
    for key, what in PROPOSAL_KEYS:
        table.add_row(key, what)
    table.add_row("", "")
    table.add_row(Text("Melody sketch", style="bold underline"), "")
    for key, what in MELODY_KEYS:
        table.add_row(key, what)
    table.add_row("", "")
    table.add_row(Text("Gutter", style="bold underline"),
                  "E/W: an error or a warning on the line (ctrl+n goes to the next; its message shows in the "
                  "status line); the line's number; for a lyric line its syllables and rhyme letter "
                  "(\"E12 10A\"); > marks the line playing")
    table.add_row(Text("Chat", style="bold underline"),
                  "Enter asks; Esc (or Tab) goes back to the song; Esc while a reply comes in stops it")
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center top; }
    /* the bottom three rows stay free: notices show there (app.tcss) */
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 1fr; margin: 0 0 3 0;
                                  border: round $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "app.pop_screen", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("cowriter: write, ask, hear. You write the song; the co-writer proposes.",
                              style="bold"))
            yield Static(help_table())
