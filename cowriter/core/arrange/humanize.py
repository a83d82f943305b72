"""Humanised timing and velocity: small seeded deviations, the same for the same seed.

Each track draws from its own `random.Random` seeded with the arrangement seed and the track's name, so
adding a track never changes another's feel, and no global random state is read or written.
"""

from __future__ import annotations

import math
import random

from cowriter.core.events import Note

TIMING = 0.012  # standard deviation of the timing push/drag, in beats
VELOCITY = 5.0  # standard deviation of the velocity, in MIDI steps
GROUP = 0.12  # notes starting within this many beats of each other (a strum) move together
SPREAD = 6**0.5  # a triangular distribution this many sds wide each side has an sd of 1


def rng_for(seed: int, track: str) -> random.Random:
    return random.Random(f"cowriter:{seed}:{track}")


def humanize(
    notes: list[Note],
    rng: random.Random | None,
    *,
    offset: float = 0.0,
    end: float = math.inf,
    timing: float = TIMING,
    velocity: float = VELOCITY,
) -> list[Note]:
    """The notes in time order, nudged in timing and velocity by `rng` (untouched when it is None), cut
    at `end` and moved `offset` beats later. Notes struck together (a chord, a strum) move together;
    nothing is nudged before beat 0. A note written before beat 0 (a tune's pickup into bar 1) keeps
    its time, in the count-in bar; with no room for it (no count-in) it is left out."""
    out: list[Note] = []
    group_start, shift = -1.0, 0.0
    # Triangular noise (the sum of two uniforms): bounded at SPREAD standard deviations, cheap to draw.
    spread_t, spread_v = SPREAD * timing, SPREAD * velocity
    draw = rng.random if rng is not None else None
    for note in sorted(notes, key=lambda n: (n.start, n.pitch)):
        start = note.start
        if start >= end - 1e-6:
            continue
        stop = start + note.duration
        v = note.velocity
        if draw is not None:
            if start - group_start > GROUP:
                group_start, shift = start, (draw() + draw() - 1.0) * spread_t
            start += shift
            stop += shift
            if start < 0.0 <= note.start:
                start = 0.0
            v = round(v + (draw() + draw() - 1.0) * spread_v)
            v = 1 if v < 1 else 127 if v > 127 else v
        if stop > end:
            stop = end
        length = round(stop - start, 6)
        if start + offset < -1e-9:
            continue
        out.append(Note(round(start + offset, 6), length if length > 0.01 else 0.01, note.pitch, v))
    return out


def untangle(notes: list[Note]) -> list[Note]:
    """Notes in time order with no two of the same pitch overlapping: an earlier note is cut where the
    same pitch strikes again (MIDI cannot hold one key down twice); a unison struck twice at once
    (two strings on one pitch) sounds once."""
    out: list[Note] = []
    sounding: dict[int, int] = {}
    for note in sorted(notes, key=lambda n: (n.start, n.pitch, -n.velocity)):
        j = sounding.get(note.pitch)
        if j is not None:
            prev = out[j]
            if note.start - prev.start < 1e-6:
                continue
            if prev.start + prev.duration > note.start:
                out[j] = Note(prev.start, round(note.start - prev.start, 6), prev.pitch, prev.velocity)
        sounding[note.pitch] = len(out)
        out.append(note)
    return out
