"""A streaming WAV writer on the stdlib `wave` module: 16-bit PCM, blocks appended as they are rendered."""

from __future__ import annotations

import wave
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt


class WavWriter:
    """`with WavWriter(path, 44100) as w: w.write(block)` where a block is float32 of shape (n, channels)
    in [-1, 1]. The header is finalised on close, so a half-written file is never left looking complete."""

    def __init__(self, path: str | Path, sample_rate: int, channels: int = 2) -> None:
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.channels = channels
        self.frames = 0
        self._wave: wave.Wave_write | None = None

    def __enter__(self) -> WavWriter:
        self.open()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        w = wave.open(str(self.path), "wb")  # noqa: SIM115 - closed in close()
        w.setnchannels(self.channels)
        w.setsampwidth(2)
        w.setframerate(self.sample_rate)
        self._wave = w

    def write(self, block: npt.NDArray[np.float32]) -> None:
        if self._wave is None:
            raise RuntimeError("WavWriter is not open")
        pcm = np.clip(block, -1.0, 1.0) * 32767.0
        self._wave.writeframes(np.rint(pcm).astype("<i2").tobytes())
        self.frames += block.shape[0]

    def close(self) -> None:
        if self._wave is not None:
            self._wave.close()
            self._wave = None


def read_wav(path: str | Path) -> tuple[npt.NDArray[np.float32], int]:
    """A 16-bit PCM WAV as float32 (n, channels) and its sample rate (for tests and checks)."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM is supported")
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return (data.reshape(-1, w.getnchannels()).astype(np.float32) / 32768.0), w.getframerate()
