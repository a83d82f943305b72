"""Standard MIDI files from an `Arrangement` (the only module that imports mido).

A type-1 file: a conductor track (title, tempo, time and key signatures where they change, a marker per
section, chord names as cue points), then one named track per part with its General MIDI program and the
key signatures again (MuseScore reads a key change only from the tracks with notes); drums on channel 10
(index 9). The words are lyric events, written by RP-017 (`core.karaoke`: a syllable an event, a space at
each word's end, CR at a line's end, LF at a section's), in the melody's track where there is one (else in
the conductor track, at the chords). Chord names are never text or lyric events: notation programs read
those as words (MuseScore put "G" and "G7" among the lyrics).

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

# Key signatures: sharps (+) or flats (-) of each major and minor key, as MIDI's key signature event has them.
_MAJOR = {"C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5, "F#": 6, "C#": 7,
          "F": -1, "Bb": -2, "Eb": -3, "Ab": -4, "Db": -5, "Gb": -6, "Cb": -7}  # fmt: skip
_MINOR = {"A": 0, "E": 1, "B": 2, "F#": 3, "C#": 4, "G#": 5, "D#": 6, "A#": 7,
          "D": -1, "G": -2, "C": -3, "F": -4, "Bb": -5, "Eb": -6, "Ab": -7}  # fmt: skip
_ENHARMONIC = {"A#": "Bb", "D#": "Eb", "G#": "Ab", "Fb": "E", "E#": "F", "B#": "C",
               "Dbm": "C#m", "Gbm": "F#m", "Cbm": "Bm", "Fbm": "Em", "E#m": "Fm", "B#m": "Cm"}  # fmt: skip


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
    """A key as a key signature names it (`C`, `F#m`, `Bb`; `A#` becomes `Bb`), or None."""
    text = key.strip().replace("♭", "b").replace("♯", "#")
    lowered = text.lower()
    minor = lowered.endswith(("min", "minor")) or (text.endswith("m") and not lowered.endswith("maj"))
    root = text[:2] if len(text) > 1 and text[1] in "#b" else text[:1]
    if not root or root[0].upper() not in "ABCDEFG":
        return None
    name = root[0].upper() + root[1:] + ("m" if minor else "")
    for candidate in (name, _ENHARMONIC.get(name, "")):
        table, tonic = (_MINOR, candidate[:-1]) if candidate.endswith("m") else (_MAJOR, candidate)
        if candidate and tonic in table:
            return candidate
    return None


def _vlq(value: int) -> bytes:
    """A MIDI variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def _text(kind: int, text: str) -> bytes:
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return bytes((0xFF, kind)) + _vlq(len(data)) + data


Event = tuple[int, int, int, bytes]  # tick, order at the same tick, tie-break, encoded event


