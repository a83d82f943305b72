"""The bass part: a style's pattern of chord degrees, or a walking line, one bar at a time.

Every downbeat under a chord is that chord's bass note: its slash note when it has one, else its root.
Notes stay in the bass range and move to the nearest octave of each new note, so the line neither jumps
nor drifts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from cowriter.core.arrange.bars import Bar
from cowriter.core.arrange.harmony import Change, Changes, Harmony
from cowriter.core.arrange.pattern import Hit, swing
from cowriter.core.arrange.styles import Style
from cowriter.core.events import Note

BASS_LOW, BASS_HIGH = 28, 52  # E1..E3
BASS_HOME = 38.0


def place(pc: int, near: float, low: int = BASS_LOW, high: int = BASS_HIGH) -> int:
    """The pitch of pitch class `pc` nearest to `near`, inside [low, high]."""
    below = math.floor(near) - (math.floor(near) - pc) % 12  # the nearest at or under `near`
    best = below if near - below <= below + 12 - near else below + 12
    while best < low:
        best += 12
    while best > high:
        best -= 12
    return best


def _degree(symbol: str, chord: Harmony, after: Harmony | None, previous: int) -> int:
    s = symbol.lower()
    if s == "r":
        return place(chord.bass, (previous + BASS_HOME) / 2)
    if s == "5":
        return place(chord.root + chord.fifth, previous + 3)
    if s == "3":
        return place(chord.root + chord.third, previous + 2)
    if s == "8":
        up = previous + 12
        return up if up <= BASS_HIGH + 7 and up % 12 == chord.bass else place(chord.bass, previous + 12)
    if s == "a":  # a chromatic step into the next chord's bass note
        if after is None or after.silent or after.bass == chord.bass:
            return place(chord.root + chord.fifth, previous)
        target = place(after.bass, previous)
        return target - 1 if target > previous else target + 1
    return place(chord.bass, previous)


def sounding_hits(
    hits: Iterable[Hit], style: Style, bar: Bar, changes: Changes, stop: float
) -> Iterator[tuple[Hit, float, Change]]:
    """A pattern's hits in a bar that sound: each with its swung beat and the chord there. Stops at
    `stop` (the ending takes over) and skips hits under N.C. or before the first chord."""
    for hit in hits:
        at = bar.beat_of(swing(hit.at, style.swing, style.swing_unit))
        if at >= stop - 1e-6:
            return
        change = changes.at(at)
        if change is not None and not change.harmony.silent:
            yield hit, at, change


def bass_bar(style: Style, bar: Bar, changes: Changes, previous: int, stop: float) -> tuple[list[Note], int]:
    """The bass notes of one bar (none at or after `stop`, where the ending takes over), and the last
    pitch played (for the next bar to lead from)."""
    if style.bass is None:
        return walk_bar(bar, changes, previous, stop)
    notes: list[Note] = []
    hits = style.bass.over(bar.quarters, bar.phase)
    # The downbeat always sounds the chord's bass note, whatever part of a longer pattern lands there.
    if not hits or hits[0].at > 1e-6:
        hits.insert(0, Hit(0.0, hits[0].at if hits else bar.quarters, "R"))
    elif hits[0].symbol not in "Rr":
        hits[0] = Hit(0.0, hits[0].length, "R")
    for hit, at, change in sounding_hits(hits, style, bar, changes, stop):
        nxt = changes.next_after(at)
        pitch = _degree(hit.symbol, change.harmony, nxt.harmony if nxt else None, previous)
        end = min(at + bar.beats_of(hit.length) * 0.95, change.end, stop)
        velocity = 100 if hit.symbol.isupper() else 86
        notes.append(Note(at, round(end - at, 6), pitch, velocity))
        previous = pitch
    return notes, previous


def walk_bar(bar: Bar, changes: Changes, previous: int, stop: float) -> tuple[list[Note], int]:
    """Quarter-note walking bass: root on the downbeat and at each change, chord tones between, a
    chromatic approach on the beat before a new chord."""
    notes: list[Note] = []
    steps = round(bar.quarters)
    for q in range(steps):
        at = bar.beat_of(float(q))
        if at >= stop - 1e-6:
            break
        change = changes.at(at)
        if change is None or change.harmony.silent:
            continue
        chord = change.harmony
        into = round((at - change.start) / bar.beats_of(1.0))
        nxt = changes.next_after(at)
        before_change = nxt is not None and nxt.start - at <= bar.beats_of(1.0) + 1e-6
        if q == 0 or into == 0:
            pitch = place(chord.bass, (previous + BASS_HOME) / 2)
        elif before_change and nxt is not None and not nxt.harmony.silent and nxt.harmony.bass != chord.bass:
            target = place(nxt.harmony.bass, previous)
            pitch = target - 1 if target > previous else target + 1
        else:
            tones = (chord.third, chord.fifth, 12 if into % 2 else chord.fifth)
            pitch = place(chord.root + tones[(into - 1 + bar.number) % 3], previous + (2 if into % 2 else -1))
        end = min(at + bar.beats_of(1.0) * 0.9, change.end, stop)
        notes.append(Note(at, round(end - at, 6), pitch, 96 if q == 0 else 84))
        previous = pitch
    return notes, previous
