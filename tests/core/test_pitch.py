"""Note names: parsing (ASCII and Unicode accidentals), pitch classes, spelling by letter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.core.pitch import (
    NoteError,
    is_note,
    normalise_note,
    parse_note,
    pitch_class,
    simplest,
    spell,
    spell_above,
    spell_pitch_class,
)

NOTES = [
    ("C", "C", 0, 0),
    ("C#", "C", 1, 1),
    ("C♯", "C", 1, 1),
    ("Db", "D", -1, 1),
    ("D♭", "D", -1, 1),
    ("Cb", "C", -1, 11),
    ("B#", "B", 1, 0),
    ("E#", "E", 1, 5),
    ("Fb", "F", -1, 4),
    ("F##", "F", 2, 7),
    ("F𝄪", "F", 2, 7),
    ("Bbb", "B", -2, 9),
    ("B𝄫", "B", -2, 9),
    ("G♯♯", "G", 2, 9),
]


@pytest.mark.parametrize(("name", "letter", "alter", "pc"), NOTES)
def test_parse_note(name: str, letter: str, alter: int, pc: int) -> None:
    assert parse_note(name) == (letter, alter)
    assert pitch_class(name) == pc
    assert is_note(name)
    assert pitch_class(normalise_note(name)) == pc


@pytest.mark.parametrize("name", ["", "H", "c", "Cx", "C#b", "Abbb", "A###", "C ", "X#"])
def test_not_notes(name: str) -> None:
    assert not is_note(name)
    with pytest.raises(NoteError):
        parse_note(name)


SPELL_ABOVE = [
    (("F", 1), 2, 3, ("A", 0)),  # minor third above F# is A, not G##
    (("C", 0), 8, 13, ("D", -1)),  # flat ninth above C is Db
    (("C", 0), 3, 6, ("F", 1)),  # augmented fourth
    (("C", 0), 4, 6, ("G", -1)),  # diminished fifth
    (("E", -1), 6, 11, ("D", 0)),  # major seventh of Eb
    (("D", -1), 6, 9, ("C", -2)),  # diminished seventh of Db: Cbb
]


@pytest.mark.parametrize(("start", "steps", "semis", "expected"), SPELL_ABOVE)
def test_spell_above(start: tuple[str, int], steps: int, semis: int, expected: tuple[str, int]) -> None:
    assert spell_above(*start, steps, semis) == expected


def test_plain_spellings() -> None:
    assert [spell_pitch_class(pc) for pc in (1, 3, 6, 8, 10)] == ["C#", "D#", "F#", "G#", "A#"]
    assert [spell_pitch_class(pc, flats=True) for pc in (1, 3, 6, 8, 10)] == ["Db", "Eb", "Gb", "Ab", "Bb"]
    assert simplest("C", -2) == ("B", -1)
    assert simplest("E", 1) == ("F", 0)
    assert simplest("F", 2) == ("G", 0)
    assert simplest("C", -1) == ("B", 0)
    assert simplest("A", 1) == ("A", 1)


@given(st.sampled_from("CDEFGAB"), st.integers(-2, 2), st.integers(0, 6), st.integers(0, 23))
def test_spell_above_keeps_pitch_class(letter: str, alter: int, steps: int, semis: int) -> None:
    new_letter, new_alter = spell_above(letter, alter, steps, semis)
    start = pitch_class(letter + ("#" * alter if alter > 0 else "b" * -alter))
    assert (pitch_class(new_letter) + new_alter - start - semis) % 12 == 0
    assert "CDEFGAB".index(new_letter) == ("CDEFGAB".index(letter) + steps) % 7


@pytest.mark.parametrize(
    ("pc", "key", "expected"),
    [(10, "F", "Bb"), (10, "E", "A#"), (6, "C", "F#"), (3, None, "D#"), (1, "Ab", "Db"), (8, "Am", "G#")],
)
def test_spell_for_a_key(pc: int, key: str | None, expected: str) -> None:
    assert spell(pc, key) == expected