def _conductor(arrangement: Arrangement, clock: BeatClock) -> list[Event]:
    events: list[Event] = []
    if arrangement.title:
        events.append((0, 0, 0, _text(0x03, arrangement.title)))
    # Tempo in quarter notes per minute: re-sent at every tempo change and every meter change.
    points = sorted({t.start for t in arrangement.tempos} | {m.start for m in clock.meters})
    tempos = sorted(arrangement.tempos, key=lambda t: t.start)
    last = None
    for point in points:
        bpm = next(
            (t.bpm for t in reversed(tempos) if t.start <= point + 1e-9), tempos[0].bpm if tempos else 100.0
        )
        micros = round(60_000_000 / (bpm * 4.0 / clock.meter_at(point).unit))
        if micros != last:
            events.append((clock.ticks(point), 1, 0, b"\xff\x51\x03" + micros.to_bytes(3, "big")))
            last = micros
    for change in clock.meters:
        m = change.meter
        data = bytes((0xFF, 0x58, 4, m.beats, max(0, m.unit.bit_length() - 1), 24 * 4 // m.unit, 8))
        events.append((clock.ticks(change.start), 2, 0, data))
    events += _keys(arrangement, clock)
    words = () if any(t.instrument == "lead" for t in arrangement.tracks) else arrangement.lyrics
    for order, kind, texts in ((4, 0x06, arrangement.markers), (5, 0x07, arrangement.chords),
                               (6, 0x05, words)):  # fmt: skip
        events.extend((clock.ticks(e.start), order, 0, _text(kind, e.text)) for e in texts)
    return events


def _keys(arrangement: Arrangement, clock: BeatClock) -> list[Event]:
    events: list[Event] = []
    for k in arrangement.keys:
        name = key_name(k.key)
        if name:
            minor = name.endswith("m")
            sf = _MINOR[name[:-1]] if minor else _MAJOR[name]
            events.append((clock.ticks(k.start), 3, 0, bytes((0xFF, 0x59, 2, sf & 0xFF, int(minor)))))
    return events


def _part(track: Track, clock: BeatClock, arrangement: Arrangement) -> list[Event]:
    ch = track.channel & 0x0F
    events: list[Event] = [
        (0, 0, 0, _text(0x03, track.name)),
        (0, 1, 0, bytes((0xC0 | ch, track.program & 0x7F))),
        (0, 2, 0, bytes((0xB0 | ch, 10, _clamp(64 + track.pan * 63)))),
        (0, 3, 0, bytes((0xB0 | ch, 7, _clamp(100 * track.volume)))),
    ]
    if track.instrument != "drums":
        events += [(tick, 4, 0, data) for tick, _, _, data in _keys(arrangement, clock)]
    if track.instrument == "lead":  # the words at the notes that sing them (a lyric before the note-on)
        events += [(clock.ticks(e.start), 25, 0, _text(0x05, e.text)) for e in arrangement.lyrics]
    on_status, off_status = 0x90 | ch, 0x80 | ch
    ticks = clock.ticks
    for note in track.notes:
        on = ticks(note.start)
        off = max(ticks(note.start + note.duration), on + 1)
        pitch, velocity = _clamp(note.pitch), max(1, _clamp(note.velocity))
        events.append((on, 20, pitch, bytes((on_status, pitch, velocity))))
        events.append((off, 10, pitch, bytes((off_status, pitch, 0))))
    return events


def _clamp(value: float) -> int:
    return max(0, min(127, round(value)))


def _chunk(events: list[Event], end: int) -> bytes:
    body = bytearray()
    now = 0
    for tick, _order, _tie, data in sorted(events):
        body += _vlq(tick - now)
        body += data
        now = tick
    body += _vlq(max(0, end - now)) + b"\xff\x2f\x00"
    return b"MTrk" + len(body).to_bytes(4, "big") + bytes(body)


def midi_bytes(arrangement: Arrangement) -> bytes:
    """The Standard MIDI File (type 1) as bytes; the same arrangement always gives the same bytes.

    Encoded directly (the format is small and fixed): building mido message objects for every note
    costs more than the whole arrangement. mido reads the result back in the tests.
    """
    clock = BeatClock(arrangement.meters)
    end = clock.ticks(arrangement.beats)
    chunks = [_chunk(_conductor(arrangement, clock), end)]
    chunks.extend(_chunk(_part(track, clock, arrangement), end) for track in arrangement.tracks)
    header = b"MThd" + (6).to_bytes(4, "big") + (1).to_bytes(2, "big") + len(chunks).to_bytes(2, "big")
    return header + TICKS_PER_QUARTER.to_bytes(2, "big") + b"".join(chunks)


def midi_file(arrangement: Arrangement) -> Any:
    """The arrangement as a `mido.MidiFile`, for callers that want to inspect or play it with mido."""
    import mido

    return mido.MidiFile(file=io.BytesIO(midi_bytes(arrangement)))


def write_midi(arrangement: Arrangement, path: str | Path) -> Path:
    target = Path(path)
    target.write_bytes(midi_bytes(arrangement))
    return target
