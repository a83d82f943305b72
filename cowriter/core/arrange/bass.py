"""The bass part: a style's pattern of chord degrees, or a walking line, in two passes.

First each bar gives its hits (`bass_hits`): the style's pattern (a note a beat for a walking line), with
the chord's bass note on the downbeat and on every change inside the bar, wherever the pattern puts its
notes. Then the whole line is read in order (`bass_line`), so each note knows the next: an approach steps
into the next change's bass note, an anticipation (`>`) strikes the next chord's bass note early and holds
it across the change. Every change sounds its slash note when it has one, else its root. Notes stay in the
bass range and move to the nearest octave of each new note, so the line neither jumps nor drifts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cowriter.core.arrange.bars import Bar
from cowriter.core.arrange.harmony import Change, Changes, Harmony
from cowriter.core.arrange.pattern import Hit, swing
from cowriter.core.arrange.styles import Style
from cowriter.core.events import Note

BASS_LOW, BASS_HIGH = 28, 52  # E1..E3
BASS_HOME = 38.0
GATE = 0.95  # share of its step a bass note sounds (a walking note: WALK_GATE)
WALK_GATE = 0.9
TOUCH = 0.125  # quarter notes: a pattern hit this close after a change is moved onto it


def place(pc: int, near: float, low: int = BASS_LOW, high: int = BASS_HIGH) -> int:
    """The pitch of pitch class `pc` nearest to `near`, inside [low, high]."""
    below = math.floor(near) - (math.floor(near) - pc) % 12  # the nearest at or under `near`
    best = below if near - below <= below + 12 - near else below + 12
    while best < low:
        best += 12
    while best > high:
        best -= 12
    return best


@dataclass(frozen=True, slots=True)
class BassHit:
    """One bass step: from `at` to `end` (song beats, before gating). `symbol`: `R`/`r` the chord's bass
    note, `5`, `3`, `8` its fifth, third and octave, `a` an approach into the next change (its fifth when
    the bass does not change), `>` an anticipation of the next change, `W` a walking step."""

    at: float
    end: float
    symbol: str
    velocity: int


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


def changes_in(bar: Bar, changes: Changes, stop: float) -> list[Change]:
    """The sounding changes that start inside the bar, before `stop`."""
    return [c for c in changes.starting(bar.start, min(bar.end, stop)) if not c.harmony.silent]


def bass_hits(style: Style, bar: Bar, changes: Changes, stop: float, lift: float = 1.0) -> list[BassHit]:
    """The bar's bass hits (none at or after `stop`, where the ending takes over): the pattern's, the
    chord's bass note on the downbeat, and on each change inside the bar."""
    steps = style.bass.over(bar.quarters, bar.phase) if style.bass else _walk(bar)
    walking = style.bass is None
    hits: list[BassHit] = []
    for i, step in enumerate(steps):
        at = bar.beat_of(swing(step.at, style.swing, style.swing_unit))
        end = bar.beat_of(steps[i + 1].at) if i + 1 < len(steps) else bar.beat_of(step.at + step.length)
        symbol = "R" if i == 0 and step.at < 1e-6 else step.symbol
        hits.append(BassHit(at, end, symbol, _velocity(symbol, lift, walking, i == 0)))
    if not hits or hits[0].at > bar.start + 1e-6:  # the downbeat always sounds the chord's bass note
        hits.insert(0, BassHit(bar.start, hits[0].at if hits else bar.end, "R", _velocity("R", lift)))
    touch = bar.beats_of(TOUCH)
    for change in changes_in(bar, changes, stop):
        on = [h for h in hits if change.start - 1e-6 <= h.at < change.start + touch]
        rest = [h for h in hits if h not in on]
        later = [h.at for h in rest if h.at > change.start]
        end = max([h.end for h in on], default=min(later, default=bar.end))
        hit = BassHit(change.start, end, "R", _velocity("R", lift, walking))
        hits = sorted([*rest, hit], key=lambda h: h.at)
    return [h for h in hits if h.at < stop - 1e-6]


