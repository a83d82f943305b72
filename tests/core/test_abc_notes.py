"""How a note is read and written, one way for the parser, the formatter and the transposer: its pitch
from the letter, octave marks, accidental (lasting to the bar line), bar and key; its text from a letter
and octave; the spelling of a pitch class in a key."""

from __future__ import annotations

import pytest

from cowriter.core.abc_types import (
    ACCIDENTAL,
    ALTERATION,
    NOTE,
    key_signature,
    pitch_text,
    spell_in_key,
    spell_outside,
    written_pitch,
)


@pytest.mark.parametrize(
    ("written", "key", "pitch"),
    [("C", "C", 60), ("c", "C", 72), ("c'", "C", 84), ("C,", "C", 48), ("F", "G", 66), ("^f", "C", 78),
     ("_B,", "C", 58), ("=F", "D", 65), ("^^G", "C", 69), ("B", "F", 70)],
)  # fmt: skip
def test_written_pitch(written: str, key: str, pitch: int) -> None:
    m = NOTE.fullmatch(written)
    assert m is not None
    assert written_pitch(m[1], m[2], m[3], key_signature(key), {})[0] == pitch


def test_an_accidental_lasts_to_the_bar_line_at_its_octave_unless_a_grace_note() -> None:
    bar: dict[tuple[str, int], int] = {}
    plain = key_signature("C")
    assert written_pitch("^", "F", "", plain, bar) == (66, 1)
    assert written_pitch(None, "F", "", plain, bar) == (66, 1)  # the bar's sharp
    assert written_pitch(None, "f", "", plain, bar) == (77, 0)  # another octave: the key's
    grace: dict[tuple[str, int], int] = {}
    written_pitch("_", "B", "", plain, grace, remember=False)
    assert grace == {}


@pytest.mark.parametrize("octave", range(1, 9))
def test_pitch_text_reads_back(octave: int) -> None:
    text = pitch_text("D", octave)
    m = NOTE.fullmatch(text)
    assert (
        m is not None and written_pitch(None, m[2], m[3], key_signature("C"), {})[0] == 12 * (octave + 1) + 2
    )


def test_marks_and_alterations_are_one_table() -> None:
    assert {ACCIDENTAL[a]: a for a in ACCIDENTAL} == ALTERATION


@pytest.mark.parametrize(
    ("pc", "key", "spelled"),
    [(6, "G", ("F", 1)), (10, "F", ("B", -1)), (0, "C", ("C", 0)), (1, "C", None), (3, "Bb", ("E", -1))],
)
def test_spell_in_key(pc: int, key: str, spelled: tuple[str, int] | None) -> None:
    assert spell_in_key(pc, key_signature(key)) == spelled


@pytest.mark.parametrize(
    ("pc", "key", "spelled"), [(1, "D", ("C", 1)), (1, "F", ("D", -1)), (4, "Bb", ("E", 0))]
)
def test_spell_outside(pc: int, key: str, spelled: tuple[str, int]) -> None:
    assert spell_outside(pc, key_signature(key)) == spelled
