"""A streaming WAV writer on the stdlib `wave` module: 16-bit PCM, blocks appended as they are rendered."""

from __future__ import annotations

import contextlib
import os
import tempfile
import wave
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from cowriter.umask import export_mode


class WavWriter:
    """`with WavWriter(path, 44100) as w: w.write(block)` where a block is float32 of shape (n, channels)
    in [-1, 1]. The header is finalised on close, so a half-written file is never left looking complete.

    `atomic` (the default): the sound goes to a hidden temp file beside `path`, renamed over it once the
    header is final; a failure (a full disk, an interrupt) or `discard()` removes it, so no partial file is
    ever left. Without it (a take written as it plays, which may be stopped on purpose) `path` grows as
    blocks come. The file gets the usual mode, 0666 less the umask, as any export (`cowriter.umask`)."""

    def __init__(self, path: str | Path, sample_rate: int, channels: int = 2, *, atomic: bool = True) -> None:
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.channels = channels
        self.atomic = atomic
        self.frames = 0
        self._wave: wave.Wave_write | None = None
        self._file: BinaryIO | None = None
        self._tmp: Path | None = None

    def __enter__(self) -> WavWriter:
        self.open()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if et is None:
            self.close()
        else:
            self.discard()

    def open(self) -> None:
        """Open the file (the caller's OSError says why it cannot be: no folder, no permission, no space).
        The file object is opened here, not by `wave`, whose half-made writer would otherwise complain
        from its `__del__` after the error ("Exception ignored in: Wave_write.__del__")."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.atomic:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
            self._tmp = Path(tmp)
            fh: BinaryIO = os.fdopen(fd, "wb")
        else:
            fh = self.path.open("wb")
        self._file = fh
        try:
            os.fchmod(fh.fileno(), export_mode())
            w = wave.open(fh, "wb")  # noqa: SIM115 - closed in close()
            w.setnchannels(self.channels)
            w.setsampwidth(2)
            w.setframerate(self.sample_rate)
        except BaseException:
            self.discard()
            raise
        self._wave = w

    def write(self, block: npt.NDArray[np.float32]) -> None:
        if self._wave is None:
            raise RuntimeError("WavWriter is not open")
        pcm = np.clip(block, -1.0, 1.0) * 32767.0
        self._wave.writeframes(np.rint(pcm).astype("<i2").tobytes())
        self.frames += block.shape[0]

    def close(self) -> None:
        """Finalise the header; an atomic writer's file takes its place now. A failure discards it."""
        try:
            if self._wave is not None:
                w, self._wave = self._wave, None
                w.close()
            if self._file is not None:
                fh, self._file = self._file, None
                fh.flush()
                if self.atomic:
                    os.fsync(fh.fileno())
                fh.close()
            if self._tmp is not None:
                tmp, self._tmp = self._tmp, None
                os.replace(tmp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Close without keeping anything of an atomic writer's file (no partial WAV is left)."""
        w, self._wave = self._wave, None
        fh, self._file = self._file, None
        tmp, self._tmp = self._tmp, None
        if w is not None:
            with contextlib.suppress(Exception):  # a header that cannot be written: the file goes anyway
                w.close()
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()


def read_wav(path: str | Path) -> tuple[npt.NDArray[np.float32], int]:
    """A 16-bit PCM WAV as float32 (n, channels) and its sample rate (for tests and checks)."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM is supported")
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return (data.reshape(-1, w.getnchannels()).astype(np.float32) / 32768.0), w.getframerate()
