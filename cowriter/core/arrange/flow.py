"""Sections of a timeline as blocks of bars: `section=` picks one to hear alone.

(`{x_flow: Verse 1, Chorus, …}` is applied when the song is timed, by `core.timing`.) Each section mark
starts a block of bars; `concatenate` lays blocks end to end, each carrying the tempo and meter in force
where it was written, so any order of sections can be replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cowriter.core.timeline import ChordSpan, Meter, MeterChange, SectionMark, TempoChange, Timeline


@dataclass(frozen=True, slots=True)
class Block:
    mark: SectionMark
    start: float
    end: float
    bar: int
    bars: int


def blocks(timeline: Timeline) -> list[Block]:
    marks = sorted(timeline.sections, key=lambda m: m.start)
    if not marks:
        marks = [SectionMark(0.0, 1, "", 0)]
    out = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start if i + 1 < len(marks) else timeline.beats
        end_bar = marks[i + 1].bar if i + 1 < len(marks) else timeline.bars + 1
        if end > mark.start:
            out.append(Block(mark, mark.start, end, mark.bar, end_bar - mark.bar))
    return out


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


def find_block(all_blocks: list[Block], name: str) -> Block | None:
    """The first block called `name` (any case); else the first whose name starts with it (`Verse` finds
    `Verse 1`)."""
    wanted = _norm(name)
    for block in all_blocks:
        if _norm(block.mark.name) == wanted:
            return block
    for block in all_blocks:
        if _norm(block.mark.name).startswith(wanted):
            return block
    return None


def select_section(timeline: Timeline, name: str) -> Timeline | None:
    """Only the first section called `name`, starting at beat 0 (None when there is none)."""
    block = find_block(blocks(timeline), name)
    return None if block is None else concatenate(timeline, [block])


def _in_force_tempo(timeline: Timeline, beat: float) -> float:
    bpm = timeline.tempos[0].bpm if timeline.tempos else 100.0
    for change in timeline.tempos:
        if change.start <= beat + 1e-9:
            bpm = change.bpm
    return bpm


def _in_force_meter(timeline: Timeline, beat: float) -> MeterChange:
    current = timeline.meters[0] if timeline.meters else MeterChange(0.0, 1, Meter())
    for change in timeline.meters:
        if change.start <= beat + 1e-9:
            current = change
    return current


def concatenate(timeline: Timeline, chosen: list[Block]) -> Timeline:
    spans: list[ChordSpan] = []
    tempos: list[TempoChange] = []
    meters: list[MeterChange] = []
    marks: list[SectionMark] = []
    at, bar = 0.0, 1
    for block in chosen:
        shift, bar_shift = at - block.start, bar - block.bar
        for span in timeline.spans:
            if block.start - 1e-9 <= span.start < block.end - 1e-9:
                spans.append(replace(span, start=span.start + shift, bar=span.bar + bar_shift))
        bpm = _in_force_tempo(timeline, block.start)
        if not tempos or tempos[-1].bpm != bpm:
            tempos.append(TempoChange(at, bpm))
        for change in timeline.tempos:
            if block.start < change.start < block.end and tempos[-1].bpm != change.bpm:
                tempos.append(TempoChange(change.start + shift, change.bpm))
        meter = _in_force_meter(timeline, block.start).meter
        if not meters or meters[-1].meter != meter:
            meters.append(MeterChange(at, bar, meter))
        for mchange in timeline.meters:
            if block.start < mchange.start < block.end and meters[-1].meter != mchange.meter:
                meters.append(MeterChange(mchange.start + shift, mchange.bar + bar_shift, mchange.meter))
        marks.append(replace(block.mark, start=at, bar=bar))
        at += block.end - block.start
        bar += block.bars
    return Timeline(tuple(spans), bar - 1, at, tuple(tempos), tuple(meters), tuple(marks))
