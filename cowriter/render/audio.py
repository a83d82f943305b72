"""Where the sound goes: the output protocol, the sounddevice device (the only sounddevice importer, and
lazily: its import probes the devices), a WAV file, or nothing (tests), and the decision between them.

The hand-off to an output is a `BlockRing`: a preallocated ring of fixed-size stereo blocks that the
renderer fills ahead of the play head. The device callback only copies the next ready block into the
device's buffer (or silence when none is ready or playback is paused): no allocation, no locks, no other
Python work, so a slow render can cause a gap but never a glitch inside a block.

No device is a normal situation, not an error: PortAudio missing (`OSError` when sounddevice is
imported), no default output (`PortAudioError`), or an SSH session (a device found there plays on the
remote machine's speakers, so a WAV is the default unless `PULSE_SERVER` forwards the sound or the user
asks for the device) all route to a WAV file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from cowriter.render.wavfile import WavWriter

Kind = Literal["device", "wav", "none"]
MODES: tuple[Kind, ...] = ("device", "wav", "none")


class NoDevice(Exception):
    """No usable audio device; the message says why in a few words."""


@dataclass(frozen=True, slots=True)
class Route:
    kind: Kind
    reason: str


def decide_route(mode: str | None, env: Mapping[str, str] | None = None) -> Route:
    """Which output to try, before touching any device. `mode` (from `--audio`) wins, then
    `COWRITER_AUDIO`; over SSH without `PULSE_SERVER` the default is a WAV file."""
    env = os.environ if env is None else env
    chosen = mode or env.get("COWRITER_AUDIO") or None
    if chosen is not None and chosen not in MODES:
        raise ValueError(f"audio mode must be one of {', '.join(MODES)}, not {chosen!r}")
    if chosen == "device":
        return Route("device", "asked for the device")
    if chosen in ("wav", "none"):
        return Route(chosen, f"asked for {chosen}")
    if env.get("SSH_CONNECTION") and not env.get("PULSE_SERVER"):
        return Route("wav", "SSH session without PULSE_SERVER (a device here would be the remote speakers)")
    return Route("device", "default output")


# --- keeping C libraries quiet ----------------------------------------------------------------------------


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send fd 2 to /dev/null for the duration (ALSA, JACK and PortAudio print straight to fd 2, which
    would corrupt a Textual screen or clutter the CLI's one-line answer). Python's `sys.stderr` object is
    untouched; only the file descriptor underneath is swapped, then restored."""
    with contextlib.suppress(AttributeError, ValueError):  # a closed or replaced stderr
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # pragma: no cover - no fd 2 at all
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_sd: ModuleType | None = None


def load_sounddevice() -> ModuleType:
    """Import sounddevice on first use; `NoDevice` when PortAudio itself is missing."""
    global _sd
    if _sd is None:
        from cowriter.render.pulse_probe import pulse_problem

        if stalled := pulse_problem():  # a silent server would stall PortAudio for minutes
            raise NoDevice(stalled)
        try:
            with quiet_stderr():
                import sounddevice
        except OSError as exc:  # the Linux wheel bundles no PortAudio: "PortAudio library not found"
            raise NoDevice(f"PortAudio is missing ({exc})") from exc
        _sd = sounddevice
    return _sd


def output_devices() -> list[str]:
    """Names of the output devices PortAudio sees, the default first (`NoDevice` when there are none)."""
    sd = load_sounddevice()
    try:
        with quiet_stderr():
            default = sd.query_devices(kind="output")
            names = [str(d["name"]) for d in sd.query_devices() if d["max_output_channels"] > 0]
    except sd.PortAudioError as exc:
        raise NoDevice(f"no default output device ({exc})") from exc
    first = str(default["name"])
    return [first, *[n for n in names if n != first]]


# --- the ring ---------------------------------------------------------------------------------------------


class BlockRing:
    """`slots` stereo blocks of `block` frames. The producer writes slot `write % slots` then increments
    `write`; the consumer copies slot `read % slots` then increments `read`. Each counter has one writer,
    and an int store is atomic in CPython, so no lock is needed. `beats[i]` and `rates[i]` say which song
    beat a slot starts on and how many beats a frame lasts there (for the play head)."""

    def __init__(self, block: int, slots: int) -> None:
        self.block = block
        self.slots = slots
        self.data = np.zeros((slots, block, 2), dtype=np.float32)
        self.beats = np.zeros(slots, dtype=np.float64)
        self.rates = np.zeros(slots, dtype=np.float64)
        self.write = 0
        self.read = 0
        self.paused = False
        self.done = False  # the producer has written its last block
        self.first_copy_at = 0.0  # perf_counter() of the first real block handed to the device

    @property
    def free(self) -> int:
        return self.slots - (self.write - self.read)

    @property
    def drained(self) -> bool:
        return self.done and self.read >= self.write

    def push(self, block: npt.NDArray[np.float32], beat: float = 0.0, rate: float = 0.0) -> None:
        slot = self.write % self.slots
        n = block.shape[0]
        self.data[slot, :n] = block
        if n < self.block:
            self.data[slot, n:] = 0.0
        self.beats[slot] = beat
        self.rates[slot] = rate
        self.write += 1

    def pull_into(self, out: npt.NDArray[np.float32]) -> bool:
        """Copy the next ready block into `out` (silence if none is ready or paused). The device callback."""
        r = self.read
        if self.paused or r >= self.write:
            out.fill(0.0)
            return False
        out[:] = self.data[r % self.slots]
        self.read = r + 1
        if not self.first_copy_at:
            self.first_copy_at = time.perf_counter()
        return True


