"""Master effects for the synth, all streaming in fixed-size blocks: a light stereo reverb (a synthetic
room impulse response, convolved by uniformly partitioned FFT) and a look-ahead peak limiter.

Both keep a fixed amount of state, so memory stays flat however long the song is. Blocks are channel-first
float32 arrays of shape (2, n).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float32]
CENTRES = (63.0, 125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0)
# Per octave band: (energy relative to the strongest band in dB, seconds to fall 20 dB).
Profile = Sequence[tuple[float, float]]


def shaped_noise(n: int, sample_rate: int, lo: float, hi: float, *, seed: int, tilt: float = 0.0) -> Audio:
    """White noise band-limited to [lo, hi] Hz with soft (half-octave) edges, built in the frequency domain:
    nothing above `hi` can alias. `tilt` (dB per octave above `lo`) darkens (<0) or brightens (>0) it.
    Deterministic for a given seed. Normalised to unit RMS."""
    size = max(16, n)
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(size).astype(np.float32))
    freqs = np.fft.rfftfreq(size, 1.0 / sample_rate).astype(np.float32)
    octave = np.log2(np.maximum(freqs, 1.0) / max(lo, 1.0))
    above = np.log2(np.maximum(freqs, 1.0) / max(hi, 1.0))
    mask = np.clip(octave * 2.0 + 1.0, 0.0, 1.0) * np.clip(1.0 - above * 2.0, 0.0, 1.0)
    if tilt:
        mask = mask * np.power(10.0, tilt * np.maximum(octave, 0.0) / 20.0)
    mask[freqs > 0.48 * sample_rate] = 0.0
    out = np.fft.irfft(spectrum * mask.astype(np.float32), size)[:n].astype(np.float32)
    rms = float(np.sqrt(np.mean(out * out))) or 1.0
    return out / rms


def _band_masks(freqs: npt.NDArray[np.float64], sr: int, top: float) -> npt.NDArray[np.float64]:
    """Triangles in log frequency, one per octave centre, summing to 1 between the outer centres, then a
    steep roll-off from `top` Hz; nothing reaches 0.48 x the sample rate."""
    octs = np.log2(np.maximum(freqs, 1.0) / CENTRES[0])
    masks = np.clip(1.0 - np.abs(octs[None, :] - np.arange(len(CENTRES))[:, None]), 0.0, 1.0)
    masks *= np.exp(-((np.maximum(freqs - top, 0.0) / (top / 6.0)) ** 2))[None, :]
    masks[:, freqs > 0.48 * sr] = 0.0
    masks[:, freqs < 20.0] = 0.0
    return masks


def banded_noise(
    n: int, sr: int, profile: Profile, *, seed: int, attack: float = 0.0005, top: float = 15000.0
) -> npt.NDArray[np.float64]:
    """Noise whose octave bands have the profile's relative energies (over the whole hit) and decay times.
    A band holding `level` dB of energy with a 20 dB fall in `t20` seconds starts at an amplitude that
    makes its decaying energy come out at `level`."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / sr).astype(np.float64)
    masks = _band_masks(freqs, sr, top)
    t = np.arange(n, dtype=np.float64) / sr
    out = np.zeros(n)
    for mask, (level, t20) in zip(masks, profile, strict=True):
        if level <= -90.0:
            continue
        tau = t20 / math.log(10.0)  # amplitude time constant: 20 dB is a factor of 10
        band = np.fft.irfft(spectrum * mask, n)
        band /= math.sqrt(float(np.mean(band * band))) or 1.0
        out += band * (10.0 ** (level / 20.0) / math.sqrt(tau)) * np.exp(-t / tau)
    if attack > 0.0:
        out *= np.clip(t / attack, 0.0, 1.0)
    return out


def _smooth(x: Audio, width: int) -> Audio:
    """Moving average over `width` samples (a cheap low-pass), same length."""
    c = np.cumsum(np.concatenate((np.zeros(width, dtype=np.float32), x)), dtype=np.float64)
    out: Audio = ((c[width:] - c[:-width]) / width).astype(np.float32)
    return out


def room_impulse(sample_rate: int, seconds: float = 1.4, *, predelay: float = 0.014, seed: int = 11) -> Audio:
    """A stereo room impulse response: a few early reflections, then a decaying diffuse tail that darkens
    as it decays (the bright part dies fast, the dark part lingers); lows below ~150 Hz are kept out so
    the bass stays dry. Unit energy per channel, shape (2, n). Built with O(n) filters: it is fast."""
    n = int(seconds * sample_rate)
    t = np.arange(n, dtype=np.float32) / sample_rate
    ir = np.zeros((2, n), dtype=np.float32)
    start = int(predelay * sample_rate)
    scale = sample_rate / 44100.0
    for ch in range(2):
        rng = np.random.default_rng(seed + ch)
        noise = rng.standard_normal(n, dtype=np.float32)
        bright = _smooth(noise, max(1, int(2 * scale)))
        dark = _smooth(noise, max(2, int(9 * scale)))
        tail = bright * np.exp(-t / 0.2) + 1.6 * dark * np.exp(-t / 0.42)
        tail -= _smooth(tail, int(150 * scale))
        fade_in = np.clip(t / 0.03, 0.0, 1.0)
        fade_out = np.clip((seconds - t) / 0.1, 0.0, 1.0)
        ir[ch, start:] = (tail * fade_in * fade_out)[: n - start]
        for _ in range(7):  # early reflections
            at = start + int(rng.uniform(0.004, 0.07) * sample_rate)
            ir[ch, at] += float(rng.uniform(0.4, 1.0) * rng.choice((-1.0, 1.0))) * 6.0
        ir[ch] /= float(np.sqrt(np.sum(ir[ch] ** 2))) or 1.0
    return ir


