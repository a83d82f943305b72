"""`cowriter listen` as the contract says, and `cowriter play` reaching it: the setup line then one JSON
object per event, the ~/.ssh/config line for a person, one line per connection, a clean stop, one-line
errors; `play` says where the sound went, and with no listener keeps its one line and its WAV."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.render import audio

SONG = "{title: Tiny}\n{tempo: 200}\n\n[C]One small [G]song\n"


STARTED: list[subprocess.Popen[str]] = []  # listeners a test started, stopped after it whatever happened


@pytest.fixture
def home() -> Iterator[Path]:
    """Short private folders (a Unix socket's path has a length limit)."""
    path = Path(tempfile.mkdtemp(prefix="cw-l-", dir="/tmp"))
    yield path
    while STARTED:  # a test that failed half-way leaves no listener running behind it
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=20)
    subprocess.run(["rm", "-rf", str(path)], check=False)


def env_for(home: Path, **extra: str) -> dict[str, str]:
    base = {
        k: v for k, v in os.environ.items() if k not in ("SSH_CONNECTION", "COWRITER_AUDIO", "PULSE_SERVER")
    }
    return {**base, "XDG_CACHE_HOME": str(home / "c"), "XDG_CONFIG_HOME": str(home / "k"), **extra}


def listen(home: Path, *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cowriter", "listen", "--audio", "wav", "--out", str(home / "takes"), *args],
        env=env_for(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    STARTED.append(proc)
    return proc


def stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    return out, err


def play(home: Path, song: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cowriter", "play", str(song)], env=env_for(home, **extra),
        capture_output=True, text=True, timeout=60, cwd=home,
    )  # fmt: skip


def test_json_setup_then_one_event_a_line(home: Path) -> None:
    song = home / "tiny.cho"
    song.write_text(SONG)
    proc = listen(home, "--json")
    assert proc.stdout is not None
    setup = json.loads(proc.stdout.readline())
    assert set(setup) == {"ssh", "env"} and setup["env"] == {}
    sock = home / "c" / "cowriter" / "listen.sock"
    assert setup["ssh"][0] == "-R" and setup["ssh"][1].endswith(f"/cowriter-listen-%r.sock:{sock}")
    assert sock.stat().st_mode & 0o777 == 0o600 and (sock.parent.stat().st_mode & 0o777) == 0o700
    done = play(home, song, COWRITER_LISTEN=str(sock))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("playing Tiny") and "on your laptop (via SSH)" in done.stdout
    time.sleep(0.5)
    out, err = stop(proc)
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["connected", "playing", "stopped", "wrote"]
    wrote = events[-1]
    assert Path(wrote["file"]).exists() and wrote["file"].startswith(str(home / "takes"))
    assert events[1]["title"] == "Tiny" and events[0]["mode"] == "events"
    assert err == "" and not sock.exists()  # stopped cleanly: the socket is gone


def test_a_tcp_port_prints_the_forward_and_the_key(home: Path) -> None:
    proc = listen(home, "--json", "--port", "0")
    assert proc.stdout is not None
    setup = json.loads(proc.stdout.readline())
    stop(proc)
    port = int(setup["env"]["COWRITER_LISTEN"].split(":")[1])
    assert setup["ssh"] == ["-R", f"{port}:localhost:{port}"]
    key = (home / "k" / "cowriter" / "listen.key").read_text().strip()
    assert setup["env"]["COWRITER_LISTEN_KEY"] == key and len(key) == 64


def test_for_a_person_the_config_line_then_one_line_per_connection(home: Path) -> None:
    song = home / "tiny.cho"
    song.write_text(SONG)
    proc = listen(home)
    assert proc.stdout is not None
    intro = [proc.stdout.readline() for _ in range(4)]
    assert "RemoteForward " in intro[1] and "/cowriter-listen-%r.sock " in intro[1]
    assert intro[2].strip().startswith("or each time:  ssh -R ")
    done = play(home, song, COWRITER_LISTEN=str(home / "c" / "cowriter" / "listen.sock"))
    assert done.returncode == 0, done.stderr
    time.sleep(0.5)
    out, _ = stop(proc)
    lines = out.splitlines()
    assert (
        len(lines) == 2 and "#1 Tiny" in lines[0] and "wrote " in lines[0] and lines[1] == "stopped listening"
    )


def test_a_second_listener_says_one_is_running(home: Path) -> None:
    first = listen(home, "--json")
    assert first.stdout is not None
    first.stdout.readline()
    second = listen(home)
    _, err = second.communicate(timeout=20)
    stop(first)
    assert second.returncode == 1 and err.count("\n") == 1 and "already running" in err


def test_no_audio_device_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class PortAudioError(Exception):
        pass

    sd = types.ModuleType("sounddevice")
    sd.PortAudioError = PortAudioError  # type: ignore[attr-defined]

    def query_devices(kind: str | None = None) -> object:
        raise PortAudioError("Error querying device -1")

    sd.query_devices = query_devices  # type: ignore[attr-defined]
    monkeypatch.setattr(audio, "_sd", sd)
    assert main(["listen"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no audio device here" in err and "--audio wav" in err


def test_play_with_a_listener_named_but_not_there_writes_the_wav(home: Path) -> None:
    song = home / "tiny.cho"
    song.write_text(SONG)
    done = play(home, song, COWRITER_LISTEN=str(home / "nothing.sock"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and done.stdout.startswith("laptop: ")
    assert f"wrote {home / 'tiny.wav'}" in done.stdout and (home / "tiny.wav").exists()


def test_play_over_ssh_without_a_listener_is_as_before(home: Path) -> None:
    song = home / "tiny.cho"
    song.write_text(SONG)
    done = play(home, song, SSH_CONNECTION="10.0.0.1 50000 10.0.0.2 22")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("no audio device: SSH session") and done.stdout.count("\n") == 1


def doctor(home: Path, **extra: str) -> str:
    done = subprocess.run([sys.executable, "-m", "cowriter", "doctor"], env=env_for(home, **extra),
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_doctor_on_both_sides(home: Path) -> None:
    ssh = "10.0.0.1 50000 10.0.0.2 22"
    said = doctor(home, SSH_CONNECTION=ssh)
    assert "laptop:   no listener socket at " in said and "RemoteForward " in said and "PULSE_SERVER" in said
    assert "listen:   not running" in doctor(home)
    proc = listen(home, "--json")
    assert proc.stdout is not None
    proc.stdout.readline()
    sock = home / "c" / "cowriter" / "listen.sock"
    try:
        server = doctor(home, SSH_CONNECTION=ssh, COWRITER_LISTEN=str(sock))
        laptop = doctor(home)
    finally:
        out, _ = stop(proc)
    assert f"laptop:   `cowriter listen` answers at {sock} (events" in server
    assert "plays on your laptop (via SSH)" in server and "ssh -R 24713" not in server  # no other advice
    assert f"listen:   running ({sock})" in laptop
    assert out == ""  # the doctor's probes started no session: the listener reported nothing
