"""Melody sketches for the editor: the line (or section) under the cursor, its ranked alternatives, each
as the song text with that ABC block in it, and where to play it from.

`sketch_at` is pure computation on a text (safe in a worker thread); the workspace accepts a choice
(`Workspace.accept_melody`) and credits the block's lines to `MELODY_MODEL`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from cowriter.core.song import LyricLine, Song
from cowriter.core.timeline import Meter, Timeline
from cowriter.errors import CowriterError
from cowriter.service.workspace.diff import Proposal, diff_changes

if TYPE_CHECKING:  # the melody service loads with the first sketch
    from cowriter.core.abc_types import AbcTune
    from cowriter.service.melody import MelodyResult

__all__ = ["MELODY_MODEL", "MelodyChoice", "MelodySketch", "sketch_at"]

MELODY_MODEL = "cowriter-melody"  # credited as "model:cowriter-melody", like a model's accepted lines


@dataclass(frozen=True, slots=True)
class MelodyChoice:
    """One alternative: its ABC block, its score (0-100) and the parts behind it, and the song with it."""

    abc: str
    score: float
    parts: tuple[tuple[str, float], ...]
    text: str
    notes: int


@dataclass(frozen=True, slots=True)
class MelodySketch:
    """Alternatives for one target (`label`: "line 37", the editor's line, or "Verse 1") sketched
    against `base`.

    Play an alternative from `bar` (song bars, 1-based) until after `end_bar`, or the whole `section`
    when one was sketched."""

    label: str
    base: str
    choices: tuple[MelodyChoice, ...]
    bar: int = 1
    end_bar: int = 0
    section: str | None = None
    transpose: int = 0  # the song's transposition (`Settings.transpose`) when it was sketched

    @property
    def whole_section(self) -> bool:
        return self.section is not None

    def proposal(self, index: int) -> Proposal:
        """Alternative `index` as a proposal on `base` (the ABC block's lines), credited to `MELODY_MODEL`
        when accepted; it follows the text if the writer typed meanwhile (`Workspace.accept` rebases)."""
        choice = self.choices[index]
        return Proposal(
            prompt=f"melody for {self.label}",
            reply=choice.abc,
            chordpro=choice.abc,
            base=self.base,
            text=choice.text,
            changes=diff_changes(self.base, choice.text),
            model=MELODY_MODEL,
            transpose=self.transpose,  # written in the key the song reads in now: moved only if it moves
        )


def sketch_at(
    text: str,
    row: int,
    *,
    section: bool = False,
    alternatives: int = 4,
    seed: int = 0,
    bpm: float | None = None,
) -> MelodySketch:
    """Alternatives for the lyric line on source row `row` (0-based; a chord line above its words counts
    as that line), or for the section that holds it. Raises CowriterError when there is nothing to sing.
    `bpm`: the tempo the writer set in the transport (the song's own when None): the tunes' `Q:` say it,
    as the player plays it (the song's later tempo changes scale with it)."""
    from cowriter.core.abc import format_abc_block
    from cowriter.core.timing import timeline
    from cowriter.service.melody import first_performance, lyric_lines, sketch_song, write_block
    from cowriter.service.workspace.ports import parse

    song, _ = parse(text)
    lines = lyric_lines(song)
    if not lines:
        raise CowriterError("the song has no lyric lines to sing", hint="write a line of words under chords")
    number = _line_number(lines, row)
    chosen: str | None = None
    if section:
        index = _section_at(song, row, lines)
        if index is None:
            raise CowriterError("put the cursor inside a section with words to sketch its melody")
        chosen = song.sections[index].title
        result = sketch_song(song, section=chosen, alternatives=alternatives, seed=seed)
    else:
        if number is None:
            raise CowriterError("put the cursor on a lyric line to sketch its melody")
        result = sketch_song(song, line=number, alternatives=alternatives, seed=seed)
    if bpm is not None:
        result = at_tempo(result, bpm, timeline(song))
    choices = tuple(
        MelodyChoice(
            abc=format_abc_block(tune, label=f"Melody: {result.target.label}"),
            score=s.score.total,
            parts=tuple(s.score.parts().items()),
            text=write_block(text, song, result, k),
            notes=sum(1 for n in s.notes if n.syllable),
        )
        for k, (s, tune) in enumerate(zip(result.sketches, result.tunes, strict=True))
    )
    sources = {ln.line for _, ln in result.target.lines}
    spans = [s for source in sources for s in first_performance(timeline(song).spans, source)]
    bar = min((s.bar for s in spans), default=1)
    end_bar = max(
        (s.bar + int((s.beat - 1 + s.duration - 1e-6) // _beats(result.meter)) for s in spans), default=0
    )
    if result.tunes and result.tunes[0].pickup > 0 and bar > 1:
        bar -= 1  # the pickup sounds in the bar before
    # the panel names a line as the editor does (its source line); the block keeps the CLI's lyric count
    label = result.target.label if section or number is None else f"line {_source_line(lines, number)}"
    return MelodySketch(label, text, choices, bar, end_bar, chosen)


def at_tempo(result: MelodyResult, bpm: float, timed: Timeline) -> MelodyResult:
    """`result` with each tune's tempo as it plays with the transport at `bpm`: the song's first tempo
    becomes `bpm` and a later one keeps its ratio to it (as the arrangement scales them)."""
    first = timed.tempos[0].bpm if timed.tempos else None
    scale = bpm / first if first else 1.0

    def moved(tune: AbcTune) -> AbcTune:
        tempo = bpm if tune.tempo is None or not first else round(tune.tempo * scale, 3)
        return replace(tune, tempo=tempo)

    return replace(result, tunes=tuple(moved(t) for t in result.tunes))


def _beats(meter: Meter) -> int:
    return max(1, int(meter.beats))


def _line_number(lines: list[tuple[int, LyricLine]], row: int) -> int | None:
    """The 1-based lyric-line number for source row `row` (0-based): that row, or the row just below
    (chords written over the words)."""
    by_source = {ln.line: k + 1 for k, (_, ln) in enumerate(lines)}
    return by_source.get(row + 1) or by_source.get(row + 2)


def _source_line(lines: list[tuple[int, LyricLine]], number: int) -> int:
    """The editor's (1-based source) line of lyric line `number`."""
    return lines[number - 1][1].line


def _section_at(song: Song, row: int, lines: list[tuple[int, LyricLine]]) -> int | None:
    """The index of the section (with words) whose source lines hold `row`, else that of the nearest
    lyric line before it."""
    with_words = {i for i, _ in lines}
    for i, s in enumerate(song.sections):
        first, last = s.line, s.end_line or max((it.line for it in s.items), default=s.line)
        if i in with_words and first and first <= row + 1 <= last:
            return i
    before = [i for i, ln in lines if ln.line <= row + 1]
    if before:
        return before[-1]
    return lines[0][0] if lines else None
