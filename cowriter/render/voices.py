"""Where a note's sound comes from: a `Voices` renders one note (or drum hit) whole, stereo or mono
float32, and says how loud each part sits in the mix. The synth's engine caches what it renders and does
the rest (timing, pan, reverb, limiter), so every source of sound plays behind the same player: streaming,
play head, loop and WAV alike.

Two kinds: `BuiltinVoices`, cowriter's own synth (the default, nothing to download), and a SoundFont
through `cowriter.render.soundfont` (loaded lazily, only when one is chosen).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from cowriter.render import drumkit, instruments

Audio = npt.NDArray[np.float32]

# Per-instrument mix level for the built-in voices: a balanced small band before the master limiter, with
# the melody (lead) 4-9 LU above the band as a whole in every style (BS.1770 loudness of the lead alone
# against the band alone through the same chain: `benchmarks/bench_sound.py`), as a singer sits over a band.
LEVEL: Mapping[str, float] = {
    "piano": 0.186, "epiano": 0.32, "guitar": 2.7, "nylon": 2.8, "organ": 0.186, "pad": 0.36,
    "bass": 0.38, "drums": 1.07, "lead": 1.07,
}  # fmt: skip


class Voices(Protocol):
    name: str
    levels: Mapping[str, float]
    hold_step: int  # frames: held lengths are rounded to this (the cache keeps one render per length)

    def note(self, instrument: str, program: int, pitch: int, velocity: int, hold: int) -> Audio:
        """One note held `hold` frames, with its release; `instrument` "drums" is a drum hit (`hold` 0)."""
        ...


class BuiltinVoices:
    """cowriter's own synth: `instruments` for pitched voices, `drumkit` for drums."""

    name = "built-in synth"
    levels: Mapping[str, float] = LEVEL
    hold_step = 128

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate

    def note(self, instrument: str, program: int, pitch: int, velocity: int, hold: int) -> Audio:
        if instrument == "drums":
            return drumkit.hit(pitch, velocity, self.sample_rate)
        voice = instruments.PROGRAM_VOICES.get((instrument, program)) or instruments.VOICES.get(
            instrument, instruments.piano
        )
        return voice(pitch, velocity, hold, self.sample_rate)


def open_voices(sound: Path | None, sample_rate: int) -> Voices:
    """The voices for a choice of sound: None for the built-in synth, else a SoundFont file."""
    if sound is None:
        return BuiltinVoices(sample_rate)
    from cowriter.render.soundfont import SoundFontVoices

    return SoundFontVoices(sound, sample_rate)