@lru_cache(maxsize=8)
def _kernel(sample_rate: int, block: int, seconds: float) -> npt.NDArray[np.complex64]:
    """The room IR cut into `block`-frame partitions, each zero-padded and transformed: (2, P, B+1)."""
    ir = room_impulse(sample_rate, seconds)
    parts = math.ceil(ir.shape[1] / block)
    padded = np.zeros((2, parts * block), dtype=np.float32)
    padded[:, : ir.shape[1]] = ir
    segs = np.zeros((2, parts, 2 * block), dtype=np.float32)
    segs[:, :, :block] = padded.reshape(2, parts, block)
    kernel: npt.NDArray[np.complex64] = np.fft.rfft(segs, axis=2).astype(np.complex64)
    kernel.setflags(write=False)
    return kernel


class Reverb:
    """Mono send in, stereo wet out, one block of `block` frames at a time (uniformly partitioned
    overlap-save convolution with a frequency-domain delay line).

    The room runs at half the sample rate (its tail is dark anyway: nothing above ~6 kHz lingers), which
    halves its cost: the send is low-passed ([1, 2, 1]/4, a zero at Nyquist) and decimated by 2, and
    the wet signal is brought back up by linear interpolation."""

    def __init__(self, sample_rate: int, block: int, *, seconds: float = 1.4) -> None:
        if block % 2:
            raise ValueError("reverb blocks must have an even number of frames")
        self.block = block
        half = block // 2
        self._half = half
        self._h = _kernel(sample_rate // 2, half, seconds)  # (2, P, B/2+1), shared between instances
        parts = self._h.shape[1]
        self._parts = parts
        self._fdl = np.zeros((2 * parts, half + 1), dtype=np.complex64)
        self._i = 0
        self._frame = np.zeros(2 * half, dtype=np.float32)
        self._last_in = np.float32(0.0)
        self._last_out = np.zeros(2, dtype=np.float32)
        self._out = np.zeros((2, block), dtype=np.float32)
        self.tail_frames = parts * block

    def process(self, send: Audio) -> Audio:
        h = self._half
        odd, even = send[1::2], send[0::2]
        prev_odd = np.empty_like(odd)
        prev_odd[0] = self._last_in
        prev_odd[1:] = odd[:-1]
        self._last_in = odd[-1]
        self._frame[:h] = self._frame[h:]
        self._frame[h:] = 0.25 * prev_odd + 0.5 * even + 0.25 * odd
        spectrum = np.fft.rfft(self._frame)
        self._i = (self._i - 1) % self._parts
        self._fdl[self._i] = spectrum
        self._fdl[self._i + self._parts] = spectrum
        window = self._fdl[self._i : self._i + self._parts]
        wet = window[0] * self._h[:, 0]
        for p in range(1, self._parts):
            wet += window[p] * self._h[:, p]
        low = np.fft.irfft(wet, 2 * h, axis=1)[:, h:].astype(np.float32)
        out = self._out
        out[:, 1::2] = low
        out[:, 0:1] = 0.5 * (self._last_out[:, None] + low[:, :1])
        out[:, 2::2] = 0.5 * (low[:, :-1] + low[:, 1:])
        self._last_out = low[:, -1].copy()
        return out


class Limiter:
    """A look-ahead peak limiter with a hard guarantee: no output sample exceeds `ceiling_db`.

    Gains are computed per sub-block of `sub` frames (instant attack, linear release) and interpolated
    between sub-block boundaries, each boundary gain no higher than the targets on both sides, so the
    interpolated gain never lets a peak through. Output lags input by `sub` frames."""

    def __init__(
        self, sample_rate: int, *, ceiling_db: float = -1.0, sub: int = 64, release: float = 0.12
    ) -> None:
        self.ceiling = 10.0 ** ((ceiling_db - 0.02) / 20.0)
        self.sub = sub
        self._step = sub / (release * sample_rate)
        self._carry = np.zeros((2, sub), dtype=np.float32)
        self._g_last = 1.0
        self._b_last = 1.0
        self._ramp = (np.arange(sub, dtype=np.float32) / sub)[None, :]

    def process(self, block: Audio) -> Audio:
        sub = self.sub
        n = block.shape[1]
        if n % sub:
            raise ValueError(f"limiter blocks must be a multiple of {sub} frames")
        buf = np.concatenate((self._carry, block), axis=1)
        m = buf.shape[1] // sub
        peaks = np.abs(buf).reshape(2, m, sub).max(axis=(0, 2))
        targets = np.minimum(1.0, self.ceiling / np.maximum(peaks, 1e-9))
        k = np.arange(m - 1, dtype=np.float64)
        # g_k = min(t_k, g_{k-1} + step): a running minimum of lines rising at `step` per sub-block.
        start = [self._g_last + self._step]
        lines = np.minimum.accumulate(np.concatenate((start, targets[:-1] - k * self._step)))
        gains = np.minimum(lines[1:] + k * self._step, targets[:-1])
        gains = np.minimum(gains, 1.0)
        bounds = np.empty(m, dtype=np.float64)
        bounds[0] = self._b_last
        bounds[1:-1] = np.minimum(gains[:-1], gains[1:])
        bounds[-1] = min(gains[-1], targets[-1])
        self._g_last = float(gains[-1])
        self._b_last = float(bounds[-1])
        curve = (bounds[:-1, None] + (bounds[1:] - bounds[:-1])[:, None] * self._ramp).astype(np.float32)
        out = buf[:, :n] * curve.reshape(1, n)
        self._carry = buf[:, n:].copy()
        np.clip(out, -self.ceiling, self.ceiling, out=out)
        return out