def _walk(bar: Bar) -> list[Hit]:
    return [Hit(float(q), 1.0, "W") for q in range(math.ceil(bar.quarters - 1e-6))]


def _velocity(symbol: str, lift: float, walking: bool = False, downbeat: bool = False) -> int:
    strong = symbol.isupper() or symbol == ">"
    base = (96 if downbeat else 84) if walking else 100 if strong else 86
    return max(1, min(127, round(base * lift)))


def bass_line(hits: list[BassHit], changes: Changes, stop: float, landing: float = -math.inf) -> list[Note]:
    """The bass notes of the whole song from its hits (in time order). Notes end by `stop`, where the
    ending lands: a hit there is the landing, held to `landing`, and led into like any change."""
    notes: list[Note] = []
    previous = round(BASS_HOME)
    target: int | None = None  # the pitch an approach or anticipation led to
    tied_until = -math.inf  # a hit held over from an anticipation is not struck again

    def until(hit: BassHit, change: Change) -> float:
        if hit.at >= stop - 1e-6:
            return landing
        gate = WALK_GATE if hit.symbol == "W" else GATE
        return min(hit.at + (hit.end - hit.at) * gate, change.end, stop)

    walked = 0
    for i, hit in enumerate(hits):
        if hit.at < tied_until - 1e-6:
            continue
        change = changes.at(hit.at)
        if change is None or change.harmony.silent:
            target = None
            continue
        chord = change.harmony
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        coming = _coming(nxt, change, changes)
        end = until(hit, change)
        walked = 0 if abs(hit.at - change.start) < 1e-6 else walked + 1
        symbol = hit.symbol
        if symbol == "W":
            symbol = "R" if walked == 0 else "a" if coming is not None else "W"
        if symbol == ">" and coming is not None and nxt is not None and nxt.at - hit.end < 1e-6:
            pitch = place(coming.harmony.bass, (previous + BASS_HOME) / 2)
            end = until(nxt, coming)
            tied_until, target = nxt.at + 1e-3, None
        elif symbol in "aA" and coming is not None:
            goal = place(coming.harmony.bass, previous)
            pitch, target = (goal - 1 if goal > previous else goal + 1), goal
        else:
            pitch = _degree(symbol, chord, previous, walked, target)
            target = None
        notes.append(Note(hit.at, round(end - hit.at, 6), pitch, hit.velocity))
        previous = pitch
    return notes


def _coming(nxt: BassHit | None, change: Change, changes: Changes) -> Change | None:
    """The change the next hit starts, when it brings another bass note (what an approach leads into)."""
    if nxt is None:
        return None
    coming = changes.at(nxt.at)
    if coming is None or coming is change or coming.harmony.silent or abs(coming.start - nxt.at) > 1e-6:
        return None
    return coming if coming.harmony.bass != change.harmony.bass else None


def _degree(symbol: str, chord: Harmony, previous: int, walked: int, target: int | None) -> int:
    s = symbol.lower()
    if s in "r>":
        if target is not None and target % 12 == chord.bass:
            return target
        return place(chord.bass, (previous + BASS_HOME) / 2)
    if s in "5a":
        return place(chord.root + chord.fifth, previous + 3)
    if s == "3":
        return place(chord.root + chord.third, previous + 2)
    if s == "8":
        up = previous + 12
        return up if up <= BASS_HIGH + 7 and up % 12 == chord.bass else place(chord.bass, previous + 12)
    if s == "w":  # a walking step: third, fifth, octave in turn, rising then falling
        tones = (chord.third, chord.fifth, 12 if walked % 2 else chord.fifth)
        return place(chord.root + tones[(walked - 1) % 3], previous + (2 if walked % 2 else -1))
    return place(chord.bass, previous)
