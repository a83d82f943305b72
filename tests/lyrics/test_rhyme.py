"""Rhymes for a word and rhyme-scheme letters."""

from __future__ import annotations

import pytest

from cowriter.lyrics import is_rhyme, rhyme_scheme, rhymes


@pytest.mark.parametrize(
    ("a", "b", "perfect", "slant"),
    [
        ("rain", "again", True, True),
        ("star", "are", True, True),
        ("night", "light", True, True),
        ("time", "mine", False, True),  # same vowel, nasal after it
        ("love", "enough", False, True),  # same vowel, fricative after it
        ("feel", "fill", False, True),  # near vowel, same consonant
        ("heart", "star", False, True),  # a final t dropped
        ("rain", "moon", False, False),
        ("cat", "man", False, False),  # same vowel, but a stop against a nasal
        ("zorblax", "florblax", True, True),  # unknown words compare by spelling
    ],
)
def test_is_rhyme(a: str, b: str, perfect: bool, slant: bool) -> None:
    assert is_rhyme(a, b, slant=False) is perfect
    assert is_rhyme(a, b, slant=True) is slant


@pytest.mark.parametrize(
    ("lines", "scheme"),
    [
        (
            [  # Jane Taylor, "The Star" (1806)
                "Twinkle, twinkle, little star,",
                "How I wonder what you are!",
                "Up above the world so high,",
                "Like a diamond in the sky.",
            ],
            ["A", "A", "B", "B"],
        ),
        (["I walk the line", "in the rain", "all the time", "again and again"], ["A", "B", "A", "B"]),
        (["one day", "", "{a directive}", "all the way"], ["A", "", "B", "A"]),
        (["red", "blue", "green", "gold"], ["A", "B", "C", "D"]),
    ],
)
def test_rhyme_scheme(lines: list[str], scheme: list[str]) -> None:
    assert rhyme_scheme(lines) == scheme


def test_scheme_letters_go_past_z() -> None:
    endings = [v + c for c in "bdgkmp" for v in "aeiou"][:28]
    scheme = rhyme_scheme([f"qx{e}" for e in endings])  # made-up words: they rhyme by spelling only
    assert len(set(scheme)) == 28 and scheme[25:27] == ["Z", "AA"]


@pytest.mark.parametrize("word", ["rain", "heart", "night", "love"])
def test_perfect_rhymes_rhyme(word: str) -> None:
    found = rhymes(word)
    assert 10 <= len(found) <= 60 and word not in found
    assert all(is_rhyme(word, other, slant=False) for other in found)


def test_everyday_words_come_first() -> None:
    assert set(rhymes("rain")[:6]) <= {
        "gain",
        "pain",
        "brain",
        "drain",
        "stain",
        "train",
        "chain",
        "plain",
        "main",
    }
    assert "light" in rhymes("night")[:5]


def test_slant_rhymes_are_not_perfect() -> None:
    slant = rhymes("time", slant=True)
    assert {"mine", "line"} <= set(slant)
    assert not any(is_rhyme("time", w, slant=False) for w in slant)


def test_unknown_word_gets_spelling_rhymes() -> None:
    assert all(w.endswith("ax") for w in rhymes("zorblax"))
    assert rhymes("zorblax", slant=True) == []
