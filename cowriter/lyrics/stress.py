"""The stress pattern of a line: one `1` (stressed) or `0` per syllable, as a singer would lean on them.

Lexical stress comes from the dictionary; then one-syllable function words (articles, pronouns,
prepositions, auxiliaries, conjunctions) are demoted to 0 (but not the line's last word), secondary stress
counts only where it is not next to a primary one ("un-der-STAND" -> 1 0 1, "CON-ver-sa-tion" -> 1 0 1 0).
"""

from __future__ import annotations

from dataclasses import dataclass

from cowriter.lyrics.syllables import word_stresses, words

__all__ = ["FUNCTION_WORDS", "Syllable", "stress_pattern", "syllabify"]

FUNCTION_WORDS = frozenset(
    """
    a an the and or but nor so yet if as than that this
    these those there i me my mine you your yours thee thou thy thine
    ye he him his she her hers it its we us our they them
    their am is are was were be been being do does did have has
    had will would shall should can could may might must to of in on
    at by for from with up out off into onto upon through than till
    'til im i'm you're we're they're it's he's she's that's there's i'll you'll we'll
    i've you've we've i'd you'd don't won't can't ain't isn't wasn't aren't
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class Syllable:
    """One sung syllable: its spelling piece, the index of its word in the line, and 1/0 stress.

    `level` grades the stress for a melody: 2 a main stress (a content word, a word's primary stress, the
    line's last word), 1 a light one (a secondary stress, or a function word lifted out of a run of light
    syllables), 0 none."""

    text: str
    word_index: int
    stress: int
    word_end: bool = True  # the last syllable of its word
    level: int = 0


def syllabify(line: str) -> list[Syllable]:
    """The line's syllables, left to right, with the stress a singer would give them."""
    out: list[Syllable] = []
    found = words(line)
    for index, word in enumerate(found):
        pieces = word_stresses(word)
        if len(pieces) == 1:
            # a function word is light, except at the end of the line, where the rhyme falls
            light = word.lower().replace("’", "'") in FUNCTION_WORDS and index < len(found) - 1
            stress = 0 if light else 1
            out.append(Syllable(pieces[0][0], index, stress, level=2 * stress))
            continue
        levels = [lvl for _, lvl in pieces]
        for k, (text, lexical) in enumerate(pieces):
            if lexical == 2:
                near_primary = (k > 0 and levels[k - 1] == 1) or (k + 1 < len(levels) and levels[k + 1] == 1)
                stress, level = (0, 0) if near_primary else (1, 1)
            else:
                stress, level = lexical, 2 * lexical
            out.append(Syllable(text, index, stress, word_end=k == len(pieces) - 1, level=level))
    return _alternate(out)


def _alternate(syllables: list[Syllable]) -> list[Syllable]:
    """English avoids three light syllables in a row: lift every second one of a run, when it is a
    one-syllable word ("shall I comPARE" -> "shall I" as 0 1)."""
    out = list(syllables)
    run: list[int] = []
    for i in range(len(out) + 1):
        if i < len(out) and out[i].stress == 0:
            run.append(i)
            continue
        if len(run) >= 3:
            for k in run[1::2]:
                if k != run[-1] and out[k].word_end and (k == 0 or out[k - 1].word_end):
                    s = out[k]
                    out[k] = Syllable(s.text, s.word_index, 1, s.word_end, level=1)
        run = []
    return out


def stress_pattern(line: str) -> str:
    """`"0101"`-style stress of a line, one digit per syllable."""
    return "".join(str(s.stress) for s in syllabify(line))
