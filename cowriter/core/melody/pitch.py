"""Which pitch each note takes: a Viterbi search over the voice's scale tones.

A note's own cost: a note on a strong beat (or carrying a stressed syllable) wants a tone of the chord
sounding; every note wants to be near the phrase's contour (a curve that rises to a peak and falls); the
last note of a line wants a stable degree (the tonic to close a section, 3 or 5 to leave it open); a
template (the line this one echoes) pulls towards its pitches. Between notes: steps are free, repeated
notes and skips cost a little, leaps more, anything over an octave is out; a tone that is not in the
chord must be reached and left by step (a passing or neighbour tone).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from cowriter.core.keys import Key
from cowriter.core.melody.types import Voice

__all__ = ["Contour", "NoteSlot", "choose_pitches", "interval_cost"]

_INTERVAL = (0.5, 0.0, 0.0, 0.3, 0.35, 0.8, 3.0, 1.4, 2.4, 2.6, 3.5, 4.0, 3.5)


_INF = float("inf")
_WINDOW = 6  # candidates lie within this many semitones of the contour (the rest would cost too much)


def interval_cost(semitones: int) -> float:
    d = abs(semitones)
    return _INTERVAL[d] if d < len(_INTERVAL) else float("inf")


_STEP = tuple(interval_cost(d - 12) for d in range(25))  # indexed by interval + 12


@dataclass(frozen=True, slots=True)
class NoteSlot:
    """What the pitch search knows about one note."""

    chord: frozenset[int]  # pitch classes of the chord sounding (empty: no chord)
    strong: bool
    last: bool = False
    template: int | None = None


@dataclass(frozen=True, slots=True)
class Contour:
    """A phrase shape: `center` (MIDI), `span` (semitones from the center to the peak), the peak's place
    (0..1 through the line), and the levels at the start and end (-1..1 of the span)."""

    center: float
    span: float = 4.0
    peak: float = 0.6
    begin: float = -0.4
    finish: float = -0.5

    def target(self, x: float) -> float:
        if x <= self.peak:
            level = self.begin + (1.0 - self.begin) * (x / self.peak if self.peak else 1.0)
        else:
            level = 1.0 + (self.finish - 1.0) * ((x - self.peak) / (1.0 - self.peak))
        return self.center + self.span * level


def choose_pitches(
    slots: Sequence[NoteSlot],
    key: Key,
    voice: Voice,
    contour: Contour,
    closing: bool,
    previous: int | None,
    rng: random.Random,
    noise: float = 0.6,
) -> list[int]:
    """A pitch for each note slot (MIDI numbers inside the voice's range)."""
    n = len(slots)
    if n == 0:
        return []
    tonic = key.tonic_pc
    scale = frozenset((tonic + s) % 12 for s in key.steps)
    stable_open = {(tonic + key.steps[2]) % 12, (tonic + key.steps[4]) % 12}
    low, high = voice.low, voice.high
    cost_rows: list[list[tuple[int, float, bool]]] = []
    for i, slot in enumerate(slots):
        x = i / (n - 1) if n > 1 else 1.0
        aim = contour.target(x)
        row = []
        lo = max(low, int(aim) - _WINDOW)
        hi = min(high, int(aim) + _WINDOW + 1)
        if slot.template is not None:
            lo, hi = min(lo, max(low, slot.template - 2)), max(hi, min(high, slot.template + 2))
        if slot.last:  # the cadence note may go anywhere it has to
            lo, hi = low, high
        for p in range(lo, hi + 1):
            pc = p % 12
            in_chord = pc in slot.chord
            if not in_chord and pc not in scale:
                continue
            cost = 0.3 * abs(p - aim)
            if slot.strong and slot.chord and not in_chord:
                cost += 3.0
            elif not in_chord and slot.chord:
                cost += 0.3
            if p < low + 2 or p > high - 2:
                cost += 0.4
            if slot.last:
                if pc == tonic:
                    cost += 0.0 if closing else 0.6
                elif pc in stable_open:
                    cost += 3.0 if closing else 0.0
                else:
                    cost += 4.0
                if slot.chord and not in_chord:
                    cost += 2.0
            if slot.template is not None:
                cost += 0.35 * min(abs(p - slot.template), 7)
            if i == 0 and previous is not None:
                cost += 0.12 * abs(p - previous)
            cost += rng.random() * noise
            row.append((p, cost, in_chord or not slot.chord))
        cost_rows.append(row or [(max(low, min(high, round(aim))), 0.0, True)])
    # Viterbi: a transition costs the interval, plus 2 when a non-chord tone is leapt to or from
    best = [c for _, c, _ in cost_rows[0]]
    back: list[list[int]] = []
    for i in range(1, n):
        prev_row, row = cost_rows[i - 1], cost_rows[i]
        prev = [(k, q, chordal, best[k]) for k, (q, _, chordal) in enumerate(prev_row)]
        new_best, arg = [], []
        for p, cost, chordal in row:
            top, top_k = _INF, 0
            for k, q, prev_chordal, base in prev:
                d = p - q + 12
                if d < 0 or d > 24:
                    continue
                total = base + _STEP[d]
                if (d < 10 or d > 14) and not (chordal and prev_chordal):
                    total += 2.0
                if total < top:
                    top, top_k = total, k
            new_best.append(top + cost)
            arg.append(top_k)
        best = new_best
        back.append(arg)
    j = min(range(len(best)), key=best.__getitem__)
    out = [0] * n
    for i in range(n - 1, -1, -1):
        out[i] = cost_rows[i][j][0]
        if i:
            j = back[i - 1][j]
    return out
