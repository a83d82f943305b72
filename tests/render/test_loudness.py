"""BS.1770 loudness: the standard's coefficients, its calibration points, and its gating."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cowriter.render.loudness import integrated_loudness, k_filters, side_to_mid_db


def sine(freq: float, seconds: float, sr: int, amp: float = 1.0) -> np.ndarray:
    return amp * np.sin(2 * math.pi * freq * np.arange(int(seconds * sr)) / sr)


def test_k_filters_at_48k_are_the_standards() -> None:
    (b1, a1), (b2, a2) = k_filters(48000)
    # ITU-R BS.1770-4, tables 1 and 2
    assert np.allclose(b1, [1.53512485958697, -2.69169618940638, 1.19839281085285], atol=1e-9)
    assert np.allclose(a1, [1.0, -1.69065929318241, 0.73248077421585], atol=1e-9)
    assert np.allclose(b2, [1.0, -2.0, 1.0])
    assert np.allclose(a2, [1.0, -1.99004745483398, 0.99007225036621], atol=1e-9)


@pytest.mark.parametrize("sr", [44100, 48000])
def test_a_full_scale_1k_sine_in_one_channel_reads_minus_3_01(sr: int) -> None:
    x = sine(997.0, 5.0, sr)
    assert integrated_loudness(x, sr) == pytest.approx(-3.01, abs=0.05)
    assert integrated_loudness(np.stack((x, x), axis=1), sr) == pytest.approx(0.0, abs=0.05)


def test_k_weighting_cuts_the_lows_and_lifts_the_highs() -> None:
    sr = 48000
    low = integrated_loudness(sine(40.0, 4.0, sr), sr)
    high = integrated_loudness(sine(4000.0, 4.0, sr), sr)
    assert low < -3.01 - 0.5 < -3.01 + 3.0 < high  # RLB high-pass below ~60 Hz; +4 dB shelf up high


def test_gating_ignores_silence_and_quiet_passages() -> None:
    sr = 44100
    loud = sine(997.0, 4.0, sr, 0.5)
    alone = integrated_loudness(loud, sr)
    with_gap = integrated_loudness(np.concatenate((loud, np.zeros(4 * sr), loud)), sr)
    with_whisper = integrated_loudness(np.concatenate((loud, sine(997.0, 4.0, sr, 0.005))), sr)
    # Ungated, the silence would pull the reading down 1.76 dB, the whisper 3.0 dB; gated, only the few
    # 400 ms blocks that straddle an edge (partly loud) still count.
    assert with_gap == pytest.approx(alone, abs=0.3)  # absolute gate
    assert with_whisper == pytest.approx(alone, abs=0.3)  # relative gate (-40 dB is far below -10 LU)
    assert integrated_loudness(np.zeros(sr), sr) == -math.inf
    assert integrated_loudness(loud[: sr // 4], sr) == -math.inf  # shorter than one block


def test_side_to_mid() -> None:
    x = sine(440.0, 1.0, 44100)
    assert side_to_mid_db(np.stack((x, x), axis=1)) == -math.inf
    assert side_to_mid_db(np.stack((x, 0.5 * x), axis=1)) == pytest.approx(
        20 * math.log10(0.25 / 0.75), abs=0.01
    )
