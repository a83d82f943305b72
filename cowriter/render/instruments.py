"""Pitched voices: one function per instrument renders one whole note, stereo `(2, n)` float32, including its
release tail. Every note fades in (>= 2 ms) and out (>= 10 ms) to zero.

Each voice is a measured timbre (`timbres.py`, read by `timbre.py`: a General MIDI instrument's spectrum,
how it changes while the note sounds, its envelope, what rings under it, its stereo width, at pitches
across its range) plus what a player adds that a single recording does not hold: the touch (a softer note
is darker), a singer's vibrato and a double for the melody, a pad's slow chorus, an organ's rotor, an
electric piano's tremolo. Everything is band-limited (wavetables hold only partials below 0.45 x the
sample rate) and deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from cowriter.render import timbre, timbres
from cowriter.render.timbre import Timbre

Audio = npt.NDArray[np.float32]
_TWO_PI = 2.0 * math.pi


def hz(pitch: float) -> float:
    return float(440.0 * 2.0 ** ((pitch - 69.0) / 12.0))


def _vel(velocity: int) -> float:
    return float((max(1, min(127, velocity)) / 127.0) ** 1.6)


def _t(n: int, sample_rate: int) -> npt.NDArray[np.float32]:
    return np.arange(n, dtype=np.float32) / np.float32(sample_rate)


def _plain(measured: Timbre, gain: float, floor: float) -> Callable[[int, int, int, int], Audio]:
    """A voice that is its measured timbre, louder with velocity from `floor` (at 1) to 1 (at 127)."""

    def voice(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
        level = gain * (floor + (1.0 - floor) * _vel(velocity))
        return timbre.render(measured, pitch, velocity, hold, sample_rate, gain=level)

    voice.__name__ = measured.name
    voice.__doc__ = f"FluidR3's {measured.name} as measured (`timbres.{measured.name.upper()}`)."
    return voice


# Gains: each voice as loud in the band as the voice it replaced (the mix's balance, `voices.LEVEL`, holds).
piano = _plain(timbres.PIANO, 1.13, 0.35)
guitar = _plain(timbres.GUITAR, 0.071, 0.4)
nylon = _plain(timbres.NYLON, 0.175, 0.4)
bass = _plain(timbres.BASS, 0.91, 0.45)
upright = _plain(timbres.UPRIGHT, 1.2, 0.45)


def epiano(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    """A tine electric piano with a suitcase amp's tremolo in stereo (the mono sum stays as measured)."""
    tone = timbre.render(
        timbres.EPIANO, pitch, velocity, hold, sample_rate, gain=0.93 * (0.35 + 0.65 * _vel(velocity))
    )
    trem = np.float32(TREMOLO) * np.sin(np.float32(_TWO_PI * 4.2) * _t(tone.shape[1], sample_rate))
    side = (tone[0] - tone[1]) * 0.5 + trem * (tone[0] + tone[1]) * 0.5
    mid = (tone[0] + tone[1]) * 0.5
    return np.stack((mid + side, mid - side)).astype(np.float32)


TREMOLO = 0.22


def organ(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    """A drawbar organ (its 16' stop an octave under the note) through a slow rotor: a gentle swirl."""
    tone = timbre.render(
        timbres.ORGAN, pitch, velocity, hold, sample_rate, gain=0.64 * (0.5 + 0.5 * _vel(velocity))
    )
    rot = np.float32(0.18) * np.sin(np.float32(_TWO_PI * 0.8) * _t(tone.shape[1], sample_rate) + pitch)
    mid = (tone[0] + tone[1]) * 0.5
    return np.stack((tone[0] + rot * mid, tone[1] - rot * mid)).astype(np.float32)


def _doubled(measured: Timbre, pitch: int, velocity: int, hold: int, sample_rate: int, *, gain: float,
             vibrato: float, cents: float, level: float, centred: bool = False) -> Audio:  # fmt: skip
    """The timbre, and a quieter copy `cents` sharp added to one side and taken from the other (a mid/side
    widener: wider, centred, the same in mono). `vibrato`: depth (fraction of the pitch) reached 0.65 s in.
    `centred`: the timbre's own width dropped (its mono sum on both sides), so only the double spreads it."""
    voice = timbre.render(measured, pitch, velocity, hold, sample_rate, gain=gain, vibrato=vibrato)
    if centred:
        voice[0] += voice[1]
        voice[0] *= np.float32(0.5)
        voice[1] = voice[0]
    double = timbre.render(measured, pitch, velocity, hold, sample_rate, gain=gain * level * 0.5, cents=cents,
                           vibrato=vibrato)  # fmt: skip
    side = double[0] + double[1]
    voice[0] += side
    voice[1] -= side
    return voice


def pad(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    """A warm pad, with a slow chorus in its width."""
    gain = 0.5 * (0.45 + 0.55 * _vel(velocity))
    return _doubled(
        timbres.PAD, pitch, velocity, hold, sample_rate, gain=gain, vibrato=0.0, cents=7.0, level=0.3
    )


def lead(pitch: int, velocity: int, hold: int, sample_rate: int) -> Audio:
    """The melody: a flute-like lead, a singer's vibrato blooming after the attack, and a quiet double a few
    cents sharp (its own vibrato phase) in the sides."""
    gain = 0.72 * (0.3 + 0.7 * _vel(velocity))
    return _doubled(
        timbres.LEAD,
        pitch,
        velocity,
        hold,
        sample_rate,
        gain=gain,
        vibrato=0.012,
        cents=DOUBLE_CENTS,
        level=DOUBLE,
        centred=True,
    )


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

# General MIDI programs with a voice of their own within an instrument family (32: acoustic bass).
PROGRAM_VOICES: dict[tuple[str, int], Callable[[int, int, int, int], Audio]] = {("bass", 32): upright}
