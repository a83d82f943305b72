"""Melody sketches for a song: choose lines, analyse their lyrics, run the generator, write ABC.

The lyrics package gives each line's syllables and stresses; the timeline gives each line's phrase and the
chords under it; `cowriter.core.melody` turns those into ranked alternatives; `cowriter.core.abc` writes
them as ABC. `write_block` stores the chosen one in the song text as a ChordPro ABC block.

Which lines: `--line N` (the Nth lyric line of the song, counting lines with words from 1; grid rows,
directives and a recalled chorus do not count), `--section S` (a section by its label or kind, e.g.
"Verse 2" or "chorus": the first that matches), or else every lyric line of the song. Words the timeline
gives no time (a title line at the top of a plain-text sheet) are not sung unless asked for by `--line`.
A section whose kind and label match an earlier one (a second verse) sings that section's tune, adapted
to its own syllables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cowriter.core.abc import AbcChord, AbcNote, AbcTune, format_abc, format_abc_block
from cowriter.core.karaoke import continues
from cowriter.core.keys import Key
from cowriter.core.melody import VOICES, MelodyLine, ScoreCard, Sketch, Voice, key_for, sketch, windows
from cowriter.core.sheet import is_chordpro
from cowriter.core.song import Blank, LyricLine, Section, SectionKind, Song
from cowriter.core.song_key import song_key
from cowriter.core.timeline import ChordSpan, Meter, Timeline
from cowriter.core.timing import timeline
from cowriter.errors import CowriterError
from cowriter.limits import MAX_ALTERNATIVES
from cowriter.service.melody_lines import first_performance
from cowriter.service.melody_lines import melody_lines as _melody_lines

__all__ = [
    "MelodyResult",
    "Target",
    "first_performance",
    "lyric_lines",
    "melody_lines",
    "repeats",
    "score_abc",
    "sketch_song",
    "to_json",
    "write_block",
]


@dataclass(frozen=True)
class Target:
    """The lines to set: (section index, line) pairs, and a label naming them."""

    lines: tuple[tuple[int, LyricLine], ...]
    label: str
    section_index: int | None = None  # the one section asked for, if any


@dataclass(frozen=True)
class MelodyResult:
    sketches: tuple[Sketch, ...]
    tunes: tuple[AbcTune, ...]
    target: Target
    key: Key
    meter: Meter


def lyric_lines(song: Song) -> list[tuple[int, LyricLine]]:
    """Every lyric line with words, in source order, as (section index, line); recalls excluded."""
    return [
        (i, line)
        for i, section in enumerate(song.sections)
        if not section.recall and section.kind not in (SectionKind.ABC, SectionKind.TAB, SectionKind.GRID)
        for line in section.lines
        if line.has_words
    ]


def select(song: Song, section: str | None = None, line: int | None = None) -> Target:
    lines = lyric_lines(song)
    if not lines:
        raise CowriterError("the song has no lyric lines to sing", hint="add a line of words")
    if line is not None:
        if not 1 <= line <= len(lines):
            raise CowriterError(
                f"--line {line} is out of range",
                hint=f"the song has {len(lines)} lyric lines (1-{len(lines)})",
            )
        index, chosen = lines[line - 1]
        if section is not None and not _matches(song.sections[index], section):
            raise CowriterError(f"line {line} is not in section {section!r}")
        return Target(((index, chosen),), f"line {line}", index)
    if section is not None:
        wanted = [i for i, s in enumerate(song.sections) if not s.recall and _matches(s, section)]
        with_words = [i for i in wanted if any(ln.has_words for ln in song.sections[i].lines)]
        if not with_words:
            names = sorted({s.title for s in song.sections if s.title and s.lines})
            raise CowriterError(
                f"no section {section!r} with lyrics", hint="sections: " + (", ".join(names) or "none")
            )
        index = with_words[0]
        return Target(
            tuple((i, ln) for i, ln in lines if i == index), song.sections[index].title or section, index
        )
    return Target(tuple(lines), song.title or "song")


def _matches(section: Section, wanted: str) -> bool:
    w = wanted.strip().casefold()
    return w in (
        section.title.casefold(),
        section.label.casefold(),
        section.name.casefold(),
        section.kind.value,
    )


def voice_named(name: str) -> Voice:
    """The singing range called `name` (soprano, alto, tenor, baritone, bass), or a one-line error."""
    voice = VOICES.get(name)
    if voice is None:
        raise CowriterError(f"unknown voice {name!r}", hint="voices: " + ", ".join(VOICES))
    return voice


def _target_spans(spans: Sequence[ChordSpan], target: Target) -> list[ChordSpan]:
    """The spans under the target's lines, first performance only (all spans when none is found)."""
    return [s for ln in target.lines for s in first_performance(spans, ln[1].line)] or list(spans)


