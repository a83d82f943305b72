"""Where each syllable falls: a dynamic programme over the positions of the phrase.

Every syllable takes one position on a grid (half beats, or eighths in compound meters; finer only when a
line has too many syllables for it). A placement earns points for stressed syllables on strong beats and
unstressed ones off them, for the phrase starting with its first chord (words before the first chord are
a pickup), for note lengths that sing (no long notes inside a word, longer notes on the rhyme word and the
last syllable, a breath before the next line), and for following a template rhythm (a motif shared by the
lines of a section, or the first verse's rhythm in the second). The best-scoring placement wins.

Anchors are not points but rules: a syllable a chord stands on in the chord sheet (`Was [Em]blind, but
[D]now`) starts exactly where the timeline starts that chord, so the melody sounds each chord under the
syllable the writer put it on. Where the grid cannot hold the syllables between two anchors it gets finer;
where nothing fits, the syllables between anchors are spread evenly and the anchors still hold.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

from cowriter.core.melody.meter import grid_step, is_compound, weight
from cowriter.core.melody.types import SungSyllable
from cowriter.core.timeline import Meter

__all__ = ["RhythmStyle", "breath", "place"]

_NEG = float("-inf")
_STRESSED = {3: 3.0, 2: 2.5, 1: 0.5, 0: -2.5, -1: -4.0}
_LIGHT = {3: 1.2, 2: 1.0, 1: 0.5, 0: -1.0, -1: -2.5}  # a secondary or lifted stress
_UNSTRESSED = {3: -2.5, 2: -1.5, 1: 0.3, 0: 0.3, -1: -0.5}


@dataclass(frozen=True, slots=True)
class RhythmStyle:
    """`pulse`: the note length the line leans towards (beats); `pickup`: whether light first syllables may
    come before the downbeat."""

    pulse: float = 1.0
    pickup: bool = True


def breath(meter: Meter) -> float:
    """The rest left at the end of a phrase (about a quarter of a bar, on the grid)."""
    step = grid_step(meter)
    return max(step, round(meter.beats / 4 / step) * step)


def place(
    syllables: tuple[SungSyllable, ...],
    start: float,
    end: float,
    meter: Meter,
    lead_in: int = 0,
    style: RhythmStyle = RhythmStyle(),
    template: tuple[float, ...] = (),
    earliest: float = 0.0,
    reserve: float = 0.0,
    cadence: float | None = None,
    anchors: tuple[tuple[int, float], ...] = (),
    holds: tuple[tuple[int, float], ...] = (),
) -> tuple[float, ...]:
    """Onsets (song beats) for the syllables of a phrase from `start` (a downbeat) to `end`; a pickup
    starts no earlier than `earliest` (where the previous line's last note may end), and the last
    `reserve` beats are left for the next line's pickup; the last syllable wants to sound from the last
    chord change (`cadence`) on. `anchors` pin syllables (by index) to onsets: the chords they carry;
    `holds` keep a syllable from starting until after a beat (a second chord on the syllable before it)."""
    return _place(
        syllables, start, end, meter, lead_in, style, template, earliest, reserve, cadence, anchors, holds
    )


@lru_cache(maxsize=512)
def _place(
    syllables: tuple[SungSyllable, ...],
    start: float,
    end: float,
    meter: Meter,
    lead_in: int,
    style: RhythmStyle,
    template: tuple[float, ...],
    earliest: float,
    reserve: float,
    cadence: float | None,
    anchors: tuple[tuple[int, float], ...],
    holds: tuple[tuple[int, float], ...],
) -> tuple[float, ...]:
    n = len(syllables)
    if n == 0:
        return ()
    anchors = tuple((i, t) for i, t in anchors if 0 <= i < n)
    step = grid_step(meter)
    rest = max(breath(meter), reserve)
    light_start = 0
    while light_start < min(n, 2) and syllables[light_start].stress == 0:
        light_start += 1
    max_pickup = lead_in if lead_in else (light_start if style.pickup else 0)
    if anchors and abs(anchors[0][1] - start) < 1e-9:  # the words before the first chord: the pickup
        max_pickup = anchors[0][0]
    room = max(meter.beats / 2, max_pickup * step) if max_pickup else 0.0
    room = min(room, max(start - earliest, 0.0))  # not over the previous line's last note
    for _ in range(3):
        positions = _grid(start, room, end - step, step)
        # a crowded line (more than 4 syllables in 5 places) may use the next finer grid, and so may a
        # line whose anchors leave too few places between them
        if (len(positions) * 0.8 >= n and _fits(positions, anchors, n)) or step < 0.25:
            break
        step /= 2
        room = min(max(room, max_pickup * step), max(start - earliest, 0.0))
    if len(positions) < n or not _fits(positions, anchors, n):
        return _spread(n, start, end - rest if end - rest > start else end, anchors, step)
    placed = _best(
        syllables,
        positions,
        start,
        end,
        rest,
        meter,
        lead_in,
        max_pickup,
        style,
        template,
        step,
        cadence,
        anchors,
        holds,
    )
    return placed or _spread(n, start, end - rest if end - rest > start else end, anchors, step)


def _grid(start: float, room: float, last: float, step: float) -> list[float]:
    """Places from `room` beats before the downbeat `start` (in whole steps, so the downbeat is one of
    them) to `last`."""
    first = start - math.floor(room / step + 1e-9) * step
    out = []
    k = 0
    while first + k * step <= last + 1e-9:
        out.append(round(first + k * step, 9))
        k += 1
    return out


def _index(positions: list[float], t: float) -> int | None:
    """The place at onset `t`, if the grid has one."""
    lo, hi = 0, len(positions) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if abs(positions[mid] - t) < 1e-6:
            return mid
        if positions[mid] < t:
            lo = mid + 1
        else:
            hi = mid - 1
    return None


def _fits(positions: list[float], anchors: tuple[tuple[int, float], ...], n: int) -> bool:
    """Every anchor on a place of the grid, with room for the syllables before, between and after."""
    previous = (-1, -1)
    for i, t in anchors:
        j = _index(positions, t)
        if j is None or j - previous[1] < i - previous[0]:
            return False
        previous = (i, j)
    return len(positions) - 1 - previous[1] >= n - 1 - previous[0]


def _spread(
    n: int, start: float, stop: float, anchors: tuple[tuple[int, float], ...], step: float
) -> tuple[float, ...]:
    """Onsets spread evenly between the anchors (each anchor at its own onset), when no grid holds them:
    syllables before the first anchor come a step apart before it, those after the last share the time up
    to `stop`."""
    if not anchors:
        span = max(stop - start, 1e-3)
        return tuple(start + span * i / n for i in range(n))
    onsets = [0.0] * n
    first_i, first_t = anchors[0]
    gap = step if first_t > start + 1e-9 or first_i == 0 else min(step, 1.0)
    for i in range(first_i):
        onsets[i] = first_t - (first_i - i) * gap
    bounds = [*anchors, (n, max(stop, anchors[-1][1] + 1e-3))]
    for (i1, t1), (i2, t2) in itertools.pairwise(bounds):
        share = (t2 - t1) / (i2 - i1)
        if share >= step:  # whole steps where they fit
            share = math.floor(share / step + 1e-9) * step
        for i in range(i1, i2):
            onsets[i] = t1 + share * (i - i1)
    return tuple(round(t, 9) for t in onsets)


def _best(
    syllables: tuple[SungSyllable, ...],
    positions: list[float],
    start: float,
    end: float,
    rest: float,
    meter: Meter,
    lead_in: int,
    max_pickup: int,
    style: RhythmStyle,
    template: tuple[float, ...],
    step: float,
    cadence: float | None,
    anchors: tuple[tuple[int, float], ...],
    holds: tuple[tuple[int, float], ...],
) -> tuple[float, ...] | None:
    """The best placement on the grid, or None when the anchors, holds and gap limits leave none."""
    n, m = len(syllables), len(positions)
    pulse = 3.0 if is_compound(meter) else 1.0
    bar = float(meter.beats)
    pinned = {i: _index(positions, t) for i, t in anchors}
    not_before = dict(holds)
    spans = [b[1] - a[1] for a, b in itertools.pairwise(anchors)]
    max_gap = round(max(4 * pulse, *spans) / step) if spans else round(4 * pulse / step)
    weights = [weight(t - start, meter) for t in positions]
    template_set = {round(t, 6) for t in template}

    def node(i: int, j: int) -> float:
        t = positions[j]
        syl = syllables[i]
        if i in pinned and pinned[i] != j:
            return _NEG
        if i in not_before and t <= not_before[i] + 1e-9:
            return _NEG
        w = weights[j]
        val = _STRESSED[w] if syl.stress >= 2 else _LIGHT[w] if syl.stress else _UNSTRESSED[w]
        if t < start - 1e-9:
            if i >= max_pickup:
                return _NEG
            val += 0.5 if i < lead_in else 0.0
        elif i < lead_in:
            val -= 4.0
        if i == lead_in and abs(t - start) < 1e-9:
            val += 0.5
        if template and round(t - start, 6) in template_set:
            val += 0.5
        if i == n - 1:
            length = end - t - rest if end - t - rest >= step else end - t
            val -= 0.0 if end - t - rest >= step else 1.0  # no breath before the next line
            val += 0.6 * min(length, 4 * pulse) / pulse
            if length > bar:
                val -= (length - bar) * 0.6
            if w >= 2:
                val += 2.0
            if cadence is not None and t >= cadence - 1e-9:
                val += 2.0
        return val

    def edge(i: int, gap: float) -> float:
        """The cost of syllable i lasting `gap` beats (until the next one starts)."""
        syl = syllables[i]
        val = -0.25 * abs(gap - style.pulse)
        if gap > 2 * pulse:
            val -= (gap - 2 * pulse) * 0.8
        if gap > step and round(gap / step) % 2 == 1:
            val -= 0.2
        if not syl.word_end and gap > pulse:
            val -= 0.4 * (gap - pulse)
        if syl.rhyme:
            val += 0.4 * min(gap, 2 * pulse)
        return val

    # positions are evenly spaced, so a syllable's length is (j - k) steps: tabulate edge costs once
    edges = [[0.0] + [edge(i, g * step) for g in range(1, max_gap + 1)] for i in range(n)]
    best = [[_NEG] * m for _ in range(n)]
    back = [[-1] * m for _ in range(n)]
    for j in range(m - n + 1):
        best[0][j] = node(0, j)
    for i in range(1, n):
        row, prev, cost = best[i], best[i - 1], edges[i - 1]
        for j in range(i, m - (n - 1 - i)):
            score = node(i, j)
            if score == _NEG:
                continue
            top, arg = _NEG, -1
            for k in range(max(i - 1, j - max_gap), j):
                cand = prev[k] + cost[j - k]
                if cand > top:
                    top, arg = cand, k
            if arg >= 0 and top > _NEG:
                row[j] = top + score
                back[i][j] = arg
    j = max(range(m), key=lambda k: best[n - 1][k])
    if best[n - 1][j] == _NEG:  # nothing fits the gap limits
        return None
    onsets = [0.0] * n
    for i in range(n - 1, -1, -1):
        onsets[i] = positions[j]
        j = back[i][j]
    return tuple(onsets)