# --- outputs ----------------------------------------------------------------------------------------------


class Output(Protocol):
    kind: Kind
    sample_rate: int
    block: int
    clocked: bool  # True: blocks are consumed in real time (a device); False: as fast as produced

    @property
    def route(self) -> str: ...

    def start(self, ring: BlockRing) -> None: ...

    def stop(self) -> None: ...


class DeviceOutput:
    """A sounddevice OutputStream whose callback is `BlockRing.pull_into` and nothing else."""

    kind: Kind = "device"
    clocked = True

    def __init__(self, sample_rate: int = 44100, block: int = 1024, device: str | int | None = None) -> None:
        self.sample_rate = sample_rate
        self.block = block
        self._sd = load_sounddevice()
        self.device_name = output_devices()[0] if device is None else str(device)
        self._device = device
        self._stream: Any = None

    @property
    def route(self) -> str:
        return f"speakers ({self.device_name})"

    def start(self, ring: BlockRing) -> None:
        sd = self._sd
        pull = ring.pull_into

        def callback(outdata: Any, frames: int, time_info: Any, status: Any) -> None:
            pull(outdata)

        try:
            with quiet_stderr():
                self._stream = sd.OutputStream(
                    samplerate=self.sample_rate, blocksize=self.block, channels=2, dtype="float32",
                    device=self._device, callback=callback, latency="low",
                )
                self._stream.start()
        except sd.PortAudioError as exc:
            raise NoDevice(f"the output device would not open ({exc})") from exc

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            with quiet_stderr():
                stream.stop()
                stream.close()


class _DrainThread:
    """Consumes a ring on a thread: writes each block to `sink`, as fast as produced or in real time."""

    def __init__(self, block: int, sample_rate: int, realtime: bool) -> None:
        self.block = block
        self.sample_rate = sample_rate
        self.realtime = realtime
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames = 0

    def sink(self, block: npt.NDArray[np.float32]) -> None:
        pass

    def start(self, ring: BlockRing) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(ring,), name="cowriter-audio", daemon=True)
        self._thread.start()

    def _run(self, ring: BlockRing) -> None:
        buf = np.zeros((ring.block, 2), dtype=np.float32)
        period = ring.block / self.sample_rate
        next_at = time.perf_counter()
        while not self._stop.is_set():
            if ring.pull_into(buf):
                self.sink(buf)
                self.frames += ring.block
            elif ring.drained:
                break
            elif not self.realtime:
                time.sleep(0.001)
            if self.realtime:
                next_at += period
                time.sleep(max(0.0, next_at - time.perf_counter()))
        self.finish()

    def finish(self) -> None:
        pass

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._thread = None


class WavOutput(_DrainThread):
    """Writes what would have played into a WAV file, as fast as it is rendered."""

    kind: Kind = "wav"
    clocked = False

    def __init__(self, path: str | Path, sample_rate: int = 44100, block: int = 4096) -> None:
        super().__init__(block, sample_rate, realtime=False)
        self.path = Path(path)
        self._writer = WavWriter(self.path, sample_rate, atomic=False)  # grows as it plays; may stop early

    @property
    def route(self) -> str:
        return f"WAV to {self.path}"

    def start(self, ring: BlockRing) -> None:
        self._writer.open()
        super().start(ring)

    def sink(self, block: npt.NDArray[np.float32]) -> None:
        self._writer.write(block)

    def finish(self) -> None:
        self._writer.close()

    def stop(self) -> None:
        super().stop()
        self._writer.close()


class NullOutput(_DrainThread):
    """Discards the sound (tests, `--audio none`); `clocked=True` consumes it in real time like a device."""

    kind: Kind = "none"

    def __init__(self, sample_rate: int = 44100, block: int = 1024, *, clocked: bool = False) -> None:
        super().__init__(block, sample_rate, realtime=clocked)
        self.clocked = clocked
        self.blocks: list[npt.NDArray[np.float32]] | None = None

    def keep(self) -> NullOutput:
        """Keep copies of the blocks (tests listen to them)."""
        self.blocks = []
        return self

    @property
    def route(self) -> str:
        return "nowhere (audio off)"

    def sink(self, block: npt.NDArray[np.float32]) -> None:
        if self.blocks is not None:
            self.blocks.append(block.copy())


def open_output(
    mode: str | None = None,
    *,
    wav_path: str | Path | None = None,
    sample_rate: int = 44100,
    block: int = 1024,
    env: Mapping[str, str] | None = None,
) -> tuple[Output, str]:
    """The output to use and, when it is not the one asked for or the default, why (else "").

    With the device route and no device, falls back to a WAV at `wav_path` (or nothing without a path)."""
    route = decide_route(mode, env)
    if route.kind == "none":
        return NullOutput(sample_rate, block, clocked=False), ""
    if route.kind == "device":
        try:
            return DeviceOutput(sample_rate, block), ""
        except NoDevice as exc:
            why = str(exc)
        if wav_path is None:
            return NullOutput(sample_rate, block), why
        return WavOutput(wav_path, sample_rate, 4096), why
    if wav_path is None:
        return NullOutput(sample_rate, block), route.reason
    return WavOutput(wav_path, sample_rate, 4096), "" if route.reason.startswith("asked") else route.reason
