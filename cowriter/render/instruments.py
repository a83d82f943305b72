"""Pitched voices: one function per instrument renders one whole note (mono `(n,)` or stereo `(2, n)`
float32), including its release tail. Every note fades in (>= 2 ms) and out (>= 10 ms) to zero.

Anti-aliasing: oscillators read band-limited wavetables built per MIDI pitch with only the harmonics
below 0.45 x the sample rate; Karplus-Strong strings are low-passed by their own loop filter; FM depth is
capped so the sidebands stay under Nyquist. Everything is deterministic (noise is seeded by the note).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from cowriter.render.effects import banded_noise

Audio = npt.NDArray[np.float32]
TABLE = 4096
_TWO_PI = 2.0 * math.pi


def hz(pitch: float) -> float:
    return float(440.0 * 2.0 ** ((pitch - 69.0) / 12.0))


# --- wavetables -------------------------------------------------------------------------------------------

Spectrum = Callable[[npt.NDArray[np.float64], float], npt.NDArray[np.float64]]


def _piano_partials(k: npt.NDArray[np.float64], f: float, tilt: float) -> npt.NDArray[np.float64]:
    """A struck string: the 2nd partial ~7.5 dB under the fundamental, then a fall of `tilt` (per doubling,
    in units of 6 dB) steeper for higher notes, a strike-point comb (the hammer hits near 1/8 of the
    string), and the soundboard's roll-off above ~3.5 kHz."""
    p = tilt * float(np.interp(f, [65.0, 262.0, 1047.0], [0.55, 0.8, 1.0]))
    amps = np.where(k == 1, 1.0, 0.42 * (k / 2.0) ** -p)
    comb = 0.55 + 0.45 * np.abs(np.sin(math.pi * k / 8.3))
    return amps * comb / np.sqrt(1.0 + (k * f / 3500.0) ** 4)


def _piano_bright(k: npt.NDArray[np.float64], f: float) -> npt.NDArray[np.float64]:
    return _piano_partials(k, f, 0.85)


def _piano_dull(k: npt.NDArray[np.float64], f: float) -> npt.NDArray[np.float64]:
    return _piano_partials(k, f, 1.0) * np.exp(-k * f / 1800.0)


def _organ(k: npt.NDArray[np.float64], f: float) -> npt.NDArray[np.float64]:
    # Table fundamental is the 16' stop (half the note's frequency); drawbars 16', 8', 5 1/3', 4', 2 2/3', 2'.
    bars = {1: 0.55, 2: 1.0, 3: 0.6, 4: 0.45, 6: 0.3, 8: 0.35}
    return np.array([bars.get(int(i), 0.0) for i in k])


def _pad(k: npt.NDArray[np.float64], f: float) -> npt.NDArray[np.float64]:
    cutoff = max(4.0, 2200.0 / f)
    return (1.0 / k) * np.exp(-((k / cutoff) ** 2))


def _bass_bright(k: npt.NDArray[np.float64], f: float) -> npt.NDArray[np.float64]:
    # a finger on a round-wound string: the 2nd harmonic leads, the 1st sits ~3 dB under it, and the
    # rest fall about 10 dB per octave of harmonic number (brighter at the pluck, see `bass`)
    return np.where(k == 1, 0.7, (k / 2.0) ** -1.6) / np.sqrt(1.0 + (k * f / 2500.0) ** 4)


def _bass_dull(k: npt.NDArray[np.float64], f: float) -> npt.NDArray[np.float64]:
    return np.where(k == 1, 0.7, (k / 2.0) ** -1.95) / np.sqrt(1.0 + (k * f / 1500.0) ** 4)


def _lead(k: npt.NDArray[np.float64], f: float) -> npt.NDArray[np.float64]:
    freq = k * f
    formants = (
        1.0
        + 3.0 * np.exp(-(((freq - 700.0) / 260.0) ** 2))
        + 2.0 * np.exp(-(((freq - 1150.0) / 300.0) ** 2))
        + 2.2 * np.exp(-(((freq - 2900.0) / 600.0) ** 2))
    )
    return (1.0 / k**1.3) * formants * np.exp(-freq / 7000.0)


def _epiano_body(k: npt.NDArray[np.float64], f: float) -> npt.NDArray[np.float64]:
    return np.where(k == 1, 1.0, np.where(k == 2, 0.12, np.where(k == 3, 0.04, 0.0)))


SPECTRA: dict[str, Spectrum] = {
    "piano_bright": _piano_bright,
    "piano_dull": _piano_dull,
    "organ": _organ,
    "pad": _pad,
    "bass_bright": _bass_bright,
    "bass_dull": _bass_dull,
    "lead": _lead,
    "epiano": _epiano_body,
}


