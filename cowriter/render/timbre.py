"""Voices from measured timbres: a note's harmonic spectrum, how it changes while the note sounds, its
envelope and the noise in it, taken at a few anchor pitches of a real instrument and interpolated between
them (`timbres.py` holds the figures, `benchmarks/fit_timbres.py` measures them).

A timbre at one pitch is:
- an envelope: the note's level (dB against its peak) at `ENV_TIMES` while the key is held, then a release
  that falls 20 dB in `release` seconds once it is let go;
- the harmonic groups' levels at the onset (dB against the whole harmonic sound) and how much faster (dB
  per second, against the whole) each group fades: a struck or plucked string's highs die first;
- the noise in the sound, octave band by octave band against the harmonics (a hammer's knock, a
  soundboard's or a guitar body's resonances, a flute's breath), and how much faster than the harmonics it
  dies;
- the stereo width: how far apart each partial's phase is left and right (a piano's pair of microphones).

Rendering reads band-limited wavetables of the spectrum as it is at `SNAPSHOTS` seconds, crossfading from
one to the next (two table reads per sample, whatever the number of partials), times the envelope. Each
partial is raised so that the mono sum of left and right keeps its measured level. What a note sounds
like before its key is let go depends only on its pitch and touch, so that part is rendered once and kept
(`_held`, bounded in bytes); each note then costs a slice and its release.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from cowriter.render.effects import CENTRES, octave_noise

Audio = npt.NDArray[np.float32]
Floats = npt.NDArray[np.float64]
Complex = npt.NDArray[np.complex64]
TABLE = 4096
_SHIFT = 20  # 32-bit phase: the top 12 bits index the table, the low 20 interpolate
# Harmonic groups (first, last harmonic number): single harmonics to the 12th (so no group straddles an
# octave band's edge at any pitch), then a quarter-octave each.
GROUPS: tuple[tuple[int, int], ...] = (
    *((k, k) for k in range(1, 13)), (13, 14), (15, 17), (18, 20), (21, 24), (25, 29), (30, 35), (36, 42),
    (43, 50), (51, 60), (61, 72), (73, 86), (87, 102), (103, 121), (122, 144), (145, 171), (172, 204),
    (205, 243), (244, 289), (290, 320),
)  # fmt: skip
_LAST = np.array([b for _, b in GROUPS])
ENV_TIMES = (0.0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.0, 1.5, 2.0)
SNAPSHOTS = (0.0, 0.12, 0.4, 1.0, 2.2)
NOISE_BANDS = CENTRES  # octave bands 63 Hz - 16 kHz
FLOOR = -120.0
TAIL_DB = -50.0  # a released note ends (with a 10 ms fade) this far under its level at the key-off
HELD_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Anchor:
    """A timbre measured at one pitch (see the module's docstring). None: not measured there (a group
    above the top of hearing, a point of the envelope after the key was let go, a band without noise)."""

    pitch: int
    envelope: tuple[float | None, ...]
    release: float
    levels: tuple[float | None, ...]
    fades: tuple[float | None, ...]
    noise: tuple[float | None, ...] = ()
    noise_decay: float = 0.3  # seconds for the noise to fall 20 dB against the harmonics
    width: float = 0.0  # the largest left/right phase difference of a partial, radians
    level: float = 0.0  # the note's peak, dB against the instrument's middle (the register's balance)
    zone: tuple[int, int] = (0, 127)  # the keys that sound like this anchor (a recording's zone)


@dataclass(frozen=True, eq=False)  # one object per instrument: hashed by identity (cheap, in every cache key)
class Timbre:
    name: str
    anchors: tuple[Anchor, ...]
    sustained: bool = False  # holds its last level while the key is down (organ, pad, wind)
    base: float = 1.0  # the tables' fundamental against the note's (0.5: an organ's 16' stop)
    bright: float = 0.0  # a softer touch: dB per octave of harmonic number per 32 velocity under 96
    max_release: float = 1.0  # seconds to fall 20 dB after the key is let go, at most


@dataclass(frozen=True)
class At:
    """A timbre interpolated at one pitch."""

    envelope: Floats  # dB at ENV_TIMES (NaN past the measured hold)
    release: float
    levels: Floats  # per group
    fades: Floats
    noise: Floats  # per NOISE_BANDS, dB against the harmonics (FLOOR: none)
    noise_decay: float
    width: float
    level: float


def _groups(values: tuple[float | None, ...], fill: str) -> Floats:
    """Per group; a missing value is the last one held (fill "hold") or falling 12 dB a group ("fall")."""
    out = np.full(len(GROUPS), FLOOR)
    last: float | None = None
    for i in range(len(GROUPS)):
        v = values[i] if i < len(values) else None
        if v is None and last is not None:
            v = last if fill == "hold" else max(FLOOR, last - 12.0)
        if v is not None:
            out[i] = last = v
    return out


def _padded(values: tuple[float | None, ...], size: int, missing: float) -> Floats:
    padded = (*values, *[None] * size)[:size]
    return np.array([missing if v is None else v for v in padded], dtype=np.float64)


@lru_cache(maxsize=512)
def at_pitch(timbre: Timbre, pitch: float) -> At:
    # the anchors of the zone the key lies in (or, outside every zone, all of them), the two around it
    inside = [a for a in timbre.anchors if a.zone[0] <= pitch <= a.zone[1]]
    anchors = inside or list(timbre.anchors)
    i = int(np.searchsorted([a.pitch for a in anchors], pitch))
    lo, hi = anchors[max(0, i - 1)], anchors[min(len(anchors) - 1, i)]
    w = 0.0 if hi.pitch == lo.pitch else float(np.clip((pitch - lo.pitch) / (hi.pitch - lo.pitch), 0, 1))

    def mix(a: Floats, b: Floats) -> Floats:
        out: Floats = (1.0 - w) * a + w * b
        return out

    env_lo = _padded(lo.envelope, len(ENV_TIMES), np.nan)
    env_hi = _padded(hi.envelope, len(ENV_TIMES), np.nan)
    noise_lo = 10.0 ** (_padded(lo.noise, len(NOISE_BANDS), FLOOR) / 10.0)
    noise_hi = 10.0 ** (_padded(hi.noise, len(NOISE_BANDS), FLOOR) / 10.0)
    decay_lo = lo.noise_decay if lo.noise else hi.noise_decay
    decay_hi = hi.noise_decay if hi.noise else lo.noise_decay
    return At(
        envelope=mix(np.where(np.isnan(env_lo), env_hi, env_lo), np.where(np.isnan(env_hi), env_lo, env_hi)),
        release=min(
            timbre.max_release, math.exp((1.0 - w) * math.log(lo.release) + w * math.log(hi.release))
        ),
        levels=mix(_groups(lo.levels, "fall"), _groups(hi.levels, "fall")),
        fades=mix(_groups(lo.fades, "hold"), _groups(hi.fades, "hold")),
        noise=10.0 * np.log10(mix(noise_lo, noise_hi)),  # mixed as power
        noise_decay=(1.0 - w) * decay_lo + w * decay_hi,
        width=(1.0 - w) * lo.width + w * hi.width,
        level=(1.0 - w) * lo.level + w * hi.level,
    )


def _phases(count: int, width: float) -> tuple[Floats, Floats]:
    """Each partial's phase left and right: low-crest (Schroeder) phases, the right side offset by up to
    `width` radians (deterministic)."""
    k = np.arange(1, count + 1, dtype=np.float64)
    left = math.pi * k * k / max(count, 1)
    spread = np.sin(k * 2.399963) * width  # golden-angle steps: offsets spread evenly, never repeating
    return left, left + spread


@lru_cache(maxsize=16)
def tables(timbre: Timbre, pitch: int, touch: int, sample_rate: int) -> tuple[tuple[Complex, Complex], ...]:
    """The note's spectrum at each of `SNAPSHOTS` as a wavetable with unit mono power, holding only partials
    below 0.45 x the sample rate (a semitone of vibrato stays alias-free): per snapshot, (left + i right) at
    each of the TABLE points and the step to the next point, complex64. `touch` (velocity // 32, 0-3) sets
    the brightness of the touch."""
    f = 440.0 * 2.0 ** ((pitch - 69.0) / 12.0) * timbre.base
    count = max(1, min(TABLE // 2 - 1, int(0.45 * sample_rate / f)))
    at = at_pitch(timbre, pitch)
    k = np.arange(1, count + 1)
    logk = np.log2(k)
    # a group's level is that of each of its harmonics (what the group holds, whatever its shape)
    group = np.minimum(np.searchsorted(_LAST, k), len(GROUPS) - 1)
    levels = at.levels[group] + timbre.bright * (touch - 3) * logk
    fades = np.maximum(at.fades[group], -20.0)  # a group may grow against the whole, within reason
    left_phase, right_phase = _phases(count, at.width)
    # raise each partial so the mono sum of the two sides keeps its level despite their phase difference
    keep = np.abs(np.cos((right_phase - left_phase) / 2.0))
    out = []
    for t in SNAPSHOTS:
        amps = 10.0 ** (np.maximum(levels - fades * t, FLOOR) / 20.0)
        amps /= math.sqrt(float(np.sum(amps**2)))  # unit power for the mono sum (sum of a^2 / 2 = 1/2)
        amps /= keep
        sides = []
        for phase in (left_phase, right_phase):
            spectrum = np.zeros(TABLE // 2 + 1, dtype=np.complex128)
            spectrum[1 : count + 1] = amps * np.exp(1j * (phase - math.pi / 2.0)) * (TABLE / 2)
            sides.append(np.fft.irfft(spectrum, TABLE))
        cycle = np.append(sides[0] + 1j * sides[1], sides[0][0] + 1j * sides[1][0]).astype(np.complex64)
        value, step = cycle[:TABLE].copy(), np.diff(cycle).astype(np.complex64)
        value.setflags(write=False)
        step.setflags(write=False)
        out.append((value, step))
    return tuple(out)


def _levels(timbre: Timbre, at: At) -> tuple[Floats, Floats]:
    """The envelope's breakpoints (seconds, dB) while held, extended to a minute."""
    times = np.array(ENV_TIMES) + 0.0025  # each figure is the RMS of 5 ms from its time: its centre
    db = at.envelope
    ok = ~np.isnan(db)
    times, db = np.append(0.0, times[ok]), np.append(db[ok][:1], db[ok])
    slope = 0.0 if timbre.sustained else min(0.0, (db[-1] - db[-2]) / (times[-1] - times[-2]))
    return np.append(times, 60.0), np.append(db, db[-1] + slope * (60.0 - times[-1]))


def held_envelope(timbre: Timbre, at: At, n: int, sample_rate: int, start: int = 0) -> Audio:
    """The amplitude while the key is held, frames [start, n), with a 2 ms fade-in."""
    times, db = _levels(timbre, at)
    t = np.arange(start, n, dtype=np.float32) / np.float32(sample_rate)
    level = np.maximum(np.interp(t, times, db), FLOOR).astype(np.float32)
    env: Audio = np.exp(level * np.float32(math.log(10.0) / 20.0)).astype(np.float32)
    a = max(2, int(0.002 * sample_rate))
    if start < a:
        env[: a - start] *= np.linspace(0.0, 1.0, a, endpoint=False, dtype=np.float32)[start:]
    return env


def length(
    timbre: Timbre, at: At, hold: int, sample_rate: int, *, floor_db: float = -60.0
) -> tuple[int, int]:
    """Frames held and in all: a decaying note that has fallen `floor_db` stops being held; the release
    then runs until it is `TAIL_DB` down."""
    if not timbre.sustained:
        times, db = _levels(timbre, at)
        gone = float(np.interp(floor_db, db[::-1], times[::-1])) if db[-1] < floor_db else 60.0
        hold = min(hold, int(gone * sample_rate))
    hold = max(hold, int(0.02 * sample_rate))
    tail = round(max(0.01, round(at.release, 2)) * (-TAIL_DB / 20.0) * sample_rate)
    return hold, hold + max(tail, int(0.01 * sample_rate))


def partials(
    tabs: tuple[tuple[Complex, Complex], ...], freq: float | Floats, n: int, sample_rate: int
) -> Complex:
    """Left + i right, (n,) complex64, from the snapshot tables, crossfading between them as `SNAPSHOTS`
    says; `freq` a fixed frequency or one per sample (vibrato)."""
    if isinstance(freq, np.ndarray):
        cycles = np.cumsum(freq[:n] / sample_rate)
        ph = ((cycles - np.floor(cycles)) * 2.0**32).astype(np.uint32)
    else:
        inc = round(freq / sample_rate * 2.0**32) & 0xFFFFFFFF
        ph = np.arange(n, dtype=np.uint32) * np.uint32(inc)  # wraps around: the phase is modulo 1
    i = (ph >> np.uint32(_SHIFT)).astype(np.intp)
    frac = (ph & np.uint32((1 << _SHIFT) - 1)).astype(np.float32) * np.float32(2.0**-_SHIFT)
    out = np.empty(n, dtype=np.complex64)
    marks = [min(n, int(s * sample_rate)) for s in SNAPSHOTS] + [n]

    def read(j: int, a: int, b: int) -> Complex:
        value, step = tabs[j]
        v: Complex = step.take(i[a:b])
        v *= frac[a:b]
        v += value.take(i[a:b])
        return v

    for j in range(len(SNAPSHOTS)):
        a, b = marks[j], marks[j + 1]
        if a >= b:
            continue
        va = read(j, a, b)
        if j + 1 < len(SNAPSHOTS):
            vb = read(j + 1, a, b)
            vb -= va
            vb *= np.linspace(
                0.0, (b - a) / (marks[j + 1] - marks[j]), b - a, endpoint=False, dtype=np.float32
            )
            va += vb
        out[a:b] = va
    return out


@lru_cache(maxsize=2)
def _noise_bands(sample_rate: int) -> Audio:
    """Unit octave bands of noise (`NOISE_BANDS`), (bands, n), periodic, shared by every voice."""
    out = octave_noise(1 << 17, sample_rate, seed=1711)
    out.setflags(write=False)
    return out


def _noise(at: At, n: int, sample_rate: int) -> Audio | None:
    """The noise in the note against unit harmonics, dying 20 dB in `noise_decay` s faster than them;
    None when there is none."""
    live = at.noise > -50.0
    if not live.any():
        return None
    bands = _noise_bands(sample_rate)
    m = min(n, int(at.noise_decay * 3.0 * sample_rate), bands.shape[1])  # 60 dB down: gone
    # each band's power at the onset is 10^(dB/10) times the harmonics' (unit tables: power 1/2)
    gains = np.sqrt(0.5 * 10.0 ** (at.noise / 10.0))
    x: Audio = np.zeros(m, dtype=np.float32)
    for b in np.nonzero(live)[0]:
        x += np.float32(gains[b]) * bands[b, :m]
    t = np.arange(m, dtype=np.float32) / np.float32(sample_rate)
    x *= np.exp(t * np.float32(-math.log(10.0) / at.noise_decay))
    x[-min(m, 64) :] *= np.linspace(1.0, 0.0, min(m, 64), dtype=np.float32)
    return x


_HELD: OrderedDict[tuple[object, ...], tuple[npt.NDArray[np.int16], float]] = OrderedDict()
_HELD_LOCK = threading.Lock()
_held_bytes = 0


def _held(
    timbre: Timbre, pitch: int, touch: int, sample_rate: int, frames: int, cents: float, vibrato: float
) -> tuple[npt.NDArray[np.int16], float]:
    """The note as it sounds while held, at least `frames` long, stereo (2, n), rendered once and kept as
    16-bit samples and their scale (as a sampler keeps its recordings: the quantisation lies 96 dB under
    the note's peak): longer notes re-render it (at least doubling), a decaying note never past its
    natural end."""
    global _held_bytes
    key = (timbre, pitch, touch, sample_rate, cents, vibrato)
    with _HELD_LOCK:
        have = _HELD.get(key)
        if have is not None and have[0].shape[1] >= frames:
            _HELD.move_to_end(key)
            return have
    n = max(frames, int(0.5 * sample_rate), 0 if have is None else 2 * have[0].shape[1])
    at = at_pitch(timbre, pitch)
    if not timbre.sustained:
        n = max(frames, min(n, length(timbre, at, 1 << 30, sample_rate)[0]))
    f = 440.0 * 2.0 ** ((pitch - 69.0) / 12.0 + cents / 1200.0) * timbre.base
    freq: float | Floats = f
    if vibrato:  # a singer's vibrato: 5.4 Hz, blooming from 0.25 s to full depth at 0.65 s
        t = np.arange(n, dtype=np.float64) / sample_rate
        depth = vibrato * np.clip((t - 0.25) / 0.4, 0.0, 1.0)
        freq = f * (1.0 + depth * np.sin(2.0 * math.pi * 5.4 * t + (1.9 if cents else 0.0)))
    tone = partials(tables(timbre, pitch, touch, sample_rate), freq, n, sample_rate)
    noise = _noise(at, n, sample_rate)
    if noise is not None:
        tone[: noise.size] += noise * np.complex64(1 + 1j)
    tone *= held_envelope(timbre, at, n, sample_rate)
    peak = max(float(np.max(np.abs(tone.real))), float(np.max(np.abs(tone.imag))), 1e-30)
    scale = peak / 32767.0
    samples = np.empty((2, n), dtype=np.int16)
    np.rint(tone.real / np.float32(scale), out=samples[0], casting="unsafe")
    np.rint(tone.imag / np.float32(scale), out=samples[1], casting="unsafe")
    samples.setflags(write=False)
    kept = (samples, scale)
    with _HELD_LOCK:
        old = _HELD.pop(key, None)
        _held_bytes -= 0 if old is None else old[0].nbytes
        _HELD[key] = kept
        _held_bytes += samples.nbytes
        while _held_bytes > HELD_BYTES and len(_HELD) > 1:
            _, gone = _HELD.popitem(last=False)
            _held_bytes -= gone[0].nbytes
    return kept


@lru_cache(maxsize=64)
def _release_curve(release: float, sample_rate: int) -> Audio:
    n = int(release * (-TAIL_DB / 20.0) * sample_rate) + 1
    out: Audio = np.exp(
        np.arange(n, dtype=np.float32) * np.float32(-math.log(10.0) / (release * sample_rate))
    )
    out.setflags(write=False)
    return out


def _release(release: float, n: int, sample_rate: int) -> Audio:
    """The release's fall over its first `n` frames (kept per release time, rounded to 10 ms)."""
    curve = _release_curve(max(0.01, round(release, 2)), sample_rate)
    return curve[:n] if n <= curve.size else np.concatenate((curve, np.zeros(n - curve.size, np.float32)))


def render(
    timbre: Timbre,
    pitch: int,
    velocity: int,
    hold: int,
    sample_rate: int,
    *,
    gain: float = 1.0,
    cents: float = 0.0,
    vibrato: float = 0.0,
) -> Audio:
    """The note, stereo (2, n) float32, at `gain` times unit harmonic power at its peak (and the register's
    level against the instrument's middle), ending at exactly 0.
    `velocity` sets the touch (not the level); `cents`: detuned from the pitch; `vibrato`: its depth, as a
    fraction of the frequency."""
    at = at_pitch(timbre, pitch)
    hold, n = length(timbre, at, hold, sample_rate)
    touch = max(0, min(3, velocity // 32))
    held, scale = _held(timbre, pitch, touch, sample_rate, n, cents, vibrato)
    m = min(n, held.shape[1])
    out = np.empty((2, n), dtype=np.float32)
    np.multiply(held[:, :m], np.float32(gain * scale * 10.0 ** (at.level / 20.0)), out=out[:, :m])
    out[:, m:] = 0.0
    if n > hold:
        # the release: 20 dB per `release` s from the key-off (a sustained note's rise still under way stops)
        rel = _release(at.release, n - hold, sample_rate)
        if timbre.sustained and hold < _rising(timbre, at) * sample_rate:
            env = held_envelope(timbre, at, n, sample_rate, start=hold)
            rel = rel * np.minimum(np.float32(1.0), env[0] / np.maximum(env, np.float32(1e-30)))
        out[:, hold:] *= rel
    r = min(n, max(2, int(0.01 * sample_rate)))
    out[:, n - r :] *= _fade_out(r)
    out[:, -1] = 0.0
    return out


@lru_cache(maxsize=4)
def _fade_out(r: int) -> Audio:
    out: Audio = (0.5 + 0.5 * np.cos(np.linspace(0.0, math.pi, r, dtype=np.float32))).astype(np.float32)
    out.setflags(write=False)
    return out


def _rising(timbre: Timbre, at: At) -> float:
    """Seconds after which the held envelope never rises again."""
    times, db = _levels(timbre, at)
    later_max = np.maximum.accumulate(db[::-1])[::-1]
    rises = np.nonzero(db[:-1] < later_max[1:])[0]
    return float(times[rises[-1] + 1]) if rises.size else 0.0
