"""The relay's wire: how a cowriter on a server and `cowriter listen` on a laptop talk, through the SSH
connection the writer already has.

A frame is a 4-byte big-endian length, then one byte saying what it holds, then the payload (the length
counts the kind byte and the payload). Every frame is bounded: a reader refuses a length above
`MAX_FRAME` before reading the payload, so a malformed or hostile peer costs at most one bounded read and
never an allocation it chose. Kinds:

- `J`: one JSON object (UTF-8), at most `MAX_JSON` bytes;
- `Z`: one JSON object, zlib-compressed (an arrangement), at most `MAX_UNZIPPED` bytes once inflated
  (inflated in bounded steps: a zip bomb stops at the bound);
- `P`: PCM, signed 16-bit little-endian stereo at the rate agreed in the handshake.

The handshake (frozen: every version speaks it, so two versions can always agree on something):
1. the listener says `{"cowriter": "listen", "version": V, "auth": "none"|"key", "nonce": HEX}`;
2. the server answers `{"cowriter": "play", "version": V, "nonce": HEX, "mac": HEX}` (`mac`: HMAC-SHA256
   of the listener's nonce under the shared key, where the listener asked for a key; `"want": "pcm"`
   asks for sound even where versions agree: the server plays a SoundFont the laptop may not have);
3. the listener answers `{"ok": "events"|"pcm", "version": V, "mac": HEX}` (proving it knows the key too,
   so a server never sends a song to a listener that merely squats the port), or `{"refused": REASON}`.

Equal versions speak events (see `remote_events`); different versions fall back to PCM, whose few messages
are frozen too: `{"pcm": {"rate": R, "channels": 2}}`, `P` frames, `{"flush": true}`, `{"end": true}`
from the server; `{"played": FRAMES}` and `{"done": true}` from the listener.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import socket
import struct
import threading
import zlib
from typing import Any

VERSION = 1
MAX_FRAME = 2 * 1024 * 1024  # the largest frame either side reads (an arrangement zipped is ~3 KB a minute)
MAX_JSON = 64 * 1024  # a control message
MAX_UNZIPPED = 8 * 1024 * 1024  # an arrangement, inflated
_HEADER = struct.Struct(">IB")

JSON, ZIPPED, PCM = ord("J"), ord("Z"), ord("P")
KINDS = frozenset((JSON, ZIPPED, PCM))


class WireError(Exception):
    """The peer sent something this side will not read (too big, unknown, malformed): the connection is
    dropped, never the program."""


class Closed(WireError):
    """The peer went away (EOF, reset, or the tunnel closed)."""


def new_nonce() -> str:
    return os.urandom(16).hex()


def mac(key: bytes, nonce: str, role: str) -> str:
    """Proof that the sender knows `key`: HMAC-SHA256 over the peer's nonce and the sender's role."""
    return hmac.new(key, f"cowriter-listen {role} {nonce}".encode(), hashlib.sha256).hexdigest()


def mac_ok(key: bytes, nonce: str, role: str, given: object) -> bool:
    return isinstance(given, str) and hmac.compare_digest(mac(key, nonce, role), given)


class Link:
    """A framed connection. `send*` may be called from several threads; `recv*` from one."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._send_lock = threading.Lock()
        self._header = bytearray(_HEADER.size)
        self.sent = 0  # bytes, for the figures
        self.received = 0
        self.closed = False

    # --- sending --------------------------------------------------------------------------------------

    def send(self, kind: int, payload: bytes) -> None:
        if len(payload) + 1 > MAX_FRAME:
            raise WireError(f"frame of {len(payload)} bytes is over the {MAX_FRAME}-byte limit")
        data = _HEADER.pack(len(payload) + 1, kind) + payload
        with self._send_lock:
            try:
                self.sock.sendall(data)
            except OSError as exc:
                raise Closed(f"the connection closed ({exc.strerror or exc})") from exc
            self.sent += len(data)

    def send_json(self, obj: dict[str, Any], *, zipped: bool = False) -> None:
        data = json.dumps(obj, separators=(",", ":"), allow_nan=False).encode()
        if zipped:
            self.send(ZIPPED, zlib.compress(data, 6))
        else:
            if len(data) > MAX_JSON:
                raise WireError(f"message of {len(data)} bytes is over the {MAX_JSON}-byte limit")
            self.send(JSON, data)

    # --- receiving ------------------------------------------------------------------------------------

    def _read_exactly(self, n: int) -> bytearray:
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            try:
                r = self.sock.recv_into(view[got:], n - got)
            except TimeoutError:
                raise
            except OSError as exc:
                raise Closed(f"the connection closed ({exc.strerror or exc})") from exc
            if r == 0:
                raise Closed("the other side closed the connection")
            got += r
        self.received += n
        return buf

    def recv(self) -> tuple[int, bytes]:
        """The next frame's kind and payload (`TimeoutError` when the socket's timeout passes first)."""
        length, kind = _HEADER.unpack(self._read_exactly(_HEADER.size))
        if length < 1 or length > MAX_FRAME:
            raise WireError(f"a frame of {length} bytes (the limit is {MAX_FRAME})")
        if kind not in KINDS:
            raise WireError(f"a frame of unknown kind {kind}")
        if kind == JSON and length - 1 > MAX_JSON:
            raise WireError(f"a message of {length - 1} bytes (the limit is {MAX_JSON})")
        return kind, bytes(self._read_exactly(length - 1))

    def recv_json(self) -> dict[str, Any]:
        """The next frame, which must be a JSON object."""
        kind, payload = self.recv()
        if kind == PCM:
            raise WireError("expected a message, got sound")
        return parse_json(kind, payload)

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def parse_json(kind: int, payload: bytes) -> dict[str, Any]:
    """A `J` or `Z` payload as a JSON object (`WireError` for anything else)."""
    if kind == ZIPPED:
        inflater = zlib.decompressobj()
        try:
            payload = inflater.decompress(payload, MAX_UNZIPPED)
        except zlib.error as exc:
            raise WireError(f"a compressed message that does not inflate ({exc})") from exc
        if inflater.unconsumed_tail:
            raise WireError(f"a compressed message over {MAX_UNZIPPED} bytes inflated")
    try:
        obj = json.loads(payload.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"a message that is not JSON ({str(exc)[:60]})") from exc
    if not isinstance(obj, dict):
        raise WireError("a message that is not a JSON object")
    return obj


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number here")
