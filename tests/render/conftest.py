"""Real virtual audio devices for playback tests, each private to the test that uses it.

- `pulse`: a PulseAudio daemon with a null sink, run as a user daemon with a private HOME and
  XDG_RUNTIME_DIR (works as root), and `record()` to capture its monitor with `parecord`. ALSA's default
  device reaches it through libasound2-plugins, so PortAudio/sounddevice play into it. The fixture stops
  only the daemon it started (`pactl exit` on its private socket).
- `alsa_file`: a private `.asoundrc` whose default PCM writes everything played into a WAV file (not
  clocked: plays instantly).

Both skip cleanly when the Debian packages are missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SINK = "cowriter_test_null"


@dataclass
class Pulse:
    env: dict[str, str]
    root: Path

    def record(self, path: Path) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            ["parecord", "-d", f"{SINK}.monitor", "--file-format=wav", str(path)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.3)  # let the recorder connect before anything plays
        return proc

    @staticmethod
    def finish(proc: subprocess.Popen[bytes]) -> None:
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)  # parecord finalises the WAV header on SIGINT
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()


def _private_env(root: Path) -> dict[str, str]:
    home, run = root / "home", root / "run"
    home.mkdir(parents=True, exist_ok=True)
    run.mkdir(parents=True, exist_ok=True)
    run.chmod(0o700)
    env = {
        k: v for k, v in os.environ.items() if k not in ("PULSE_SERVER", "SSH_CONNECTION", "COWRITER_AUDIO")
    }
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(run), PULSE_RUNTIME_PATH=str(run / "pulse"))
    return env


@pytest.fixture
def pulse(tmp_path: Path) -> Iterator[Pulse]:
    if not (shutil.which("pulseaudio") and shutil.which("parecord") and shutil.which("pactl")):
        pytest.skip("pulseaudio / pulseaudio-utils not installed")
    env = _private_env(tmp_path / "pulse")
    started = subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "-n",
            "--load=module-native-protocol-unix",
            f"--load=module-null-sink sink_name={SINK}",
        ],
        env=env,
        capture_output=True,
        timeout=20,
    )
    if started.returncode != 0:
        pytest.skip(f"pulseaudio would not start: {started.stderr.decode(errors='replace')[-200:]}")
    for _ in range(50):
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    try:
        yield Pulse(env, tmp_path)
    finally:
        subprocess.run(["pactl", "exit"], env=env, capture_output=True, timeout=10)


@dataclass
class AlsaFile:
    env: dict[str, str]
    wav: Path


@pytest.fixture
def alsa_file(tmp_path: Path) -> AlsaFile:
    if not Path("/usr/share/alsa/alsa.conf").exists():
        pytest.skip("ALSA configuration not installed")
    env = _private_env(tmp_path / "alsa")
    wav = tmp_path / "alsa-out.wav"
    (Path(env["HOME"]) / ".asoundrc").write_text(
        'pcm.!default { type plug; slave { pcm { type file; slave.pcm "null"; '
        f'file "{wav}"; format "wav" }}; format S16_LE }} }}\n'
    )
    return AlsaFile(env, wav)
