"""Reading a long line takes time in proportion to its length: the width of the text before each token is
carried from token to token, never measured again from the start of the line (which made a 1 MB lyric
line run for hours). Counted, not timed: the characters measured for display width stay within the
line's length."""

from __future__ import annotations

import pytest

from cowriter.core import textimport
from cowriter.core.sheet import read


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sizes: list[int] = []
    width = textimport._width

    def counting(text: str) -> int:
        sizes.append(len(text))
        return width(text)

    monkeypatch.setattr(textimport, "_width", counting)
    return sizes


@pytest.mark.parametrize("word", ["雨", "café", "la"])
def test_the_columns_of_a_long_line_are_measured_once(word: str, measured: list[int]) -> None:
    line = " ".join([word] * 20_000)
    tokens = list(textimport._split_tokens(line))
    assert len(tokens) == 20_000
    assert sum(measured) <= len(line)  # the old code measured ~len(line)²/2 characters
    wide = 2 if word == "雨" else 1
    step = wide * len(word) + 1
    assert tokens[-1] == ((20_000 - 1) * step, word)


def test_columns_still_follow_wide_characters() -> None:
    assert list(textimport._split_tokens("雨 C  (F)(G)")) == [(0, "雨"), (3, "C"), (6, "(F)"), (9, "(G)")]


def test_a_long_lyric_line_is_not_read_past_its_second_word(measured: list[int]) -> None:
    line = "rain " * 200_000  # 1 MB of lyrics: not a chord line, as the first two words show
    assert not textimport.is_chord_line(line)
    assert sum(measured) < 100


def test_a_megabyte_line_reads_as_one_lyric_line() -> None:
    song = read("{title: Long}\n" + "rain " * 200_000 + "\n")[0]
    lines = [i for s in song.sections for i in s.items if hasattr(i, "lyrics")]
    assert len(lines) == 1 and len(lines[0].lyrics) == 1_000_000
