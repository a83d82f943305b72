"""The relay without SSH: a real listener (`--audio wav`, clocked like a device) on a private socket, and
the server side's `RemotePlayer` talking to it. What the laptop writes is what the server would have
rendered; the transport acts; one server at a time; keys on TCP; faults end a connection, never the
listener; a listener that goes away mid-song leaves the server a WAV and one line."""

from __future__ import annotations

import json
import shutil
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cowriter.core.arrange import arrange
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline
from cowriter.render import remote_find as find
from cowriter.render import remote_wire as wire
from cowriter.render.remote_listener import Listener
from cowriter.render.remote_player import RemotePlayer
from cowriter.render.synth import render
from cowriter.render.wavfile import read_wav

SONG = (
    "{title: Tiny}\n{tempo: 240}\n{start_of_verse: Verse}\n[C]One small [G]song\n{end_of_verse}\n"
    "{start_of_chorus: Chorus}\n[F]And a [C]chorus\n{end_of_chorus}\n"
)


class Running:
    def __init__(self, listener: Listener, events: list[dict[str, Any]]) -> None:
        self.listener = listener
        self.events = events

    def env(self) -> dict[str, str]:
        return {"COWRITER_LISTEN": str(self.listener.socket_path)}

    def kinds(self, connection: int | None = None) -> list[str]:
        return [e["event"] for e in self.events if connection is None or e.get("connection") == connection]

    def wait_for(self, kind: str, timeout: float = 20.0, count: int = 1) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events if e["event"] == kind]
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.02)
        raise AssertionError(f"no {kind!r} event in {timeout}s: {self.events}")


def start_listener(tmp_path: Path, **kwargs: Any) -> tuple[Listener, list[dict[str, Any]], threading.Thread]:
    events: list[dict[str, Any]] = []
    kwargs.setdefault("socket_path", tmp_path / "l.sock")
    listener = Listener(audio="wav", out_dir=tmp_path / "takes", key_path=tmp_path / "key",
                        emit=events.append, **kwargs)  # fmt: skip
    listener.open()
    thread = threading.Thread(target=listener.serve, daemon=True)
    thread.start()
    return listener, events, thread


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    listener, events, thread = start_listener(tmp_path)
    yield Running(listener, events)
    listener.close()
    thread.join(timeout=5)
    assert not thread.is_alive()


def song() -> Any:
    return read_song(SONG)


def take(arrangement: Any, env: dict[str, str], fallback: Path | None = None, **kwargs: Any) -> RemotePlayer:
    opened = find.connect(env, **kwargs)
    return RemotePlayer(arrangement, opened, timeline=timeline(song()), fallback_wav=fallback)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    n = min(len(a), len(b))
    x, y = a[:n].ravel(), b[:n].ravel()
    return float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-12))


@pytest.mark.parametrize("version", [wire.VERSION, wire.VERSION + 1], ids=["events", "pcm"])
def test_the_laptop_writes_what_the_server_would_have_rendered(running: Running, version: int) -> None:
    arrangement = arrange(song(), seed=0)
    player = take(arrangement, running.env(), version=version)
    assert player.mode == ("events" if version == wire.VERSION else "pcm")
    heard: list[Any] = []
    player.on_position = heard.append
    player.start()
    assert player.wait(30) and not player.note
    player.stop()
    wrote = running.wait_for("wrote")
    x, sr = read_wav(wrote["file"])
    ref = render(arrangement)
    written, whole = len(x), len(ref)
    assert sr == 44100 and abs(written - whole) < 0.2 * sr  # the same length, tail included
    assert similarity(x, ref) > 0.98
    assert heard and heard[-1].bar >= 2 and [p.beats for p in heard] == sorted(p.beats for p in heard)
    assert running.kinds(1)[:2] == ["connected", "playing"] and "stopped" in running.kinds(1)
    if version == wire.VERSION:
        assert player.bytes_sent < 10_000  # events: a few KB for the song
    else:
        assert player.bytes_sent > len(ref) * 4 * 0.9  # PCM: every frame, 4 bytes each


