"""The timed view of a song: which chord sounds in which bar and beat, at what tempo and meter.

`cowriter.core.timing.timeline(song)` builds it (the inference rule is documented there); arrangement,
MIDI, playback and the play head consume it. Positions are in quarter-note-independent *beats* of the
current meter, counted from 0 at the first beat of bar 1 (`start`), and also as 1-based bar and beat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Meter:
    beats: int = 4
    unit: int = 4

    def __str__(self) -> str:
        return f"{self.beats}/{self.unit}"


@dataclass(frozen=True, slots=True)
class ChordSpan:
    """One chord held from `start` for `duration` beats. `chord` is the symbol as written (or `N.C.`).

    `section` is the section's title, `section_index` its index in `Song.sections` (recalls included);
    `line` is the 1-based source line of the lyric or grid row the chord came from (0 when synthetic),
    `lyric` the words sung under this chord. `key` is the key in force (from `{key}`, as written), `transpose`
    the semitones from the written chord to the sound: `{transpose}` directives in force plus the song's
    `{capo}` (the symbol is *not* yet transposed). `at` is the chord's character offset in its lyric line
    (-1 for a chord that is carried into a line, or that no lyric line wrote).
    """

    bar: int
    beat: float
    start: float
    duration: float
    chord: str
    section: str = ""
    section_index: int = 0
    line: int = 0
    lyric: str = ""
    key: str | None = None
    transpose: int = 0
    at: int = -1


@dataclass(frozen=True, slots=True)
class TempoChange:
    start: float
    bpm: float


@dataclass(frozen=True, slots=True)
class MeterChange:
    start: float
    bar: int
    meter: Meter


def bar_at(meters: Sequence[MeterChange], beat: float) -> tuple[int, float]:
    """The 1-based bar that `beat` (counted from the start) falls in, and the beat within that bar (from
    1), following the meter changes (a change at this very beat, within float noise, is in force; a beat
    before the first change is at that change's start). No meters: 4/4 from bar 1 at beat 0. The player's
    play head and the workspace's bars of a proposal both count this way."""
    bar, start, per_bar = 1, 0.0, 4
    if meters:
        change = meters[0]
        for m in meters:
            if m.start <= beat + 1e-9:
                change = m
        bar, start, per_bar = change.bar, change.start, max(1, change.meter.beats)
    offset = max(0.0, beat - start)
    bars = int(offset // per_bar)
    return bar + bars, 1.0 + offset - bars * per_bar


@dataclass(frozen=True, slots=True)
class SectionMark:
    start: float
    bar: int
    name: str
    section_index: int
    style: str | None = None  # from `{x_style: …}` inside or just before the section


@dataclass(frozen=True, slots=True)
class Timeline:
    spans: tuple[ChordSpan, ...]
    bars: int
    beats: float
    tempos: tuple[TempoChange, ...] = (TempoChange(0.0, 100.0),)
    meters: tuple[MeterChange, ...] = (MeterChange(0.0, 1, Meter()),)
    sections: tuple[SectionMark, ...] = ()

    def seconds_at(self, beat: float) -> float:
        """Wall-clock seconds at a beat position, following tempo changes (tempo is in beats per minute)."""
        seconds = 0.0
        tempos = self.tempos or (TempoChange(0.0, 100.0),)
        for i, change in enumerate(tempos):
            end = tempos[i + 1].start if i + 1 < len(tempos) else float("inf")
            if beat <= change.start:
                break
            seconds += (min(beat, end) - change.start) * 60.0 / change.bpm
        return seconds

    @property
    def seconds(self) -> float:
        return self.seconds_at(self.beats)
