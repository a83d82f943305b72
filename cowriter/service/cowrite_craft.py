"""The co-writer's craft helpers: the key and its chord palette, which lines a task works on, template
variables, the answer's token budget, and merging a reply into the song text.

Harmony comes from `cowriter.core` (keys, chords), lyric craft from `cowriter.lyrics`; this module only
wires them to the proposal pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cowriter.core import format as fmt
from cowriter.core import theory
from cowriter.core.chords import is_chord
from cowriter.core.harmony_ask import read_harmony_ask
from cowriter.core.keys import Key, KeyError_, parse_key
from cowriter.core.progressions import realise
from cowriter.core.sheet import read_song
from cowriter.core.song import LyricLine, Section, Song
from cowriter.errors import CowriterError
from cowriter.model.grammar import LineSpec, SectionSpec, chord_rule_from_symbols
from cowriter.model.replies import Checks
from cowriter.model.request import Request
from cowriter.service.melody import lyric_lines

if TYPE_CHECKING:
    from cowriter.service.cowrite_search import Candidate

TASK_HELP = {
    "section": "write a new section (verse, chorus, bridge…)",
    "continue": "continue the song with its next section",
    "rewrite": "rewrite lines under constraints (syllables, rhyme), keeping the meaning",
    "alternatives": "N other versions of a line",
    "chords": "chords for lyrics that have none (the words stay)",
    "reharmonise": "new chords for existing lines (the words stay)",
    "mood": "rewrite a section in another mood",
    "chat": "free conversation, nothing to parse",
}

DEFAULT_KEY = Key("C", "major")
# colours a reharmonisation (or a darker mood) may borrow, as Roman numerals realised in the key
COLOURS_MAJOR = ("V7", "V7/V", "V7/vi", "iv", "bVII", "bVI")
COLOURS_MINOR = ("V7", "V7/V", "V7/iv", "IV")


def song_key(song: Song) -> Key:
    """The song's `{key}`, else the key its chords suggest (C major with no chords)."""
    if song.key:
        try:
            return parse_key(song.key)
        except KeyError_:
            pass
    return theory.guess_key(c.symbol for line in song.lines for c in line.chords if not c.annotation)


def diatonic(key: Key) -> list[str]:
    """The key's seven triads, tonic first (C major: C Dm Em F G Am Bdim)."""
    return list(theory.diatonic_chords(key))


def colour_chords(key: Key) -> list[str]:
    """Chords a reharmonisation may borrow: V7, secondary dominants, the parallel key's chords."""
    return [realise(n, key) for n in (COLOURS_MINOR if key.is_minor else COLOURS_MAJOR)]


def in_key(key: Key) -> Callable[[str], bool]:
    """Whether every note of a chord (and its bass) is in the key (the theory module decides)."""

    def check(symbol: str) -> bool:
        return theory.in_key(symbol, key)

    return check


def _syllables(text: str) -> int:
    from cowriter.lyrics import syllables

    return syllables(text)


def _rhymes_for(word: str) -> list[str]:
    from cowriter.service.cowrite_rhymes import rhymes_of

    return list(rhymes_of(word))


def _is_rhyme(word: str, target: str) -> bool:
    from cowriter.lyrics import is_rhyme

    return word != target and is_rhyme(word, target)


@dataclass(frozen=True)
class CraftChecks:
    """Where syllables, rhymes and harmony come from (replaceable in tests)."""

    count_syllables: Callable[[str], int] = _syllables
    rhymes_for: Callable[[str], list[str]] = _rhymes_for
    rhymes_with: Callable[[str, str], bool] = _is_rhyme

    def palette(self, key: Key, request: Request) -> list[str]:
        """The chords offered to the model: the key's, colours for reharmonising or darkening, and any
        chord the writer named in the request ("with an E7")."""
        chords = diatonic(key)
        if request.task == "reharmonise" or request.mood in ("darker", "dark", "sadder", "sad", "moody"):
            chords += colour_chords(key)
        chords += list(read_harmony_ask(request.prompt).chords)
        return list(dict.fromkeys(chords))

    def reply_checks(self, key: Key, offered: Sequence[str] = ()) -> Checks:
        """Checks for a reply; a chord cowriter itself `offered` (a secondary dominant, a borrowed
        colour, a chord the writer named) is never flagged as out of key."""
        chosen = frozenset(offered)
        check = in_key(key)
        return Checks(
            is_chord=is_chord,
            in_key=lambda symbol: symbol in chosen or check(symbol),
            syllables=self.count_syllables,
            rhymes=self.rhymes_with,
        )


