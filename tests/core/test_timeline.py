"""`bar_at`: the one count of bars and beats through meter changes, for the player's play head and the
workspace's bars of a proposal."""

from __future__ import annotations

import pytest

from cowriter.core.timeline import Meter, MeterChange, bar_at

FOUR_THEN_THREE = (MeterChange(0.0, 1, Meter(4, 4)), MeterChange(8.0, 3, Meter(3, 4)))


@pytest.mark.parametrize(
    ("meters", "beat", "expected"),
    [
        ((), 0.0, (1, 1.0)),  # no meters: 4/4 from bar 1
        ((), 5.5, (2, 2.5)),
        (FOUR_THEN_THREE, 0.0, (1, 1.0)),
        (FOUR_THEN_THREE, 7.5, (2, 4.5)),
        (FOUR_THEN_THREE, 8.0, (3, 1.0)),  # the change's own beat is in the new meter
        (FOUR_THEN_THREE, 10.5, (3, 3.5)),
        (FOUR_THEN_THREE, 11.0, (4, 1.0)),
        (FOUR_THEN_THREE, 8.0 - 1e-12, (3, 1.0)),  # float noise before a change: in it already
        ((MeterChange(4.0, 1, Meter(4, 4)),), 2.0, (1, 1.0)),  # before the first change: at its start
        ((MeterChange(0.0, 0, Meter(6, 8)),), 7.0, (1, 2.0)),  # a count-in bar 0, six beats a bar
    ],
)
def test_bar_at(meters: tuple[MeterChange, ...], beat: float, expected: tuple[int, float]) -> None:
    bar, in_bar = bar_at(meters, beat)
    assert bar == expected[0]
    assert in_bar == pytest.approx(expected[1])
