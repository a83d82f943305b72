"""Metrical weight: how strong a position in the bar is, for placing stressed syllables and chord tones."""

from __future__ import annotations

from cowriter.core.timeline import Meter

__all__ = ["STRONG", "grid_step", "is_compound", "strong_positions", "weight"]

STRONG = 2  # a position of weight >= STRONG is a strong beat


def is_compound(meter: Meter) -> bool:
    return meter.unit == 8 and meter.beats % 3 == 0 and meter.beats >= 6


def grid_step(meter: Meter) -> float:
    """The finest position a syllable normally takes: half a beat in simple meters, a beat (an eighth) in
    compound ones."""
    return 1.0 if is_compound(meter) else 0.5


def weight(offset: float, meter: Meter) -> int:
    """Weight of a position `offset` beats after a downbeat: 3 the downbeat, 2 the other strong beats
    (beat 3 of 4/4, beat 2 of 2/2, beat 4 of 6/8), 1 the other beats (or eighths in compound meters), 0
    half beats, -1 anything finer."""
    pos = offset % meter.beats
    if abs(pos) < 1e-9 or abs(pos - meter.beats) < 1e-9:
        return 3
    if is_compound(meter):
        if abs(pos % 3) < 1e-9:
            return 2
        return 1 if abs(pos - round(pos)) < 1e-9 else -1
    if abs(pos - round(pos)) < 1e-9:
        return 2 if meter.beats % 2 == 0 and abs(pos - meter.beats / 2) < 1e-9 else 1
    return 0 if abs(pos * 2 - round(pos * 2)) < 1e-9 else -1


def strong_positions(start: float, end: float, meter: Meter) -> int:
    """How many strong beats lie in [start, end) when `start` is a downbeat."""
    count, t = 0, start
    step = grid_step(meter)
    while t < end - 1e-9:
        if weight(t - start, meter) >= STRONG:
            count += 1
        t += step
    return count
