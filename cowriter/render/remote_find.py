"""The server side of the relay, before any sound: finding the laptop's listener through the SSH
connection and opening a link to it (the handshake of `remote_wire`). Standard library only: the editor
asks "is there a listener?" for its first frame without loading numpy.

Where a listener is found:
- `COWRITER_LISTEN` names it: a Unix socket path, or `[HOST:]PORT` (with `COWRITER_LISTEN_KEY`, the key
  `cowriter listen --port N` prints: a forwarded TCP port is open to every user of the server, so it
  needs a key);
- else, in an SSH session, the socket the writer's `~/.ssh/config` forwards,
  `/tmp/cowriter-listen-USER.sock`.
  sshd creates it owner-only (0600), so only the writer's own sessions can reach the laptop; a socket
  that is not ours or is open to others is never used.

sshd leaves that socket behind when the connection ends (unless the server sets `StreamLocalBindUnlink
yes`), and the next login then cannot forward to the same path. So the first cowriter of a login that
reaches the listener *claims* the socket: renames it to `cowriter-listen-USER.TAG.sock` (TAG from this
login's `SSH_CONNECTION`); sshd's listening socket keeps working under its new name, and the usual path
is free for the next login. Claimed sockets left by earlier logins refuse connections and are removed.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import hashlib
import os
import socket
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cowriter.render import remote_wire as wire
from cowriter.textsafe import safe_line

DEFAULT_PORT = 47113
ROUTE = "laptop (via SSH)"  # where the sound goes, as the status line says it
CONNECT_TIMEOUT = 3.0


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a listener may be: a Unix socket `path`, or `host`:`port` (with `key`)."""

    path: Path | None = None
    host: str = "localhost"
    port: int = 0
    key: bytes | None = None
    named: bool = False  # by COWRITER_LISTEN (else found by default)

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else f"{self.host}:{self.port}"


class NoListener(Exception):
    """No listener reachable; the message says what was found and what to do, in one line. `found`:
    something was there to try (a socket, a named listener), so the writer expected the laptop."""

    def __init__(self, message: str, *, found: bool = True) -> None:
        super().__init__(message)
        self.found = found


def wanted(mode: str | None, env: Mapping[str, str] | None = None) -> bool:
    """Whether to look for a listener: no audio route asked for (`--audio`, `COWRITER_AUDIO`), and an SSH
    session or `COWRITER_LISTEN`."""
    env = os.environ if env is None else env
    if mode or env.get("COWRITER_AUDIO"):
        return False
    return bool(env.get("COWRITER_LISTEN", "").strip() or env.get("SSH_CONNECTION"))


def user_name() -> str:
    """This account's name, as sshd's `%r` spells it."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # pragma: no cover - Windows, or a uid without an entry
        return getpass.getuser()


def socket_dir() -> Path:
    """Where forwarded sockets are made on the server: /tmp (`COWRITER_LISTEN_DIR` moves it, on both
    sides: for a server whose /tmp is private to each login, and for tests)."""
    return Path(os.environ.get("COWRITER_LISTEN_DIR") or "/tmp")


def default_socket(user: str | None = None) -> Path:
    """The path the writer's `RemoteForward` line makes on the server (`%r` is the remote user)."""
    return socket_dir() / f"cowriter-listen-{user or user_name()}.sock"


def login_tag(env: Mapping[str, str]) -> str:
    return hashlib.sha256(env.get("SSH_CONNECTION", "").encode()).hexdigest()[:12]