def test_seek_pause_resume_tempo_and_stop_act_on_the_laptop(running: Running) -> None:
    arrangement = arrange(song(), seed=0, bpm=60)  # 20 s
    player = take(arrangement, running.env())
    heard: list[Any] = []
    player.on_position = heard.append
    player.start()
    running.wait_for("playing")
    time.sleep(0.5)
    assert heard and heard[-1].bar <= 1
    player.seek(3)
    time.sleep(0.6)
    assert heard[-1].bar == 3  # the play head comes back from the laptop, at the new bar
    player.pause()
    time.sleep(0.4)
    held = player.position
    time.sleep(0.5)
    assert player.position == held  # nothing moves while paused
    player.resume()
    player.set_tempo(120)
    time.sleep(0.8)
    assert player.position is not None and held is not None and player.position.beats > held.beats
    player.stop()
    assert running.wait_for("stopped")["reason"] == "stopped by the server"
    x, _ = read_wav(running.wait_for("wrote")["file"])
    assert len(x) < len(render(arrangement))  # stopped before the end


def test_a_second_server_is_refused_while_the_first_plays(running: Running) -> None:
    arrangement = arrange(song(), seed=0)
    first = take(arrangement, running.env())
    first.start()
    with pytest.raises(find.NoListener, match="busy") as caught:
        find.connect(running.env())
    assert "refused, not queued" in str(caught.value)
    assert running.wait_for("refused")["reason"].startswith("busy")
    assert first.playing
    first.stop()
    second = take(arrangement, running.env())  # free again once the first stopped
    second.start(bar=3)
    assert second.wait(20)
    second.stop()


def test_a_tcp_port_wants_the_key(tmp_path: Path) -> None:
    listener, events, thread = start_listener(tmp_path, port=0)

    def slow(event: dict[str, Any]) -> None:  # a slow terminal: the listener's line is still there
        time.sleep(0.1)  # once the refused client knows
        events.append(event)

    listener.emit = slow
    try:
        setup = listener.setup()
        env = setup.env
        assert env["COWRITER_LISTEN"].startswith("localhost:") and len(env["COWRITER_LISTEN_KEY"]) == 64
        assert setup.ssh[0] == "-R" and setup.config.startswith("RemoteForward ")
        with pytest.raises(find.NoListener, match="wrong or missing key"):
            find.connect({**env, "COWRITER_LISTEN_KEY": "00" * 32})
        assert events[-1]["event"] == "refused" and events[-1]["reason"] == "wrong or missing key"
        with pytest.raises(find.NoListener, match="COWRITER_LISTEN_KEY"):
            find.connect({"COWRITER_LISTEN": env["COWRITER_LISTEN"]})
        opened = find.connect(env)
        assert opened.mode == "events"
        opened.link.close()
        assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600
    finally:
        listener.close()
        thread.join(timeout=5)


