"""A song laid out as a lead sheet: bars, chord symbols, marks and the notes written in each bar.

The timeline decides everything: one written bar per timeline bar (a melody that runs on adds bars in
the last meter), every bar filled to its length, a chord symbol where the chord changes (and again at
each section), section names and tempo at the bar where they start, the key signature where the key
changes. A bar the melody sings in gets its notes and visible rests; a bar it leaves alone (an intro, a
break, a song with no melody at all) gets slashes, one per beat, with the words of the chords under them.
Notes and rests are split where a chord, a section or a tempo starts, so every reader, LilyPond
included, puts those on the right beat; a split note is tied.

Times are integer ticks (`notation.DIVISIONS` per quarter note) from bar 1 beat 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import pairwise

from cowriter.core.arrange import melody_of
from cowriter.core.arrange.band import MelodyNote
from cowriter.core.arrange.bars import bars_of
from cowriter.core.arrange.flow import select_section
from cowriter.core.arrange.harmony import harmony_of, transpose_key
from cowriter.core.keys import Key, KeyError_, parse_key
from cowriter.core.song import Song
from cowriter.core.timeline import Meter, Timeline
from cowriter.core.timing import timeline as song_timeline
from cowriter.render.leadsheet_words import Words, melody_words, slash_words
from cowriter.render.midi import BeatClock
from cowriter.render.notation import DIVISIONS, Value, beat_ticks, choose_clef, values

C_MAJOR = Key("C")
Note = tuple[int, int, int, Words | None]  # start, end (ticks), pitch, words


@dataclass(frozen=True, slots=True)
class Event:
    """One written note, rest or slash of a bar, `start` ticks after the bar's start."""

    start: int
    value: Value
    pitch: int | None = None  # MIDI pitch; None for a rest and for a slash
    slash: bool = False
    tie_stop: bool = False  # continues the previous note
    tie_start: bool = False  # goes on in the next one
    words: Words | None = None


@dataclass(frozen=True, slots=True)
class Mark:
    """A direction above the staff at `at` ticks into the bar: a section name or a tempo."""

    at: int
    kind: str  # "section" | "tempo"
    text: str = ""
    bpm: float = 0.0  # beats of `unit` per minute (the song's own beat)
    unit: int = 4


@dataclass(slots=True)
class Measure:
    number: int
    start: int  # ticks from bar 1 beat 1
    length: int
    meter: Meter
    key: Key
    new_meter: bool = False
    new_key: bool = False
    harmonies: list[tuple[int, str]] = field(default_factory=list)  # (ticks into the bar, symbol)
    marks: list[Mark] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    subtitle: str
    composer: str
    lyricist: str
    artist: str
    clef: str
    measures: tuple[Measure, ...]


def ticks(quarters: float) -> int:
    return round(quarters * DIVISIONS)


def layout(song: Song, *, section: str | None = None, bpm: float | None = None) -> Sheet:
    """The lead sheet of `song` (only `section` when given, without the melody, as before)."""
    timed: Timeline | None = song_timeline(song)
    melody: tuple[MelodyNote, ...] = melody_of(song)
    if section and timed is not None:
        timed, melody = select_section(timed, section), ()
    if timed is None:
        raise ValueError(f"no section called {section!r}")
    measures = _measures(timed)
    tick_of = _clock(timed)
    # a tune that starts before bar 1 (the song opens on words before its first chord: "A-[G]mazing")
    # gets a pickup bar, numbered 0 and shorter than its meter
    pickup = max(0, -min((_grid(tick_of(n.start)) for n in melody), default=0))
    if pickup:
        tick_of = _shifted(tick_of, pickup)
        first = measures[0]
        for m in measures:
            m.start += pickup
        measures.insert(0, Measure(0, 0, pickup, first.meter, first.key, True, True))
        first.new_meter = first.new_key = False  # the pickup bar states them
    notes = _notes(melody, tick_of)
    _extend(measures, max((end for _, end, _, _ in notes), default=0))
    _harmonies(measures, timed, tick_of)
    _marks(measures, timed, tick_of, bpm)
    sung = {m.number for m in measures if any(s < m.start + m.length and e > m.start for s, e, _, _ in notes)}
    slashes = {m.number: _slash_pieces(m) for m in measures if m.number not in sung}
    slots = [m.start + at for m in measures for at, _ in slashes.get(m.number, ())]
    if not any(w for *_, w in notes):  # a tune without words: the chord sheet's words go on its notes too
        slots += [start for start, *_ in notes]
    words = slash_words(song, timed, tick_of, slots)
    if not any(w for *_, w in notes):
        notes = [(s, e, p, words.get(s)) for s, e, p, _ in notes]
    for m in measures:
        if m.number in sung:
            m.events = _sung(m, notes)
            continue
        for at, length in slashes[m.number]:
            for i, (a, v) in enumerate(_offsets(at, at + length)):
                m.events.append(Event(a, v, slash=True, words=words.get(m.start + at) if i == 0 else None))
    return Sheet(
        title=song.title or "Untitled",
        subtitle=song.get("subtitle") or "",
        composer=_all(song, "composer"),
        lyricist=_all(song, "lyricist"),
        artist=_all(song, "artist"),
        clef=choose_clef([p for _, _, p, _ in notes]),
        measures=tuple(measures),
    )


