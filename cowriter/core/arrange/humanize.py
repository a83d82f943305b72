"""Humanised timing and velocity: small seeded deviations, the same for the same seed.

Each track draws from its own `random.Random` seeded with the arrangement seed and the track's name, so
adding a track never changes another's feel, and no global random state is read or written.
"""

from __future__ import annotations

import random

from cowriter.core.events import Note

TIMING = 0.012  # standard deviation of the timing push/drag, in beats
VELOCITY = 5.0  # standard deviation of the velocity, in MIDI steps
GROUP = 0.12  # notes starting within this many beats of each other (a strum) move together
LIMIT = 2.5  # deviations are clipped at this many standard deviations


def rng_for(seed: int, track: str) -> random.Random:
    return random.Random(f"cowriter:{seed}:{track}")


def humanize(
    notes: list[Note], rng: random.Random, *, timing: float = TIMING, velocity: float = VELOCITY
) -> list[Note]:
    """The notes with timing and velocity nudged. Notes struck together (a chord, a strum) move together;
    nothing moves before beat 0; lengths keep their end within the same nudge."""
    out: list[Note] = []
    group_start, shift = -1.0, 0.0
    for note in sorted(notes, key=lambda n: (n.start, n.pitch)):
        if note.start - group_start > GROUP:
            group_start, shift = note.start, _clip(rng.gauss(0.0, timing), timing)
        start = max(0.0, note.start + shift)
        v = round(note.velocity + _clip(rng.gauss(0.0, velocity), velocity))
        out.append(Note(round(start, 6), max(0.01, round(note.duration, 6)), note.pitch, min(127, max(1, v))))
    return out


def _clip(value: float, sd: float) -> float:
    return max(-LIMIT * sd, min(LIMIT * sd, value))