def melody_lines(song: Song, timed: Timeline, target: Target) -> tuple[list[MelodyLine], Meter, Target]:
    """A `MelodyLine` for each target line (see `cowriter.service.melody_lines`), and the target without
    the lines that have no time to be sung in."""
    lines, meter, kept = _melody_lines(song, timed, target.lines)
    return lines, meter, Target(tuple(kept), target.label, target.section_index)


def _follows(song: Song, target: Target) -> list[int | None]:
    """For each target line, the index of the earlier target line whose tune it sings: the same line of
    the first earlier section of the same kind and label stem ("Verse 2" follows "Verse 1")."""
    by_section: dict[int, list[int]] = {}
    for k, (section_index, _) in enumerate(target.lines):
        by_section.setdefault(section_index, []).append(k)
    out: list[int | None] = [None] * len(target.lines)
    order = list(by_section)
    for n, index in enumerate(order):
        section = song.sections[index]
        for earlier in order[:n]:
            other = song.sections[earlier]
            if other.kind is section.kind and _stem(other) == _stem(section):
                for j, k in enumerate(by_section[index]):
                    if j < len(by_section[earlier]):
                        out[k] = by_section[earlier][j]
                break
    return out


def _stem(section: Section) -> str:
    return re.sub(r"[\s\d]+$", "", section.title.casefold()) or section.kind.value


def sketch_song(
    song: Song,
    section: str | None = None,
    line: int | None = None,
    alternatives: int = 3,
    seed: int = 0,
    voice: str | Voice = "alto",
) -> MelodyResult:
    """Ranked melody sketches for the chosen lines of a song."""
    if alternatives < 1:
        raise CowriterError("--alternatives must be at least 1")
    alternatives = min(alternatives, MAX_ALTERNATIVES)
    chosen_voice = voice_named(voice) if isinstance(voice, str) else voice
    timed = timeline(song)
    lines, meter, target = melody_lines(song, timed, select(song, section, line))
    spans = _target_spans(timed.spans, target)
    key = key_for(spans, song_key(song))
    follows = _follows(song, target) if line is None else []
    if line is not None and song.sections[target.lines[0][0]].lines:
        lines = [_closing(lines[0], target, song)]
    sketches = sketch(lines, key, meter, chosen_voice, alternatives, seed, follows=follows)
    whole = section is None and line is None
    tunes = tuple(_tune(s, lines, key, meter, timed, song, target, whole) for s in sketches)
    return MelodyResult(tuple(sketches), tunes, target, key, meter)


def _closing(line: MelodyLine, target: Target, song: Song) -> MelodyLine:
    """A single line closes (ends on the tonic) when it is the last line with words of its section."""
    index, chosen = target.lines[0]
    with_words = [ln for ln in song.sections[index].lines if ln.has_words]
    return replace(line, closing=bool(with_words) and with_words[-1] is chosen)


