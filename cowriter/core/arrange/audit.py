"""What a listener hears of each chord: an arrangement's note events checked against the song's timeline.

Written from the outside, as a bar-by-bar reading of the MIDI would be: it reads only the notes of each
track and the timeline (`core.timing`, the one `cowriter parse` prints), and spells each chord with the
notation core's parser, never with the arranger's own harmony, so it judges any arranger. The rules, for
every style and meter:

- every chord of the timeline is heard: some part of the band (anything but the drums and the sung
  melody) sounds within its span, and among what sounds are its 3rd (or, in a sus chord, the tone that
  replaces it) and its 7th where the symbol has them;
- the bass sounds the chord's root, or its slash bass, at each change: the bass note heard at the change
  is the last one struck up to it, which may be an anticipation (struck up to an eighth early and held
  across the change), but then only with the new chord's bass note;
- the comping parts play only the chord's tones, and a bass note outside the chord leads by a step into
  the next change's bass note (an approach) or anticipates it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from cowriter.core.chords import try_parse_chord
from cowriter.core.events import Arrangement, Note, Track
from cowriter.core.pitch import LETTER_INDEX
from cowriter.core.timeline import ChordSpan, Meter, MeterChange, Timeline

__all__ = ["Audit", "Miss", "audit", "in_meter"]

HEARD = 0.04  # beats a note must sound inside a span to count there (humanised timing moves up to ~0.03)
ON_TIME = 0.06  # beats either side of a change within which a bass note is struck on it
EARLY = 0.5  # quarter notes: how early an anticipation may be struck
APPROACH = 2  # semitones: how far an approach note may sit from the note it leads to
_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True, slots=True)
class Miss:
    """One broken promise: where (1-based bar and beat, as `cowriter parse` counts), the chord, which
    rule (`silent`, `no 3rd`, `no 7th`, `bass`, `wrong note`, `wrong bass`) and what was heard."""

    bar: int
    beat: float
    chord: str
    rule: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"bar {self.bar} beat {self.beat:g} {self.chord}: {self.rule}{detail}"


@dataclass(frozen=True, slots=True)
class Audit:
    chords: int  # chord spans checked (readable symbols, N.C. left out)
    heard: int  # of those, heard with their 3rd and 7th
    changes: int  # changes of chord checked for the bass
    bass: int  # of those, with the bass note on the change
    misses: tuple[Miss, ...] = ()

    @property
    def wrong(self) -> int:
        """Notes outside the chord that are neither approaches nor anticipations."""
        return sum(1 for m in self.misses if m.rule in ("wrong note", "wrong bass"))

    def __add__(self, other: Audit) -> Audit:
        return Audit(
            self.chords + other.chords,
            self.heard + other.heard,
            self.changes + other.changes,
            self.bass + other.bass,
            self.misses + other.misses,
        )


@dataclass(frozen=True, slots=True)
class _Chord:
    """A span's chord as it sounds: pitch classes, bass, and the 3rd and 7th as the symbol spells them."""

    span: ChordSpan
    tones: frozenset[int]  # the slash bass included
    bass: int
    guide: tuple[tuple[str, int], ...]  # ("3rd", pc), ("7th", pc) where written

    @property
    def start(self) -> float:
        return self.span.start

    @property
    def end(self) -> float:
        return self.span.start + self.span.duration


def _chord(span: ChordSpan) -> _Chord | None:
    parsed = try_parse_chord(span.chord)
    if parsed is None or parsed.is_no_chord:
        return None
    shift = span.transpose
    letter = LETTER_INDEX[parsed.root[0]]
    guide: list[tuple[str, int]] = []
    steps: dict[int, int] = {}
    for note, semis, pc in zip(parsed.notes, parsed.intervals, parsed.pitch_classes, strict=True):
        if semis < 12:
            steps.setdefault((LETTER_INDEX[note[0]] - letter) % 7, (pc + shift) % 12)
    if 2 in steps:
        guide.append(("3rd", steps[2]))
    else:  # sus2 / sus4: the suspended tone stands for the 3rd
        guide.extend(("3rd", steps[s]) for s in (3, 1) if s in steps)
    if 6 in steps:
        guide.append(("7th", steps[6]))
    root = parsed.root_pitch_class
    bass = parsed.bass_pitch_class if parsed.bass_pitch_class is not None else root
    bass = (bass + shift) % 12
    tones = frozenset({bass, *((p + shift) % 12 for p in parsed.pitch_classes)})
    return _Chord(span, tones, bass, tuple(guide))


def _meter_at(meters: Sequence[MeterChange], beat: float) -> Meter:
    current = meters[0].meter if meters else Meter()
    for change in meters:
        if change.start <= beat + 1e-9:
            current = change.meter
    return current


class _Notes:
    """Notes in time order, found by when they sound (each lookup is a bisection, not a scan)."""

    def __init__(self, notes: Iterable[Note]) -> None:
        self.notes = sorted(notes, key=lambda n: (n.start, n.pitch))
        self.starts = [n.start for n in self.notes]
        self.longest = max((n.duration for n in self.notes), default=0.0)

    def struck(self, start: float, end: float) -> list[Note]:
        """Notes struck in [start, end)."""
        return self.notes[bisect_left(self.starts, start) : bisect_left(self.starts, end)]

    def sounding(self, start: float, end: float, least: float) -> Iterator[Note]:
        """Notes sounding at least `least` beats inside [start, end)."""
        for note in self.struck(start - self.longest, end):
            if min(note.start + note.duration, end) - max(note.start, start) >= least:
                yield note

    def after(self, note: Note) -> Note | None:
        """The next note struck after `note`."""
        i = bisect_right(self.starts, note.start + 1e-6)
        return self.notes[i] if i < len(self.notes) else None


