"""The relay's frames: bounded, typed, and refused (never crashed on) when malformed."""

from __future__ import annotations

import json
import socket
import struct
import zlib
from collections.abc import Iterator

import pytest

from cowriter.render import remote_wire as wire


@pytest.fixture
def pair() -> Iterator[tuple[wire.Link, socket.socket]]:
    a, b = socket.socketpair()
    a.settimeout(2.0)
    link = wire.Link(a)
    yield link, b
    link.close()
    b.close()


def frame(kind: bytes, payload: bytes, length: int | None = None) -> bytes:
    return struct.pack(">I", len(payload) + 1 if length is None else length) + kind + payload


def test_json_and_zipped_messages_round_trip() -> None:
    a, b = socket.socketpair()
    sender, receiver = wire.Link(a), wire.Link(b)
    sender.send_json({"cmd": "seek", "beat": 12.5})
    sender.send_json({"play": {"notes": list(range(5000))}}, zipped=True)
    sender.send(wire.PCM, b"\x01\x00\x02\x00")
    assert receiver.recv_json() == {"cmd": "seek", "beat": 12.5}
    assert receiver.recv_json() == {"play": {"notes": list(range(5000))}}
    assert receiver.recv() == (wire.PCM, b"\x01\x00\x02\x00")
    assert sender.sent == receiver.received > 0
    sender.close()
    with pytest.raises(wire.Closed):
        receiver.recv()
    receiver.close()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (frame(b"J", b"", length=wire.MAX_FRAME + 1), "limit"),  # refused before reading 2 MB
        (frame(b"J", b"", length=0), "limit"),
        (frame(b"X", b"{}"), "unknown kind"),
        (frame(b"J", b"x" * 10, length=wire.MAX_JSON + 2), "limit"),
        (frame(b"J", b"\xff\xfe{"), "not JSON"),
        (frame(b"J", b"[1, 2]"), "not a JSON object"),
        (frame(b"J", b'{"beat": NaN}'), "not JSON"),
        (frame(b"J", b"[" * 60_000), "not JSON"),  # nesting deeper than the parser goes
        (frame(b"Z", b"not zlib at all"), "does not inflate"),
        (frame(b"Z", zlib.compress(b" " * (wire.MAX_UNZIPPED + 10))), "inflated"),  # a zip bomb stops
        (frame(b"P", b"\x00\x00\x00\x00"), "got sound"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_malformed_frames_are_refused_with_a_reason(
    pair: tuple[wire.Link, socket.socket], data: bytes, says: str
) -> None:
    link, peer = pair
    peer.sendall(data)
    with pytest.raises(wire.WireError, match=says):
        link.recv_json()


def test_a_peer_that_stops_mid_frame_is_a_closed_link(pair: tuple[wire.Link, socket.socket]) -> None:
    link, peer = pair
    peer.sendall(frame(b"J", json.dumps({"a": 1}).encode())[:-2])
    peer.close()
    with pytest.raises(wire.Closed):
        link.recv_json()


def test_a_silent_peer_times_out(pair: tuple[wire.Link, socket.socket]) -> None:
    link, _peer = pair
    link.sock.settimeout(0.05)
    with pytest.raises(TimeoutError):
        link.recv_json()


def test_sending_never_exceeds_the_bounds() -> None:
    a, b = socket.socketpair()
    link = wire.Link(a)
    with pytest.raises(wire.WireError, match="limit"):
        link.send_json({"text": "x" * (wire.MAX_JSON + 1)})
    with pytest.raises(wire.WireError, match="limit"):
        link.send(wire.PCM, b"\0" * wire.MAX_FRAME)
    with pytest.raises(ValueError):
        link.send_json({"beat": float("nan")})
    link.close()
    b.close()


def test_the_key_proof_needs_the_key_the_nonce_and_the_role() -> None:
    key, nonce = b"k" * 32, wire.new_nonce()
    proof = wire.mac(key, nonce, "play")
    assert wire.mac_ok(key, nonce, "play", proof)
    assert not wire.mac_ok(b"x" * 32, nonce, "play", proof)
    assert not wire.mac_ok(key, wire.new_nonce(), "play", proof)
    assert not wire.mac_ok(key, nonce, "listen", proof)  # the listener's proof is not the server's
    assert not wire.mac_ok(key, nonce, "play", None) and not wire.mac_ok(key, nonce, "play", 12)