def chord_body(palette: Sequence[str]) -> str:
    return chord_rule_from_symbols(palette)


def _written_lines(song: Song) -> list[LyricLine]:
    """The lyric lines with words as written, in source order (a recalled chorus is not written again)."""
    return [line for s in song.sections if not s.recall for line in s.lines if line.has_words]


def _chord_rows(song: Song) -> set[int]:
    """The source lines that hold only chords: a line of only `[chords]`, or a chords-over-lyrics chord row
    (merged into the words below it, so no item sits on its own line). A directive, a comment, a blank line
    or a section's start or end is never a chord row."""
    occupied: set[int] = set()
    rows: set[int] = set()
    for section in song.sections:
        if section.recall:
            occupied.add(section.line)
            continue
        if section.open is not None:
            occupied.add(section.line)
        if section.close is not None:
            occupied.add(section.end_line)
        for item in section.items:
            chord_only = isinstance(item, LyricLine) and bool(item.chords) and not item.has_words
            (rows if chord_only else occupied).add(item.line)
    for line in _written_lines(song):
        if line.chords and line.line - 1 not in occupied:
            rows.add(line.line - 1)
    return rows - occupied


def lines_before(song: Song, target: Sequence[LyricLine], count: int = 3) -> tuple[str, ...]:
    """The lyrics of up to `count` lines with words just before the first of `target`, in its section:
    what a line being rewritten follows, so the model can write it as the song goes on."""
    if not target:
        return ()
    first = target[0]
    for section in song.sections:
        if section.recall:
            continue
        sung = [line for line in section.lines if line.has_words]
        for n, line in enumerate(sung):
            if line is first or (line.line == first.line and line.lyrics == first.lyrics and first.line):
                return tuple(x.lyrics.strip() for x in sung[max(0, n - count) : n])
    return ()


def last_lines(song: Song, count: int = 2) -> tuple[str, ...]:
    """The lyrics of the song's last `count` lines with words (of its last section that has some): what a
    new section follows."""
    for section in reversed(song.sections):
        sung = [line.lyrics.strip() for line in section.lines if line.has_words]
        if sung and not section.recall:
            return tuple(sung[-count:])
    return ()


def line_at(song: Song, n: int, original: Song | None = None) -> LyricLine | None:
    """The lyric line on the writer's line `n` (1-based, the editor's gutter and the file's numbering; a
    chord line just above its words means those words), else None. `song` is what the task works on;
    `original`, when given, is the writer's text it was converted from (chords over lyrics), whose line
    numbers `n` counts. Only a chord-only line directly above words means those words: a directive, a
    comment or a blank line means no lyric line (None)."""
    source = original if original is not None else song
    written = _written_lines(source)
    by_line = {line.line: k for k, line in enumerate(written)}
    k = by_line.get(n)
    if k is None and n in _chord_rows(source):
        k = by_line.get(n + 1)
    if k is None:
        return None
    if original is None:
        return written[k]
    lines = _written_lines(song)
    return lines[k] if len(lines) == len(written) else None


