"""Melody sketches for a line or a section: the ranked alternatives with their scores, to hear one, hear
them all one after another, accept one (it goes into the song as an ABC block) or dismiss them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cowriter.service.workspace.melody import MelodyChoice, MelodySketch
from cowriter.textsafe import safe_line

SHORT = {"chord_tones": "chords"}  # the score card's parts as shown
KEYS = "p/n play  a accept  r dismiss"  # p this one, n all in turn; fits the side panel at 80 columns
SHORT_KEYS = "p/n play a ok r close"  # in a narrow panel (24 columns inside at 60x20)


class MelodyView(Vertical, can_focus=False):
    DEFAULT_CSS = """
    MelodyView { height: 1fr; max-height: 14; display: none; border: round $success; }
    MelodyView.-open { display: block; }
    MelodyView:focus-within { height: 2fr; min-height: 8; }  /* its tunes show next to an open proposal */
    MelodyView > Static { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    MelodyView > #melody-title { text-style: bold; }
    MelodyView > OptionList { height: 1fr; border: none; padding: 0; }
    MelodyView > OptionList:focus { border: none; }
    MelodyView > #melody-keys { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "play", "Play it"),
        Binding("n", "play_all", "Play all"),
        Binding("a,enter", "accept", "Accept"),
        Binding("r,delete", "dismiss", "Dismiss"),
    ]

    @dataclass
    class PlayRequested(Message):
        """Play these alternatives (indices into the sketch), one after another."""

        sketch: MelodySketch
        indices: tuple[int, ...]

    @dataclass
    class Accepted(Message):
        sketch: MelodySketch
        index: int

    @dataclass
    class Dismissed(Message):
        sketch: MelodySketch

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.sketch: MelodySketch | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="melody-title")
        yield OptionList(id="melody-list")
        yield Static(KEYS, id="melody-keys")

    @property
    def options(self) -> OptionList:
        return self.query_one("#melody-list", OptionList)

    def show(self, sketch: MelodySketch | None) -> None:
        """Show `sketch` (None: close)."""
        self.sketch = sketch
        options = self.options
        options.clear_options()
        if sketch is None or not sketch.choices:
            self.remove_class("-open")
            return
        self.add_class("-open")
        n = len(sketch.choices)
        self.query_one("#melody-title", Static).update(
            Text(safe_line(f"Melody for {sketch.label}: {n} sketch{'es' * (n != 1)} (score)"))
        )
        self._fill(0)

    def _fill(self, highlighted: int | None) -> None:
        options, sketch = self.options, self.sketch
        options.clear_options()
        if sketch is None:
            return
        width = max(20, (self.size.width or 44) - 4)
        for i, choice in enumerate(sketch.choices):
            options.add_option(Option(choice_text(i, choice, width), id=f"mel-{i}"))
        options.highlighted = highlighted

    def on_resize(self) -> None:
        if self.sketch is not None:
            self._fill(self.options.highlighted)
        self.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        line = self.query_one("#melody-keys", Static)
        room = line.content_region.width
        line.update(SHORT_KEYS if 0 < room < len(KEYS) else KEYS)

    def mark_playing(self, index: int | None) -> None:
        """Highlight the alternative sounding now (None: nothing is playing)."""
        if index is not None and self.sketch is not None and 0 <= index < len(self.sketch.choices):
            self.options.highlighted = index

    def focus_list(self) -> None:
        self.options.focus()

    @property
    def current(self) -> int | None:
        return self.options.highlighted if self.sketch is not None else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_accept()

    def action_play(self) -> None:
        if self.sketch is not None and self.current is not None:
            self.post_message(self.PlayRequested(self.sketch, (self.current,)))

    def action_play_all(self) -> None:
        if self.sketch is not None:
            start = self.current or 0
            order = tuple(range(start, len(self.sketch.choices))) + tuple(range(start))
            self.post_message(self.PlayRequested(self.sketch, order))

    def action_accept(self) -> None:
        if self.sketch is not None and self.current is not None:
            self.post_message(self.Accepted(self.sketch, self.current))

    def action_dismiss(self) -> None:
        if self.sketch is not None:
            self.post_message(self.Dismissed(self.sketch))


def choice_text(index: int, choice: MelodyChoice, width: int = 40) -> Text:
    """One row: the rank, the score out of 100, and the weakest parts of the score card; under it the
    start of the tune in ABC, cut to `width` cells (a list row wraps otherwise)."""
    head = f"{index + 1}. {choice.score:5.1f}"
    weak = [f"{SHORT.get(k, k)} {v:.0%}" for v, k in sorted((v, k) for k, v in choice.parts if v < 0.995)]
    shown: list[str] = []
    for part in weak[:2]:  # the weakest first, as many as fit on the row
        if len(head) + sum(2 + len(p) for p in (*shown, part)) > width:
            break
        shown.append(part)
    why = "  ".join(shown) if weak else "all parts full"
    text = Text.assemble((f"{index + 1}. ", "bold"), (f"{choice.score:5.1f}", "bold"), f"  {why}")
    music = next((ln for ln in choice.abc.splitlines()[1:] if "|" in ln and not ln.startswith("w:")), "")
    music = music.strip()
    if music:
        room = width - 3
        text.append("\n   ")
        text.append(music if len(music) <= room else music[: room - 1] + "…", "dim")
    return text
