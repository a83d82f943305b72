"""Grid rows: reading bar lines, labels, repeats and counts, and playing them out bar by bar."""

from __future__ import annotations

import pytest

from cowriter.core.grid import parse_grid_row, play_row


@pytest.mark.parametrize(
    ("text", "label", "bars", "starts", "ends", "times"),
    [
        ("| C . . . | G . D . |", "", [["C", ".", ".", "."], ["G", ".", "D", "."]], (), (), 1),
        (
            "A    || G7 . | % . | %% . | . . |",
            "A",
            [["G7", "."], ["%", "."], ["%%", "."], [".", "."]],
            (),
            (),
            1,
        ),
        (
            "     |: C7 . | %  . :|: G7 . | % . :| repeat 4 times",
            "",
            [["C7", "."], ["%", "."], ["G7", "."], ["%", "."]],
            (0, 2),
            (1, 3),
            4,
        ),
        (
            "Coda | D7 . | Eb7 | D7 | G7 . | % . |.",
            "Coda",
            [["D7", "."], ["Eb7"], ["D7"], ["G7", "."], ["%", "."]],
            (),
            (),
            1,
        ),
        ("|: Am | F :| x3", "", [["Am"], ["F"]], (0,), (1,), 3),
        ("| C~G . | N.C. |", "", [["C~G", "."], ["N.C."]], (), (), 1),
        ("just a comment line", "", [], (), (), 1),
    ],
)
def test_parse_grid_row(
    text: str, label: str, bars: list[list[str]], starts: tuple[int, ...], ends: tuple[int, ...], times: int
) -> None:
    row = parse_grid_row(text, 7)
    assert row.text == text and row.line == 7
    assert row.label == label
    assert [[c.token for c in bar] for bar in row.bars] == bars
    assert (row.repeat_start, row.repeat_end, row.times) == (starts, ends, times)


@pytest.mark.parametrize(
    ("text", "played"),
    [
        ("| C | % | G |", [["C"], ["C"], ["G"]]),
        ("| C | D | %% | . |", [["C"], ["D"], ["C"], ["D"]]),
        ("|: C | G :|", [["C"], ["G"], ["C"], ["G"]]),
        ("| A |: C :| x3 | E |", [["A"], ["C"], ["C"], ["C"], ["E"]]),
        ("| C | G | x2", [["C"], ["G"], ["C"], ["G"]]),
        ("|: C :|: G :|", [["C"], ["C"], ["G"], ["G"]]),
        ("no bars", []),
    ],
)
def test_play_row(text: str, played: list[list[str]]) -> None:
    assert play_row(parse_grid_row(text)) == played