def target_lines(
    song: Song, request: Request, original: Song | None = None, numbering: str = "lyric"
) -> tuple[LyricLine, ...]:
    """The lines a task works on: the lines named (`line N`, `lines N-M`), else the named section
    (`verse 2`), else the last one (for alternatives: the last line).

    `numbering` says what a line number counts: "lyric" (the CLI, as `melody --line`): the Nth lyric line
    of the song, lines with words from 1 across the song, grid rows, directives and recalled choruses not
    counted; "editor": the editor's gutter, the file's own lines (see `line_at`). A number that names no
    lyric line is an error that says so."""
    lines = tuple(line for line in song.lines if line.has_words)
    if not lines:
        return ()
    if request.target_lines:
        if numbering == "editor":
            found = [line_at(song, n, original) for n in request.target_lines]
            missing = next((n for n, f in zip(request.target_lines, found, strict=True) if f is None), None)
            if missing is not None:
                raise CowriterError(
                    f"line {missing} has no lyrics to work on",
                    hint="line numbers are the editor's (the file's lines): name a line with words",
                )
            return tuple(f for f in found if f is not None)
        sung = [line for _, line in lyric_lines(song)]
        bad = [n for n in request.target_lines if not 1 <= n <= len(sung)]
        if bad:
            raise CowriterError(
                f"line {bad[0]} is out of range: the song has {len(sung)} lyric lines",
                hint=f"line numbers count lyric lines (1-{len(sung)}), as `cowriter lyrics` shows them",
            )
        return tuple(sung[n - 1] for n in request.target_lines)
    if request.task == "alternatives":
        return (lines[-1],)
    sections = [s for s in song.sections if any(line.has_words for line in s.lines)]
    chosen = sections[-1] if sections else None
    if request.target_section:
        kind, _, number = request.target_section.partition(" ")
        matches = [s for s in sections if kind in (s.name, s.kind.value) or s.title.lower().startswith(kind)]
        labelled = [s for s in matches if s.title.lower() == request.target_section]
        if labelled:
            chosen = labelled[0]
        elif number.isdigit() and 1 <= int(number) <= len(matches):
            chosen = matches[int(number) - 1]
        elif matches:
            chosen = matches[0]
    return tuple(line for line in chosen.lines if line.has_words) if chosen else ()


def lyric_number(song: Song, line: LyricLine) -> int:
    """The 1-based lyric line number of `line` in `song` (0 when it is not one of its lyric lines)."""
    for n, (_, sung) in enumerate(lyric_lines(song), 1):
        if sung is line:
            return n
    return 0


def taken(
    song: Song, target: Sequence[LyricLine], numbering: str = "lyric", numbers: Sequence[int] | None = None
) -> str:
    """Which lines a task took, as the writer numbers them: "line 2: 'That saved a wretch like me'",
    "lines 5-8: 'I looked over Jordan …' to 'Comin' for to carry me home'" ("" for none). `numbers`: the
    numbers the writer gave, when the text was converted (chords over lyrics) and lines moved."""
    if not target:
        return ""
    if numbers is None or len(numbers) != len(target):
        numbers = [lyric_number(song, t) if numbering == "lyric" else t.line for t in target]
    numbers = list(numbers)
    first, last = numbers[0], numbers[-1]
    words = [" ".join(t.lyrics.split()) for t in target]
    if len(target) == 1:
        return f"line {first}: '{words[0]}'"
    span = (
        f"lines {first}-{last}"
        if numbers == list(range(first, last + 1))
        else "lines " + ", ".join(str(n) for n in numbers)
    )
    return f"{span}: '{words[0]}' to '{words[-1]}'"


def line_count(request: Request, target: Sequence[LyricLine]) -> int:
    """How many lines the task writes: the number asked for, else the lines it rewrites."""
    if request.task == "alternatives":
        return request.alternatives
    if request.task in ("rewrite", "mood") and target and not request.lines_given:
        return len(target)
    return request.lines


def lyrics_of(song_text: str) -> str:
    """The song's words, section by section, without chords: what a model writing words reads."""
    from cowriter.core.sheet import read_song

    song = read_song(song_text)
    out: list[str] = []
    for section in song.sections:
        if section.recall:
            out.append(f"({section.title or section.name} again)")
            continue
        words = [" ".join(line.lyrics.split()) for line in section.lines if line.has_words]
        if not words:
            continue
        if section.title or section.open is not None:
            out.append(f"[{section.title or section.kind.value.title()}]")
        out.extend(words)
        out.append("")
    return "\n".join(out).strip()


