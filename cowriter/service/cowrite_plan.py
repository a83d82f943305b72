"""What each new line should be, read from the request and the song: the plan the line search follows.

For every line to write: its syllable target, the stress pattern it should follow, the word or the earlier
line it must rhyme with, and the chords it will carry. Where the writer said nothing, the song decides:
- syllables: the line being rewritten, else the matching line of the song's section of the same kind
  ("continue" keeps the song's phrase length), else the song's typical line;
- meter: the stress of that same line (for "keep the meter", of the lines named or the section);
- rhyme: the scheme asked for ("ABAB"), else the rhyme the line being rewritten had with its neighbour
  ("That saved a wretch like me" pairs with "see"), else the scheme of the section modelled on, else
  lines 2 and 4 (XAXA), the commonest in songs;
- chords: see `cowrite_chords`.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from cowriter.core.keys import Key
from cowriter.core.song import LyricLine, Section, Song
from cowriter.lyrics import rhyme_scheme, stress_pattern, syllables
from cowriter.lyrics.syllables import words
from cowriter.model.request import Request
from cowriter.service import cowrite_chords as harmony

NEW_WORDS = frozenset({"section", "continue", "rewrite", "alternatives", "mood"})
DEFAULT_SYLLABLES = 8  # a new song's line, when nothing says otherwise: the commonest in songs


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One line to write. `rhyme_to`: the 0-based index of an earlier line of the same proposal whose
    last word this line's must rhyme with; `rhyme_word`: a word it must rhyme with; `leads`: later lines
    rhyme with this one."""

    syllables: int | None = None
    meter: str | None = None
    rhyme_word: str | None = None
    rhyme_to: int | None = None
    leads: bool = False
    chords: tuple[str, ...] = ()
    original: str = ""
    asked: frozenset[str] = frozenset()  # the constraints the writer named: "syllables", "meter"


def _model_section(song: Song, request: Request, target: Sequence[LyricLine]) -> list[LyricLine]:
    """The lines a new section is modelled on: the song's last section of the same kind, else its last
    section with words (the lines being rewritten, for rewrites)."""
    if target:
        return list(target)
    with_words = [s for s in song.sections if not s.recall and any(line.has_words for line in s.lines)]
    same: list[Section] = [s for s in with_words if request.section in (s.kind.value, s.name)]
    chosen = same[-1] if same else (with_words[-1] if with_words and request.task == "continue" else None)
    return [line for line in chosen.lines if line.has_words] if chosen else []


def _last_word(text: str) -> str:
    found = words(text)
    return found[-1].lower() if found else ""


def _neighbour_rhymes(song: Song, target: Sequence[LyricLine]) -> dict[int, str]:
    """For lines being rewritten: index in `target` → the end word of a line outside the target that the
    original rhymed with, in its section (what the new line should rhyme with too)."""
    out: dict[int, str] = {}
    rewritten = {id(t) for t in target}
    for section in song.sections:
        lines = [line for line in section.lines if line.has_words]
        letters = rhyme_scheme([line.lyrics for line in lines])
        for k, t in enumerate(target):
            for i, line in enumerate(lines):
                if line is not t or not letters[i]:
                    continue
                partners = [
                    other
                    for j, other in enumerate(lines)
                    if j != i
                    and letters[j] == letters[i]
                    and id(other) not in rewritten
                    and _last_word(other.lyrics) != _last_word(t.lyrics)
                ]
                if partners:
                    near = min(partners, key=lambda o: abs(lines.index(o) - i))
                    out[k] = _last_word(near.lyrics)
    return out


def _groups(request: Request, count: int, model: Sequence[LyricLine]) -> tuple[tuple[int, ...], ...]:
    groups = request.rhyme_groups(count)
    if groups or request.scheme:
        return groups
    if model and len(model) >= 2:
        letters = rhyme_scheme([line.lyrics for line in model])
        by_letter: dict[str, list[int]] = {}
        for n in range(count):
            letter = letters[n % len(letters)]
            if letter:
                by_letter.setdefault(f"{letter}{n // len(letters)}", []).append(n + 1)
        found = tuple(tuple(g) for g in by_letter.values() if len(g) > 1)
        if found:
            return found
    return tuple((n, n + 2) for n in range(2, count, 4) if n + 2 <= count)


def plan(
    request: Request, song: Song, key: Key, target: Sequence[LyricLine], count: int, seed: int | None = None
) -> list[PlanLine]:
    """The plan for `count` new lines (see the module doc)."""
    model = _model_section(song, request, target)
    rewriting = request.task in ("rewrite", "alternatives", "mood") and bool(target)
    sung = [line for line in song.lines if line.has_words]
    typical = round(statistics.median(syllables(line.lyrics) for line in sung)) if sung else None
    if rewriting:
        chords = harmony.for_rewrite(target, count, song)
    else:
        chords = harmony.for_section(song, request.section, key, count, seed)
    single = request.task == "alternatives" or (rewriting and count == 1)
    neighbours = _neighbour_rhymes(song, target) if rewriting else {}
    rhyme_to: dict[int, int] = {}
    leads: set[int] = set()
    if (not single and not rewriting) or request.scheme:
        for group in _groups(request, count, model):
            for n in group[1:]:
                rhyme_to[n - 1] = group[0] - 1
            leads.add(group[0] - 1)
    asked = frozenset(
        (["syllables"] if request.syllables is not None else [])
        + (["syllables", "meter"] if request.keep_meter else [])
    )
    out: list[PlanLine] = []
    for n in range(count):
        ref = model[n % len(model)] if model else None
        target_syllables = request.syllables
        if target_syllables is None and ref is not None:
            target_syllables = syllables(ref.lyrics)
        if target_syllables is None and request.task in ("section", "continue"):
            target_syllables = typical or DEFAULT_SYLLABLES
        meter = (
            stress_pattern(ref.lyrics)
            if ref is not None and (rewriting or request.keep_meter or model)
            else None
        )
        word = (
            request.rhyme_with if (n + 1) in request.rhyme_lines or (single and request.rhyme_with) else None
        )
        if word is None and rewriting and not request.scheme:
            word = neighbours.get(n % len(target)) if (n < len(target)) or single else None
        out.append(
            PlanLine(
                syllables=target_syllables,
                meter=meter,
                rhyme_word=word,
                rhyme_to=None if word else rhyme_to.get(n),
                leads=n in leads and not word,
                chords=chords[n] if n < len(chords) else (),
                original=(target[n % len(target)].lyrics if rewriting else ""),
                asked=asked,
            )
        )
    return out
