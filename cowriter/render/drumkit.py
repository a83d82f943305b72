"""A synthesised drum kit on General MIDI drum notes. Each hit renders whole, stereo `(2, n)` float32,
placed where a drummer's kit sits (hats right, ride left, toms across).

Every piece is built from two things a real drum has: tuned modes (a kick's pitch drop, a snare's shell, a
ride's inharmonic partials, each with its own decay) and noise shaped band by band, each octave band with
its own level and its own decay time (a cymbal's highs die before its middle; a snare's wires buzz as
long as the head rings). The band levels and decays follow the General MIDI kit of FluidR3, measured
(`benchmarks/sound_compare.py`). Nothing sounds above ~16 kHz (a steep roll-off from 15 kHz: no hiss
wall), and noise is seeded, so every hit is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from cowriter.render.effects import CENTRES, Profile, banded_noise

Audio = npt.NDArray[np.float32]
_TWO_PI = 2.0 * math.pi


def _t(n: int, sr: int) -> npt.NDArray[np.float64]:
    return np.arange(n, dtype=np.float64) / sr


def _fade(x: npt.NDArray[np.float64], sr: int, fade_in: float = 0.0008, fade_out: float = 0.01) -> Audio:
    a = max(1, int(fade_in * sr))
    r = max(1, int(fade_out * sr))
    x[:a] *= np.linspace(0.0, 1.0, a, endpoint=False)
    x[-r:] *= 0.5 + 0.5 * np.cos(np.linspace(0.0, math.pi, r))
    return x.astype(np.float32)


def _modes(
    t: npt.NDArray[np.float64], partials: Sequence[tuple[float, float, float]]
) -> npt.NDArray[np.float64]:
    """Sum of decaying sines: (frequency Hz, amplitude, seconds to fall 20 dB), on `t` (evenly spaced from
    0). Each is the imaginary part of a^k, a = exp((i 2 pi f - ln 10 / t20) dt): the powers within one
    block of `_BLOCK` samples times the power at each block's start (no sine or exp per sample)."""
    out = np.zeros(t.size)
    if t.size < 2:
        return out
    dt = float(t[1] - t[0])
    k = np.arange(_BLOCK)
    starts = np.arange(-(-t.size // _BLOCK)) * _BLOCK
    for f, amp, t20 in partials:
        a = complex(-math.log(10.0) / t20 * dt, _TWO_PI * f * dt)
        z = np.outer(np.exp(a * starts), np.exp(a * k)).ravel()[: t.size]
        out += amp * z.imag
    return out


_BLOCK = 1024


def _sweep(
    t: npt.NDArray[np.float64], f_end: float, f_start: float, tau: float, sr: int
) -> npt.NDArray[np.float64]:
    freq = f_end + (f_start - f_end) * np.exp(-t / tau)
    return np.sin(_TWO_PI * np.cumsum(freq) / sr)


def _peak(x: npt.NDArray[np.float64], level: float) -> npt.NDArray[np.float64]:
    return x * (level / (float(np.max(np.abs(x))) or 1.0))


def kick(sr: int) -> Audio:
    n = int(0.5 * sr)
    t = _t(n, sr)
    body = _sweep(t, 52.0, 150.0, 0.02, sr) * np.exp(-t / 0.06)
    body = np.tanh(1.8 * body) / np.tanh(1.8)  # a round head: some 2nd and 3rd harmonic
    beater = banded_noise(
        n, sr, [(-30, 0.1), (-30, 0.1), (-16, 0.06), (-18, 0.04), (-20, 0.04), (-11, 0.04), (-10, 0.04),
                (-22, 0.04), (-50, 0.03)], seed=36, top=8000.0,
    )  # fmt: skip
    return _fade(_peak(body + 0.05 * beater, 0.63), sr, fade_out=0.04)


def snare(sr: int) -> Audio:
    n = int(0.4 * sr)
    t = _t(n, sr)
    # the head's modes (FluidR3's snare rings at about 205 Hz), struck over 1.5 ms: an instant start spread
    # them down to 63-125 Hz, 4 to 7 dB over FluidR3's
    shell = _modes(t, [(205.0, 1.0, 0.09), (242.0, 0.3, 0.07), (335.0, 0.4, 0.06), (460.0, 0.3, 0.05)])
    shell *= np.clip(t / 0.0015, 0.0, 1.0)
    wires = banded_noise(
        n, sr, [(-40, 0.05), (-24, 0.06), (-10, 0.1), (-8, 0.12), (-10, 0.13), (-10, 0.14), (-9, 0.14),
                (-11, 0.14), (-50, 0.1)], seed=38, top=9500.0,
    )  # fmt: skip
    return _fade(_peak(0.55 * shell + 0.058 * wires, 1.0), sr, fade_out=0.03)


def side_stick(sr: int) -> Audio:
    n = int(0.2 * sr)
    t = _t(n, sr)
    knock = _modes(t, [(520.0, 0.35, 0.08), (1020.0, 0.5, 0.06), (1650.0, 0.4, 0.05)])
    crack = banded_noise(
        n, sr, [(-31, 0.05), (-36, 0.05), (-18, 0.08), (-21, 0.08), (-6, 0.08), (-7, 0.08), (-2, 0.08),
                (-6, 0.09), (-26, 0.08)], seed=37, top=11000.0,
    )  # fmt: skip
    return _fade(_peak(knock + 0.3 * crack, 0.63), sr)


def _metal(sr: int, seed: int, count: int, lo: float, hi: float) -> list[float]:
    """Inharmonic partial frequencies, log-uniform between lo and hi, seeded."""
    rng = np.random.default_rng(seed)
    return sorted(float(f) for f in np.exp(rng.uniform(math.log(lo), math.log(min(hi, 0.4 * sr)), count)))


def _cymbal(sr: int, seconds: float, profile: Profile, seed: int, ring: float, level: float) -> Audio:
    """Noise with the profile, plus a cloud of inharmonic partials that ring with the band they sit in
    (what makes a cymbal shimmer rather than hiss)."""
    n = int(seconds * sr)
    t = _t(n, sr)
    wash = banded_noise(n, sr, profile, seed=seed)
    if ring:
        partials = []
        for f in _metal(sr, seed, 48, 350.0, 9000.0):
            band = min(len(CENTRES) - 1, max(0, round(math.log2(f / CENTRES[0]))))
            db, t20 = profile[band]
            partials.append((f, 10.0 ** (db / 20.0), t20 * 1.3))
        tone = _modes(t, partials)
        tone *= np.clip(t / 0.002, 0.0, 1.0)
        wash = wash / (float(np.std(wash)) or 1.0) + ring * tone / (float(np.std(tone)) or 1.0)
    return _fade(_peak(wash, level), sr, fade_out=seconds * 0.3)  # a long, gentle end: no cut-off


CRASH = [
    (-50, 0.3),
    (-48, 0.3),
    (-26, 0.42),
    (-13, 0.64),
    (-12, 0.6),
    (-9, 1.45),
    (0, 1.35),
    (-2, 1.3),
    (-13, 1.1),
]
CRASH2 = [
    (-45, 0.3),
    (-47, 0.3),
    (-27, 0.4),
    (-15, 0.6),
    (-13, 0.6),
    (-8, 1.2),
    (0, 1.2),
    (-2, 1.1),
    (-14, 0.9),
]
RIDE = [  # the 125 Hz band 18 dB lower and the top's ring shorter: FluidR3's ride within 3.5 dB per band
    (-45, 0.3),
    (-55, 0.32),
    (-17, 0.86),
    (-17, 1.0),
    (-13, 0.92),
    (-8, 0.92),
    (-2, 0.5),
    (0, 0.4),
    (-1, 0.12),
]
RIDE2 = [
    (-40, 0.3),
    (-36, 0.3),
    (-25, 0.4),
    (-12, 0.5),
    (-11, 0.45),
    (-12, 0.4),
    (-7, 0.35),
    (0, 0.3),
    (-5, 0.12),
]
BELL = [
    (-47, 0.3),
    (-42, 0.3),
    (-21, 0.5),
    (-18, 0.6),
    (-11, 0.6),
    (-3, 0.6),
    (0, 0.5),
    (-5, 0.4),
    (-14, 0.2),
]
CLOSED_HAT = [(-42, 0.08), (-29, 0.08), (-15, 0.14), (-18, 0.12), (-16, 0.12), (-14, 0.12), (-4, 0.12),
              (-4, 0.14), (0, 0.12)]  # fmt: skip
PEDAL_HAT = [(-31, 0.06), (-21, 0.06), (-5, 0.07), (-14, 0.07), (-14, 0.07), (-14, 0.07), (-8, 0.07),
             (-5, 0.07), (0, 0.06)]  # fmt: skip
OPEN_HAT = [(-39, 0.1), (-32, 0.1), (-17, 0.1), (-4, 0.74), (-7, 0.78), (-5, 1.1), (-2, 1.05), (0, 0.98),
            (-2, 0.4)]  # fmt: skip
SHAKER = [(-60, 0.03), (-60, 0.03), (-50, 0.03), (-44, 0.03), (-41, 0.03), (-36, 0.03), (-15, 0.04),
          (0, 0.05), (-2, 0.04)]  # fmt: skip
CLAP = [
    (-29, 0.08),
    (-22, 0.08),
    (-18, 0.1),
    (-9, 0.1),
    (-1, 0.1),
    (0, 0.1),
    (-5, 0.1),
    (-8, 0.1),
    (-12, 0.08),
]


def hat(sr: int, profile: Profile, seconds: float, seed: int, level: float) -> Audio:
    n = int(seconds * sr)
    x = banded_noise(n, sr, profile, seed=seed)
    return _fade(_peak(x, level), sr, fade_out=min(0.03, seconds * 0.3))


def tom(sr: int, f: float) -> Audio:
    n = int(0.7 * sr)
    t = _t(n, sr)
    body = _sweep(t, f, f * 1.35, 0.05, sr) * np.exp(-t / 0.2) + 0.3 * _modes(t, [(f * 1.58, 1.0, 0.25)])
    skin = banded_noise(
        n, sr, [(-20, 0.2), (-20, 0.2), (-12, 0.1), (-16, 0.08), (-20, 0.06), (-23, 0.05), (-22, 0.05),
                (-25, 0.04), (-50, 0.03)], seed=int(f), top=9000.0,
    )  # fmt: skip
    return _fade(_peak(body + 0.06 * skin, 0.7), sr, fade_out=0.05)


def shaker(sr: int, seed: int = 70) -> Audio:
    n = int(0.14 * sr)
    t = _t(n, sr)
    x = banded_noise(n, sr, SHAKER, seed=seed) * np.clip(t / 0.012, 0.0, 1.0)
    return _fade(_peak(x, 0.35), sr)


def clap(sr: int) -> Audio:
    n = int(0.35 * sr)
    t = _t(n, sr)
    env = np.zeros(n)
    for at in (0.0, 0.011, 0.023):
        env += np.where(t >= at, np.exp(-(t - at) / 0.006), 0.0)
    env += np.where(t >= 0.03, np.exp(-(t - 0.03) / 0.05), 0.0) * 0.6
    return _fade(_peak(banded_noise(n, sr, CLAP, seed=39) * env, 0.9), sr)


# GM drum note -> (maker, pan). Levels (peaks) keep the GM kit's balance: snare 0 dB, kick and stick -4,
# toms -3, crash -7, ride -9, hats -13 to -15.
_PIECES: dict[int, tuple[Callable[[int], Audio], float]] = {
    35: (kick, 0.0),
    36: (kick, 0.0),
    37: (side_stick, 0.05),
    38: (snare, 0.05),
    39: (clap, 0.0),
    40: (snare, 0.05),
    41: (lambda sr: tom(sr, 78.0), -0.5),
    42: (lambda sr: hat(sr, CLOSED_HAT, 0.35, 42, 0.18), 0.45),
    43: (lambda sr: tom(sr, 92.0), -0.4),
    44: (lambda sr: hat(sr, PEDAL_HAT, 0.25, 44, 0.16), 0.45),
    45: (lambda sr: tom(sr, 105.0), -0.15),
    46: (lambda sr: hat(sr, OPEN_HAT, 1.6, 46, 0.2), 0.45),
    47: (lambda sr: tom(sr, 125.0), -0.05),
    48: (lambda sr: tom(sr, 150.0), 0.2),
    49: (lambda sr: _cymbal(sr, 3.2, CRASH, 49, 0.35, 0.45), -0.45),
    50: (lambda sr: tom(sr, 178.0), 0.4),
    51: (lambda sr: _cymbal(sr, 2.6, RIDE, 51, 0.8, 0.35), -0.5),
    53: (lambda sr: _cymbal(sr, 2.2, BELL, 53, 1.5, 0.32), -0.5),
    54: (lambda sr: shaker(sr, 54), 0.4),
    57: (lambda sr: _cymbal(sr, 3.0, CRASH2, 57, 0.35, 0.42), 0.5),
    59: (lambda sr: _cymbal(sr, 2.0, RIDE2, 59, 0.8, 0.32), -0.5),
    69: (lambda sr: shaker(sr, 69), 0.45),
    70: (shaker, 0.45),
}


@lru_cache(maxsize=64)
def _piece(note: int, sample_rate: int) -> Audio:
    maker, _ = _PIECES.get(note, (lambda sr: hat(sr, PEDAL_HAT, 0.1, note, 0.1), 0.2))
    out: Audio = maker(sample_rate)
    out.setflags(write=False)
    return out


def hit(note: int, velocity: int, sample_rate: int) -> Audio:
    """One drum hit, stereo. Unknown notes play a short neutral tick rather than nothing."""
    pan = _PIECES[note][1] if note in _PIECES else 0.2
    mono = _piece(note, sample_rate) * np.float32((max(1, min(127, velocity)) / 127.0) ** 1.4)
    angle = (pan + 1.0) * math.pi / 4.0
    return np.stack((mono * math.cos(angle), mono * math.sin(angle))).astype(np.float32) * math.sqrt(2.0)
