"""The status line: whether the song is saved, how many problems it has (errors, then warnings: ctrl+n
visits both), what the model is doing, which model, and where sound goes ("speakers" or "WAV to …").

One line, most important first: when it does not fit, the model's name gives way first (its `.gguf`, then
its end: the writer chose it and knows it), then the end of the sound route; never the saved state or the
problems. When the cursor's line has a problem, its message takes the room of the model's name and the
route; saved, problems and the model's state stay. A long message loses its middle, not its suggestion
("… (did you mean Cmaj7?)")."""

from __future__ import annotations

import os
import re
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from cowriter.textsafe import safe_line

NEXT_KEY = "^n"  # the key of the "next problem" action (commands.py), shown next to the count
SUGGESTION = re.compile(r"\s*[;(]\s*did you mean\b")


def fit_hint(message: str, width: int) -> str:
    """`message` in `width` cells: cut with `…`, keeping a trailing "did you mean …" when it fits."""
    if len(message) <= width:
        return message
    if width <= 1:
        return "…"[:width]
    found = SUGGESTION.search(message)
    if found is not None:
        tail = message[found.start():]
        room = width - len(tail) - 1
        if room >= 8:  # enough of the start left to say what the problem is
            return message[:room].rstrip() + "…" + tail
    return message[: width - 1].rstrip() + "…"


class StatusBar(Static):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status--saved",
        "status--unsaved",
        "status--problems",
        "status--warnings",
        "status--busy",
        "status--gap",
    }
    # Readable without colour too (NO_COLOR, --color none): problems are reversed there, not a dark red.
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1;
                text-wrap: nowrap; text-overflow: ellipsis; }
    StatusBar .status--saved { color: $text-success; text-style: bold; }
    StatusBar .status--unsaved { color: $text-warning; text-style: bold; }
    StatusBar .status--problems { color: $text-error; text-style: bold; }
    StatusBar .status--warnings { color: $text-warning; text-style: bold; }
    StatusBar .status--busy { color: $text; text-style: bold; }
    StatusBar .status--gap { color: $text-muted; text-style: dim; }
    StatusBar:nocolor .status--problems { color: $text; text-style: bold reverse; }
    StatusBar:nocolor .status--warnings { color: $text; text-style: bold; }
    StatusBar:nocolor .status--unsaved { color: $text; text-style: bold underline; }
    """

    model: reactive[str] = reactive("")
    model_state: reactive[str] = reactive("idle")
    model_problem: reactive[str] = reactive("")  # "missing", "not found": said instead of "idle"
    route: reactive[str] = reactive("")
    saved: reactive[str] = reactive("saved")
    problems: reactive[int] = reactive(0)  # errors
    warnings: reactive[int] = reactive(0)
    hint: reactive[str] = reactive("")  # the problem on the cursor's line, when there is one

    def render(self) -> Text:
        part = self.get_component_rich_style
        gap = part("status--gap")
        hinting = bool(self.hint)
        text = Text()

        def field(value: str, style: Style | str = "") -> None:
            # every field starts with a letter and its gap is a span of its own: SVG screenshots drop a
            # span's leading blanks (see Transport)
            if text:
                text.append(" ", gap)
                text.append("·", "")
                text.append(" ", gap)
            text.append(value, style)

        # with a hint, the saved state keeps its word and drops its advice ("not saved (ctrl+o exports)")
        field(self.saved.split(" (")[0] if hinting else self.saved,
              part("status--saved" if self.saved == "saved" else "status--unsaved"))
        if self.problems or self.warnings:
            # "2 problems, 1 warning ^n": the errors, then the warnings (the next-problem key visits both)
            if self.problems:
                field(_count(self.problems, "problem"), part("status--problems"))
            if self.warnings:
                if self.problems:
                    text.append(",", "")
                    text.append(" ", gap)
                    text.append(_count(self.warnings, "warning"), part("status--warnings"))
                else:
                    field(_count(self.warnings, "warning"), part("status--warnings"))
            text.append(" ", gap)
            text.append(NEXT_KEY, "")
        state, busy = self.model_state, part("status--busy") if self.model_state != "idle" else ""
        if state == "idle" and self.model_problem:
            state, busy = self.model_problem, part("status--problems")
        if hinting:
            field(state, busy)
            text.append(" ", gap)
            room = self.content_region.width - text.cell_len - 2
            text.append("!", part("status--problems"))
            text.append(" ", gap)
            text.append(fit_hint(safe_line(self.hint), max(room, 1)), "bold")
            return text
        route = f"sound: {safe_line(tilde(self.route)) or '-'}"
        # what follows the model's name: " (state) · sound: …"
        after = 1 + len(state) + 2 + 3 + len(route)
        room = self.content_region.width - text.cell_len - (3 if text else 0) - after
        field(fit_model(safe_line(self.model) or "-", room), "bold")
        text.append(" ", gap)
        text.append(f"({state})", busy)
        field(route)
        return text


def fit_model(name: str, room: int, least: int = 8) -> str:
    """The model's name in `room` cells when it can be: without its `.gguf`, then cut at the end (`…`),
    never below `least` cells (what is left of the line is then cut at its end)."""
    if len(name) <= room:
        return name
    if name.lower().endswith(".gguf"):
        name = name[: -len(".gguf")]
        if len(name) <= room:
            return name
    room = max(room, least)
    return name if len(name) <= room else name[: room - 1].rstrip("-_. ") + "…"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' * (n != 1)}"


def tilde(text: str) -> str:
    """`text` with the first path under the home folder shown from `~/` (a home of `/` shown as is; the
    home's name must end where a folder's does: /home/anna is not under /home/ann)."""
    home = os.path.expanduser("~")
    return text.replace(home + os.sep, "~" + os.sep, 1) if home not in ("", "/") else text
