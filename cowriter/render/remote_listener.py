"""`cowriter listen`'s engine, on the laptop: where it listens, who it lets in, one server at a time.

It listens on a Unix socket only its owner can open (`~/.cache/cowriter/listen.sock`, 0600 in a 0700
folder), which the writer's `~/.ssh/config` forwards to the server as an owner-only socket there (sshd
makes it 0600): only the writer's own sessions reach it, and none of them needs a key. With `--port N`
(and on Windows, which has no such sockets) it also listens on 127.0.0.1:N; a forwarded TCP port is open
to every user of the server, so a connection there must prove it knows the key in
`~/.config/cowriter/listen.key` (HMAC over a fresh nonce: the key never travels) or is refused.

One server plays at a time. A second one that connects while the first is connected is refused (not
queued: a queued take would start at a moment nobody chose), with a line on both sides saying so. Every
connection runs in its own thread; whatever it does wrong ends that connection, never the listener.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cowriter.render import remote_find
from cowriter.render import remote_wire as wire
from cowriter.render.audio import DeviceOutput, NoDevice, Output, WavOutput
from cowriter.render.remote_session import Session

HANDSHAKE_TIMEOUT = 5.0
MAX_HANDSHAKES = 8  # connections still greeting at once; more wait in the kernel's backlog
Emit = Callable[[dict[str, Any]], None]


class ListenError(Exception):
    """The listener cannot start; the message says why and what to do."""


def _home_dir(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def key_file() -> Path:
    return _home_dir("XDG_CONFIG_HOME", ".config") / "cowriter" / "listen.key"


def local_socket() -> Path:
    return _home_dir("XDG_CACHE_HOME", ".cache") / "cowriter" / "listen.sock"


def load_key(path: Path | None = None) -> bytes:
    """The listener's key, made (random, owner-only) the first time."""
    path = path or key_file()
    with contextlib.suppress(OSError, ValueError):
        key = bytes.fromhex(path.read_text().strip())
        if len(key) >= 16:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.hex() + "\n")
    return key


@dataclass
class Setup:
    """What connects a server to this listener: `ssh` arguments, the `~/.ssh/config` line, and the
    environment the server side needs (empty when it finds the listener by itself)."""

    ssh: list[str]
    config: str
    env: dict[str, str] = field(default_factory=dict)
    where: list[str] = field(default_factory=list)  # what this listener listens on, for the status


WARM_SKETCH = "{title: warm-up}\n[C]one [Am]two [F]three [G7]four\n"


def warm(sample_rate: int) -> None:
    """Make the first take start fast: build the reverb kernel and render every drum hit any style plays
    at every velocity, into the process's note cache (about a second, once, before serving)."""
    from cowriter.core.arrange import arrange
    from cowriter.core.arrange.styles import STYLES
    from cowriter.core.sheet import read_song
    from cowriter.render import player as _player  # noqa: F401 - imported now, not on the first take
    from cowriter.render.synth import Engine

    engine = Engine(sample_rate, 1024)
    song = read_song(WARM_SKETCH)
    pitches = {n.pitch for style in STYLES for t in arrange(song, style=style, seed=0).tracks
               if t.instrument == "drums" for n in t.notes}  # fmt: skip
    for pitch in sorted(pitches):
        for bucket in range(16):
            engine.cache.get("drums", pitch, bucket * 8, 0)


class ClockedWav(WavOutput):
    """A WAV written in real time, as a device would play it: what the laptop would have heard, with the
    server's seeks and stops where they happened (`--audio wav`)."""

    clocked = True

    def __init__(self, path: str | Path, sample_rate: int = 44100, block: int = 1024) -> None:
        super().__init__(path, sample_rate, block)
        self.realtime = True