def _all(song: Song, name: str) -> str:
    """Every value a directive is given (two `{composer}` lines: both names), joined by commas."""
    return ", ".join(dict.fromkeys(v.strip() for k, v in song.meta if k == name and v and v.strip()))


def _clock(timed: Timeline) -> Callable[[float], int]:
    clock = BeatClock(timed.meters)
    return lambda beat: ticks(clock.quarters(beat))


def _shifted(tick_of: Callable[[float], int], by: int) -> Callable[[float], int]:
    return lambda beat: tick_of(beat) + by


def _measures(timed: Timeline) -> list[Measure]:
    measures: list[Measure] = []
    key, last_name = C_MAJOR, None
    keys = sorted(((s.start, transpose_key(s.key, s.transpose)) for s in timed.spans), key=lambda e: e[0])
    at = 0
    for bar in bars_of(timed):
        length = ticks(bar.quarters)
        new_key = False
        while keys and keys[0][0] < bar.end - 1e-6:
            _, name = keys.pop(0)
            if name and name != last_name:
                with suppress(KeyError_):
                    key, new_key, last_name = parse_key(name), True, name
        prev = measures[-1] if measures else None
        new_meter = prev is None or prev.meter != bar.meter
        measures.append(Measure(bar.number, at, length, bar.meter, key, new_meter, new_key or prev is None))
        at += length
    if not measures:
        measures.append(Measure(1, 0, DIVISIONS * 4, Meter(), key, True, True))
    return measures


def _extend(measures: list[Measure], end: int) -> None:
    """Bars in the last meter until the melody's last note ends."""
    while end > measures[-1].start + measures[-1].length:
        last = measures[-1]
        measures.append(Measure(last.number + 1, last.start + last.length, last.length, last.meter, last.key))


def _at(measures: Sequence[Measure], tick: int) -> Measure:
    for m in reversed(measures):
        if m.start <= tick:
            return m
    return measures[0]


def _harmonies(measures: list[Measure], timed: Timeline, tick_of: Callable[[float], int]) -> None:
    previous = ("", -1)
    for span in sorted(timed.spans, key=lambda s: s.start):
        if span.duration <= 0:
            continue
        symbol = harmony_of(span.chord, span.transpose, span.key).symbol
        if (symbol, span.section_index) != previous:  # where it changes, and again at each section
            tick = tick_of(span.start)
            m = _at(measures, tick)
            m.harmonies.append((tick - m.start, symbol))
        previous = (symbol, span.section_index)


def _marks(
    measures: list[Measure], timed: Timeline, tick_of: Callable[[float], int], bpm: float | None
) -> None:
    for mark in timed.sections:
        if mark.name:
            tick = tick_of(mark.start)
            m = _at(measures, tick)
            m.marks.append(Mark(tick - m.start, "section", mark.name))
    scale = bpm / timed.tempos[0].bpm if bpm and timed.tempos else 1.0
    for pace in timed.tempos:
        tick = tick_of(pace.start)
        m = _at(measures, tick)
        m.marks.append(Mark(tick - m.start, "tempo", bpm=round(pace.bpm * scale, 2), unit=m.meter.unit))


def _notes(melody: Sequence[MelodyNote], tick_of: Callable[[float], int]) -> list[Note]:
    """The melody on the tick grid, each note ending where the next begins at the latest."""
    words = melody_words(melody)
    placed = [(max(_grid(tick_of(n.start)), 0), _grid(tick_of(n.start + n.duration)), n.pitch, w)
              for n, w in zip(melody, words, strict=True)]  # fmt: skip
    notes: list[Note] = []
    for i, (start, end, pitch, w) in enumerate(placed):
        if i + 1 < len(placed):
            end = min(end, placed[i + 1][0])
        if end - start >= 4:
            notes.append((start, end, pitch, w))
    return notes


