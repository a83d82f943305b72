"""Reharmonising lyric lines from the theory module: the words stay, chords keep their places, the
close resolves, and every chord outside the key is there on purpose (and says why)."""

from __future__ import annotations

import pytest

from cowriter.core import format as fmt
from cowriter.core.chordpro import parse
from cowriter.core.chords import parse_chord
from cowriter.core.keys import Key, parse_key
from cowriter.core.reharmonise import Step, function_of, numeral_of, reharmonise_lines, resolve
from cowriter.core.song import LyricLine
from cowriter.core.theory import analyse, in_key

GRACE = """{key: G}
A[G]mazing [G7]grace, how [C]sweet the [G]sound
That saved a wretch like [D]me. [D7]
I [G]once was [G7]lost, but [C]now am [G]found,
Was [Em]blind, but [D7]now I [G]see.
"""
# a verse that stops on the dominant: it must be made to resolve
OPEN = """{key: D}
[D]Streetlights hum on [G]Woodward Ave,
[Bm]Every window [A]dark and grey,
[D]Factory whistles [G]long since gone,
[Em]Still I hear them every [A]day.
"""


def lines_of(text: str) -> tuple[list[LyricLine], Key]:
    song = parse(text)
    return [line for line in song.lines if line.has_words], parse_key(song.key or "C")


def words(lines: list[LyricLine] | tuple[LyricLine, ...]) -> list[str]:
    return [line.lyrics for line in lines]


@pytest.mark.parametrize("text", [GRACE, OPEN])
@pytest.mark.parametrize("colour", ["rich", "jazz", "plain"])
def test_words_stay_and_the_close_resolves(text: str, colour: str) -> None:
    lines, key = lines_of(text)
    options = reharmonise_lines(lines, key, colour)
    assert options
    for option in options:
        assert words(option.lines) == words(lines)
        chords = [c.symbol for line in option.lines for c in line.chords]
        assert chords == list(option.symbols)
        last = parse_chord(chords[-1])
        assert last.root_pitch_class == key.tonic_pc and not last.is_minor, option.name
        assert function_of(numeral_of(chords[-2], key), key) in ("dominant", "predominant") or (
            option.steps[-2].reason == "tritone substitute"
        ), chords
        for s in option.steps:
            assert (
                in_key(s.symbol, key)
                or s.reason
                or s.symbol in {c.symbol for line in lines for c in line.chords}
            ), (s, option.name)  # outside the key: the writer's own, or there on purpose


def test_richer_uses_sevenths_and_secondary_dominants_that_lead_where_they_say() -> None:
    lines, key = lines_of(GRACE)
    first = reharmonise_lines(lines, key, "rich")[0]
    text = "\n".join(fmt.line_text(line) for line in first.lines)
    assert "[Cmaj7]" in text and "[Gadd9]see" in text
    steps = first.steps
    secondaries = [i for i, s in enumerate(steps) if s.reason == "secondary dominant"]
    assert secondaries
    for i in secondaries:
        target = analyse(steps[i].symbol, key).target
        assert analyse(steps[i + 1].symbol, key).roman.startswith(target)


def test_jazzier_closes_with_a_tritone_substitute() -> None:
    lines, key = lines_of(GRACE)
    first = reharmonise_lines(lines, key, "jazz")[0]
    assert first.symbols[-2:] == ("Ab7", "Gmaj9")
    assert fmt.line_text(first.lines[-1]).endswith("[Ab7]now I [Gmaj9]see.")


def test_a_verse_ending_on_the_dominant_is_closed_on_the_tonic() -> None:
    lines, key = lines_of(OPEN)
    option = reharmonise_lines(lines, key, "plain")[0]
    assert fmt.line_text(option.lines[-1]) == "[Em]Still I hear them [A7]every [D]day."


def test_a_named_chord_is_used_where_it_functions() -> None:
    lines, key = lines_of(GRACE)
    for option in reharmonise_lines(lines, key, "rich", ("E7",)):
        assert "E7" in option.symbols
        i = option.symbols.index("E7")
        assert parse_chord(option.symbols[i + 1]).root == "A"  # E7 is V7/ii: it goes to Am


def test_simpler_keeps_dominant_sevenths_but_drops_colours() -> None:
    lines, key = lines_of("{key: C}\n[Cmaj7]One line [Am9]to [G7]sing, [Cmaj7]home\n")
    option = reharmonise_lines(lines, key, "plain")[0]
    assert option.symbols == ("C", "Am", "G7", "C")


def test_nothing_to_start_from() -> None:
    lines, key = lines_of("{key: C}\nNo chords on this line\n")
    assert reharmonise_lines(lines, key, "rich") == []


@pytest.mark.parametrize(
    ("numerals", "expected"),
    [
        (["I", "V", "vi", "IV"], ["I", "IV", "V7", "I"]),  # V7 → I, and no V V7 in a row
        (["I", "vi", "IV", "V"], ["I", "vi", "V7", "I"]),  # ends on V: it becomes the V7 → I
        (["I", "IV", "V", "I"], ["I", "IV", "V", "I"]),  # already resolved: untouched
        (["I", "V", "V", "IV"], ["I", "IV", "V7", "I"]),  # no V V7 in a row
        (["I", "IV", "I", "V"], ["I", "IV", "V7", "I"]),  # a half cadence closed: IV V7 I, not IV I I
        (["IV7", "I7", "V7"], ["IV7", "I7", "I7"]),  # the blues turnaround becomes its close
    ],
)
def test_resolve(numerals: list[str], expected: list[str]) -> None:
    key = parse_key("C")
    from cowriter.core.progressions import realise

    steps = [Step(realise(n, key), n) for n in numerals]
    assert [s.numeral for s in resolve(steps, key)] == expected
