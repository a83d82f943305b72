"""A model's reply → a parsed proposal, or a clear account of why it cannot be used.

Replies made under a grammar are clean ChordPro; free replies (no grammar, or a server that ignores it)
come wrapped in chatter and code fences, so the ChordPro is lifted out first. Then the proposal is checked:
*errors* make it unusable (nothing to parse, the wrong number of lines, a line without chords, a chord
that is no chord, lyrics changed where they were to be kept); *flags* are advice shown to the writer
(a chord outside the key, a line off its syllable target by more than one, a line end that misses its
rhyme). Syllable counting, rhyme and key membership are callables passed in, so this module needs no
lyrics or theory code of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cowriter.core.chordpro import parse
from cowriter.core.song import LyricLine, Song

_FENCE = re.compile(r"```[a-zA-Z]*\n(.*?)(?:```|\Z)", re.DOTALL)
_SECTION = re.compile(r"^\{\s*(start_of_|end_of_|so|eo)[a-z_-]*\s*(?::[^}]*)?\}$", re.IGNORECASE)
_CHORD = re.compile(r"\[[^\[\]\s]{1,16}\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


@dataclass(frozen=True, slots=True)
class Flag:
    """Advice about one line of a proposal (`line` counts its lyric lines from 1; 0 = the whole)."""

    line: int
    kind: str  # "out-of-key", "syllables", "rhyme"
    message: str


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a usable reply looks like."""

    lines: int | None = None
    need_chords: bool = True
    fixed_words: tuple[tuple[str, ...], ...] = ()
    syllables: int | None = None
    rhyme_with: str | None = None
    rhyme_lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Checks:
    """Craft checks supplied by the caller (lyrics and theory live elsewhere)."""

    is_chord: Callable[[str], bool] | None = None
    in_key: Callable[[str], bool] | None = None
    syllables: Callable[[str], int] | None = None
    rhymes: Callable[[str, str], bool] | None = None  # (word, target) → do they rhyme?


@dataclass(frozen=True)
class Reply:
    text: str
    chordpro: str
    song: Song
    lines: tuple[LyricLine, ...]
    errors: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = field(default_factory=tuple)

    @property
    def usable(self) -> bool:
        return not self.errors


def extract_chordpro(text: str) -> str:
    """The ChordPro inside a reply: a fenced block if any, else section markers and chorded lines."""
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    kept: list[str] = []
    inside = False
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if _SECTION.match(line):
            kept.append(line)
            inside = not line.lstrip("{ ").lower().startswith(("end_of_", "eo"))
            continue
        if line.startswith("{") or line.startswith("#"):
            continue
        if inside or _CHORD.search(line):
            kept.append(line.removeprefix("- ").removeprefix("* "))
    return "\n".join(kept) + ("\n" if kept else "")


def words_of(lyrics: str) -> list[str]:
    return _WORD.findall(lyrics)


def _normal(words: Sequence[str]) -> list[str]:
    return [w.lower().strip("'") for w in words]


def parse_reply(text: str, expect: Expectation, checks: Checks | None = None) -> Reply:
    """Parse and check a reply (see the module doc)."""
    checks = checks or Checks()
    chordpro = extract_chordpro(text)
    song = parse(chordpro)
    lines = tuple(line for line in song.lines if line.has_words)
    errors: list[str] = []
    flags: list[Flag] = []
    if not lines:
        errors.append("the reply holds no lyric lines in ChordPro")
        return Reply(text, chordpro, song, lines, tuple(errors))
    if expect.lines is not None and len(lines) != expect.lines:
        errors.append(f"asked for {expect.lines} lines, the reply has {len(lines)}")
    for n, line in enumerate(lines, 1):
        symbols = [c.symbol for c in line.chords if not c.annotation]
        if expect.need_chords and not symbols:
            errors.append(f"line {n} has no chords")
        for symbol in symbols:
            if checks.is_chord is not None and not checks.is_chord(symbol):
                errors.append(f"line {n}: [{symbol}] is not a chord")
            elif checks.in_key is not None and not checks.in_key(symbol):
                flags.append(Flag(n, "out-of-key", f"[{symbol}] is outside the key"))
        if expect.fixed_words and n <= len(expect.fixed_words):
            kept = _normal(words_of(" ".join(expect.fixed_words[n - 1])))
            if _normal(words_of(line.lyrics)) != kept:
                errors.append(f"line {n}: the lyrics were changed (they were to be kept)")
        if expect.syllables and checks.syllables is not None:
            count = checks.syllables(line.lyrics)
            if abs(count - expect.syllables) > 1:
                flags.append(Flag(n, "syllables", f"{count} syllables, asked for {expect.syllables}"))
        if expect.rhyme_with and n in expect.rhyme_lines and checks.rhymes is not None:
            words = words_of(line.lyrics)
            last = words[-1].lower() if words else ""
            if not last or not checks.rhymes(last, expect.rhyme_with.lower()):
                message = f"ends on {last!r}, which does not rhyme with {expect.rhyme_with!r}"
                flags.append(Flag(n, "rhyme", message))
    if expect.fixed_words and len(lines) != len(expect.fixed_words) and expect.lines is None:
        errors.append(f"asked for {len(expect.fixed_words)} lines, the reply has {len(lines)}")
    return Reply(text, chordpro, song, lines, tuple(dict.fromkeys(errors)), tuple(flags))