def parse_named(value: str, key_hex: str | None) -> Endpoint:
    """`COWRITER_LISTEN`'s value as an endpoint (`NoListener` when it cannot be one)."""
    value = value.strip()
    key = None
    if key_hex:
        try:
            key = bytes.fromhex(key_hex.strip())
        except ValueError:
            hint = "copy it again from `cowriter listen`"
            raise NoListener(f"COWRITER_LISTEN_KEY is not a hex key: {hint}") from None
    if "/" in value:
        return Endpoint(path=Path(value).expanduser(), key=key, named=True)
    host, _, port_text = value.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise NoListener(f"COWRITER_LISTEN={value[:60]!r} is neither a socket path nor [HOST:]PORT")
    if key is None:
        raise NoListener(
            f"COWRITER_LISTEN={value} is a TCP port, which every user of this machine can reach: "
            "set COWRITER_LISTEN_KEY to the key `cowriter listen --port` prints"
        )
    return Endpoint(host=host or "localhost", port=port, key=key, named=True)


def socket_problem(path: Path) -> str:
    """Why the socket at `path` must not be used ("" when it is ours, owner-only, and a socket)."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not stat.S_ISSOCK(st.st_mode):
        return "is not a socket"
    if st.st_uid != os.getuid():
        return "belongs to another user"
    if st.st_mode & 0o077:
        return f"is open to other users (mode {stat.S_IMODE(st.st_mode):o}: sshd's StreamLocalBindMask)"
    return ""


def candidates(env: Mapping[str, str]) -> tuple[list[Endpoint], str]:
    """The endpoints to try, best first, and what was found when there are none."""
    named = env.get("COWRITER_LISTEN", "").strip()
    if named:
        return [parse_named(named, env.get("COWRITER_LISTEN_KEY"))], ""
    if not env.get("SSH_CONNECTION"):
        return [], "not an SSH session (COWRITER_LISTEN names a listener)"
    canonical = default_socket()
    mine = canonical.with_name(f"{canonical.stem}.{login_tag(env)}.sock")
    claimed = sorted(canonical.parent.glob(f"{canonical.stem}.*.sock"), key=_mtime, reverse=True)
    ordered = dict.fromkeys([mine, canonical, *claimed])
    found = [Endpoint(path=p) for p in ordered if p.exists()]
    if found:
        return found, ""
    return [], f"no listener socket at {canonical}"


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0


def listener_label(env: Mapping[str, str] | None = None) -> str:
    """The route to show ("laptop (via SSH)") when a listener socket is there to try (no connection
    made), else ""."""
    env = os.environ if env is None else env
    try:
        found, _ = candidates(env)
    except NoListener:
        return ""
    if any(e.path is None or not socket_problem(e.path) for e in found):
        return ROUTE
    return ""


def _open(endpoint: Endpoint, timeout: float) -> socket.socket:
    if endpoint.path is not None:
        problem = socket_problem(endpoint.path)
        if problem:
            raise NoListener(f"{endpoint.path} {problem}: not using it")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(str(endpoint.path))
        except OSError as exc:
            sock.close()
            if exc.errno in (errno.ECONNREFUSED, errno.ENOENT) and not endpoint.named:
                _remove_stale(endpoint.path)
                raise NoListener(f"{endpoint.path} is left from an earlier SSH login (removed)") from exc
            raise NoListener(f"{endpoint.path}: {exc.strerror or exc}") from exc
        return sock
    try:
        return socket.create_connection((endpoint.host, endpoint.port), timeout=timeout)
    except OSError as exc:
        why = exc.strerror or exc
        raise NoListener(f"nothing listens at {endpoint.host}:{endpoint.port} ({why})") from exc


def _remove_stale(path: Path) -> None:
    if not socket_problem(path):
        with contextlib.suppress(OSError):
            path.unlink()


def _claim(path: Path, env: Mapping[str, str]) -> None:
    """Rename this login's forward off the usual path (see the module's note); best effort."""
    canonical = default_socket()
    if path != canonical:
        return
    mine = canonical.with_name(f"{canonical.stem}.{login_tag(env)}.sock")
    if len(os.fsencode(mine)) > 100:  # a socket's path must stay short (104 bytes on macOS, 108 on Linux)
        return
    with contextlib.suppress(OSError):
        if not mine.exists():
            os.rename(path, mine)


@dataclass
class Opened:
    link: wire.Link
    endpoint: Endpoint
    mode: str  # "events" or "pcm"
    version: int  # the listener's
    hello: dict[str, Any]


def handshake(
    link: wire.Link, key: bytes | None, *, version: int = wire.VERSION, pcm: bool = False
) -> tuple[str, dict[str, Any]]:
    """Our side of the handshake: the mode agreed and the listener's hello (`NoListener` if refused).
    `pcm`: ask for sound rather than events (this side renders: a SoundFont the laptop may not have)."""
    try:
        hello = link.recv_json()
    except TimeoutError:
        raise NoListener("the listener did not answer") from None
    except wire.Closed:
        raise NoListener("the SSH forward is there but nothing listens on the laptop") from None
    if hello.get("cowriter") != "listen" or not isinstance(hello.get("nonce"), str):
        raise NoListener("something else answers there (not `cowriter listen`)")
    auth = hello.get("auth")
    if auth == "key" and key is None:
        raise NoListener("the listener wants its key: set COWRITER_LISTEN_KEY (printed by `cowriter listen`)")
    nonce = wire.new_nonce()
    reply: dict[str, Any] = {"cowriter": "play", "version": version, "nonce": nonce}
    if pcm:
        reply["want"] = "pcm"
    if key is not None:
        reply["mac"] = wire.mac(key, str(hello["nonce"]), "play")
    link.send_json(reply)
    answer = link.recv_json()
    if "refused" in answer:
        raise NoListener(f"the listener refused: {safe_line(str(answer['refused'])[:120])}")
    mode = answer.get("ok")
    if mode not in ("events", "pcm"):
        raise NoListener("the listener answered something this version does not understand")
    if key is not None and auth == "key" and not wire.mac_ok(key, nonce, "listen", answer.get("mac")):
        raise NoListener("the listener could not prove it knows the key: not sending it the song")
    return str(mode), hello


def probe(env: Mapping[str, str] | None = None, *, timeout: float = 2.0) -> tuple[Endpoint, dict[str, Any]]:
    """The first listener that greets, and its greeting, without starting a session (the listener sees a
    caller that hung up, and says nothing): for `cowriter doctor`."""
    env = os.environ if env is None else env
    found, why = candidates(env)
    problems = []
    for endpoint in found:
        try:
            sock = _open(endpoint, timeout)
        except NoListener as exc:
            problems.append(str(exc))
            continue
        link = wire.Link(sock)
        try:
            hello = link.recv_json()
        except (TimeoutError, wire.WireError):
            problems.append(f"{endpoint}: the SSH forward is there but nothing listens on the laptop")
            continue
        finally:
            link.close()
        if hello.get("cowriter") == "listen":
            return endpoint, hello
        problems.append(f"{endpoint}: something else answers there (not `cowriter listen`)")
    raise NoListener(problems[0] if problems else why, found=bool(found))


def connect(
    env: Mapping[str, str] | None = None,
    *,
    timeout: float = CONNECT_TIMEOUT,
    version: int = wire.VERSION,
    pcm: bool = False,
) -> Opened:
    """A link to the first listener that answers (`NoListener`, saying what was found, when none)."""
    env = os.environ if env is None else env
    found, why = candidates(env)
    problems = []
    for endpoint in found:
        try:
            sock = _open(endpoint, timeout)
        except NoListener as exc:
            problems.append(str(exc))
            continue
        link = wire.Link(sock)
        try:
            mode, hello = handshake(link, endpoint.key, version=version, pcm=pcm)
        except (NoListener, wire.WireError, TimeoutError, OSError) as exc:
            link.close()
            problems.append(str(exc) if isinstance(exc, NoListener) else f"{endpoint}: {exc}")
            continue
        if endpoint.path is not None:
            _claim(endpoint.path, env)
        peer = hello.get("version")
        return Opened(link, endpoint, mode, peer if isinstance(peer, int) else 0, hello)
    useful = [p for p in problems if "earlier SSH login" not in p]
    raise NoListener((useful or problems)[0] if problems else why, found=bool(found))
