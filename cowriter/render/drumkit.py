"""A synthesised drum kit on General MIDI drum notes. Each hit renders whole, stereo `(2, n)` float32,
placed where a drummer's kit sits (hats right, ride left, toms across). Noise is band-shaped in the
frequency domain (nothing above 0.48 x the sample rate) and seeded, so every hit is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from cowriter.render.effects import shaped_noise

Audio = npt.NDArray[np.float32]
_TWO_PI = 2.0 * math.pi


def _t(n: int, sr: int) -> npt.NDArray[np.float32]:
    return np.arange(n, dtype=np.float32) / np.float32(sr)


def _fade(x: Audio, sr: int, fade_in: float = 0.0008, fade_out: float = 0.01) -> Audio:
    a = max(1, int(fade_in * sr))
    r = max(1, int(fade_out * sr))
    x[:a] *= np.linspace(0.0, 1.0, a, endpoint=False, dtype=np.float32)
    x[-r:] *= np.linspace(1.0, 0.0, r, dtype=np.float32)
    return x


def _sweep(t: npt.NDArray[np.float32], f_end: float, f_start: float, tau: float, sr: int) -> Audio:
    freq = f_end + (f_start - f_end) * np.exp(-t / tau)
    return np.sin(_TWO_PI * np.cumsum(freq, dtype=np.float64) / sr).astype(np.float32)


def kick(sr: int) -> Audio:
    n = int(0.45 * sr)
    t = _t(n, sr)
    body = _sweep(t, 48.0, 165.0, 0.03, sr) * np.exp(-t / 0.22)
    click = shaped_noise(n, sr, 1500.0, 6000.0, seed=36) * np.exp(-t / 0.004) * 0.25
    return _fade(np.tanh(1.6 * (body + click)).astype(np.float32) * 0.95, sr)


def snare(sr: int) -> Audio:
    n = int(0.32 * sr)
    t = _t(n, sr)
    tone = (np.sin(_TWO_PI * 185.0 * t) + 0.5 * np.sin(_TWO_PI * 330.0 * t)) * np.exp(-t / 0.05)
    wires = shaped_noise(n, sr, 1200.0, 11000.0, seed=38, tilt=-1.5) * np.exp(-t / 0.09)
    return _fade((0.5 * tone + 0.28 * wires).astype(np.float32), sr)


def side_stick(sr: int) -> Audio:
    n = int(0.12 * sr)
    t = _t(n, sr)
    knock = np.sin(_TWO_PI * 1650.0 * t) * np.exp(-t / 0.018)
    knock += 0.5 * np.sin(_TWO_PI * 520.0 * t) * np.exp(-t / 0.03)
    tick = shaped_noise(n, sr, 2000.0, 7000.0, seed=37) * np.exp(-t / 0.004)
    return _fade((0.45 * knock + 0.25 * tick).astype(np.float32), sr)


def hat(sr: int, decay: float, seed: int, level: float = 0.3) -> Audio:
    n = int(min(1.2, decay * 7.0) * sr)
    t = _t(n, sr)
    wash = shaped_noise(n, sr, 6000.0, 15000.0, seed=seed) * 0.8
    # a metallic edge: inharmonic partials (all well under Nyquist, so nothing aliases)
    ring = sum(np.sin(_TWO_PI * fr * t + i) for i, fr in enumerate((7127.0, 8363.0, 9431.0, 10789.0)))
    x = (wash + 0.12 * ring) * np.exp(-t / decay)
    return _fade(x.astype(np.float32) * level, sr, fade_out=min(0.02, decay))


def cymbal(sr: int, seconds: float, decay: float, seed: int, lo: float, ping: float) -> Audio:
    n = int(seconds * sr)
    t = _t(n, sr)
    wash = shaped_noise(n, sr, lo, 15000.0, seed=seed, tilt=-1.0) * np.exp(-t / decay)
    x = 0.22 * wash
    if ping:
        bell = sum(np.sin(_TWO_PI * fr * t) for fr in (2093.0, 3187.0, 4631.0))
        x = x + ping * bell * np.exp(-t / (decay * 0.5))
    return _fade(x.astype(np.float32), sr, fade_out=seconds * 0.35)  # a long, gentle end: no cut-off


def tom(sr: int, f: float) -> Audio:
    n = int(0.5 * sr)
    t = _t(n, sr)
    body = _sweep(t, f, f * 1.6, 0.04, sr) * np.exp(-t / 0.2)
    skin = shaped_noise(n, sr, 300.0, 4000.0, seed=int(f)) * np.exp(-t / 0.02) * 0.2
    return _fade((0.75 * body + skin).astype(np.float32), sr)


def shaker(sr: int, seed: int = 70) -> Audio:
    n = int(0.12 * sr)
    t = _t(n, sr)
    env = np.clip(t / 0.012, 0.0, 1.0) * np.exp(-t / 0.035)
    return _fade((shaped_noise(n, sr, 4000.0, 12000.0, seed=seed) * env * 0.2).astype(np.float32), sr)


def clap(sr: int) -> Audio:
    n = int(0.3 * sr)
    t = _t(n, sr)
    env = np.zeros(n, dtype=np.float32)
    for at in (0.0, 0.011, 0.023):
        env += np.where(t >= at, np.exp(-(t - at) / 0.006), 0.0).astype(np.float32)
    env += np.where(t >= 0.03, np.exp(-(t - 0.03) / 0.08), 0.0).astype(np.float32) * 0.6
    return _fade((shaped_noise(n, sr, 900.0, 5000.0, seed=39) * env * 0.3).astype(np.float32), sr)


# GM drum note -> (maker, pan)
_PIECES: dict[int, tuple[Callable[[int], Audio], float]] = {
    35: (kick, 0.0),
    36: (kick, 0.0),
    37: (side_stick, 0.05),
    38: (snare, 0.05),
    39: (clap, 0.0),
    40: (snare, 0.05),
    41: (lambda sr: tom(sr, 78.0), -0.35),
    42: (lambda sr: hat(sr, 0.045, 42), 0.3),
    43: (lambda sr: tom(sr, 92.0), -0.3),
    44: (lambda sr: hat(sr, 0.03, 44, 0.22), 0.3),
    45: (lambda sr: tom(sr, 105.0), -0.15),
    46: (lambda sr: hat(sr, 0.35, 46), 0.3),
    47: (lambda sr: tom(sr, 125.0), -0.05),
    48: (lambda sr: tom(sr, 150.0), 0.1),
    49: (lambda sr: cymbal(sr, 3.2, 0.8, 49, 2500.0, 0.0), -0.3),
    50: (lambda sr: tom(sr, 178.0), 0.2),
    51: (lambda sr: cymbal(sr, 2.4, 0.6, 51, 5000.0, 0.025), -0.35),
    53: (lambda sr: cymbal(sr, 2.0, 0.5, 53, 6000.0, 0.06), -0.35),
    54: (lambda sr: shaker(sr, 54), 0.4),
    57: (lambda sr: cymbal(sr, 3.2, 0.8, 57, 2200.0, 0.0), 0.35),
    59: (lambda sr: cymbal(sr, 2.4, 0.6, 59, 5000.0, 0.025), -0.35),
    69: (lambda sr: shaker(sr, 69), 0.45),
    70: (shaker, 0.45),
}


def hit(note: int, velocity: int, sample_rate: int) -> Audio:
    """One drum hit, stereo. Unknown notes play a short neutral tick rather than nothing."""
    maker, pan = _PIECES.get(note, (lambda sr: hat(sr, 0.02, note, 0.15), 0.2))
    mono = maker(sample_rate) * ((max(1, min(127, velocity)) / 127.0) ** 1.4)
    angle = (pan + 1.0) * math.pi / 4.0
    return np.stack((mono * math.cos(angle), mono * math.sin(angle))).astype(np.float32) * math.sqrt(2.0)
