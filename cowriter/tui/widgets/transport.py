"""The transport: play / stop, the section looped, tempo, key (transposition) and style, and the play head
(bar and beat, with a bar of progress; "count-in 3" during the bar counted in before the song). The key is
the song's `{key}`, else the key its chords fit best, marked as a guess ("key G?"); "+2" after it says the
song was moved two semitones up since it was opened. When the
sound goes to a WAV file instead of speakers (SSH, `--audio wav`), it says so ("writing", then "written")
and shows no play head (nothing is playing) but the file's name, last: at 80 columns a long path would cut
the key and the style (the notice and the status line say the whole path)."""

from __future__ import annotations

import os

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from cowriter.textsafe import safe_line

# Fields are parted by spans of their own: a field never starts with blanks, so every renderer (terminal,
# SVG screenshot) keeps the gap between "bar -" and "loop -".
GAP = "  "
SEPARATOR = "dim"
# What a song without {tempo} plays at (`core.timeline.Timeline`'s default): shown as its tempo.
DEFAULT_BPM = 100.0


class Transport(Static):
    DEFAULT_CSS = """
    Transport { height: 1; background: $boost; padding: 0 1; }
    """

    playing: reactive[bool] = reactive(False)
    bar: reactive[int] = reactive(0)
    beat: reactive[float] = reactive(0.0)
    bars: reactive[int] = reactive(0)
    loop: reactive[str] = reactive("")
    bpm: reactive[float | None] = reactive(None)
    key: reactive[str] = reactive("")  # the song's key ("": none to show, a song without chords)
    key_guessed: reactive[bool] = reactive(False)  # found from the chords (no {key}): shown "G?"
    transpose: reactive[int] = reactive(0)
    style: reactive[str] = reactive("")
    file: reactive[str] = reactive("")  # the WAV the sound goes to instead of speakers ("": none)
    paused: reactive[bool] = reactive(False)

    def watch_playing(self, playing: bool) -> None:
        if playing:  # no play head yet: the last one played is not where this one starts
            self.bar, self.beat = 0, 0.0

    def render(self) -> Text:
        state = ("|> playing", "bold green") if self.playing else ("[] stopped", "bold")
        if self.playing and self.paused:
            state = ("|| paused", "bold yellow")
        key = f"{self.key}?" if self.key and self.key_guessed else self.key or "-"
        shift = f" {self.transpose:+d}" if self.transpose else ""
        fields: list[tuple[str, str]] = [
            state,
            (self._head(), "bold"),
            (f"loop {self.loop or '-'}", ""),
            (f"bpm {self.bpm or DEFAULT_BPM:g}", ""),
            (f"key {key}{shift}", ""),
            (f"style {self.style or 'song'}", ""),
        ]
        if self.file:  # written as fast as it renders: no play head, the file instead (its name, last)
            fields[0] = ("~> writing", "bold yellow") if self.playing else ("[] written", "bold green")
            fields[1:2] = []
            fields.append((os.path.basename(self.file) or self.file, ""))
        text = Text()
        for n, (field, style) in enumerate(fields):
            if n:
                text.append(GAP, SEPARATOR)
            text.append(safe_line(field), style)
        width = self.size.width - 2 - text.cell_len - 2
        if self.bars and width >= 6 and not self.file:
            done = min(self.bar, self.bars) * width // self.bars if self.playing else 0
            text.append(GAP, SEPARATOR)
            text.append("#" * done, "green")
            text.append("." * (width - done), "dim")
        text.no_wrap, text.overflow = True, "ellipsis"  # one line: a long name cuts itself, nothing before it
        return text

    def _head(self) -> str:
        """Bar and beat; the count-in is bar 0 (its beats from 1, see `render.player.Position`)."""
        if not self.playing:
            return "bar -"
        if self.bar:
            return f"bar {self.bar}.{int(self.beat)}"
        return f"count-in {int(self.beat)}" if self.beat >= 1 else "bar -"

