"""The status line: which model, where sound goes ("speakers" or "WAV to …"), and whether the song is
saved."""

from __future__ import annotations

import os

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    model: reactive[str] = reactive("")
    model_state: reactive[str] = reactive("idle")
    route: reactive[str] = reactive("")
    saved: reactive[str] = reactive("saved")
    problems: reactive[int] = reactive(0)
    hint: reactive[str] = reactive("")  # the problem on the cursor's line, when there is one

    def render(self) -> Text:
        saved_style = "green" if self.saved == "saved" else "yellow"
        count = self.problems
        problems = (f"· {count} problem{'s' * (count != 1)}", "bold red") if count else ""
        home = os.path.expanduser("~")
        route = self.route.replace(home, "~", 1) if home not in ("", "/") else self.route
        if self.hint:
            return Text.assemble(("! ", "bold red"), self.hint, overflow="ellipsis", no_wrap=True)
        return Text.assemble(  # each field starts with a letter, its gap is a span of its own (see Transport)
            (self.model or "-", "bold"),
            (" ", "dim"),
            f"({self.model_state}) · sound: ",
            route or "-",
            " · ",
            (self.saved, saved_style),
            (" ", "dim") if problems else "",
            problems,
            overflow="ellipsis",
            no_wrap=True,
        )
