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


def octave_noise(n: int, sr: int, *, seed: int, top: float = 15000.0) -> Audio:
    """Noise split into the octave bands of `CENTRES` (each from fc/sqrt 2 to fc sqrt 2, as octave-band
    meters read them), each at unit RMS, with the steep roll-off from `top` Hz: shape (bands, n), periodic
    in n (a band tiles without a seam)."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / sr)
    octs = np.log2(np.maximum(freqs, 1.0) / CENTRES[0])
    masks = (np.abs(octs[None, :] - np.arange(len(CENTRES))[:, None]) < 0.5).astype(np.float64)
    masks *= np.exp(-((np.maximum(freqs - top, 0.0) / (top / 6.0)) ** 2))[None, :]
    masks[:, (freqs > 0.48 * sr) | (freqs < 20.0)] = 0.0
    out = np.fft.irfft(spectrum[None, :] * masks, n, axis=1)
    out /= np.sqrt(np.mean(out * out, axis=1, keepdims=True)) + 1e-30
    result: Audio = out.astype(np.float32)
    return result


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


def _half_band(k: int = 8) -> npt.NDArray[np.float32]:
    """A Kaiser-windowed half-band low-pass, 4k - 1 taps (every other one zero): the centre tap 1/2 and
    the others summing to 1/2, so both halves of it (decimating, interpolating) pass 0 Hz at unit gain."""
    n = np.arange(-(2 * k - 1), 2 * k)
    h = np.sinc(n / 2.0) / 2.0 * np.kaiser(n.size, 8.0)
    side = n != 0
    h[side] *= 0.5 / h[side].sum()
    out: npt.NDArray[np.float32] = h.astype(np.float32)
    return out


HALF_BAND = _half_band()
# its polyphase halves: the side taps (every other one from the first, all nonzero) and the centre tap
_SIDE = np.ascontiguousarray(HALF_BAND[0::2])
_SIDE2 = (2.0 * _SIDE).astype(np.float32)
_CENTRE = float(HALF_BAND[HALF_BAND.size // 2])
_QUEUE = HALF_BAND.size // 2  # wet samples kept from the last block for the interpolator


@lru_cache(maxsize=8)
def _kernel(sample_rate: int, block: int, seconds: float) -> npt.NDArray[np.complex64]:
    """The room IR cut into `block`-frame partitions, each zero-padded and transformed: (2, P, B+1)."""
    ir = room_impulse(sample_rate, seconds)
    # nothing above ~8.5 kHz comes out of the room (it runs at half rate: what would lie near its top,
    # 11 kHz, would come back mirrored by the interpolation, as tones between a bright note's harmonics)
    taps = np.arange(-31, 32)
    cut = min(8500.0, 0.38 * sample_rate) / sample_rate
    low = np.sinc(2.0 * cut * taps) * np.kaiser(taps.size, 8.0)
    low /= low.sum()
    ir = np.stack([np.convolve(ch, low)[31 : 31 + ir.shape[1]] for ch in ir]).astype(np.float32)
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
    halves its cost: the send goes down by 2 and the wet signal back up through a half-band filter
    (`HALF_BAND`: flat to 8 kHz, 43 dB down at 14 kHz), so a bright note's high partials neither fold
    back into the room as tones between its harmonics nor come back out of it mirrored."""

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
        taps = HALF_BAND.size
        self._in = np.zeros(taps - 1 + block, dtype=np.float32)  # the send, with the filter's history
        self._low = np.zeros((2, _QUEUE + half), dtype=np.float32)  # the wet room, with its history
        self._out = np.zeros((2, block), dtype=np.float32)
        self._even_in = np.zeros(half + (taps - 1) // 2, dtype=np.float32)
        self._even = np.zeros((2, half), dtype=np.float32)
        self._tmp = np.zeros((2, half), dtype=np.float32)
        self.tail_frames = parts * block

    def process(self, send: Audio) -> Audio:
        h = self._half
        taps = HALF_BAND.size
        ext = self._in
        ext[: taps - 1] = ext[ext.size - (taps - 1) :]
        ext[taps - 1 :] = send
        self._frame[:h] = self._frame[h:]
        # decimated by 2 through the half-band filter, polyphase: the even samples through the side taps,
        # the odd ones through the centre tap (the other taps are zero)
        centre = (taps - 1) // 2
        even_in, tmp = self._even_in, self._tmp[0]
        even_in[:] = ext[0::2]
        down = self._frame[h:]
        np.multiply(ext[centre : centre + 2 * h : 2], np.float32(_CENTRE), out=down)
        for s, g in enumerate(_SIDE):
            np.multiply(even_in[s : s + h], g, out=tmp)
            down += tmp
        spectrum = np.fft.rfft(self._frame)
        self._i = (self._i - 1) % self._parts
        self._fdl[self._i] = spectrum
        self._fdl[self._i + self._parts] = spectrum
        window = self._fdl[self._i : self._i + self._parts]
        wet = window[0] * self._h[:, 0]
        for p in range(1, self._parts):
            wet += window[p] * self._h[:, p]
        low = self._low
        low[:, :_QUEUE] = low[:, h:]
        low[:, _QUEUE:] = np.fft.irfft(wet, 2 * h, axis=1)[:, h:]
        out = self._out
        # back up by 2: the odd frames are the room's own samples, the even ones interpolated by the filter
        out[:, 1::2] = low[:, _QUEUE - (centre + 1) // 2 + 1 : _QUEUE - (centre + 1) // 2 + 1 + h]
        even, tmp2 = self._even, self._tmp
        np.multiply(low[:, _QUEUE : _QUEUE + h], _SIDE2[0], out=even)
        for s in range(1, _SIDE2.size):
            np.multiply(low[:, _QUEUE - s : _QUEUE - s + h], _SIDE2[s], out=tmp2)
            even += tmp2
        out[:, 0::2] = even
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
