"""The score card of a sketch: each rule of a singable melody measured as a fraction (see `ScoreCard`)."""

from __future__ import annotations

from collections.abc import Sequence

from cowriter.core.abc_types import AbcNote
from cowriter.core.keys import Key
from cowriter.core.melody.meter import STRONG, strong_positions, weight
from cowriter.core.melody.types import MelodyLine, ScoreCard, Voice
from cowriter.core.timeline import Meter

__all__ = ["chord_at", "score_sketch"]


def chord_at(line: MelodyLine, t: float) -> frozenset[int]:
    """Pitch classes of the chord sounding at `t` (the first chord for a pickup before it)."""
    current: frozenset[int] = line.chords[0].pitch_classes if line.chords else frozenset()
    for window in line.chords:
        if window.start <= t + 1e-9:
            current = window.pitch_classes
        else:
            break
    return current


def score_sketch(
    lines: Sequence[MelodyLine],
    notes_per_line: Sequence[Sequence[AbcNote]],
    stresses_per_line: Sequence[Sequence[int]],
    key: Key,
    meter: Meter,
    voice: Voice,
) -> ScoreCard:
    stress_hits = stress_room = 0
    strong_notes = strong_chordal = 0
    leap_cost = 0.0
    intervals = 0
    in_range = total_notes = 0
    cadences = rises_falls = 0
    tonic = key.tonic_pc
    stable = {tonic, (tonic + key.steps[2]) % 12, (tonic + key.steps[4]) % 12}
    for line, notes, stresses in zip(lines, notes_per_line, stresses_per_line, strict=True):
        if not notes:
            continue
        sung = [n for n in notes if n.syllable]
        stressed = [n for n, s in zip(sung, stresses, strict=False) if s]
        hits = sum(1 for n in stressed if weight(n.start - line.start, meter) >= STRONG)
        room = min(len(stressed), strong_positions(line.start, line.end, meter))
        stress_hits += min(hits, room)
        stress_room += room
        for n in notes:
            total_notes += 1
            in_range += voice.low <= n.pitch <= voice.high
            chord = chord_at(line, n.start)
            if weight(n.start - line.start, meter) >= STRONG and chord:
                strong_notes += 1
                strong_chordal += n.pitch % 12 in chord
        pitches = [n.pitch for n in notes]
        for i in range(1, len(pitches)):
            d = pitches[i] - pitches[i - 1]
            intervals += 1
            if abs(d) > 7:
                leap_cost += 1.0
            elif abs(d) > 4:
                leap_cost += 0.3
            if abs(d) > 4 and i + 1 < len(pitches):
                after = pitches[i + 1] - pitches[i]
                if not (after * d < 0 and abs(after) <= 4):
                    leap_cost += 0.5  # a leap not recovered by a step back
        end_pc = pitches[-1] % 12
        cadences += (end_pc == tonic) if line.closing else (end_pc in stable)
        peak = max(range(len(pitches)), key=pitches.__getitem__)
        rises_falls += len(pitches) < 3 or (pitches[peak] > pitches[0] and pitches[peak] > pitches[-1])
    n_lines = max(1, sum(1 for notes in notes_per_line if notes))
    return ScoreCard(
        stress=stress_hits / stress_room if stress_room else 1.0,
        chord_tones=strong_chordal / strong_notes if strong_notes else 1.0,
        leaps=max(0.0, 1.0 - leap_cost / intervals) if intervals else 1.0,
        range=in_range / total_notes if total_notes else 1.0,
        cadence=cadences / n_lines,
        contour=rises_falls / n_lines,
    )
