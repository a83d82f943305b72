"""A PulseAudio server that accepts and never answers: found in a second or two, before PortAudio would
stall on it for minutes; `play` writes a WAV and says why, `doctor` says it. A live server (a real
PulseAudio daemon) passes the same probe."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cowriter.render.pulse_probe import TIMEOUT, pulse_problem, server_addresses
from tests.hostile import ROOT, run

from .conftest import Pulse

SWING = ROOT / "examples" / "swing-low.cho"


class Listener:
    """A TCP server on 127.0.0.1 that accepts and then stays silent, answers, or hangs up."""

    def __init__(self, mode: str) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.mode = mode
        self.held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.mode == "silent":
                self.held.append(conn)  # accepted, read nothing, say nothing
            elif self.mode == "answers":
                conn.recv(4096)
                conn.sendall(b"\x00" * 20)
                self.held.append(conn)
            else:
                conn.close()

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent() -> Iterator[Listener]:
    listener = Listener("silent")
    yield listener
    listener.close()


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("tcp:127.0.0.1:4000", [(socket.AF_INET, ("127.0.0.1", 4000))]),
        ("127.0.0.1", [(socket.AF_INET, ("127.0.0.1", 4713))]),
        ("myhost:12", [(socket.AF_INET, ("myhost", 12))]),
        ("tcp6:[::1]:4000", [(socket.AF_INET6, ("::1", 4000))]),
        ("unix:/run/p/native", [(socket.AF_UNIX, "/run/p/native")]),
        ("/run/p/native", [(socket.AF_UNIX, "/run/p/native")]),
        ("{abc}unix:/a tcp:h:1", [(socket.AF_UNIX, "/a"), (socket.AF_INET, ("h", 1))]),
        ("tcp:h:99999", []),
    ],
)
def test_pulse_server_forms(spec: str, expected: list[object]) -> None:
    assert server_addresses({"PULSE_SERVER": spec}) == expected


def test_a_silent_server_is_found_quickly(silent: Listener) -> None:
    start = time.monotonic()
    problem = pulse_problem({"PULSE_SERVER": f"tcp:127.0.0.1:{silent.port}"}, timeout=0.5)
    assert problem == (
        f"the PulseAudio server at tcp:127.0.0.1:{silent.port} accepts but does not answer "
        "(check PULSE_SERVER, or restart PulseAudio)"
    )
    assert time.monotonic() - start < 10  # a ceiling: PortAudio would have waited 120 s


@pytest.mark.parametrize("mode", ["answers", "hangs up"])
def test_a_server_that_answers_or_refuses_is_alive(mode: str) -> None:
    listener = Listener(mode)
    try:
        assert pulse_problem({"PULSE_SERVER": f"tcp:127.0.0.1:{listener.port}"}, timeout=2.0) == ""
    finally:
        listener.close()


def test_no_server_at_all_is_no_problem(tmp_path: Path) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: refused at once
    assert pulse_problem({"PULSE_SERVER": f"tcp:127.0.0.1:{port}"}) == ""
    assert pulse_problem({"XDG_RUNTIME_DIR": str(tmp_path)}) == ""


def test_a_real_pulseaudio_daemon_answers(pulse: Pulse) -> None:
    assert pulse_problem(pulse.env) == ""


def test_play_and_doctor_do_not_wait_on_a_silent_server(silent: Listener, tmp_path: Path) -> None:
    server = f"tcp:127.0.0.1:{silent.port}"
    out = tmp_path / "chorus.wav"
    args = ["--audio", "device", "play", str(SWING), "--section", "Chorus", "--out", str(out)]
    from tests.hostile import cowriter_env

    env = cowriter_env(tmp_path, PULSE_SERVER=server, COWRITER_AUDIO="device")
    done = run(args, tmp_path, env=env, timeout=60)
    assert done.code == 0, done.stderr
    why = (
        f"the PulseAudio server at {server} accepts but does not answer "
        "(check PULSE_SERVER, or restart PulseAudio)"
    )
    assert done.stdout.startswith(f"no audio device: {why}; wrote {out} (")
    assert out.stat().st_size > 44
    doctor = run(["doctor"], tmp_path, env=env, timeout=60)
    assert doctor.code == 0
    assert f"audio:    no device — {why}" in doctor.stdout
    assert TIMEOUT < 5
