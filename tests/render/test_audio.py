"""Route decisions, the no-device paths (missing PortAudio, no default output, SSH) and the block ring."""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from cowriter.render import audio
from cowriter.render.audio import (
    BlockRing,
    NoDevice,
    NullOutput,
    WavOutput,
    decide_route,
    open_output,
    quiet_stderr,
)

SSH = "10.0.0.1 50000 10.0.0.2 22"


@pytest.mark.parametrize(
    ("mode", "env", "kind"),
    [
        (None, {}, "device"),
        (None, {"SSH_CONNECTION": SSH}, "wav"),  # a device there is the remote machine's speakers
        (None, {"SSH_CONNECTION": SSH, "PULSE_SERVER": "tcp:localhost:24713"}, "device"),  # forwarded
        ("device", {"SSH_CONNECTION": SSH}, "device"),  # asked for
        ("wav", {}, "wav"),
        ("none", {}, "none"),
        (None, {"COWRITER_AUDIO": "wav"}, "wav"),
        (None, {"COWRITER_AUDIO": "none", "SSH_CONNECTION": SSH}, "none"),
        ("device", {"COWRITER_AUDIO": "none"}, "device"),  # the option beats the variable
    ],
)
def test_decide_route(mode: str | None, env: dict[str, str], kind: str) -> None:
    assert decide_route(mode, env).kind == kind


def test_bad_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="device, wav, none"):
        decide_route("speakers", {})


class PortAudioError(Exception):
    pass


def fake_sounddevice(*, devices: bool) -> types.ModuleType:
    sd = types.ModuleType("sounddevice")
    sd.PortAudioError = PortAudioError  # type: ignore[attr-defined]

    def query_devices(kind: str | None = None) -> object:
        if not devices:
            raise PortAudioError("Error querying device -1")
        dev = {"name": "fake speakers", "max_output_channels": 2}
        return dev if kind else [dev]

    sd.query_devices = query_devices  # type: ignore[attr-defined]
    return sd


@pytest.fixture
def no_portaudio(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing sounddevice fails the way it does without libportaudio2: OSError, not ImportError."""
    monkeypatch.setattr(audio, "_sd", None)
    real_import = __import__

    def fake_import(name: str, *args: object, **kwargs: object) -> object:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("builtins.__import__", fake_import)
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)


def test_missing_portaudio_falls_back_to_wav(no_portaudio: None, tmp_path: Path) -> None:
    with pytest.raises(NoDevice, match="PortAudio is missing"):
        audio.load_sounddevice()
    out, why = open_output(None, wav_path=tmp_path / "x.wav", env={})
    assert isinstance(out, WavOutput) and "PortAudio" in why and out.route == f"WAV to {tmp_path / 'x.wav'}"


def test_no_default_output_falls_back_to_wav(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(audio, "_sd", fake_sounddevice(devices=False))
    with pytest.raises(NoDevice, match="no default output"):
        audio.output_devices()
    out, why = open_output("device", wav_path=tmp_path / "y.wav", env={})
    assert out.kind == "wav" and "no default output" in why
    out, why = open_output(None, env={})  # no path: nothing to write, still no crash
    assert out.kind == "none"


def test_ssh_goes_to_wav_without_touching_the_device(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(audio, "_sd", fake_sounddevice(devices=True))
    out, why = open_output(None, wav_path=tmp_path / "s.wav", env={"SSH_CONNECTION": SSH})
    assert out.kind == "wav" and "SSH" in why
    out, why = open_output(None, env={})
    assert out.kind == "device" and out.route == "speakers (fake speakers)" and why == ""


def test_quiet_stderr_silences_fd_2_and_restores_it(capfd: pytest.CaptureFixture[str]) -> None:
    with quiet_stderr():
        os.write(2, b"ALSA lib pcm.c: noise\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"


def test_ring_hands_over_blocks_in_order_and_silence_when_empty() -> None:
    ring = BlockRing(4, 3)
    out = np.ones((4, 2), dtype=np.float32)
    assert not ring.pull_into(out) and not out.any()  # underrun: silence
    for v in (1.0, 2.0, 3.0):
        ring.push(np.full((4, 2), v, dtype=np.float32), beat=v)
    assert ring.free == 0
    for v in (1.0, 2.0, 3.0):
        assert ring.pull_into(out) and out[0, 0] == v
    ring.push(np.full((2, 2), 9.0, dtype=np.float32))  # a short last block is padded with silence
    ring.paused = True
    assert not ring.pull_into(out)
    ring.paused = False
    ring.done = True
    assert ring.pull_into(out) and out[1, 0] == 9.0 and out[2, 0] == 0.0 and ring.drained


def test_null_output_keeps_blocks() -> None:
    out = NullOutput(44100, 4).keep()
    ring = BlockRing(4, 4)
    ring.push(np.ones((4, 2), dtype=np.float32))
    ring.done = True
    out.start(ring)
    out.stop()
    assert out.blocks is not None and len(out.blocks) == 1
