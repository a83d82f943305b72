"""`cowriter listen [--port N] [--audio device|wav] [--out DIR] [--json]`: on the laptop, play what a
cowriter on a server sends through the SSH connection.

It prints the one line to add to `~/.ssh/config` (and the `ssh -R` form), then one line per connection.
`--json`: the first line is `{"ssh": [...], "env": {...}}`, then one object per event, `{"event":
"connected"|"playing"|"stopped"|"wrote"|"refused", ...}` (`wrote` carries `file`). Loads no model and
no music21: only the synth and the audio device.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cowriter.errors import CowriterError

if TYPE_CHECKING:
    from cowriter.render.remote_listener import Listener, Setup


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "listen",
        help="on your laptop: play what cowriter on a server sends through SSH",
        description="Play, on this machine's speakers, what a cowriter on a server sends through the SSH "
        "connection (F5 in its editor, `cowriter play`). Prints the ~/.ssh/config line that connects them.",
    )
    p.add_argument("--port", type=int, metavar="N",
                   help="also listen on 127.0.0.1:N (a TCP forward: needs the key it prints)")  # fmt: skip
    p.add_argument("--audio", dest="listen_audio", choices=("device", "wav"),
                   help="play on the speakers (default) or write each take to a WAV in --out")  # fmt: skip
    p.add_argument("--out", metavar="DIR", help="where --audio wav writes (default: here)")
    p.add_argument("--json", action="store_true", help="machine-readable: the setup, then one event a line")
    p.set_defaults(func=run)


class Printer:
    """Events to stdout: JSON lines, or one line per connection for a person."""

    def __init__(self, as_json: bool) -> None:
        from cowriter.textsafe import safe_line

        self.safe = safe_line
        self.as_json = as_json
        self.tty = sys.stdout.isatty() and not as_json
        self._lock = threading.Lock()
        self._state: dict[int, dict[str, Any]] = {}

    def out(self, text: str, *, end: str = "\n", redraw: bool = False) -> None:
        """A line (text from the server is made safe on the way out); `redraw`: over the live one."""
        from cowriter.cli.output import write_control

        with contextlib.suppress(BrokenPipeError, ValueError, OSError):  # the reader left: serve anyway
            if redraw and self.tty:
                write_control("\r\x1b[K")
            print(text, end=end, flush=True)

    def __call__(self, event: dict[str, Any]) -> None:
        with self._lock:
            kind = event.get("event")
            if self.as_json:
                if kind != "closed":  # internal: the contract's events are the other five
                    self.out(self.safe(json.dumps(event, ensure_ascii=False)))
                return
            self._human(event)

    def _human(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        n = int(event.get("connection", 0))
        state = self._state.setdefault(n, {"at": time.strftime("%H:%M:%S")})
        if kind == "refused":
            self.out(f"{state['at']}  #{n} refused: {self.safe(str(event.get('reason', '')))}")
            self._state.pop(n, None)
        elif kind == "connected":
            state["mode"] = event.get("mode", "")
        elif kind == "playing":
            state["title"] = self.safe(str(event.get("title") or "untitled"))
            state["seconds"] = float(event.get("seconds") or 0.0)
            state["mode"] = event.get("mode", state.get("mode", ""))
            if self.tty:
                line = f"{state['at']}  #{n} playing {state['title']} ({_clock(state['seconds'])})"
                self.out(line, end="", redraw=True)
        elif kind == "stopped":
            state["stopped"] = self.safe(str(event.get("reason", "")))
        elif kind == "wrote":
            state["file"] = self.safe(str(event.get("file", "")))
        elif kind == "closed":
            self._state.pop(n, None)
            self.out(_summary(n, state, self.safe(str(event.get("reason", "")))), redraw=True)


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def _summary(n: int, state: dict[str, Any], closed: str) -> str:
    """One line for a connection that ended."""
    if "title" not in state:
        return f"{state['at']}  #{n} connected, played nothing ({closed})"
    line = (
        f"{state['at']}  #{n} {state['title']} ({_clock(state.get('seconds', 0.0))}, {state.get('mode', '')})"
    )
    line += f": {state.get('stopped') or closed}"
    if state.get("file"):
        line += f"; wrote {state['file']}"
    return line


def run(args: argparse.Namespace) -> int:
    from cowriter.render.remote_listener import Listener, ListenError

    audio = args.listen_audio or (
        args.audio if getattr(args, "audio", None) in ("device", "wav") else "device"
    )
    if args.port is not None and not 0 <= args.port < 65536:
        raise CowriterError(f"--port {args.port} is not a port", hint="use 1024 to 65535", exit_code=2)
    printer = Printer(args.json)
    listener = Listener(
        audio=audio, out_dir=Path(args.out) if args.out else None, port=args.port, emit=printer
    )
    try:
        setup = listener.open()
    except ListenError as exc:
        raise CowriterError(str(exc)) from exc

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    from cowriter.render.audio import quiet_stderr

    # SIGTERM stops it as Ctrl-C does, from before the first line is out: whoever read that line may stop
    # the listener at once (a test, a script), and the default action would kill it without closing
    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        _print_setup(printer, args, audio, listener, setup)
        with quiet_stderr():  # ALSA and PortAudio write underruns straight to fd 2, through the lines above
            listener.serve()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        listener.close()
    if not args.json:
        printer.out("stopped listening")
    return 0


def _print_setup(
    printer: Printer, args: argparse.Namespace, audio: str, listener: Listener, setup: Setup
) -> None:
    """The first lines: how a server reaches this listener (one JSON line with --json)."""
    if args.json:
        printer.out(json.dumps({"ssh": setup.ssh, "env": setup.env}))
        return
    where = f"on {printer.safe(listener.device)}" if audio == "device" else f"into {listener.out_dir}/"
    printer.out(f"cowriter listen: playing what your servers send {where} (Ctrl-C stops)")
    printer.out(f"  once, in ~/.ssh/config under your server's Host:  {setup.config}")
    printer.out(f"  or each time:  ssh {' '.join(setup.ssh)} HOST")
    if setup.env:
        env = " ".join(f"{k}={v}" for k, v in setup.env.items())
        printer.out(f"  and on the server (a TCP port needs the key):  export {env}")
    printer.out("  then F5 in the editor on the server, or `cowriter play song.cho`, plays here")


def doctor_lines(env: dict[str, str]) -> list[str]:
    """What `cowriter doctor` says about live sound through a laptop: on a server (an SSH session, or
    COWRITER_LISTEN), whether a listener answers and what to do if not; on the laptop, whether one runs."""
    from cowriter.render import remote_find, remote_wire
    from cowriter.textsafe import safe_line

    if env.get("SSH_CONNECTION") or env.get("COWRITER_LISTEN", "").strip():
        try:
            endpoint, hello = remote_find.probe(env)
        except remote_find.NoListener as exc:
            lines = [f"laptop:   {safe_line(str(exc))}"]
            if not env.get("COWRITER_LISTEN", "").strip():
                forward = f"RemoteForward {remote_find.socket_dir()}/cowriter-listen-%r.sock ..."
                lines.append(
                    "          to hear the song on your laptop: run `cowriter listen` there and add the line"
                    f" it prints to ~/.ssh/config under this host ({forward}), then reconnect"
                )
                lines += _server_sshd_notes()
            return lines
        version = hello.get("version")
        how = (
            "events: your laptop's synth renders"
            if version == remote_wire.VERSION
            else (f"sound (PCM): its protocol {safe_line(str(version))[:8]}, ours {remote_wire.VERSION}")
        )
        return [
            f"laptop:   `cowriter listen` answers at {endpoint} ({how}): F5 and `cowriter play` play there"
        ]
    from cowriter.render.remote_listener import local_socket

    path = local_socket()
    try:
        remote_find.probe({"COWRITER_LISTEN": str(path)})
    except remote_find.NoListener:
        return ["listen:   not running: `cowriter listen` here plays what cowriter on a server sends through"
                " SSH (it prints the ~/.ssh/config line)"]  # fmt: skip
    return [f"listen:   running ({path}): servers you reach with its RemoteForward line play here"]


def _server_sshd_notes() -> list[str]:
    """What this server's sshd_config says about forwarded sockets (where it can be read)."""
    try:
        text = Path("/etc/ssh/sshd_config").read_text(errors="replace").lower()
    except OSError:
        return []
    words = {line.split()[0]: line.split()[1] for line in text.splitlines() if len(line.split()) >= 2}
    if words.get("allowstreamlocalforwarding") in ("no", "remote", "local"):
        tcp = "`cowriter listen --port 47113` and set here COWRITER_LISTEN and COWRITER_LISTEN_KEY as it says"
        return [f"          this server's sshd does not forward sockets: on the laptop run {tcp}"]
    return []
