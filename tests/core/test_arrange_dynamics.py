"""Dynamics: velocity shaped by beat and phrase, centred on each part's level, humanised by the seed."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from cowriter.core.arrange import arrange
from cowriter.core.arrange.bars import Bar
from cowriter.core.arrange.dynamics import PEAK, Feel, arc, band_phrases, melody_phrases, metric_weight, shape
from cowriter.core.events import Arrangement, Note
from cowriter.core.sheet import read_song
from cowriter.core.timeline import Meter
from cowriter.core.timing import timeline

ROOT = Path(__file__).resolve().parents[2]

TUNE = """{title: Tune}
{time: 4/4}
{tempo: 100}
{start_of_verse: Verse}
[C]Down by the river I [G]wandered a while
[Am]Singing a song with a [F]smile
[C]Over the water the [G]evening was still
[F]Home by the [C]hill
{end_of_verse}
{start_of_abc}
X:1
M:4/4
L:1/8
K:C
E2 G2 c2 B2 | A2 G2 E4 | D2 E2 F2 A2 | G6 z2 |
E2 G2 c2 e2 | d2 c2 A4 | G2 F2 D2 E2 | C6 z2 |
{end_of_abc}
"""


@pytest.mark.parametrize(
    ("meter", "weights"),
    [
        ((4, 4), {0: 1.0, 0.5: 0.15, 1: 0.35, 2: 0.6, 3: 0.35, 3.25: 0.0}),
        ((3, 4), {0: 1.0, 1: 0.35, 2: 0.35, 2.5: 0.15}),
        ((2, 4), {0: 1.0, 1: 0.35, 1.5: 0.15}),
        ((6, 8), {0: 1.0, 1: 0.15, 3: 0.35, 4: 0.15, 4.5: 0.0}),
        ((12, 8), {0: 1.0, 3: 0.35, 6: 0.6, 9: 0.35, 10: 0.15}),
    ],
)
def test_metric_weight_leans_on_the_strong_beats(meter: tuple[int, int], weights: dict[float, float]) -> None:
    bar = Bar(1, 0.0, Meter(*meter))
    assert {beat: metric_weight(bar, beat) for beat in weights} == weights


def test_the_arc_rises_to_its_peak_past_the_middle_and_falls() -> None:
    xs = [i / 100 for i in range(101)]
    ys = [arc(x) for x in xs]
    top = max(range(101), key=lambda i: ys[i])
    assert arc(0.0) == pytest.approx(0.0) and arc(1.0) == pytest.approx(0.0, abs=1e-9)
    assert arc(PEAK) == pytest.approx(1.0) and abs(xs[top] - PEAK) <= 0.01
    assert all(a <= b for a, b in pairwise(ys[: top + 1]))
    assert all(a >= b for a, b in pairwise(ys[top:]))


def test_phrases_are_the_lines_and_the_breaths() -> None:
    timed = timeline(read_song(TUNE))
    assert band_phrases(timed) == [(0.0, 8.0), (8.0, 16.0), (16.0, 24.0), (24.0, 32.0)]
    bars = [Bar(n + 1, 4.0 * n, Meter()) for n in range(8)]
    sung = [Note(0, 1, 60), Note(1, 1, 62), Note(2.25, 1, 64), Note(4, 2, 65), Note(7, 1, 67)]
    assert melody_phrases(sung, bars) == [(0.0, 3.25), (4.0, 6.0), (7.0, 8.0)]
    legato = [Note(float(b), 1.0, 60) for b in range(32)]  # no breath for eight bars: cut at a bar line
    assert melody_phrases(legato, bars) == [(0.0, 16.0), (16.0, 32.0)]


def _track(arrangement: Arrangement, instrument: str) -> list[Note]:
    return list(next(t for t in arrangement.tracks if t.instrument == instrument).notes)


def test_accents_fall_on_the_strong_beats() -> None:
    bars = [Bar(n + 1, 4.0 * n, Meter()) for n in range(4)]
    even = [Note(b / 2, 0.5, 60, 100) for b in range(32)]  # eighths, one phrase, one pitch
    shaped = {n.start: n.velocity for n in shape(even, Feel(accent=10.0), bars, [(0.0, 16.0)])}
    assert [shaped[b] for b in (4.0, 4.5, 5.0, 5.5, 6.0, 7.0)] == [106, 98, 100, 98, 102, 100]


def test_the_melody_swells_through_its_phrases() -> None:
    lead = _track(arrange(read_song(TUNE), style="ballad", seed=2, count_in=False), "lead")
    velocities = [n.velocity for n in lead]
    assert len(set(velocities)) > 5  # not every note at one velocity
    assert abs(statistics.mean(velocities) - 100) <= 3  # centred on the level the mix expects
    phrases = melody_phrases(lead, [Bar(n + 1, 4.0 * n, Meter()) for n in range(8)])
    assert len(phrases) == 2
    for start, end in phrases:  # the middle of a phrase sings out over its first and last notes
        inside = [n for n in lead if start <= n.start < end]
        ends = [inside[0].velocity, inside[-1].velocity]
        middle = [n.velocity for n in inside if 0.45 <= (n.start - start) / (end - start) <= 0.75]
        assert statistics.mean(middle) > statistics.mean(ends)


def test_the_pad_breathes_around_its_level() -> None:
    pad = _track(arrange(read_song(TUNE), style="ballad", seed=2, count_in=False), "pad")
    velocities = [n.velocity for n in pad]
    assert len(set(velocities)) > 3 and abs(statistics.mean(velocities) - 52) <= 3


def test_the_band_swells_through_each_line() -> None:
    rows = 16
    text = "{start_of_grid}\n| C . . . | F . . . | G . . . | C . . . |\n{end_of_grid}\n"
    bass = _track(arrange(read_song(text * rows), style="halftime", seed=0, count_in=False), "bass")

    def mean_at(beat: float) -> float:  # the bass note at this beat of every row (halftime: beats 1 and 4)
        return statistics.mean(
            n.velocity for n in bass for row in range(rows) if abs(n.start - row * 16 - beat) < 0.05
        )

    start, top, end = mean_at(0), mean_at(8), mean_at(15)
    assert top > start + 3 and top > end + 3
    assert mean_at(3) < mean_at(11)  # the same weak beat, rising towards the top of the row


def test_same_seed_same_velocities_other_seed_other_feel() -> None:
    song = read_song(TUNE)
    one = [n.velocity for n in _track(arrange(song, seed=4), "lead")]
    assert one == [n.velocity for n in _track(arrange(song, seed=4), "lead")]
    assert one != [n.velocity for n in _track(arrange(song, seed=5), "lead")]


def test_the_arrangement_is_the_same_in_every_process() -> None:
    code = (
        "import hashlib, sys\n"
        "from cowriter.core.arrange import arrange\n"
        "from cowriter.core.sheet import read_song\n"
        "band = arrange(read_song(sys.stdin.read()), style='bossa', seed=9)\n"
        "print(hashlib.sha256(repr(band).encode()).hexdigest())\n"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            input=TUNE,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