def _name(pc: int) -> str:
    return _NAMES[pc % 12]


def _parts(tracks: Iterable[Track], offset: float) -> tuple[_Notes, _Notes]:
    """The band's comping notes and bass notes on the timeline's clock (drums and the melody left out)."""
    comping: list[Note] = []
    bass: list[Note] = []
    for track in tracks:
        if track.channel == 9 or track.instrument in ("drums", "lead"):
            continue
        moved = [Note(n.start - offset, n.duration, n.pitch, n.velocity) for n in track.notes]
        (bass if track.instrument == "bass" else comping).extend(moved)
    return _Notes(comping), _Notes(bass)


def audit(timeline: Timeline, arrangement: Arrangement, offset: float | None = None) -> Audit:
    """Check `arrangement` against `timeline` (see the module's rules). `offset`: beats the arrangement
    runs ahead of the timeline (its count-in); by default the difference of their lengths."""
    if offset is None:
        offset = max(0.0, arrangement.beats - timeline.beats)
    comping, bass = _parts(arrangement.tracks, offset)
    band = _Notes(comping.notes + bass.notes)
    spans = sorted((s for s in timeline.spans if s.duration > 0), key=lambda s: s.start)
    chords = [_chord(s) for s in spans]
    misses: list[Miss] = []
    heard = changes = on_change = checked = 0
    previous: _Chord | None = None
    for i, chord in enumerate(chords):
        if chord is None:
            previous = None
            continue
        checked += 1
        meter = _meter_at(timeline.meters, chord.start)
        missing = _unheard(chord, band)
        misses.extend(missing)
        heard += not missing
        if previous is None or previous.end < chord.start - 1e-6 or _changed(previous, chord):
            changes += 1
            miss = _bass_at_change(chord, bass, meter)
            on_change += miss is None
            misses.extend([miss] if miss else [])
        after = next((c for c in chords[i + 1 :] if c is None or _changed(chord, c)), None)
        misses.extend(_wrong_notes(chord, previous, after, comping, bass, meter))
        previous = chord
    return Audit(checked, heard, changes, on_change, tuple(misses))


def _changed(a: _Chord, b: _Chord | None) -> bool:
    return b is None or a.tones != b.tones or a.bass != b.bass


def _miss(chord: _Chord, rule: str, detail: str = "") -> Miss:
    return Miss(chord.span.bar, chord.span.beat, chord.span.chord, rule, detail)


def _unheard(chord: _Chord, band: _Notes) -> list[Miss]:
    least = min(HEARD, chord.span.duration / 2)
    sounding = {n.pitch % 12 for n in band.sounding(chord.start, chord.end, least)}
    if not sounding:
        return [_miss(chord, "silent")]
    return [
        _miss(chord, f"no {degree}", f"{_name(pc)} never sounds")
        for degree, pc in chord.guide
        if pc not in sounding
    ]


def _bass_at_change(chord: _Chord, bass: _Notes, meter: Meter) -> Miss | None:
    """None when the bass note heard at the change is the chord's bass note."""
    at = chord.start
    early = EARLY * meter.unit / 4.0
    struck = [
        n
        for n in bass.struck(at - early - ON_TIME, at + ON_TIME + 1e-9)
        if n.start + n.duration > at + ON_TIME
    ]
    if not struck:
        return _miss(chord, "bass", f"no bass note on the change to {_name(chord.bass)}")
    last = max(struck, key=lambda n: (n.start, n.pitch))
    if last.pitch % 12 != chord.bass:
        return _miss(chord, "bass", f"{_name(last.pitch)} where {_name(chord.bass)} belongs")
    return None


def _wrong_notes(
    chord: _Chord, before: _Chord | None, after: _Chord | None, comping: _Notes, bass: _Notes, meter: Meter
) -> list[Miss]:
    """Notes struck inside the span that are not the chord's: comping never; the bass only as a step into
    the next change's bass note (struck on that change) or an early strike of it. A note struck within
    ON_TIME before the change may be the chord before's (its timing was humanised, or a strum's tail)."""
    start, end = chord.start - ON_TIME, chord.end - ON_TIME

    def fits(note: Note) -> bool:
        pc = note.pitch % 12
        return pc in chord.tones or (before is not None and note.start < chord.start and pc in before.tones)

    out = [
        _miss(chord, "wrong note", f"{_name(n.pitch)} in the comping")
        for n in comping.struck(start, end)
        if not fits(n)
    ]
    early = EARLY * meter.unit / 4.0
    for note in bass.struck(start, end):
        if fits(note):
            continue
        if (
            after is not None
            and note.pitch % 12 == after.bass
            and after.start - note.start <= early + ON_TIME
        ):
            continue  # an anticipation of the next change
        nxt = bass.after(note)
        if (
            after is not None
            and nxt is not None
            and abs(nxt.start - after.start) <= ON_TIME
            and nxt.pitch % 12 == after.bass
            and 0 < abs(nxt.pitch - note.pitch) <= APPROACH
        ):
            continue  # an approach into the next change
        out.append(_miss(chord, "wrong bass", f"{_name(note.pitch)} in the bass"))
    return out


_TIME = re.compile(r"^[ \t]*\{[ \t]*(time|meta[ \t]*:[ \t]*time)\b[^}\n]*\}[ \t]*\r?\n?", re.I | re.M)


def in_meter(chordpro: str, meter: str) -> str:
    """The ChordPro text with every `{time}` directive dropped and `{time: meter}` put first: the same
    song heard in another meter (lyric lines are timed for it; grid cells share its bars)."""
    return f"{{time: {meter}}}\n" + _TIME.sub("", chordpro)
