"""Note events: what the arrangement produces and the MIDI writer and synth consume.

Times are in beats from the start of the song (0 = bar 1 beat 1, a count-in sits at negative-free offset:
the arrangement shifts everything so the first event is at 0 or later). `Arrangement.seconds_at` maps
beats to seconds through the tempo map.
"""

from __future__ import annotations

from dataclasses import dataclass

from cowriter.core.timeline import Meter, MeterChange, TempoChange, Timeline


@dataclass(frozen=True, slots=True)
class Note:
    start: float
    duration: float
    pitch: int
    velocity: int = 90


@dataclass(frozen=True, slots=True)
class Track:
    """One instrument part. `instrument` names the synth voice (`piano`, `epiano`, `guitar`, `nylon`,
    `organ`, `pad`, `bass`, `drums`, `lead`); `program` is the General MIDI program (0-127), `channel`
    0-15 (drums on 9, which MIDI players show as channel 10); `pan` -1 (left) to 1 (right)."""

    name: str
    instrument: str
    program: int
    channel: int
    notes: tuple[Note, ...] = ()
    pan: float = 0.0
    volume: float = 1.0


@dataclass(frozen=True, slots=True)
class TextEvent:
    start: float
    text: str


@dataclass(frozen=True, slots=True)
class KeyChange:
    start: float
    key: str  # "C", "F#m", "Bb"


@dataclass(frozen=True, slots=True)
class Arrangement:
    tracks: tuple[Track, ...]
    beats: float
    tempos: tuple[TempoChange, ...] = (TempoChange(0.0, 100.0),)
    meters: tuple[MeterChange, ...] = (MeterChange(0.0, 1, Meter()),)
    keys: tuple[KeyChange, ...] = ()
    markers: tuple[TextEvent, ...] = ()
    chords: tuple[TextEvent, ...] = ()
    lyrics: tuple[TextEvent, ...] = ()
    title: str = ""

    def seconds_at(self, beat: float) -> float:
        return Timeline((), 0, self.beats, self.tempos, self.meters).seconds_at(beat)

    @property
    def seconds(self) -> float:
        return self.seconds_at(self.beats)
