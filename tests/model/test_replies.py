"""Replies → proposals: lifting ChordPro out of chatter, errors that make a reply unusable, advice flags."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.core.chords import is_chord
from cowriter.model.replies import Checks, Expectation, extract_chordpro, parse_reply

C_MAJOR = {"C", "Dm", "Em", "F", "G", "Am", "Bdim"}
CHECKS = Checks(
    is_chord=is_chord,
    in_key=lambda s: s in C_MAJOR,
    syllables=lambda line: len(line.split()),  # one syllable a word: easy to reason about in a table
    rhymes=lambda word, target: word != target and word[-3:] == target[-3:],
)

CLEAN = """{start_of_chorus: Chorus}
[C]Leaving on the [G]morning train
[Am]Nothing left but [F]rain
{end_of_chorus}
"""


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (CLEAN, CLEAN),
        ("Sure! Here it is:\n```chordpro\n" + CLEAN + "```\nEnjoy.", CLEAN),
        ("Here:\n```\n" + CLEAN, CLEAN),  # unterminated fence
        ("Intro words\n[C]Line one\nmore chatter\n[G]Line two\n", "[C]Line one\n[G]Line two\n"),
        ("- [C]Line one\n* [G]Line two", "[C]Line one\n[G]Line two\n"),
        ("no chords at all", ""),
        (
            "{title: X}\n{start_of_verse}\nplain words\n{end_of_verse}",
            "{start_of_verse}\nplain words\n{end_of_verse}\n",
        ),
    ],
)
def test_extract_chordpro(reply: str, expected: str) -> None:
    assert extract_chordpro(reply) == expected


@pytest.mark.parametrize(
    ("reply", "expect", "error"),
    [
        ("I can't help with that.", Expectation(lines=2), "no lyric lines"),
        (CLEAN, Expectation(lines=4), "asked for 4 lines, the reply has 2"),
        ("{sov}\n[C]One line\nno chords here\n{eov}\n", Expectation(lines=2), "line 2 has no chords"),
        ("[C]One line\nno chords here\n", Expectation(lines=2), "the reply has 1"),  # chatter is dropped
        ("[C]One line\n[Hmaj]Two line\n", Expectation(lines=2), "[Hmaj] is not a chord"),
        (
            "[C]Every [G]window grey\n",
            Expectation(lines=1, fixed_words=(("Every", "window", "dark"),)),
            "lyrics were changed",
        ),
        ("[C]a\n[C]b\n", Expectation(fixed_words=(("a",),)), "asked for 1 lines"),
    ],
)
def test_unusable_replies_say_why(reply: str, expect: Expectation, error: str) -> None:
    result = parse_reply(reply, expect, CHECKS)
    assert not result.usable
    assert any(error in e for e in result.errors), result.errors


def test_a_clean_reply_is_usable() -> None:
    result = parse_reply(CLEAN, Expectation(lines=2), CHECKS)
    assert result.usable
    assert [line.lyrics for line in result.lines] == ["Leaving on the morning train", "Nothing left but rain"]
    assert result.chordpro == CLEAN


def test_fixed_words_ignore_case_and_punctuation() -> None:
    expect = Expectation(lines=1, fixed_words=(("Every", "window", "dark,"),))
    assert parse_reply("[C]every [G]window dark\n", expect, CHECKS).usable


@pytest.mark.parametrize(
    ("reply", "expect", "flags"),
    [
        ("[C]One [Bb]two three\n", Expectation(lines=1), [(1, "out-of-key")]),
        ("[C]One two three four five six\n", Expectation(lines=1, syllables=4), [(1, "syllables")]),
        ("[C]One two three four five\n", Expectation(lines=1, syllables=4), []),  # within ±1
        ("[C]One two three\n", Expectation(lines=1, syllables=4), []),
        (CLEAN, Expectation(lines=2, rhyme_with="pain", rhyme_lines=(2,)), []),  # "rain" rhymes
        (CLEAN, Expectation(lines=2, rhyme_with="pain", rhyme_lines=(1, 2)), []),  # "train" too
        (CLEAN, Expectation(lines=2, rhyme_with="fire", rhyme_lines=(2,)), [(2, "rhyme")]),
    ],
)
def test_flags_are_advice_not_errors(reply: str, expect: Expectation, flags: list[tuple[int, str]]) -> None:
    result = parse_reply(reply, expect, CHECKS)
    assert result.usable
    assert [(f.line, f.kind) for f in result.flags] == flags


def test_without_checks_only_shape_is_checked() -> None:
    result = parse_reply(
        "[Xyz7]One [Bb]two\n", Expectation(lines=1, syllables=9, rhyme_with="x", rhyme_lines=(1,))
    )
    assert result.usable and result.flags == ()


@given(st.text(max_size=300))
def test_any_reply_parses_without_raising(text: str) -> None:
    result = parse_reply(text, Expectation(lines=2), CHECKS)
    assert result.usable == (not result.errors)
    if result.usable:
        assert len(result.lines) == 2
