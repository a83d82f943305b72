"""Syllable counts and syllable pieces: dictionary words, and the estimator for words it lacks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.lyrics import syllabify, syllables
from cowriter.lyrics.syllables import estimate_count, phones, split_spelling


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Amazing grace, how sweet the sound", 8),  # John Newton, 1779 (public domain)
        ("That saved a wretch like me", 6),
        ("Twinkle, twinkle, little star", 7),  # Jane Taylor, 1806
        ("How I wonder what you are", 7),
        ("Mine eyes have seen the glory of the coming of the Lord", 14),  # Julia Ward Howe, 1862
        ("I understand the conversation", 9),
        ("", 0),
        ("well-known", 2),  # a hyphen splits words
        ("don't you cry", 3),
        ("fire", 2),  # CMU: F AY1 ER0
        ("The hour I first believed", 6),  # common meter: "hour" is one syllable (CMU also AW1 R)
        ("our", 1),
    ],
)
def test_line_syllables(text: str, count: int) -> None:
    assert syllables(text) == count


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("zorblax", 2),
        ("flimmering", 3),
        ("grake", 1),  # a final silent e
        ("snurgled", 2),  # -led after a consonant sounds, like -le
        ("blorped", 1),  # -ed after a consonant other than t/d is silent
        ("blanted", 2),  # ... but sounds after t/d
        ("frumble", 2),  # -le after a consonant is a syllable
        ("yomp", 1),  # initial y is a consonant
    ],
)
def test_estimator_for_unknown_words(word: str, count: int) -> None:
    assert phones(word) is None
    assert estimate_count(word) == count
    assert syllables(word) == count


def test_pieces_spell_the_word() -> None:
    pieces = [s.text for s in syllabify("Amazing grace")]
    assert pieces == ["A", "ma", "zing", "grace"]
    assert [s.word_index for s in syllabify("Amazing grace")] == [0, 0, 0, 1]
    assert [s.word_end for s in syllabify("Amazing grace")] == [False, False, True, True]


@given(st.from_regex(r"[a-z]{1,14}", fullmatch=True), st.integers(1, 6))
def test_split_spelling_keeps_every_letter(word: str, count: int) -> None:
    pieces = split_spelling(word, count)
    assert "".join(pieces) == word
    assert len(pieces) <= max(count, 1)


@pytest.mark.parametrize(
    ("word", "pieces"),
    [
        ("mother", ["mo", "ther"]),  # a digraph starts the next syllable
        ("northbound", ["north", "bound"]),
        ("Detroit", ["De", "troit"]),  # an onset cluster moves whole
        ("counting", ["coun", "ting"]),
        ("singer", ["sing", "er"]),  # ng closes its syllable
        ("little", ["lit", "tle"]),
        ("interstate", ["in", "ter", "state"]),
    ],
)
def test_syllable_pieces(word: str, pieces: list[str]) -> None:
    assert [s.text for s in syllabify(word)] == pieces


@pytest.mark.parametrize(
    ("word", "pieces"),
    [("café", ["ca", "fé"]), ("Zürich", ["Zü", "rich"]), ("señorita", ["se", "ño", "ri", "ta"])],
)
def test_accented_words_are_words(word: str, pieces: list[str]) -> None:
    assert [s.text for s in syllabify(f"in {word} tonight")][1:-2] == pieces
