"""The mix, measured as a listener's meter would (ITU-R BS.1770): the melody carries over the band."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cowriter.core.arrange import arrange
from cowriter.core.events import Arrangement
from cowriter.core.sheet import read_song
from cowriter.render.loudness import integrated_loudness, side_to_mid_db
from cowriter.render.synth import render

SONG = """{title: Mix}
{tempo: 120}
{key: C}
{start_of_grid}
| C . . . | Am7 . . . | Dm7 . . . | G7 . . . |
| Cmaj7 . . . | F . . . | Bb7 . . . | E7/G# . . . |
{end_of_grid}
{start_of_abc}
X:1
M:4/4
L:1/8
K:C
c2 e2 g2 e2 | d2 f2 a3 g | e4 d2 c2 | G2 A2 B2 d2 | c3 B A2 G2 | E2 G2 c4 | c2 e2 g2 e2 | d2 f2 a3 g |
{end_of_abc}
"""


def parts(style: str) -> tuple[Arrangement, Arrangement, Arrangement]:
    song = arrange(read_song(SONG), style=style, seed=3)
    lead = tuple(t for t in song.tracks if t.instrument == "lead")
    band = tuple(t for t in song.tracks if t.instrument != "lead")
    assert lead and band
    return song, dataclasses.replace(song, tracks=lead), dataclasses.replace(song, tracks=band)


@pytest.mark.parametrize("style", ["pop", "rock", "ballad", "bossa", "swing", "funk", "waltz", "folk"])
def test_the_melody_sits_at_least_3_lu_over_the_band(style: str) -> None:
    _, lead, band = parts(style)
    # the same chain for both: voices, pan, reverb, master and limiter
    over = integrated_loudness(render(lead), 44100) - integrated_loudness(render(band), 44100)
    assert over >= 3.0, f"{style}: the melody is {over:+.1f} LU against the band"


@pytest.mark.parametrize("style", ["pop", "bossa", "swing"])
def test_the_band_has_width(style: str) -> None:
    """Wide, not hollow: side/mid about -8 dB (FluidSynth's -5 to -8 on the same MIDI). The melody's own
    measured width (FluidR3's flute, spread by our double and the room) once took the mix to -3.5 dB."""
    song, _, _ = parts(style)
    assert -12.0 < side_to_mid_db(render(song)) < -6.5


def test_the_master_stays_under_its_ceiling() -> None:
    song, _, _ = parts("rock")
    assert float(np.abs(render(song)).max()) <= 10 ** (-1.0 / 20)