def _grid(tick: int) -> int:
    """The nearest tick a written value can reach: a 32nd (6) or a 16th triplet (8) grid point."""
    return min((round(tick / 6) * 6, round(tick / 8) * 8), key=lambda t: (abs(t - tick), t % 6 != 0))


def _cuts(m: Measure) -> list[int]:
    return sorted({0, m.length, *(at for at, _ in m.harmonies), *(k.at for k in m.marks)})


def _sung(m: Measure, notes: list[Note]) -> list[Event]:
    """The bar's notes (tied where they cross a cut) and rests (split by beat) in written values."""
    end = m.start + m.length
    pieces: list[tuple[int, int, int | None, Words | None, bool, bool]] = []  # start, end, pitch, words, ties
    at = m.start
    for start, stop, pitch, w in notes:
        if stop <= m.start or start >= end:
            continue
        if start > at:
            pieces.append((at, start, None, None, False, False))
        s, e = max(start, m.start), min(stop, end)
        pieces.append((s, e, pitch, w if start >= m.start else None, start < m.start, stop > end))
        at = e
    if at < end:
        pieces.append((at, end, None, None, False, False))
    cuts = [m.start + c for c in _cuts(m)]
    beat = beat_ticks(m.meter.beats, m.meter.unit)
    events: list[Event] = []
    for begin, finish, tone, sung, tied_in, tied_out in pieces:
        bounds = sorted({begin, finish, *(c for c in cuts if begin < c < finish)})
        if tone is None:
            events.extend(_rests(m, bounds, beat, set(cuts)))
            continue
        bounds = sorted({*bounds, *_beats_shown(m, begin, finish, beat)})
        parts = [part for a, b in pairwise(bounds) for part in _offsets(a, b)]
        for i, (a, v) in enumerate(parts):
            first, last = i == 0, i == len(parts) - 1
            events.append(
                Event(
                    a - m.start,
                    v,
                    tone,
                    tie_stop=tied_in or not first,
                    tie_start=tied_out or not last,
                    words=sung if first else None,
                )
            )
    return events


def _beats_shown(m: Measure, begin: int, finish: int, beat: int) -> list[int]:
    """Where a note that starts off the beat is tied so the beat shows: at each dotted-quarter beat it
    crosses in 6/8, 9/8, 12/8; at the middle of a bar of four beats (beat 3 of 4/4)."""
    if (begin - m.start) % beat == 0:
        return []
    compound = beat != DIVISIONS * 4 // m.meter.unit
    step = beat if compound else m.length // 2 if m.meter.beats == 4 else 0
    if not step:
        return []
    return [m.start + t for t in range(step, m.length, step) if begin < m.start + t < finish]


def _offsets(a: int, b: int) -> list[tuple[int, Value]]:
    out, at = [], a
    for v in values(b - a):
        out.append((at, v))
        at += v.ticks
    return out


def _rests(m: Measure, bounds: list[int], beat: int, cuts: set[int]) -> list[Event]:
    """Rests for a gap: one per beat, two beats joined into a half rest where they start on beat 1 or 3
    of a bar of two, three or four beats and no chord or mark starts between them."""
    points = set(bounds)
    for a, b in pairwise(bounds):
        points.update(range(m.start + ((a - m.start) // beat + 1) * beat, b, beat))
    edges = sorted(points)
    events: list[Event] = []
    pairs = m.meter.beats in (2, 3, 4) and beat == DIVISIONS * 4 // m.meter.unit
    i = 0
    while i < len(edges) - 1:
        a, b = edges[i], edges[i + 1]
        if (
            pairs
            and b - a == beat
            and (a - m.start) % (2 * beat) == 0
            and i + 2 < len(edges)
            and edges[i + 2] - b == beat
            and b not in cuts
        ):
            b, i = edges[i + 2], i + 1
        events.extend(Event(at - m.start, v) for at, v in _offsets(a, b))
        i += 1
    return events


def _slash_pieces(m: Measure) -> list[tuple[int, int]]:
    """One slash per beat, split where a chord or a mark starts inside the beat."""
    beat = beat_ticks(m.meter.beats, m.meter.unit)
    points = sorted({*range(0, m.length, beat), *_cuts(m)} | {m.length})
    return [(a, b - a) for a, b in pairwise(points) if b > a]
