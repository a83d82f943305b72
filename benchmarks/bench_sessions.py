"""Session store figures: saving a version of a 200-line song with its credits, opening 1,000 versions.

Peers, measured in the same run on the same text:
- saving: `git add` + `git commit` of the same file in a temp repository (what a writer keeping the song
  in git would do), and a bare sqlite3 insert of the text in WAL with a full fsync (the floor: the cost of
  durability alone, without credits or the song.cho mirror);
- opening: `git log` over a 1,000-commit history of the same file (built with `git fast-import`), and a bare
  sqlite3 connect + read of 1,000 version rows.

Figures are medians over repeated runs. A save returns once the version and its credits are durable in
SQLite (one fsync); song.cho follows from a background thread (temp file fsync, rename, folder fsync),
measured too ("song.cho flushed"). fsync latency depends on the other writers of a shared disk, so a last
row repeats the save on tmpfs to show cowriter's own share. Usage: python benchmarks/run.py sessions
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import Row, fmt_ms

from cowriter.session import SessionStore

SAVES = 60
OPENS = 15
VERSIONS = 1000
SAVE_TARGET = 0.010
OPEN_TARGET = 0.200


def song(step: int, lines: int = 200, seed: int = 7) -> str:
    """A 200-line ChordPro song; each step rewrites a few lines, as an accepted proposal would."""
    rng = random.Random(seed)
    chords = ["C", "G", "Am", "F", "Em", "Dm7", "G7", "Fmaj7"]
    words = ["rain", "falls", "on", "the", "roof", "and", "I", "hear", "your", "name", "in", "every", "drop"]
    out = ["{title: Benchmark}", "{key: C}", "{tempo: 96}"]
    for n in range(lines - 3):
        r = random.Random(n * 1_000 + (step if n % 40 == step % 40 else 0))
        parts = [f"[{r.choice(chords)}]{' '.join(r.choice(words) for _ in range(3))}" for _ in range(3)]
        out.append(" ".join(parts) if n % 10 else "")
    rng.shuffle(chords)
    return "\n".join(out) + "\n"


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, input=stdin)


def _git_repo(root: Path) -> Path:
    repo = root / "git"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "bench@example.invalid")
    _git(repo, "config", "user.name", "bench")
    _git(repo, "config", "commit.gpgsign", "false")
    return repo


def _save_rows(root: Path, where: str = "") -> list[Row]:
    store = SessionStore(root / "store")
    session = store.create("Bench", song(0))
    texts = [song(i) for i in range(SAVES + 1)]
    saved, mirrored = [], []
    for i in range(1, SAVES + 1):
        t0 = time.perf_counter()
        session.save_version(
            texts[i], "model:bench" if i % 2 else "human", message=f"step {i}", prompt=f"p{i}"
        )
        t1 = time.perf_counter()
        session.flush()  # song.cho in place too (it follows from a background thread)
        mirrored.append(time.perf_counter() - t0)
        saved.append(t1 - t0)
    ours, ours_mirrored = statistics.median(saved), statistics.median(mirrored)
    lines = len(session.credits().credits)
    session.close()

    repo = _git_repo(root)
    git_steps = iter(range(1, SAVES + 1))

    def commit() -> None:
        i = next(git_steps)
        (repo / "song.cho").write_text(texts[i], encoding="utf-8")
        _git(repo, "add", "song.cho")
        _git(repo, "commit", "-q", "-m", f"step {i}")

    git = _median(commit, SAVES // 3)

    conn = sqlite3.connect(root / "floor.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, text TEXT)")
    floor_steps = iter(range(1, SAVES + 1))
    floor = _median(
        lambda: conn.execute("INSERT INTO v (text) VALUES (?)", (texts[next(floor_steps)],)), SAVES
    )
    conn.close()

    ok = "yes" if ours <= SAVE_TARGET else "NO"
    figure = f"save a version of a {lines}-line song with credits{where}"
    return [
        Row(figure, fmt_ms(ours), "sqlite3 insert, WAL+fsync", fmt_ms(floor), "<= 10 ms", ok),
        Row(f"{figure}, song.cho flushed", fmt_ms(ours_mirrored), "git add + commit", fmt_ms(git), "-", ""),
    ]


def _open_rows(root: Path) -> list[Row]:
    store = SessionStore(root / "store")
    with store.create("Thousand", song(0)) as s:
        for i in range(1, VERSIONS):
            if i % 50 == 0:
                s.branch_from(max(1, i - 10))
            s.save_version(song(i), "model:bench" if i % 3 else "human", message=f"step {i}")
        count = len(s.versions())

    def open_close() -> None:
        with store.open("Thousand") as s:
            assert len(s.versions()) == count
            s.text()

    ours = _median(open_close, OPENS)

    repo = _git_repo(root)
    stream = bytearray()
    for i in range(VERSIONS):
        data = song(i).encode()
        msg = f"step {i}".encode()
        stream += b"commit refs/heads/main\n"
        stream += f"committer bench <b@example.invalid> {1_700_000_000 + i} +0000\n".encode()
        stream += b"data %d\n%s\n" % (len(msg), msg)
        stream += b"M 100644 inline song.cho\ndata %d\n%s\n" % (len(data), data)
    _git(repo, "fast-import", "--quiet", stdin=bytes(stream))
    git = _median(lambda: _git(repo, "log", "--format=%H %P %an %s %cI", "refs/heads/main"), OPENS)

    db = root / "store" / "Thousand" / "session.db"

    def bare() -> None:
        conn = sqlite3.connect(db)
        rows = conn.execute("SELECT id, parent, author, message, created FROM versions").fetchall()
        conn.execute("SELECT text FROM bodies WHERE version = ?", (len(rows),)).fetchone()
        conn.close()

    floor = _median(bare, OPENS)
    ok = "yes" if ours <= OPEN_TARGET else "NO"
    figure = f"open a session with {count:,} versions"
    return [
        Row(figure, fmt_ms(ours), "git log, 1,000 commits", fmt_ms(git), "<= 200 ms", ok),
        Row(figure, fmt_ms(ours), "sqlite3 read of the rows", fmt_ms(floor), "<= 200 ms", ok),
    ]


def rows() -> list[Row]:
    out: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cowriter-bench-") as tmp:
        root = Path(tmp)
        (root / "a").mkdir()
        (root / "b").mkdir()
        out += _save_rows(root / "a") + _open_rows(root / "b")
    # The same saves where fsync costs nothing (tmpfs): what is left is cowriter's own work, and shows how
    # much of the figure above is the disk's (other processes' writes make fsync slow on a shared disk).
    if Path("/dev/shm").is_dir():
        with tempfile.TemporaryDirectory(prefix="cowriter-bench-", dir="/dev/shm") as tmp:
            out += _save_rows(Path(tmp), " (tmpfs: no disk wait)")[:1]
    return out