def _unspelled(request: Request) -> str:
    """The request without the letters of its rhyme scheme: the line search rhymes in code, and a small
    model shown "XAXA" sang it ("and Xaxa in the corner", "A B A B I A")."""
    if not request.scheme:
        return request.prompt
    text = re.sub(rf"\b{re.escape(request.scheme)}\b", "", request.prompt, flags=re.IGNORECASE)
    text = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"([,;:])\s*(?=[,;:]|$)", "", text.strip()))
    return " ".join(text.split()).strip(" ,;:")


def variables(
    request: Request,
    song_text: str,
    key: Key,
    palette: Sequence[str],
    target: Sequence[LyricLine],
    *,
    lyrics_only: bool = False,
) -> dict[str, object]:
    """Every variable the templates may use (documented in prompts/README.md).

    A line search's rewrite or alternatives shows the writer's request only when it says what the line
    should hold ("to mention the rain"): "rewrite line 2 with 8 syllables" is said by the template and
    the craft lines already, and echoed back it made the model write about the task ("The writer makes a
    change that rewrites", "The new one is...")."""
    bare = lyrics_only and request.task in ("rewrite", "alternatives") and not request.content_words
    return {
        "task": request.task,
        "request": "" if bare else _unspelled(request) if lyrics_only else request.prompt,
        "song": song_text.strip(),
        "lyrics": lyrics_of(song_text) if song_text.strip() else "",
        "lyrics_only": lyrics_only,
        "scheme": None if lyrics_only else request.scheme,
        "keep_meter": request.keep_meter,
        "topic": request.topic,
        "key": f"{key.tonic} {key.mode}",
        "key_chords": list(palette),
        "section": request.section,
        "label": request.label,
        "lines": len(target)
        if request.task in ("rewrite", "mood") and target and not request.lines_given
        else request.lines,
        "syllables": request.syllables,
        "rhyme_with": request.rhyme_with,
        "rhyme_lines": list(request.rhyme_lines),
        "mood": request.mood,
        "alternatives": request.alternatives,
        "target": "\n".join(
            " ".join(line.lyrics.split()) if lyrics_only else fmt.line_text(line) for line in target
        ),
    }


def answer_budget(sections: Sequence[SectionSpec]) -> int:
    """Tokens enough for the longest reply the grammar allows (a word up to 6 tokens, a chord up to 8)."""
    total = 8
    for section in sections:
        total += 24 if section.header else 0
        for line in section.lines:
            total += _line_budget(line)
    return min(total, 2048)


def _line_budget(line: LineSpec) -> int:
    words = len(line.words) or line.max_words
    return 6 * words + 8 * line.max_chords + 6


def merge_lines(base: str, request: Request, candidate: Candidate, target: Sequence[LyricLine]) -> str:
    """The song text with a candidate in place: a new section after the song, new lines instead of the
    ones the task works on (for alternatives, the candidate's line instead of the target)."""
    section = extended_section(base, request)
    if section is not None:  # "two more lines for the verse": at the end of the verse
        lines = base.split("\n")
        at = section.lines[-1].line
        return "\n".join([*lines[:at], *candidate.lines, *lines[at:]])
    if request.task in ("section", "continue"):
        body = base.rstrip("\n")
        return (body + "\n\n" if body else "") + candidate.chordpro.rstrip("\n") + "\n"
    lines = list(candidate.lines)
    if request.task == "alternatives":
        lines = lines[:1]
    return _replace(base, target, lines)


def extended_section(base: str, request: Request) -> Section | None:
    """The section a "continue" adds its lines to, when the writer asked for a number of lines for a section
    the song has ("two more lines for the verse"): its last one of that kind. None: a new section follows."""
    if request.task != "continue" or not request.lines_given or not request.target_section:
        return None
    wanted = request.target_section
    found = [
        s
        for s in read_song(base).sections
        if not s.recall and s.lines and wanted in (s.title.lower(), s.name, s.kind.value)
    ]
    return found[-1] if found else None


def _replace(base: str, target: Sequence[LyricLine], new_lines: Sequence[str]) -> str:
    lines = base.split("\n")
    numbers = [line.line for line in target]
    if len(numbers) == len(new_lines):
        for number, text in zip(numbers, new_lines, strict=True):
            lines[number - 1] = text
    else:
        lines[numbers[0] - 1 : numbers[-1]] = list(new_lines)
    return "\n".join(lines)
