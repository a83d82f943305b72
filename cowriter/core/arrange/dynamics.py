"""Dynamics: each note's velocity shaped by where it falls in its bar and in its phrase.

Players lean on the strong beats (the downbeat most, the middle of the bar next, the other beats less,
off-beats least: `metric_weight`), swell through a phrase towards a high point a little past its middle and
ease off at its end (`arc`). The band's phrases are the song's lines and grid rows (`band_phrases`); the
melody's are its breaths, the rests between sung notes (`melody_phrases`). A `Feel` says how far each part
moves: the melody the most (accents, arc, a lift on its high notes, a softer last note), the pad a little,
the rest of the band by its phrase alone (its accents are written in its patterns). Every shape is centred,
so a part's average loudness stays where the mix put it; the seeded humanising comes after.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from cowriter.core.arrange.bars import Bar
from cowriter.core.events import Note
from cowriter.core.timeline import Timeline

PEAK = 0.62  # where in a phrase the arc is highest
BREATH = 0.5  # quarter notes of rest that end a sung phrase
LONGEST = 16.0  # quarter notes: a phrase without a breath is cut at the bar line past this
_AVERAGE_WEIGHT = 0.35  # accents are measured from an ordinary beat


@dataclass(frozen=True, slots=True)
class Feel:
    """Velocity steps a part moves by: `arc` from a phrase's ends to its high point, `accent` from an
    ordinary beat to the downbeat, `contour` per semitone above the phrase's average pitch, `ending` off
    a phrase's last note."""

    arc: float = 0.0
    accent: float = 0.0
    contour: float = 0.0
    ending: float = 0.0


LEAD = Feel(arc=10.0, accent=9.0, contour=0.6, ending=4.0)
PAD = Feel(arc=8.0, accent=5.0)
BAND = Feel(arc=7.0)


def metric_weight(bar: Bar, beat: float) -> float:
    """How strong a position is (song beats from the bar's start): 1 on the downbeat, 0.6 mid-bar in
    even meters, 0.35 on the other beats (dotted quarters in 6/8, 9/8, 12/8), 0.15 on their
    subdivisions, 0 finer."""
    meter = bar.meter
    compound = meter.unit == 8 and meter.beats % 3 == 0 and meter.beats > 3
    step = 3.0 if compound else 1.0  # song beats a pulse
    pulses = meter.beats / step
    pulse = beat / step
    if abs(pulse - round(pulse)) < 1e-3:
        index = round(pulse) % max(1, round(pulses))
        if index == 0:
            return 1.0
        return 0.6 if pulses % 2 == 0 and pulses > 2 and index == pulses / 2 else 0.35
    half = 1.0 if compound else 0.5  # an eighth: a subdivision of the pulse
    if abs(beat / half - round(beat / half)) < 1e-3:
        return 0.15
    return 0.0


_BEND = math.log(0.5) / math.log(PEAK)
_STEPS = 1024
_ARC = tuple(math.sin(math.pi * (i / _STEPS) ** _BEND) for i in range(_STEPS + 1))


def arc(x: float) -> float:
    """0 at a phrase's start and end, 1 at PEAK: a sine bent so its top comes past the middle (read
    from a table of 1,024 steps: a velocity moves by whole steps, the table is finer than that)."""
    return _ARC[round(min(1.0, max(0.0, x)) * _STEPS)]


def band_phrases(timeline: Timeline) -> list[tuple[float, float]]:
    """(start, end) in song beats of each line or grid row the chords come from, in order; chords of no
    line are grouped in four-bar phrases."""
    out: list[tuple[float, float]] = []
    key: tuple[int, int] | None = None
    for span in sorted(timeline.spans, key=lambda s: s.start):
        if span.duration <= 0:
            continue
        this = (span.section_index, span.line if span.line else -1 - (span.bar - 1) // 4)
        end = span.start + span.duration
        if this == key and out:
            out[-1] = (out[-1][0], end)
        else:
            out.append((span.start, end))
        key = this
    return out


def melody_phrases(notes: Sequence[Note], bars: Sequence[Bar]) -> list[tuple[float, float]]:
    """(start, end) of each sung phrase: notes between breaths (a rest of BREATH quarters), a phrase
    longer than LONGEST quarters cut at a bar line."""
    out: list[tuple[float, float]] = []
    starts = [b.start for b in bars]
    for note in sorted(notes, key=lambda n: n.start):
        end = note.start + note.duration
        if out:
            start, last = out[-1]
            bar = bars[max(0, bisect_right(starts, note.start) - 1)] if bars else None
            breath = bar.beats_of(BREATH) if bar else BREATH
            quarters = (note.start - start) * (4.0 / bar.meter.unit if bar else 1.0)
            on_bar_line = bar is not None and abs(note.start - bar.start) < 1e-6
            if note.start - last < breath - 1e-6 and not (quarters >= LONGEST and on_bar_line):
                out[-1] = (start, max(last, end))
                continue
        out.append((note.start, end))
    return out


def shape(
    notes: Sequence[Note], feel: Feel, bars: Sequence[Bar], phrases: Sequence[tuple[float, float]]
) -> list[Note]:
    """The notes with velocities moved by `feel`: accent by metric weight, arc by place in the phrase,
    contour by pitch against the phrase's average, the phrase's last note eased."""
    if not notes or feel == Feel():
        return list(notes)
    starts = [b.start for b in bars]
    heads = [p[0] for p in phrases]
    groups: dict[int, list[Note]] = {}
    for note in notes:
        groups.setdefault(bisect_right(heads, note.start + 1e-6) - 1, []).append(note)
    out: list[Note] = []
    accent = feel.accent if bars else 0.0
    for index, group in groups.items():
        start, end = phrases[index] if index >= 0 else (group[0].start, group[-1].start + group[-1].duration)
        scale = _STEPS / max(end - start, 1e-6)
        mean_pitch = sum(n.pitch for n in group) / len(group)
        last = max(n.start for n in group) if feel.ending and len(group) > 1 else None
        for note in group:
            step = round((note.start - start) * scale)
            move = feel.arc * (_ARC[0 if step < 0 else _STEPS if step > _STEPS else step] - 0.5)
            if accent:
                bar = bars[max(0, bisect_right(starts, note.start + 1e-6) - 1)]
                move += accent * (metric_weight(bar, note.start - bar.start) - _AVERAGE_WEIGHT)
            if feel.contour:
                move += max(-4.0, min(4.0, feel.contour * (note.pitch - mean_pitch)))
            if note.start == last:
                move -= feel.ending
            velocity = round(note.velocity + move)
            out.append(Note(note.start, note.duration, note.pitch, 1 if velocity < 1 else min(127, velocity)))
    return out