@lru_cache(maxsize=1024)
def wavetable(name: str, base_hz: float, sample_rate: int) -> Audio:
    """One cycle (plus a guard sample) holding only harmonics below 0.45 x sample rate at `base_hz`
    (so +/- a semitone of vibrato or detune stays alias-free), peak-normalised."""
    count = max(1, min(TABLE // 2 - 1, int(0.45 * sample_rate / base_hz)))
    k = np.arange(1, count + 1, dtype=np.float64)
    amps = SPECTRA[name](k, base_hz)
    spectrum = np.zeros(TABLE // 2 + 1, dtype=np.complex128)
    spectrum[1 : count + 1] = -1j * amps * (TABLE / 2)
    cycle = np.fft.irfft(spectrum, TABLE)
    peak = float(np.max(np.abs(cycle))) or 1.0
    table = np.empty(TABLE + 1, dtype=np.float32)
    table[:TABLE] = cycle / peak
    table[TABLE] = table[0]
    return table


def osc(
    table: Audio, freq: float | npt.NDArray[np.float64], n: int, sample_rate: int, phase: float = 0.0
) -> Audio:
    """Read a wavetable at a fixed or per-sample frequency with linear interpolation."""
    if isinstance(freq, np.ndarray):
        ph = phase + np.cumsum(freq) / sample_rate
    else:
        ph = phase + np.arange(n, dtype=np.float64) * (freq / sample_rate)
    idx = (ph - np.floor(ph)) * TABLE
    i = idx.astype(np.int32)
    frac = (idx - i).astype(np.float32)
    lo = table[i]
    return lo + frac * (table[i + 1] - lo)


# --- envelopes --------------------------------------------------------------------------------------------


def _t(n: int, sample_rate: int) -> npt.NDArray[np.float32]:
    return np.arange(n, dtype=np.float32) / np.float32(sample_rate)


def gate(n: int, hold: int, sample_rate: int, attack: float, release: float) -> Audio:
    """1 after a linear attack, then a release ramp starting at `hold` that reaches exactly 0 at `n`."""
    env = np.ones(n, dtype=np.float32)
    a = max(int(max(attack, 0.002) * sample_rate), 1)
    a = min(a, n)
    env[:a] = np.linspace(0.0, 1.0, a, endpoint=False, dtype=np.float32)
    r = n - hold
    if r > 0:
        # raised-cosine release: smooth to the end, no corner at the bottom
        env[hold:] *= (0.5 + 0.5 * np.cos(np.linspace(0.0, math.pi, r, dtype=np.float32))).astype(np.float32)
    env[-1] = 0.0
    return env


def _length(hold: int, sample_rate: int, release: float, natural: float | None = None) -> tuple[int, int]:
    """Frames held and total frames: a note whose natural decay makes it inaudible stops early."""
    if natural is not None:
        hold = min(hold, int(natural * sample_rate))
    hold = max(hold, int(0.02 * sample_rate))
    return hold, hold + max(int(release * sample_rate), int(0.01 * sample_rate))


def _vel(velocity: int) -> float:
    return float((max(1, min(127, velocity)) / 127.0) ** 1.6)


# --- instruments ------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _hammer(region: int, sample_rate: int) -> Audio:
    """The hammer's knock and the soundboard's thump under a piano note (one per octave region): low,
    broad and short, the part of a real piano's attack that no string makes."""
    n = int(0.6 * sample_rate)
    profile = [(-2, 0.35), (0, 0.3), (-1, 0.25), (-4, 0.2), (-12, 0.12), (-20, 0.08), (-28, 0.05),
               (-40, 0.04), (-60, 0.03)]  # fmt: skip
    x = banded_noise(n, sample_rate, profile, seed=region, attack=0.002, top=6000.0)
    x *= np.linspace(1.0, 0.0, n) ** 2
    out = (x / (float(np.max(np.abs(x))) or 1.0)).astype(np.float32)
    out.setflags(write=False)
    return out


def piano(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    f = hz(pitch)
    tau = float(np.interp(pitch, [21, 60, 84, 108], [4.0, 1.8, 0.8, 0.3]))
    hold, n = _length(hold, sample_rate, 0.22, natural=tau * 4.0)
    t = _t(n, sample_rate)
    v = _vel(velocity)
    bright = osc(wavetable("piano_bright", f, sample_rate), f * 1.0006, n, sample_rate)
    dull = osc(wavetable("piano_dull", f, sample_rate), f * 0.9995, n, sample_rate, 0.25)
    bright *= (0.25 + 0.75 * v) * np.exp(-t / (tau * 0.3))
    dull *= 0.55 + 0.45 * np.exp(-t / (tau * 0.5))
    knock = _hammer(pitch // 12, sample_rate)
    m = min(n, knock.size)
    dull[:m] += (HAMMER * float(np.interp(pitch, [36, 60, 84], [0.3, 0.6, 1.0])) * v) * knock[:m]
    # A piano heard in stereo: the bass strings to the left, the treble to the right, and the two
    # detuned layers weighted differently per side, so their beating differs left and right.
    side = float(np.clip((pitch - 64) / 28.0, -1.0, 1.0)) * 0.35
    gain = np.float32(0.35 + 0.65 * v) * np.exp(-t / tau) * gate(n, hold, sample_rate, 0.002, 0.22)
    left = (bright * (1.15 - side) + dull * (0.85 - side)) * gain
    right = (bright * (0.85 + side) + dull * (1.15 + side)) * gain
    return np.stack((left, right)).astype(np.float32)


HAMMER = 0.3


def epiano(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    """A tine electric piano: FM bark on the attack, a bell partial, and a suitcase tremolo in stereo."""
    f = hz(pitch)
    tau = float(np.interp(pitch, [28, 60, 100], [3.0, 1.6, 0.5]))
    hold, n = _length(hold, sample_rate, 0.18, natural=tau * 4.0)
    t = _t(n, sample_rate)
    v = _vel(velocity)
    max_index = max(0.0, 0.45 * sample_rate / f - 2.0)
    index = np.minimum((0.4 + 2.2 * v) * np.exp(-t / 0.12) + 0.15, max_index)
    mod = np.sin(_TWO_PI * f * t)
    tone = np.sin(_TWO_PI * f * t + index * mod).astype(np.float32)
    if f * 7.1 < 0.45 * sample_rate:
        tone += (0.25 * v) * np.sin(_TWO_PI * f * 7.1 * t) * np.exp(-t / 0.05)
    tone = tone * np.exp(-t / tau) * gate(n, hold, sample_rate, 0.003, 0.18) * (0.35 + 0.65 * v)
    trem = 0.22 * np.sin(_TWO_PI * 4.2 * t)
    return np.stack((tone * (1.0 + trem), tone * (1.0 - trem))).astype(np.float32)


def _karplus(
    f: float,
    n: int,
    sample_rate: int,
    *,
    damping: float,
    tau: float,
    brightness: float,
    pluck: float,
    seed: int,
    smooth: int = 1,
    spread: float = 0.7,
) -> Audio:
    """Karplus-Strong, computed one period at a time (each period is a vector op on the previous one),
    then resampled so the pitch is exact despite the integer delay line."""
    # The loop filter's loss per second grows with f * w^2: soften it for high notes so they still ring.
    w = 2.0 * math.pi * f / sample_rate
    damping = min(damping, 2.0 / (f * w * w * 1.5))
    period = sample_rate / f - damping  # the two-tap loop filter delays by `damping` samples
    size = max(2, int(period))
    ratio = (size + damping) / (period + damping)  # rendered pitch / wanted pitch, inverted: read slower
    m = int(n * ratio) + 2
    periods = m // size + 2
    rho = math.exp(-size / (sample_rate * tau))
    rng = np.random.default_rng(seed)
    burst = rng.uniform(-1.0, 1.0, size)
    width = max(1, int(size * (1.0 - brightness) * spread))  # a darker pluck: a wider smoothing
    for _ in range(smooth if width > 1 else 0):  # twice: a triangle's low side lobes (a soft nail)
        burst = np.convolve(np.concatenate((burst, burst[:width])), np.ones(width) / width, "valid")[:size]
    shift = max(1, int(pluck * size))
    burst = burst - np.roll(burst, shift)  # pluck position: a comb on the excitation
    burst -= burst.mean()
    y = np.zeros(periods * size + 1, dtype=np.float64)
    y[1 : size + 1] = burst
    a, b = rho * (1.0 - damping), rho * damping
    for k in range(1, periods):
        lo = 1 + k * size
        y[lo : lo + size] = a * y[lo - size : lo] + b * y[lo - size - 1 : lo - 1]
    y = y[1:]
    pos = np.arange(n, dtype=np.float64) * ratio
    return np.interp(pos, np.arange(y.size), y).astype(np.float32)


def _guitar(pitch: int, velocity: int, hold: int, sample_rate: int, *, nylon: bool) -> Audio:
    f = hz(pitch)
    tau = float(np.interp(pitch, [40, 64, 88], [2.2, 1.4, 0.6])) * (0.8 if nylon else 1.0)
    hold, n = _length(hold, sample_rate, 0.09, natural=tau * 3.5)
    v = _vel(velocity)
    s = _karplus(
        f,
        n,
        sample_rate,
        damping=0.5 if nylon else 0.35,
        tau=tau,
        brightness=(0.35 if nylon else 0.5) + 0.35 * v,
        pluck=0.18 if nylon else 0.12,
        seed=pitch * 131 + velocity,
        smooth=2 if nylon else 1,
        spread=float(np.interp(pitch, [48, 64, 76], [0.3, 0.17, 0.12])) if nylon else 0.7,
    )
    t = _t(min(n, int(0.5 * sample_rate)), sample_rate)
    # the body's air and top-plate resonances, knocked by the pluck: the warmth under a high note
    body = np.sin(_TWO_PI * 102.0 * t) * np.exp(-t / 0.07) + 0.6 * np.sin(_TWO_PI * 205.0 * t) * np.exp(
        -t / 0.05
    )
    s[: t.size] += (BODY * float(np.interp(pitch, [40, 64, 88], [0.6, 0.8, 1.0]))) * body.astype(np.float32)
    s = s * gate(n, hold, sample_rate, 0.003, 0.09) * (0.4 + 0.6 * v)
    peak = 2.2  # a plucked delay line starts near this level; keep voices comparable
    return (s / peak).astype(np.float32)


BODY = 0.1


def guitar(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    return _guitar(pitch, velocity, hold, sample_rate, nylon=False)


def nylon(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    return _guitar(pitch, velocity, hold, sample_rate, nylon=True)


def organ(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    f = hz(pitch)
    hold, n = _length(hold, sample_rate, 0.06)
    t = _t(n, sample_rate)
    tone = osc(wavetable("organ", f / 2.0, sample_rate), f / 2.0, n, sample_rate)
    if 3.0 * f < 0.45 * sample_rate:  # percussion on the third harmonic
        tone = tone + 0.35 * np.sin(_TWO_PI * 3.0 * f * t) * np.exp(-t / 0.18)
    tone = tone * gate(n, hold, sample_rate, 0.006, 0.06) * 0.55
    rot = 0.18 * np.sin(_TWO_PI * 0.8 * t + pitch)  # slow rotor: a gentle stereo swirl
    return np.stack((tone * (1.0 + rot), tone * (1.0 - rot))).astype(np.float32)


def pad(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    f = hz(pitch)
    hold, n = _length(hold, sample_rate, 0.7)
    table = wavetable("pad", f * 1.01, sample_rate)
    env = gate(n, hold, sample_rate, 0.35, 0.7) * (0.25 + 0.35 * _vel(velocity))
    left = osc(table, f * 1.0035, n, sample_rate) * env
    right = osc(table, f * 0.9965, n, sample_rate, 0.37) * env
    return np.stack((left, right)).astype(np.float32)


def bass(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    f = hz(pitch)
    hold, n = _length(hold, sample_rate, 0.07, natural=6.0)
    t = _t(n, sample_rate)
    v = _vel(velocity)
    bright = osc(wavetable("bass_bright", f, sample_rate), f, n, sample_rate)
    dull = osc(wavetable("bass_dull", f, sample_rate), f, n, sample_rate)
    tone = (0.2 + 0.5 * v) * bright * np.exp(-t / 0.12) + dull
    env = np.exp(-t / 2.5) * gate(n, hold, sample_rate, 0.004, 0.07)
    out: Audio = (tone * env * (0.45 + 0.55 * v) * 0.8).astype(np.float32)
    return out


def lead(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    """A sung-sounding lead for melodies: vowel formants, vibrato that blooms after the attack, and a
    quiet double (a few cents sharp, its own vibrato phase) added to one side and taken from the other,
    as a mid/side widener: the melody gains width, stays in the centre, and folds to mono unchanged."""
    f = hz(pitch)
    hold, n = _length(hold, sample_rate, 0.14)
    t = _t(n, sample_rate).astype(np.float64)
    depth = 0.012 * np.clip((t - 0.25) / 0.4, 0.0, 1.0)
    table = wavetable("lead", f * 1.02, sample_rate)
    env = gate(n, hold, sample_rate, 0.04, 0.14) * (0.3 + 0.7 * _vel(velocity)) * 0.6
    voice = osc(table, f * (1.0 + depth * np.sin(_TWO_PI * 5.4 * t)), n, sample_rate) * env
    detuned = f * 2.0 ** (DOUBLE_CENTS / 1200.0) * (1.0 + depth * np.sin(_TWO_PI * 5.4 * t + 1.9))
    double = osc(table, detuned, n, sample_rate, 0.3) * (env * DOUBLE)
    return np.stack((voice + double, voice - double)).astype(np.float32)


DOUBLE = 0.3
DOUBLE_CENTS = 6.0


VOICES: dict[str, Callable[[int, int, int, int], Audio]] = {
    "piano": piano,
    "epiano": epiano,
    "guitar": guitar,
    "nylon": nylon,
    "organ": organ,
    "pad": pad,
    "bass": bass,
    "lead": lead,
}
