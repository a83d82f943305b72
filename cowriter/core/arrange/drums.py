"""The drum part: the style's grooves, a crash into each section, a fill out of it, silence under N.C."""

from __future__ import annotations

from cowriter.core.arrange.bars import Bar
from cowriter.core.arrange.harmony import Changes
from cowriter.core.arrange.pattern import swing
from cowriter.core.arrange.styles import CRASH, HIGH_TOM, KICK, LOW_TOM, MID_TOM, SIDE_STICK, SNARE, Style
from cowriter.core.events import Note

_VELOCITY = {"X": 112, "x": 88, "o": 50}
HIT = 0.25  # drum notes are short; the synth and GM sound lets them ring


def _sounding(changes: Changes, at: float) -> bool:
    change = changes.at(at)
    return change is not None and not change.harmony.silent


def drum_bar(style: Style, bar: Bar, changes: Changes, *, crash: bool, fill: bool, stop: float) -> list[Note]:
    """One bar of drums. `crash` opens a section; `fill` leads out of one (the bar's last beat)."""
    notes: list[Note] = []
    fill_from = bar.end - bar.beats_of(1.0) if fill else bar.end + 1
    for pitch, pattern in style.drums:
        for hit in pattern.over(bar.quarters, bar.phase):
            at = bar.beat_of(swing(hit.at, style.swing, style.swing_unit))
            if at >= min(stop, fill_from) - 1e-6 or not _sounding(changes, at):
                continue
            velocity = int(_VELOCITY.get(hit.symbol, 80) * style.drum_level)
            notes.append(Note(round(at, 6), HIT, pitch, max(1, velocity)))
    if crash and bar.start < stop and _sounding(changes, bar.start):
        notes.append(Note(bar.start, 1.0, CRASH, int(104 * max(style.drum_level, 0.7))))
        if not any(n.pitch == KICK and abs(n.start - bar.start) < 1e-6 for n in notes):
            notes.append(Note(bar.start, HIT, KICK, 100))
    if fill and fill_from < stop and _sounding(changes, fill_from):
        notes.extend(fill_notes(bar, fill_from, style.drum_level))
    return notes


def fill_notes(bar: Bar, start: float, level: float) -> list[Note]:
    """Four sixteenths down the kit across the last beat."""
    step = bar.beats_of(0.25)
    kit = (SNARE, HIGH_TOM, MID_TOM, LOW_TOM)
    velocity = int(96 * max(level, 0.6))
    return [Note(round(start + i * step, 6), HIT, p, velocity + 4 * i) for i, p in enumerate(kit)]


def count_in(beats: int, unit: int, velocity: int = 96) -> list[Note]:
    """One bar of side-stick clicks before the band comes in: every beat, or every dotted quarter in
    compound meters (6/8, 9/8, 12/8)."""
    step = 3 if unit == 8 and beats % 3 == 0 and beats > 3 else 1
    return [
        Note(float(b), HIT, SIDE_STICK, velocity if b == 0 else velocity - 16) for b in range(0, beats, step)
    ]
