"""The editor in a real terminal (tmux): first frame against a bare Textual app measured in the same run,
and keystroke-to-screen while the model streams and the synth renders, against a bare Textual TextArea.

Both are measured from outside, the way a writer sees them: tmux runs the program, and `capture-pane`
is polled until the expected text shows. Polling costs the same for cowriter and the peer.

Both start as installed: cowriter's bytecode is compiled first (`pip install` compiles it, and an editable
install writes it on first import), since Textual's always is. Without that, a machine that sets
PYTHONDONTWRITEBYTECODE compiles cowriter's ~30 modules from source on every start (~20 ms here) while the
peer's come from its wheel's bytecode.
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PYTHON, Row, fmt_ms

ROOT = Path(__file__).resolve().parent.parent
SONG = ROOT / "examples" / "swing-low.cho"
SIZE = ("100", "30")
RUNS = 9
KEYS = 20
FIRST_LINE = SONG.read_text(encoding="utf-8").splitlines()[0][:20]  # the song on screen: the first frame

BARE_APP = """
import sys
from textual.app import App
from textual.widgets import Footer, Static, TextArea
class Bare(App):
    def compose(self):
        yield Static("bare-ready")
        yield TextArea(open(sys.argv[1], encoding="utf-8").read(), id="t")
        yield Footer()
    def on_mount(self):
        self.query_one(TextArea).focus()
Bare().run()
"""


SOCKET = f"cowriter-bench-{os.getpid()}"  # a private tmux server, kept up by a "keep" session


def _tmux(*args: str) -> str:
    done = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"tmux {args[0]}: {done.stderr.strip()}")
    return done.stdout


_COUNT = iter(range(1_000_000))


class Pane:
    def __init__(self, command: str, env: dict[str, str]) -> None:
        self.name = f"bench-tui-{os.getpid()}-{next(_COUNT)}"
        exports = " ".join(f"{k}={v!r}" for k, v in env.items())
        self.t0 = time.perf_counter()
        _tmux("new-session", "-d", "-s", self.name, "-x", SIZE[0], "-y", SIZE[1], f"env {exports} {command}")

    def text(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.name)

    def wait(self, needle: str, timeout: float = 30.0, count: int = 1) -> float:
        """Seconds since `since` until `needle` shows (`count` times)."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if self.text().count(needle) >= count:
                return time.perf_counter()
            time.sleep(0.002)
        raise TimeoutError(f"{needle!r} never showed:\n{self.text()}")

    def keys(self, *keys: str) -> None:
        _tmux("send-keys", "-t", self.name, *keys)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", SOCKET, "kill-session", "-t", self.name], capture_output=True)


def _env(home: str) -> dict[str, str]:
    return {
        "TERM": "xterm-256color",
        "HOME": home,
        "COWRITER_SESSIONS": os.path.join(home, "sessions"),
        "PYTHONPATH": str(ROOT),
    }


def first_frames(home: str) -> tuple[float, float]:
    """Median seconds to the first frame: cowriter, then the bare app."""
    compileall.compile_dir(ROOT / "cowriter", quiet=1)  # as installed (see the module's docstring)
    song = Path(home) / "song.cho"
    shutil.copy(SONG, song)
    bare = Path(home) / "bare.py"
    bare.write_text(BARE_APP)
    ours: list[float] = []
    peer: list[float] = []
    for _ in range(RUNS):
        for cmd, needle, out in (
            (f"{PYTHON} -m cowriter --audio none open {song}", FIRST_LINE, ours),
            (f"{PYTHON} {bare} {song}", "bare-ready", peer),
        ):
            pane = Pane(cmd, _env(home))
            try:
                out.append(pane.wait(needle) - pane.t0)
            finally:
                pane.close()
    return statistics.median(ours), statistics.median(peer)


