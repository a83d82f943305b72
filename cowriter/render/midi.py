"""Standard MIDI files from an `Arrangement` (the only module that imports mido).

A type-1 file: a conductor track (title, tempo, time and key signatures where they change, a marker per
section, chord names as text events, lyrics as lyric events at their chords or notes), then one named
track per part with its General MIDI program; drums on channel 10 (index 9).

Arrangement times are beats of the meter's denominator (6/8 counts eighths); MIDI counts quarter notes,
so each meter segment converts at `4 / unit` quarters per beat, and the tempo becomes quarter notes per
minute (`bpm * 4 / unit`), re-sent wherever the meter's unit changes.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from pathlib import Path
from typing import Any

from cowriter.core.events import Arrangement, Track
from cowriter.core.timeline import Meter, MeterChange

TICKS_PER_QUARTER = 480

_ENHARMONIC = {
    "A#": "Bb", "D#": "Eb", "G#": "Ab", "Fb": "E", "E#": "F", "B#": "C", "Cb": "Cb",
    "A#m": "Bbm", "Dbm": "C#m", "Gbm": "F#m", "Abm": "G#m", "Cbm": "Bm", "Fbm": "Em",
}  # fmt: skip


class BeatClock:
    """Song beats → quarter notes → ticks, through the meter map."""

    def __init__(self, meters: tuple[MeterChange, ...]) -> None:
        self.meters = tuple(sorted(meters, key=lambda m: m.start)) or (MeterChange(0.0, 1, Meter()),)
        self._starts = [m.start for m in self.meters]
        self._quarters: list[float] = []
        q = 0.0
        for i, change in enumerate(self.meters):
            if i:
                prev = self.meters[i - 1]
                q += (change.start - prev.start) * 4.0 / prev.meter.unit
            self._quarters.append(q)

    def meter_at(self, beat: float) -> Meter:
        i = max(0, bisect_right(self._starts, beat + 1e-9) - 1)
        return self.meters[i].meter

    def quarters(self, beat: float) -> float:
        i = max(0, bisect_right(self._starts, beat + 1e-9) - 1)
        change = self.meters[i]
        return self._quarters[i] + (beat - change.start) * 4.0 / change.meter.unit

    def ticks(self, beat: float) -> int:
        return round(self.quarters(beat) * TICKS_PER_QUARTER)


def key_name(key: str) -> str | None:
    """A key as mido spells it (`C`, `F#m`, `Bb`), or None when it is not a key signature."""
    import mido

    text = key.strip().replace("♭", "b").replace("♯", "#")
    minor = text.endswith("m") or text.lower().endswith("min") or text.lower().endswith("minor")
    root = text[:2] if len(text) > 1 and text[1] in "#b" else text[:1]
    if not root or root[0].upper() not in "ABCDEFG":
        return None
    name = root[0].upper() + root[1:] + ("m" if minor else "")
    for candidate in (name, _ENHARMONIC.get(name, "")):
        if not candidate:
            continue
        try:
            mido.MetaMessage("key_signature", key=candidate)
        except (ValueError, KeyError):
            continue
        return candidate
    return None


def _conductor(arrangement: Arrangement, clock: BeatClock) -> list[tuple[int, int, Any]]:
    import mido

    events: list[tuple[int, int, Any]] = []
    if arrangement.title:
        events.append((0, 0, mido.MetaMessage("track_name", name=arrangement.title)))
    # Tempo in quarter notes per minute: re-sent at every tempo change and every meter change.
    points = sorted({t.start for t in arrangement.tempos} | {m.start for m in clock.meters})
    tempos = sorted(arrangement.tempos, key=lambda t: t.start)
    last_qpm = None
    for point in points:
        bpm = next(
            (t.bpm for t in reversed(tempos) if t.start <= point + 1e-9), tempos[0].bpm if tempos else 100.0
        )
        qpm = bpm * 4.0 / clock.meter_at(point).unit
        if qpm != last_qpm:
            events.append((clock.ticks(point), 1, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(qpm))))
            last_qpm = qpm
    for change in clock.meters:
        m = change.meter
        events.append(
            (clock.ticks(change.start), 2, mido.MetaMessage(
                "time_signature", numerator=m.beats, denominator=m.unit, clocks_per_click=24 * 4 // m.unit,
            ))
        )  # fmt: skip
    for k in arrangement.keys:
        name = key_name(k.key)
        if name:
            events.append((clock.ticks(k.start), 3, mido.MetaMessage("key_signature", key=name)))
    for mark in arrangement.markers:
        events.append((clock.ticks(mark.start), 4, mido.MetaMessage("marker", text=mark.text)))
    for c in arrangement.chords:
        events.append((clock.ticks(c.start), 5, mido.MetaMessage("text", text=c.text)))
    for lyric in arrangement.lyrics:
        events.append((clock.ticks(lyric.start), 6, mido.MetaMessage("lyrics", text=lyric.text)))
    return events


def _part(track: Track, clock: BeatClock) -> list[tuple[int, int, Any]]:
    import mido

    ch = track.channel
    events: list[tuple[int, int, Any]] = [
        (0, 0, mido.MetaMessage("track_name", name=track.name)),
        (0, 1, mido.Message("program_change", channel=ch, program=track.program)),
        (0, 2, mido.Message("control_change", channel=ch, control=10, value=_clamp(64 + track.pan * 63))),
        (0, 3, mido.Message("control_change", channel=ch, control=7, value=_clamp(100 * track.volume))),
    ]
    for note in track.notes:
        on, off = clock.ticks(note.start), clock.ticks(note.start + note.duration)
        off = max(off, on + 1)
        pitch, velocity = _clamp(note.pitch), max(1, _clamp(note.velocity))
        events.append((on, 20, mido.Message("note_on", channel=ch, note=pitch, velocity=velocity)))
        events.append((off, 10, mido.Message("note_off", channel=ch, note=pitch, velocity=0)))
    return events


def _clamp(value: float) -> int:
    return max(0, min(127, round(value)))


def _track(events: list[tuple[int, int, Any]], end: int) -> Any:
    import mido

    track = mido.MidiTrack()
    now = 0
    for tick, _order, message in sorted(events, key=lambda e: (e[0], e[1], _sort_key(e[2]))):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(0, end - now)))
    return track


def _sort_key(message: Any) -> tuple[int, int]:
    return (getattr(message, "note", 0), getattr(message, "velocity", 0))


def midi_file(arrangement: Arrangement) -> Any:
    """The arrangement as a `mido.MidiFile` (type 1)."""
    import mido

    clock = BeatClock(arrangement.meters)
    end = clock.ticks(arrangement.beats)
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER)
    midi.tracks.append(_track(_conductor(arrangement, clock), end))
    for track in arrangement.tracks:
        midi.tracks.append(_track(_part(track, clock), end))
    return midi


def midi_bytes(arrangement: Arrangement) -> bytes:
    """The Standard MIDI File's bytes (the same arrangement always gives the same bytes)."""
    buffer = io.BytesIO()
    midi_file(arrangement).save(file=buffer)
    return buffer.getvalue()


def write_midi(arrangement: Arrangement, path: str | Path) -> Path:
    target = Path(path)
    target.write_bytes(midi_bytes(arrangement))
    return target