def test_a_squatter_that_does_not_know_the_key_gets_no_song(tmp_path: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def squat() -> None:  # pretends to be a listener that wants a key, then answers without proof
        conn, _ = server.accept()
        link = wire.Link(conn)
        link.send_json({"cowriter": "listen", "version": wire.VERSION, "auth": "key", "nonce": "00"})
        link.recv_json()
        link.send_json({"ok": "events", "version": wire.VERSION, "mac": "00" * 32})
        conn.close()

    t = threading.Thread(target=squat)
    t.start()
    with pytest.raises(find.NoListener, match="could not prove"):
        find.connect({"COWRITER_LISTEN": f"127.0.0.1:{port}", "COWRITER_LISTEN_KEY": "ab" * 32})
    t.join()
    server.close()


def raw(running: Running) -> wire.Link:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(str(running.listener.socket_path))
    link = wire.Link(s)
    assert link.recv_json()["cowriter"] == "listen"
    return link


@pytest.mark.parametrize(
    "attack",
    [
        lambda link: link.sock.sendall(b"GET / HTTP/1.1\r\n\r\n"),
        lambda link: link.sock.sendall(struct.pack(">IB", 2**31, ord("J"))),
        lambda link: link.send_json({"cowriter": "nope"}),
        lambda link: (link.send_json({"cowriter": "play", "version": wire.VERSION}),
                      link.recv_json(), link.send_json({"play": {"beats": "lots"}}, zipped=True)),
        lambda link: (link.send_json({"cowriter": "play", "version": wire.VERSION}),
                      link.recv_json(), link.send(wire.ZIPPED, b"\x78\x9c" + b"\xff" * 50)),
        lambda link: (link.send_json({"cowriter": "play", "version": wire.VERSION}),
                      link.recv_json(), link.send_json({"cmd": "seek", "beat": "here"})),
        lambda link: (link.send_json({"cowriter": "play", "version": wire.VERSION + 1}),
                      link.recv_json(), link.send_json({"pcm": {"rate": 8000, "channels": 2}})),
        lambda link: (link.send_json({"cowriter": "play", "version": wire.VERSION + 1}),
                      link.recv_json(), link.send_json({"pcm": {"rate": 44100, "channels": 2}}),
                      link.send(wire.PCM, b"\x00\x01\x02")),
    ],
    ids=["http", "huge frame", "not cowriter", "bad song", "bad zip", "bad seek", "bad rate", "half frame"],
)  # fmt: skip
def test_malformed_connections_end_and_the_listener_serves_the_next(running: Running, attack: Any) -> None:
    link = raw(running)
    attack(link)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not {"closed", "refused"} & set(running.kinds()):
        time.sleep(0.02)
    ends = [e for e in running.events if e["event"] in ("closed", "refused")]
    assert ends, running.events
    assert ends[0]["event"] == "refused" or "malformed" in ends[0]["reason"]
    link.close()
    player = take(arrange(song(), seed=0), running.env())  # the next one plays
    player.start(bar=4)
    assert player.wait(20) and not player.note
    player.stop()


def test_the_server_going_away_frees_the_speakers(running: Running) -> None:
    arrangement = arrange(song(), seed=0, bpm=100)
    player = take(arrangement, running.env())
    player.start()
    running.wait_for("playing")
    player.link.sock.close()  # as a killed process or a dropped tunnel leaves it
    closed = running.wait_for("closed")
    assert closed["reason"] in ("the server went away", "the connection ended")
    assert "stopped" in running.kinds(1)
    again = take(arrangement, running.env())
    again.start(bar=5)
    assert again.wait(20)
    again.stop()


def test_the_listener_going_away_mid_song_leaves_a_wav_and_one_line(tmp_path: Path) -> None:
    listener, _events, thread = start_listener(tmp_path)
    arrangement = arrange(song(), seed=0, bpm=80)
    fallback = tmp_path / "preview.wav"
    player = take(arrangement, {"COWRITER_LISTEN": str(listener.socket_path)}, fallback)
    player.start()
    time.sleep(1.0)
    listener.close()
    thread.join(timeout=5)
    assert player.wait(30)
    assert player.dropped.startswith("the laptop's listener went away")
    assert str(fallback) in player.note and player.take_note() == player.note and player.take_note() == ""
    assert player.output.kind == "wav" and not player.output.clocked  # written as fast as it renders
    x, sr = read_wav(fallback)
    written, whole = len(x), len(render(arrangement))
    assert abs(written - whole) < 0.5 * sr  # the whole take (to the player's 4096-frame blocks), not the rest
    player.stop()


def test_the_first_cowriter_of_a_login_claims_the_forwarded_socket(tmp_path: Path, monkeypatch) -> None:
    folder = Path(tempfile.mkdtemp(prefix="cw-", dir="/tmp"))  # short: a socket path has a length limit
    monkeypatch.setenv("COWRITER_LISTEN_DIR", str(folder))
    usual = find.default_socket()
    listener, _events, thread = start_listener(tmp_path, socket_path=usual)
    ssh = {"SSH_CONNECTION": "10.1.1.1 40000 10.1.1.2 22"}
    try:
        opened = find.connect(ssh)
        opened.link.close()
        claimed = usual.with_name(f"{usual.stem}.{find.login_tag(ssh)}.sock")
        assert claimed.exists() and not usual.exists()  # the next login can forward to the usual path
        assert find.listener_label(ssh) == "laptop (via SSH)"
        time.sleep(0.2)
        again = find.connect(ssh)  # this login finds its claim
        assert again.endpoint.path == claimed
        again.link.close()
    finally:
        listener.socket_path = claimed
        listener.close()
        thread.join(timeout=5)
        shutil.rmtree(folder, ignore_errors=True)


def test_json_events_carry_the_connection(running: Running) -> None:
    player = take(arrange(song(), seed=0), running.env())
    player.start(bar=4)
    player.wait(20)
    player.stop()
    running.wait_for("wrote")
    for event in running.events:
        json.dumps(event)
        assert event["connection"] == 1