def _tune(
    result: Sketch,
    lines: Sequence[MelodyLine],
    key: Key,
    meter: Meter,
    timed: Timeline,
    song: Song,
    target: Target,
    whole: bool = False,
) -> AbcTune:
    """The sketch as an ABC tune on the song's clock. A whole-song tune follows the timeline to its end:
    a recalled chorus (or a section `{x_flow}` plays again) sings its first performance's notes again,
    and every chord of the song is written where it sounds."""
    phrase = lines[0].start if lines else 0.0
    sung = list(result.notes)
    if whole:
        sung = _with_repeats(result, lines, timed)
    first = sung[0].start if sung else phrase
    offset = min(first, phrase)
    pickup = phrase - offset
    chords: list[AbcChord] = []
    if whole:
        chord_windows = windows([s for s in timed.spans if s.start + s.duration > offset + 1e-9])
    else:
        chord_windows = tuple(w for ln in lines for w in ln.chords)
    for window in chord_windows:
        at = max(window.start, offset) - offset
        if not chords or chords[-1].symbol != window.symbol:  # a repeated chord is not written again
            chords.append(AbcChord(round(at, 6), window.symbol))
    notes = tuple(
        AbcNote(round(n.start - offset, 6), round(n.duration, 6), n.pitch, n.syllable, n.hyphen) for n in sung
    )
    tempo = timed.tempos[0].bpm if timed.tempos else None
    for change in timed.tempos:
        if change.start <= offset + 1e-9:
            tempo = change.bpm
    title = f"{song.title} - {target.label}" if song.title and song.title != target.label else target.label
    return AbcTune(
        notes=notes,
        meter=meter,
        key=key.tonic + ("m" if key.is_minor else ""),
        title=title,
        tempo=tempo,
        offset=round(offset, 6),
        pickup=round(pickup, 6),
        chords=tuple(chords),
    )


def repeats(timed: Timeline, lines: Sequence[MelodyLine]) -> list[tuple[int, float]]:
    """The later performances of the lines: (line index, beats after its first performance)."""
    out: list[tuple[int, float]] = []
    for k, line in enumerate(lines):
        first: float | None = None
        previous: ChordSpan | None = None
        for span in timed.spans:
            if span.line != line.source_line:
                continue
            if not continues(previous, span):  # a new performance
                if first is None:
                    first = span.start
                else:
                    out.append((k, span.start - first))
            previous = span
    return out


def _with_repeats(result: Sketch, lines: Sequence[MelodyLine], timed: Timeline) -> list[AbcNote]:
    """The sketch's notes, and each repeated line's notes again where the timeline plays it again. A
    copied pickup that would start on or before the note it follows (a verse's last word held on its
    chord where the chorus's first tune had a longer pickup) takes the second half of that note's time."""
    notes = list(result.notes)
    for k, delta in repeats(timed, lines):
        if k >= len(result.lines):
            continue
        a, b = result.lines[k]
        copy = [replace(n, start=round(n.start + delta, 6)) for n in result.notes[a:b]]
        downbeat = lines[k].start + delta
        pickup = [n for n in copy if n.start < downbeat - 1e-9]
        before = [n.start for n in notes if n.start < downbeat - 1e-9]
        if pickup and before and pickup[0].start <= max(before) + 1e-9:
            prior = max(before)
            half = (downbeat - prior) / 2
            moved = [
                replace(n, start=round(downbeat - half * (len(pickup) - i) / len(pickup), 6))
                for i, n in enumerate(pickup)
            ]
            copy = moved + copy[len(pickup) :]
        notes.extend(copy)
    notes.sort(key=lambda n: n.start)
    out: list[AbcNote] = []
    for n in notes:
        while out and out[-1].start >= n.start - 1e-9:  # two notes at one onset: the later line's wins
            out.pop()
        if out and out[-1].start + out[-1].duration > n.start + 1e-9:
            out[-1] = replace(out[-1], duration=round(n.start - out[-1].start, 6))
        out.append(n)
    for i, n in enumerate(out[:-1]):  # a moved pickup lasts until the next note
        if n.start + n.duration < out[i + 1].start - 1e-9 and n.duration <= 0:
            out[i] = replace(n, duration=round(out[i + 1].start - n.start, 6))
    return out


