"""Is the PulseAudio server we would reach alive? Asked before PortAudio is touched, with a short timeout.

PortAudio reaches PulseAudio through ALSA's pulse plugin, and a server that accepts the connection and
then never answers (a stuck daemon, a dead SSH forward of `PULSE_SERVER`) stalls it for two minutes:
`play` hangs, `doctor` waits, the editor says "playing" and nothing plays. So before sounddevice loads,
`pulse_problem` connects to the server the way a client would (`PULSE_SERVER`'s entries in order, else
the user's own socket) and sends the protocol's first packet (AUTH); any answer, even a refusal or a
closed connection, means the server is alive. No answer within `TIMEOUT` is a stall, said in one line,
and the sound goes to a WAV instead. No PulseAudio at all is not a problem (ALSA or another route).
"""

from __future__ import annotations

import os
import re
import select
import socket
import struct
import time
from collections.abc import Mapping

__all__ = ["TIMEOUT", "pulse_problem", "server_addresses"]

TIMEOUT = 1.5  # seconds: a live server answers in milliseconds, even over an SSH forward
DEFAULT_PORT = 4713
_AUTH = 8
_PROTOCOL = 32
_TAG_U32 = b"L"
_TAG_ARBITRARY = b"x"

Address = tuple[int, object]  # (socket family, address)


def _auth_packet() -> bytes:
    body = (
        _TAG_U32 + struct.pack(">I", _AUTH)
        + _TAG_U32 + struct.pack(">I", 0)  # the tag the reply would carry
        + _TAG_U32 + struct.pack(">I", _PROTOCOL)
        + _TAG_ARBITRARY + struct.pack(">I", 256) + bytes(256)  # an empty cookie: a refusal is an answer
    )  # fmt: skip
    return struct.pack(">IIIII", len(body), 0xFFFFFFFF, 0, 0, 0) + body


def server_addresses(env: Mapping[str, str]) -> list[Address]:
    """Where a client would connect, in order: `PULSE_SERVER`'s entries, else the user's socket if any."""
    spec = env.get("PULSE_SERVER", "").strip()
    if not spec:
        runtime = env.get("PULSE_RUNTIME_PATH") or os.path.join(
            env.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}", "pulse"
        )
        native = os.path.join(runtime, "native")
        return [(socket.AF_UNIX, native)] if os.path.exists(native) else []
    found: list[Address] = []
    for entry in spec.split():
        entry = re.sub(r"^\{[^}]*\}", "", entry)  # "{machine-id}unix:/path": for that machine only
        if entry.startswith("unix:"):
            found.append((socket.AF_UNIX, entry[5:]))
        elif entry.startswith("/"):
            found.append((socket.AF_UNIX, entry))
        else:
            entry = re.sub(r"^tcp[46]?:", "", entry)
            match = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?|([^:]+)(?::(\d+))?", entry)
            if match:
                host = match.group(1) or match.group(3)
                port = int(match.group(2) or match.group(4) or DEFAULT_PORT)
                if 0 < port < 65536:
                    found.append((socket.AF_INET6 if match.group(1) else socket.AF_INET, (host, port)))
    return found


def _describe(address: Address) -> str:
    family, where = address
    if family == socket.AF_UNIX:
        return f"unix:{where}"
    assert isinstance(where, tuple)
    return f"tcp:{where[0]}:{where[1]}"


def pulse_problem(env: Mapping[str, str] | None = None, timeout: float = TIMEOUT) -> str:
    """'' when no PulseAudio server is configured or the first one a client would use answers; else why
    not, in a few words (a server that accepts and stays silent)."""
    env = os.environ if env is None else env
    for address in server_addresses(env):
        family, where = address
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue
        try:
            sock.settimeout(timeout)
            try:
                sock.connect(where)  # type: ignore[arg-type]
            except OSError:
                continue  # refused or unreachable: a client tries the next one, then gives up quickly
            if _answers(sock, timeout):
                return ""
            return (
                f"the PulseAudio server at {_describe(address)} accepts but does not answer "
                "(check PULSE_SERVER, or restart PulseAudio)"
            )
        finally:
            sock.close()
    return ""


def _answers(sock: socket.socket, timeout: float) -> bool:
    end = time.monotonic() + timeout
    try:
        sock.sendall(_auth_packet())
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([sock], [], [], left)
            if ready:
                sock.recv(64)  # a reply, a refusal or the connection closing: all answers
                return True
    except OSError:
        return True  # reset while we spoke: it answered, with a no
    return False
