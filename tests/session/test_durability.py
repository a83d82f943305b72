"""kill -9 at random moments of a scripted editing session: nothing acknowledged is ever lost.

A child process (editor_child.py) saves versions, chat and UI state in a loop and prints an acknowledgement
only after each call returned. We kill it with SIGKILL a random few milliseconds after it is ready, 100
times on one session, and after each kill check: the database passes SQLite's integrity check, every
acknowledged version is there with its exact text, `song.cho` is a whole version (never torn), and the
next writer repairs the mirror.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cowriter.session import SessionStore

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from editor_child import song  # noqa: E402

ROOT = HERE.parent.parent
TRIALS = 100


def _run_and_kill(store: Path, name: str, seed: int, rng: random.Random) -> list[str]:
    """Run the child, let it acknowledge 0-4 steps, then SIGKILL it a random 0-10 ms later."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(HERE / "editor_child.py"), str(store), name, "loop", str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    seen = [child.stdout.readline()]
    assert seen[0].strip() == "ready", (seed, seen, child.stderr.read() if child.stderr else "")
    for _ in range(rng.randint(0, 4)):
        seen.append(child.stdout.readline())
        assert seen[-1].endswith("\n"), (seed, seen, child.stderr.read() if child.stderr else "")
    time.sleep(rng.uniform(0.0, 0.01))
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, (seed, child.returncode, seen, out[-2000:], err[-4000:])
    out = "".join(seen[1:]) + out
    lines = out.splitlines()
    if lines and not out.endswith("\n"):
        lines.pop()  # a half-printed acknowledgement is not an acknowledgement
    return lines


@pytest.mark.slow
def test_kill_9_loses_no_acknowledged_change(tmp_path: Path) -> None:
    rng = random.Random(20261125)
    name = "Durable song"
    acked: dict[int, tuple[int, int]] = {}  # version id -> (seed, step)
    said: set[str] = set()
    last_state = 0
    for seed in range(1, TRIALS + 1):
        for line in _run_and_kill(tmp_path, name, seed, rng):
            if not line.strip():
                continue  # seen once in CI under load (cause not found): an empty line acknowledges nothing
            kind, *rest = line.split()
            if kind == "saved":
                acked[int(rest[0])] = (int(rest[1]), int(rest[2]))
            elif kind == "said":
                said.add(f"m{rest[0]}.{rest[1]}")
            elif kind == "state":
                last_state = int(rest[0])
        folder = tmp_path / name
        db = folder / "session.db"
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
        with SessionStore(tmp_path).open(name, readonly=True) as s:
            shas = {v.sha256 for v in s.versions()}
            assert set(acked) <= {v.id for v in s.versions()}, f"trial {seed}: acknowledged versions lost"
            for vid, (vseed, step) in acked.items():
                if vseed >= seed - 1 or vseed % 10 == 0:  # texts of this and the last trial, and a sample
                    assert s.version(vid).message == f"t{vseed}.{step}"
                    assert s.text(vid) == song(vseed, step)
            assert said <= {m.text for m in s.messages()}
            assert s.get_state("step", 0) >= last_state, f"trial {seed}: UI state went back"
            mirror = (folder / "song.cho").read_bytes()
            assert hashlib.sha256(mirror).hexdigest() in shas, (
                f"trial {seed}: song.cho is not a whole version"
            )
    assert len(acked) >= TRIALS // 2  # the children did save: the kills landed mid-session
    with SessionStore(tmp_path).open(name) as s:
        assert not s.readonly
        for vid, (vseed, step) in acked.items():
            assert s.text(vid) == song(vseed, step)
        assert (folder / "song.cho").read_text(encoding="utf-8") == s.text()
        assert not list(folder.glob(".song.cho.*"))
