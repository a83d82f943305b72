"""`cowriter play` and `cowriter doctor` on the no-device paths: SSH, --audio wav/none, missing PortAudio,
no default output. Each writes a WAV (or plays nothing), says so in one line and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.render import audio
from cowriter.render.wavfile import read_wav

SONG = "{title: Tiny}\n{tempo: 140}\n\n{start_of_verse: Verse}\n[C]One small [G]song\n{end_of_verse}\n"
SSH = "10.0.0.1 50000 10.0.0.2 22"


@pytest.fixture
def song_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.cho"
    path.write_text(SONG)
    return path


def cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if k not in ("SSH_CONNECTION", "PULSE_SERVER", "COWRITER_AUDIO")
    }
    return subprocess.run(
        [sys.executable, "-m", "cowriter", *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_ssh_session_writes_a_wav_and_says_where(song_file: Path, tmp_path: Path) -> None:
    done = cli("play", str(song_file), env={"SSH_CONNECTION": SSH}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    wav = tmp_path / "tiny.wav"
    assert done.stdout.count("\n") == 1 and str(wav) in done.stdout and "SSH" in done.stdout
    x, sr = read_wav(wav)
    assert sr == 44100 and x.shape[0] > sr and x.any()


@pytest.mark.parametrize("how", [["--audio", "wav"], ["COWRITER_AUDIO=wav"]])
def test_asking_for_a_wav(how: list[str], song_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "x" / "take.wav"
    env = dict([how[0].split("=")]) if "=" in how[0] else None
    args = [] if env else how
    done = cli(*args, "play", str(song_file), "--out", str(out), "--section", "verse", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out}") and out.exists()


def test_audio_none_plays_nothing(song_file: Path) -> None:
    done = cli("--audio", "none", "play", str(song_file))
    assert done.returncode == 0 and "nothing played" in done.stdout


def test_unknown_section_is_one_line_error(song_file: Path) -> None:
    done = cli("--audio", "wav", "play", str(song_file), "--section", "bridge")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "bridge" in done.stderr


def test_errors_in_the_song_are_shown_and_the_rest_still_plays(tmp_path: Path) -> None:
    song = tmp_path / "broken.cho"
    song.write_text("[C]One small [G]song\n[Am unclosed\n")
    out = tmp_path / "b.wav"
    done = cli("--audio", "wav", "play", str(song), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"{song}:2:1: " in done.stderr and done.stdout.startswith(f"wrote {out}")


class PortAudioError(Exception):
    pass


def test_missing_portaudio_and_no_device_in_process(
    monkeypatch: pytest.MonkeyPatch, song_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("COWRITER_AUDIO", raising=False)
    monkeypatch.setattr(audio, "_sd", None)
    real_import = __import__

    def no_portaudio(name: str, *args: object, **kwargs: object) -> object:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("builtins.__import__", no_portaudio)
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    out = tmp_path / "a.wav"
    assert main(["play", str(song_file), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "PortAudio is missing" in said and str(out) in said and out.exists()
    monkeypatch.setattr("builtins.__import__", real_import)

    sd = types.ModuleType("sounddevice")
    sd.PortAudioError = PortAudioError  # type: ignore[attr-defined]

    def query_devices(kind: str | None = None) -> object:
        raise PortAudioError("Error querying device -1")

    sd.query_devices = query_devices  # type: ignore[attr-defined]
    monkeypatch.setattr(audio, "_sd", sd)
    out2 = tmp_path / "b.wav"
    assert main(["play", str(song_file), "--out", str(out2)]) == 0
    said = capsys.readouterr().out
    assert "no default output" in said and str(out2) in said and out2.exists()


def test_doctor_reports_and_advises_over_ssh() -> None:
    done = cli("doctor", env={"SSH_CONNECTION": SSH, "TERM": "xterm-256color"})
    assert done.returncode == 0, done.stderr
    for word in ("audio:", "ssh:", "model:", "colours:"):
        assert word in done.stdout
    assert (
        "ssh -R" in done.stdout
        and "PULSE_SERVER" in done.stdout
        and "SSH session from 10.0.0.1" in done.stdout
    )
    assert "256" in done.stdout
    plain = cli("doctor", env={"NO_COLOR": "1"})
    assert "not an SSH session" in plain.stdout and "colours:  none" in plain.stdout