def _typing(pane: Pane, line_marker: str) -> list[float]:
    """Send single keys; time until each shows on screen."""
    latencies = []
    for i in range(KEYS):
        t0 = time.perf_counter()
        pane.keys("z")
        pane.wait("z" * (i + 1) + line_marker, timeout=10)
        latencies.append(time.perf_counter() - t0)
        time.sleep(0.03)
    return latencies


def keystrokes(home: str) -> tuple[list[float], list[float], str]:
    """Keystroke-to-screen times: cowriter while the model streams and the synth plays; the bare app."""
    song = Path(home) / "song.cho"
    shutil.copy(SONG, song)
    pane = Pane(f"{PYTHON} -m cowriter --audio none open {song}", _env(home))
    busy = ""
    try:
        pane.wait("^p palette")  # the footer comes right after the first frame
        time.sleep(0.5)
        pane.keys("F5")
        pane.wait("playing")
        pane.keys("F2")
        time.sleep(0.3)
        pane.keys("-l", "write a chorus about a train")
        time.sleep(0.3)
        pane.keys("Enter")
        pane.wait("co-writer: {", timeout=60)  # the model is streaming now
        pane.keys("Tab")  # back to the song (cursor at its start)
        time.sleep(0.2)
        ours = _typing(pane, SONG.read_text(encoding="utf-8")[:8])
        text = pane.text()
        busy = "streaming+playing" if "playing" in text and "thinking" in text else "partly idle"
    finally:
        pane.close()
    bare = Path(home) / "bare.py"
    bare.write_text(BARE_APP)
    pane = Pane(f"{PYTHON} {bare} {song}", _env(home))
    try:
        pane.wait("bare-ready")
        time.sleep(0.2)
        peer = _typing(pane, SONG.read_text(encoding="utf-8")[:8])
    finally:
        pane.close()
    return ours, peer, busy


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def heavy_before_first_frame() -> list[str]:
    code = (
        "import sys, json\n"
        "from cowriter.service.workspace import Workspace\n"
        "from cowriter.tui.app import CowriterApp\n"
        "class P(CowriterApp):\n"
        "    def on_mount(self):\n"
        "        self.call_after_refresh(self.done)\n"
        "    def done(self):\n"
        "        self.loaded = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'music21','llama_cpp','numpy','sounddevice'}); self.exit(0)\n"
        f"a = P(Workspace.open({str(SONG)!r}, audio='none')); a.run(headless=True, size=(80, 24))\n"
        "print(json.dumps(a.loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import json

    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def rows() -> list[Row]:
    if shutil.which("tmux") is None:
        return [Row("TUI first frame (tmux)", "skipped: no tmux")]
    out: list[Row] = []
    _tmux("new-session", "-d", "-s", "keep", "sleep 3600")
    try:
        return _rows(out)
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)


def _rows(out: list[Row]) -> list[Row]:
    with tempfile.TemporaryDirectory() as home:
        ours, peer = first_frames(home)
        ratio = ours / peer
        out.append(
            Row("TUI first frame in tmux", fmt_ms(ours), "bare Textual app", fmt_ms(peer),
                "<= 1.3x", f"{ratio:.2f}x " + ("ok" if ratio <= 1.3 else "MISSED"))
        )
        heavy = heavy_before_first_frame()
        out.append(Row("heavy modules before the first frame", ", ".join(heavy) or "none", target="none",
                       verdict="ok" if not heavy else "MISSED"))
        try:
            key, bare_key, busy = keystrokes(home)
        except (TimeoutError, RuntimeError) as exc:
            out.append(Row("keystroke to screen (model + synth busy)", f"failed: {str(exc)[:60]}"))
        else:
            median = statistics.median(key)
            out.append(
                Row(f"keystroke to screen ({busy}), median", fmt_ms(median), "bare TextArea, same song, idle",
                    fmt_ms(statistics.median(bare_key)), "<= 50 ms", "ok" if median <= 0.050 else "MISSED")
            )
            out.append(Row("keystroke to screen, 90th percentile", fmt_ms(p90(key)), "bare TextArea",
                           fmt_ms(p90(bare_key))))
    return out
