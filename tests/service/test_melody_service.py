"""The melody service: a melody written as ABC (stored, or proposed by a model) is scored by the same code."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.core.abc import format_abc
from cowriter.core.sheet import read_song
from cowriter.errors import CowriterError
from cowriter.service.melody import score_abc, sketch_song

DATA = Path(__file__).resolve().parents[1] / "data" / "melody"


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("northbound.cho", None),
        ("amazing-grace.cho", "Verse 2"),
        ("oh-susanna.cho", "chorus"),
        ("low-tide.cho", None),
    ],
)
def test_written_sketches_score_as_generated(name: str, section: str | None) -> None:
    song = read_song((DATA / name).read_text())
    result = sketch_song(song, section=section, alternatives=3, seed=2)
    for sketch, tune in zip(result.sketches, result.tunes, strict=True):
        assert score_abc(song, format_abc(tune), section=section) == sketch.score


def test_a_worse_melody_scores_lower() -> None:
    song = read_song((DATA / "northbound.cho").read_text())
    best = sketch_song(song, line=1, alternatives=1).sketches[0].score.total
    # every syllable on an off-beat eighth, on a note outside the chords
    words = "Lea-ving De-troit in the pou-ring rain"
    flat = "X:1\nM:4/4\nL:1/8\nK:C\nz ^F z ^F z ^F z ^F | z ^F z ^F z ^F ^F ^F |\nw: " + words + "\n"
    assert score_abc(song, flat, line=1).total < best - 20


@pytest.mark.parametrize(
    ("abc", "message"),
    [
        ("X:1\nK:C\nC D E\nw: one two three\n", "does not sing these lyrics"),
        ("X:1\nK:C\nC & D\n", "cannot be read"),
    ],
)
def test_bad_melodies_are_refused(abc: str, message: str) -> None:
    song = read_song((DATA / "northbound.cho").read_text())
    with pytest.raises(CowriterError, match=message):
        score_abc(song, abc, line=1)