def to_json(result: MelodyResult) -> list[dict[str, object]]:
    """The `--json` contract: a list of `{"abc","score","notes":[{"pitch","start","duration","syllable"}]}`
    (start and duration in beats on the song's clock)."""
    return [
        {
            "abc": format_abc(tune),
            "score": s.score.total,
            "notes": [
                {
                    "pitch": n.pitch,
                    "start": _num(n.start),
                    "duration": _num(n.duration),
                    "syllable": n.syllable,
                }
                for n in s.notes
            ],
        }
        for s, tune in zip(result.sketches, result.tunes, strict=True)
    ]


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


_BLOCK_START = re.compile(r"^\s*\{\s*(?:start_of_abc|soa)\s*(?::\s*(?P<label>[^}]*))?\}\s*$")
_BLOCK_END = re.compile(r"^\s*\{\s*(?:end_of_abc|eoa)\s*\}\s*$")


def write_block(text: str, song: Song, result: MelodyResult, choice: int = 0) -> str:
    """The song text with the chosen sketch stored as an ABC block labelled "Melody: <target>": it replaces
    a block with the same label, else goes right after the section it sets (the end of the song for a
    whole-song melody)."""
    label = f"Melody: {result.target.label}"
    block = format_abc_block(result.tunes[choice], label=label).splitlines()
    lines = text.splitlines()
    start = next(
        (
            i
            for i, ln in enumerate(lines)
            if (m := _BLOCK_START.match(ln)) and (m.group("label") or "").strip() == label
        ),
        None,
    )
    if start is not None:
        end = next((i for i in range(start + 1, len(lines)) if _BLOCK_END.match(lines[i])), len(lines) - 1)
        lines[start : end + 1] = block
    else:
        at = len(lines)
        if result.target.section_index is not None:
            section = song.sections[result.target.section_index]
            last_item = max((i.line for i in section.items if not isinstance(i, Blank)), default=0)
            # ChordPro: after the section's end directive; a plain-text sheet has none: after its last line
            end = section.end_line if is_chordpro(text) else 0
            at = min(max(end, last_item), len(lines))
        lines[at:at] = ["", *block] if at and lines[at - 1].strip() else block
    newline = "\r\n" if "\r\n" in text else "\n"
    return newline.join(lines) + newline


def score_abc(
    song: Song, abc: str, section: str | None = None, line: int | None = None, voice: str = "alto"
) -> ScoreCard:
    """Score a melody written in ABC (a stored block, or one a model proposed) against the chosen lines,
    by the same score card as the sketches. The melody must sing the lines' syllables in order."""
    from cowriter.core.abc import AbcError, parse_abc_block
    from cowriter.core.melody.score import score_sketch

    try:
        tune = parse_abc_block(abc)
    except AbcError as exc:
        raise CowriterError(f"the ABC melody cannot be read: {exc}") from None
    chosen_voice = voice_named(voice)
    timed = timeline(song)
    lines, meter, target = melody_lines(song, timed, select(song, section, line))
    spans = _target_spans(timed.spans, target)
    key = key_for(spans, song_key(song))
    notes = sorted(
        (AbcNote(tune.offset + n.start, n.duration, n.pitch, n.syllable, n.hyphen) for n in tune.notes),
        key=lambda n: n.start,
    )
    sung = [n.syllable for n in notes if n.syllable]
    want = [s.text for ln in lines for s in ln.syllables]
    if sung != want:
        raise CowriterError(
            "the ABC melody does not sing these lyrics",
            hint=f"{len(sung)} syllables in the melody, {len(want)} in the lines",
        )
    # each line takes its syllables' notes, with the notes that continue them
    per_line: list[list[AbcNote]] = [[] for _ in lines]
    owner = [k for k, ln in enumerate(lines) for _ in ln.syllables]
    k = -1
    for n in notes:
        if n.syllable:
            k += 1
        per_line[owner[max(k, 0)]].append(n)
    stresses = [[s.stress for s in ln.syllables] for ln in lines]
    return score_sketch(lines, per_line, stresses, key, meter, chosen_voice)
