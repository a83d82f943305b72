"""The drum kit's building blocks compute what they say."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cowriter.render import drumkit


@pytest.mark.parametrize("n", [1, 7, 1024, 3000])
def test_ringing_modes_are_decaying_sines(n: int) -> None:
    """The modes (computed block by block as powers of one complex step) are the sum of sines, each falling
    20 dB in its time, sample for sample."""
    t = np.arange(n, dtype=np.float64) / 44100
    partials = [(185.0, 1.0, 0.09), (3456.7, 0.3, 1.2), (9000.0, 0.05, 0.4)]
    direct = sum(
        a * np.sin(2 * math.pi * f * t) * np.exp(-t * math.log(10.0) / t20) for f, a, t20 in partials
    )
    assert np.allclose(drumkit._modes(t, partials), direct, atol=1e-9)
