"""Notes through a SoundFont (.sf2/.sf3), rendered by TinySoundFont (the `tinysoundfont` binding: the only
importer of it, loaded lazily). Each note renders whole, on its own, from key-on through key-off to the
end of its release, and joins the engine's cache like a built-in voice, so a SoundFont plays behind the
same player (streaming, play head, loop, WAV) and the same mix (pan, reverb, limiter).

A loaded SoundFont is shared by every engine in the process (FluidR3 takes about a second to load), each
render under a lock: the player's renderer and a WAV export may ask at the same time.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cowriter.render.sounds import SoundError

Audio = npt.NDArray[np.float32]
CHUNK = 4096
SILENT = 10 ** (-72 / 20)  # a release ends once a chunk's peak is 72 dB under full scale
MAX_RELEASE = 1.5  # seconds after key-off (a SoundFont's longer release tails are faded out by then)
MAX_RING = 4.0  # seconds after a drum's key-off (a cymbal rings on)
DRUM_CHANNEL, NOTE_CHANNEL = 9, 0
GAIN_DB = 1.0  # TinySoundFont's output gain: about the built-in synth's loudness after the mix

# A SoundFont's instruments come balanced by their makers; the mix only lifts the melody so that it
# carries (>= 3 LU over the band with FluidR3 GM, tested) and sets the overall level for the limiter.
LEVEL: Mapping[str, float] = {
    "piano": 1.0, "epiano": 1.0, "guitar": 0.28, "nylon": 0.8, "organ": 0.8, "pad": 0.8,
    "bass": 0.9, "drums": 1.0, "lead": 3.4,
}  # fmt: skip


class _Loaded:
    """One TinySoundFont synth holding one SoundFont."""

    def __init__(self, path: Path, sample_rate: int) -> None:
        try:
            import tinysoundfont
        except ImportError:
            raise SoundError(
                "playing a SoundFont needs the tinysoundfont package",
                hint="pip install tinysoundfont, or use the built-in synth (--sound builtin)",
            ) from None
        self.lock = threading.Lock()
        self.synth: Any = tinysoundfont.Synth(gain=GAIN_DB, samplerate=sample_rate)
        try:
            self.sfid = self.synth.sfload(str(path))
        except (RuntimeError, OSError) as exc:
            raise SoundError(f"{path}: cannot load the SoundFont ({exc})", hint="check the file") from None
        self.program: int | None = None
        self.drums = self._select(DRUM_CHANNEL, 128, 0, drums=True) or self._select(
            DRUM_CHANNEL, 0, 0, drums=True
        )

    def _select(self, chan: int, bank: int, preset: int, *, drums: bool = False) -> bool:
        try:
            self.synth.program_select(chan, self.sfid, bank, preset, drums)
        except (RuntimeError, ValueError, OverflowError):
            return False
        return True

    def set_program(self, program: int) -> None:
        if program != self.program:
            if not self._select(NOTE_CHANNEL, 0, program):
                self._select(NOTE_CHANNEL, 0, 0)  # a SoundFont without this program: its first one
            self.program = program

    def render(self, chan: int, pitch: int, velocity: int, hold: int, sample_rate: int, tail: float) -> Audio:
        synth = self.synth
        parts: list[Audio] = []
        synth.noteon(chan, pitch, max(1, min(127, velocity)))
        if hold > 0:
            parts.append(np.frombuffer(synth.generate(hold), dtype=np.float32).copy())
        synth.noteoff(chan, pitch)
        for _ in range(int(tail * sample_rate) // CHUNK + 1):
            chunk = np.frombuffer(synth.generate(CHUNK), dtype=np.float32).copy()
            parts.append(chunk)
            if float(np.abs(chunk).max(initial=0.0)) < SILENT:
                break
        synth.sounds_off()
        out = np.concatenate(parts).reshape(-1, 2).T
        fade = min(out.shape[1], int(0.01 * sample_rate))  # the cut at MAX_RELEASE, if any, never clicks
        out[:, out.shape[1] - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
        return np.ascontiguousarray(out)


@lru_cache(maxsize=2)
def _load(path: Path, sample_rate: int) -> _Loaded:
    return _Loaded(path, sample_rate)


class SoundFontVoices:
    """Voices from a SoundFont: the track's General MIDI program for pitched parts, the SoundFont's drum
    kit (bank 128) for drums."""

    levels: Mapping[str, float] = LEVEL
    hold_step = 1024  # note lengths to 23 ms: each distinct length renders anew, release and all

    def __init__(self, path: Path, sample_rate: int) -> None:
        self.path = Path(path)
        self.name = f"SoundFont {self.path.name}"
        self.sample_rate = sample_rate
        self._sf = _load(self.path.resolve(), sample_rate)

    def note(self, instrument: str, program: int, pitch: int, velocity: int, hold: int) -> Audio:
        sf = self._sf
        with sf.lock:
            if instrument == "drums":  # a drum's key-off lets it ring: GM kits ignore note lengths
                return sf.render(
                    DRUM_CHANNEL, pitch, velocity, int(0.1 * self.sample_rate), self.sample_rate, MAX_RING
                )
            sf.set_program(program)
            return sf.render(NOTE_CHANNEL, pitch, velocity, hold, self.sample_rate, MAX_RELEASE)
