"""Melody sketches for a run of lyric lines: rhythm, then pitches, line by line, several alternatives.

Each alternative draws its own choices from a seeded generator (the pulse it leans on, its register,
each line's contour, where a short line stretches a syllable over two notes), so the same seed always
gives the same sketches. Lines share motifs: from the third line on, a line echoes the rhythm, contour
and pitches of the line two before it (AABB/ABAB verses), adapted to its own syllables. A `template` per
line (the first verse's tune, for a second verse) takes the place of that echo.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from cowriter.core.abc_types import AbcNote
from cowriter.core.keys import Key
from cowriter.core.melody.meter import STRONG, grid_step, is_compound, weight
from cowriter.core.melody.pitch import Contour, NoteSlot, choose_pitches
from cowriter.core.melody.rhythm import RhythmStyle, breath, place
from cowriter.core.melody.score import chord_at, score_sketch
from cowriter.core.melody.types import MelodyLine, Sketch, Voice
from cowriter.core.timeline import Meter

__all__ = ["LineTemplate", "sketch", "template_of"]


@dataclass(frozen=True, slots=True)
class LineTemplate:
    """A line's tune to echo: onsets relative to its phrase start, and the pitch of each note."""

    onsets: tuple[float, ...]
    pitches: tuple[int, ...]
    syllable_onsets: tuple[float, ...] = ()  # onsets of the notes that start a syllable

    def pitch_at(self, offset: float) -> int | None:
        if not self.onsets:
            return None
        i = bisect.bisect_right(self.onsets, offset + 1e-9) - 1
        return self.pitches[max(i, 0)]


def template_of(notes: Sequence[AbcNote], start: float) -> LineTemplate:
    """The template of a line sung as `notes` in a phrase starting at `start`."""
    ordered = sorted(notes, key=lambda n: n.start)
    return LineTemplate(
        onsets=tuple(round(n.start - start, 6) for n in ordered),
        pitches=tuple(n.pitch for n in ordered),
        syllable_onsets=tuple(round(n.start - start, 6) for n in ordered if n.syllable),
    )


def sketch(
    lines: Sequence[MelodyLine],
    key: Key,
    meter: Meter,
    voice: Voice,
    alternatives: int = 3,
    seed: int = 0,
    templates: Sequence[LineTemplate | None] = (),
    follows: Sequence[int | None] = (),
) -> list[Sketch]:
    """`alternatives` melodies for the lines, best score first (deterministic for a seed).

    `templates[i]` gives line i a tune to echo; `follows[i]` names an earlier line whose tune (in the same
    alternative) line i sings instead: the second verse following the first."""
    out = [
        _one(lines, key, meter, voice, random.Random(f"melody:{seed}:{k}"), templates, follows, k)
        for k in range(alternatives)
    ]
    return sorted(out, key=lambda s: -s.score.total)