def _slug(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "take"


class Listener:
    def __init__(
        self,
        *,
        audio: str = "device",
        out_dir: Path | None = None,
        port: int | None = None,
        emit: Emit | None = None,
        socket_path: Path | None = None,
        key_path: Path | None = None,
        sample_rate: int = 44100,
        ahead: float = 0.1,
        version: int = wire.VERSION,
    ) -> None:
        if audio not in ("device", "wav"):
            raise ListenError(f"--audio must be device or wav, not {audio!r}")
        self.audio = audio
        self.out_dir = out_dir or Path.cwd()
        self.port = port
        self.emit: Emit = emit or (lambda event: None)
        self.socket_path = socket_path or local_socket()
        self.key_path = key_path or key_file()
        self.sample_rate = sample_rate
        self.ahead = ahead
        self.version = version
        self.key = b""
        self.device = ""
        self._servers: list[tuple[socket.socket, str]] = []
        self._busy: int = 0  # the connection holding the speakers (0: none)
        self._count = 0
        self._lock = threading.Lock()
        self._greeting = threading.BoundedSemaphore(MAX_HANDSHAKES)
        self._threads: set[threading.Thread] = set()
        self._stop = threading.Event()
        self.sessions: dict[int, Session] = {}  # live ones, for tests and benchmarks

    # --- starting -------------------------------------------------------------------------------------

    def open(self) -> Setup:
        """Check the audio, bind the sockets, and say how a server reaches them (`ListenError`)."""
        if self.audio == "device":
            try:
                from cowriter.render.audio import output_devices

                self.device = output_devices()[0]
            except NoDevice as exc:
                hint = "`--audio wav` writes each take to a file"
                raise ListenError(f"no audio device here ({exc}); {hint}") from exc
        warm(self.sample_rate)
        unix = hasattr(socket, "AF_UNIX")
        if unix:
            self._bind_unix()
        if self.port is not None or not unix:
            self.key = load_key(self.key_path)
            self._bind_tcp(remote_find.DEFAULT_PORT if self.port is None else self.port)
        return self.setup()

    def setup(self) -> Setup:
        where = [f"{kind} {name}" for sock, kind in self._servers for name in [self._name(sock, kind)]]
        tcp = [s for s, kind in self._servers if kind == "tcp"]
        if tcp:
            port = tcp[0].getsockname()[1]
            env = {"COWRITER_LISTEN": f"localhost:{port}", "COWRITER_LISTEN_KEY": self.key.hex()}
            line = f"RemoteForward {port} localhost:{port}"
            return Setup(["-R", f"{port}:localhost:{port}"], line, env, where)
        remote = str(remote_find.socket_dir() / "cowriter-listen-%r.sock")
        local = str(self.socket_path)
        return Setup(["-R", f"{remote}:{local}"], f"RemoteForward {remote} {local}", {}, where)

    @staticmethod
    def _name(sock: socket.socket, kind: str) -> str:
        if kind == "unix":
            return str(sock.getsockname())
        host, port = sock.getsockname()[:2]
        return f"{host}:{port}"

    def _bind_unix(self) -> None:
        path = self.socket_path
        folder = path.parent
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
        if path.exists() or path.is_symlink():
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            probe.settimeout(1.0)
            try:
                probe.connect(str(path))
            except OSError as exc:
                if exc.errno not in (errno.ECONNREFUSED, errno.ENOENT, errno.ENOTSOCK):
                    raise ListenError(f"{path}: {exc.strerror or exc}") from exc
                path.unlink(missing_ok=True)  # left by a listener that did not stop cleanly
            else:
                raise ListenError(f"a listener is already running here ({path}); stop it first")
            finally:
                probe.close()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(str(path))
        except OSError as exc:
            sock.close()
            raise ListenError(f"cannot listen on {path}: {exc.strerror or exc}") from exc
        finally:
            os.umask(old)
        path.chmod(0o600)
        sock.listen(16)
        self._servers.append((sock, "unix"))

    def _bind_tcp(self, port: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            sock.close()
            raise ListenError(f"cannot listen on port {port}: {exc.strerror or exc}; try --port N") from exc
        sock.listen(16)
        self._servers.append((sock, "tcp"))

    # --- serving --------------------------------------------------------------------------------------

    def serve(self) -> None:
        """Accept connections until `close()` (from another thread) or Ctrl-C."""
        selector = selectors.DefaultSelector()
        for sock, kind in self._servers:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ, kind)
        try:
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.2):
                    try:
                        conn, _addr = key.fileobj.accept()  # type: ignore[union-attr]
                    except OSError:
                        continue
                    conn.setblocking(True)
                    self._count += 1
                    thread = threading.Thread(
                        target=self._connection, args=(conn, key.data, self._count),
                        name=f"cowriter-listen-{self._count}", daemon=True,
                    )  # fmt: skip
                    self._threads.add(thread)
                    thread.start()
                self._threads = {t for t in self._threads if t.is_alive()}
        finally:
            selector.close()

    def close(self) -> None:
        """Stop accepting, end every connection, remove the socket."""
        self._stop.set()
        for session in list(self.sessions.values()):
            with contextlib.suppress(Exception):
                session.link.close()
        for thread in list(self._threads):
            thread.join(timeout=3.0)
        for sock, kind in self._servers:
            with contextlib.suppress(OSError):
                sock.close()
            if kind == "unix":
                with contextlib.suppress(OSError):
                    self.socket_path.unlink()
        self._servers = []

    def _connection(self, sock: socket.socket, via: str, number: int) -> None:
        link = wire.Link(sock)
        try:
            with self._greeting:
                mode = self._greet(link, via, number)
            if mode is None:
                return
            session = Session(
                link, mode, self._make_output, self._emit_for(number), sample_rate=self.sample_rate,
                ahead=self.ahead, release=lambda: self._release(number),
            )  # fmt: skip
            self.sessions[number] = session
            try:
                why = session.run()
            finally:
                self.sessions.pop(number, None)
            self.emit({"event": "closed", "connection": number, "reason": why})
        except Exception as exc:  # the listener outlives anything one connection does
            why = f"error: {type(exc).__name__}: {exc}"
            self.emit({"event": "closed", "connection": number, "reason": why})
        finally:
            self._release(number)
            link.close()

    def _release(self, number: int) -> None:
        with self._lock:
            if self._busy == number:
                self._busy = 0

    def _emit_for(self, number: int) -> Emit:
        def emit(event: dict[str, Any]) -> None:
            self.emit({**event, "connection": number})

        return emit

    def _refuse(self, link: wire.Link, number: int, reason: str) -> None:
        # Said here before the client is told, so the listener's line is there once the client knows.
        self.emit({"event": "refused", "connection": number, "reason": reason})
        with contextlib.suppress(wire.WireError, OSError):
            link.send_json({"refused": reason})

    def _greet(self, link: wire.Link, via: str, number: int) -> str | None:
        """The handshake; the mode agreed, or None (refused, or a probe that hung up)."""
        link.sock.settimeout(HANDSHAKE_TIMEOUT)
        nonce = wire.new_nonce()
        auth = "key" if via == "tcp" else "none"
        try:
            link.send_json({"cowriter": "listen", "version": self.version, "auth": auth, "nonce": nonce})
            reply = link.recv_json()
        except (wire.Closed, TimeoutError, OSError):
            return None  # a probe, or a client that gave up: nothing to report
        except wire.WireError as exc:
            self._refuse(link, number, f"malformed greeting ({exc})")
            return None
        if reply.get("cowriter") != "play":
            self._refuse(link, number, "not a cowriter")
            return None
        if auth == "key" and not wire.mac_ok(self.key, nonce, "play", reply.get("mac")):
            self._refuse(link, number, "wrong or missing key")
            return None
        peer = reply.get("version")
        mode = "events" if peer == self.version and reply.get("want") != "pcm" else "pcm"
        with self._lock:
            busy = self._busy
            if not busy:
                self._busy = number
        if busy:
            self._refuse(link, number, f"busy: playing for connection {busy} (refused, not queued)")
            return None
        answer: dict[str, Any] = {"ok": mode, "version": self.version}
        if auth == "key" and isinstance(reply.get("nonce"), str):
            answer["mac"] = wire.mac(self.key, str(reply["nonce"])[:64], "listen")
        try:
            link.send_json(answer)
        except (wire.WireError, OSError):
            with self._lock:
                self._busy = 0
            return None
        self.emit({"event": "connected", "connection": number, "mode": mode, "via": via,
                   "version": peer if isinstance(peer, int) else None})  # fmt: skip
        return mode

    def _make_output(self, title: str, sample_rate: int) -> Output:
        if self.audio == "device":
            return DeviceOutput(sample_rate, 1024)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{_slug(title)}"
        path = self.out_dir / f"{stem}.wav"
        n = 1
        while path.exists():
            n += 1
            path = self.out_dir / f"{stem}-{n}.wav"
        return ClockedWav(path, sample_rate, 1024)