def _one(
    lines: Sequence[MelodyLine],
    key: Key,
    meter: Meter,
    voice: Voice,
    rng: random.Random,
    templates: Sequence[LineTemplate | None],
    follows: Sequence[int | None],
    index: int,
) -> Sketch:
    step = grid_step(meter)
    pulse = 3.0 if is_compound(meter) else 1.0
    beats = sum(line.end - line.start for line in lines) or 1.0
    density = sum(len(line.syllables) for line in lines) / beats
    style = RhythmStyle(
        pulse=rng.choice((pulse, pulse / 2 if density > 0.9 else pulse, step)),
        pickup=True,
    )
    width = voice.high - voice.low
    center = voice.low + width * rng.uniform(0.4, 0.58)
    span = min(rng.uniform(4.0, 8.0), width / 2 - 1)
    echoes: list[tuple[LineTemplate, Contour] | None] = []
    all_notes: list[AbcNote] = []
    per_line: list[list[AbcNote]] = []
    ranges: list[tuple[int, int]] = []
    previous: int | None = None
    for i, line in enumerate(lines):
        given = templates[i] if i < len(templates) else None
        leader = follows[i] if i < len(follows) else None
        # the tune this line echoes: the line it follows (a second verse), else the line two before it
        # in its own section (a motif), when the syllable counts are close enough to share it
        echo = echoes[leader] if leader is not None and leader < i else None
        if echo is None and i >= 2 and lines[i - 2].section == line.section:
            echo = echoes[i - 2]
            if echo is not None and abs(len(echo[0].syllable_onsets) - len(line.syllables)) > 3:
                echo = None
        template = given or (echo[0] if echo else None)
        if echo is not None and given is None:
            contour = echo[1]
        else:
            contour = Contour(
                center=min(center + line.lift, voice.high - span - 1) + rng.uniform(-1.5, 1.5),
                span=span,
                peak=rng.uniform(0.35, 0.75),
                begin=rng.uniform(-0.9, 0.0),
                finish=-0.8 if line.closing else rng.uniform(-0.5, 0.3),
            )
        if line.closing:
            contour = Contour(contour.center, contour.span, contour.peak, contour.begin, -0.8)
        # the song's first words before its first chord are a pickup before bar 1
        # (a line whose first words come before its first chord must have them: the note before may shrink
        # to a step to make room)
        if all_notes:
            earliest = all_notes[-1].start + (step if line.lead_in else pulse)
        else:
            earliest = -math.inf if line.lead_in else 0.0
        reserve = _pickup_need(lines[i + 1], step) if i + 1 < len(lines) else 0.0
        notes = _line(
            line, key, meter, voice, rng, style, contour, template, previous, step, earliest, reserve
        )
        if notes:
            previous = notes[-1].pitch
            if all_notes and notes[0].start < all_notes[-1].start + all_notes[-1].duration:
                last = all_notes[-1]
                length = max(step / 2, notes[0].start - last.start)
                all_notes[-1] = AbcNote(last.start, length, last.pitch, last.syllable, last.hyphen)
                if per_line and per_line[-1]:
                    per_line[-1][-1] = all_notes[-1]
        ranges.append((len(all_notes), len(all_notes) + len(notes)))
        all_notes.extend(notes)
        per_line.append(notes)
        echoes.append((template_of(notes, line.start), contour) if notes else None)
    card = score_sketch(
        lines, per_line, [[s.stress for s in line.syllables] for line in lines], key, meter, voice
    )
    return Sketch(notes=tuple(all_notes), score=card, lines=tuple(ranges), seed=index)


def _pickup_need(line: MelodyLine, step: float) -> float:
    """Beats the next line's pickup may want at the end of this one: its words before the first chord, or
    its light first syllables (at most two)."""
    light = 0
    while light < min(2, len(line.syllables)) and line.syllables[light].stress == 0:
        light += 1
    return (line.lead_in or light) * step


def _line(
    line: MelodyLine,
    key: Key,
    meter: Meter,
    voice: Voice,
    rng: random.Random,
    style: RhythmStyle,
    contour: Contour,
    template: LineTemplate | None,
    previous: int | None,
    step: float,
    earliest: float,
    reserve: float,
) -> list[AbcNote]:
    syllables = line.syllables
    if not syllables:
        return []
    rhythm = template.syllable_onsets if template else ()
    cadence = line.chords[-1].start if len(line.chords) > 1 else None
    onsets = place(
        syllables,
        line.start,
        line.end,
        meter,
        line.lead_in,
        style,
        rhythm,
        earliest,
        reserve,
        cadence,
        line.anchors,
        line.holds,
    )
    stop = line.end - max(breath(meter), reserve)
    ends = [*onsets[1:], stop if stop - onsets[-1] >= step - 1e-9 else line.end]
    # (start, duration, syllable index, first note of the syllable)
    plan = [(onsets[k], ends[k] - onsets[k], k, True) for k in range(len(onsets))]
    pulse = 3.0 if is_compound(meter) else 1.0
    if len(syllables) * 2 * pulse <= line.end - line.start and len(plan) > 1 and rng.random() < 0.6:
        k = max(range(len(plan) - 1), key=lambda j: plan[j][1])  # a short melisma on the longest inner note
        t, d, s, _ = plan[k]
        if d >= 2 * pulse:
            half = round(d / 2 / step) * step
            plan[k : k + 1] = [(t, half, s, True), (t + half, d - half, s, False)]
    slots = []
    for n, (t, _, _, _) in enumerate(plan):
        chord = chord_at(line, t)
        w = weight(t - line.start, meter)
        strong = w >= STRONG
        last = n == len(plan) - 1
        # a closing line's last note goes home to the tonic, whatever the line it echoes did
        pitch = (
            template.pitch_at(round(t - line.start, 6)) if template and not (last and line.closing) else None
        )
        slots.append(NoteSlot(chord=chord, strong=strong, last=last, template=pitch))
    pitches = choose_pitches(slots, key, voice, contour, line.closing, previous, rng)
    notes = []
    for (t, d, s, first), p in zip(plan, pitches, strict=True):
        syl = syllables[s]
        text = (syl.text or "la") if first else ""
        notes.append(AbcNote(t, d, p, text, first and not syl.word_end))
    return notes
