"""Hostile-input figures (issue 15): long lines, endless inputs and silent servers, each beside its peer
measured in the same run.

- A lyric line of 12 KB / 48 KB / 1 MB through the chords-over-lyrics tokenizer: cowriter's linear
  `_split_tokens` beside the one it replaced (kept here verbatim as the peer: it measured `line[:start]`
  for every token), and the whole `sheet.read` of a song with a 1 MB line. The old one is run on the
  12 KB and 48 KB lines only (1 MB would take hours).
- Peak memory (from wait4) and time of `cowriter parse /dev/zero` and of `sessions save S -` given 17 MB
  on stdin, beside a bare `python -c pass`.
- An endless answer from a model server on 127.0.0.1: time and peak memory until `cowriter ask` gives up,
  beside the same server answering a short reply.
- A PulseAudio server that accepts and never answers: `cowriter play` (device asked) until it has
  written the WAV and said why, beside `--audio wav` with no server at all.

Usage: python benchmarks/run.py hostile
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

from common import PYTHON, Row, best_of, fmt_ms

from cowriter.core import textimport
from cowriter.core.sheet import read

ROOT = Path(__file__).resolve().parent.parent
SWING = ROOT / "examples" / "swing-low.cho"


def _old_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _old_split_tokens(line: str) -> list[tuple[int, str]]:
    """The tokenizer before issue 15, verbatim: the width of `line[:start]` for every token."""
    out: list[tuple[int, str]] = []
    for match in re.finditer(r"\S+", line):
        token, col = match.group(0), _old_width(line[: match.start()])
        if token.startswith("(") and ")(" in token:
            for part in re.findall(r"\([^()]*\)", token):
                out.append((col, part))
                col += len(part)
        else:
            out.append((col, token))
    return out


def _lyric(size: int) -> str:
    return ("rain on the window " * (size // 19 + 1))[:size]


def _run(
    args: list[str], stdin: bytes | None = None, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """(seconds, peak MB) of one process, the peak from wait4 in a small launcher (`tests.hostile`), so
    this benchmark's own size does not count."""
    sys.path.insert(0, str(ROOT))
    from tests.hostile import launched

    argv, report = launched(args, 4096)
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    if stdin is not None:
        assert proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(stdin)
            proc.stdin.close()
    proc.wait()
    seconds = time.perf_counter() - start
    peak = int(report.read_text() or 0) / 1024
    report.unlink()
    return seconds, peak


def _env(tmp: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COWRITER_") and k != "PULSE_SERVER"}
    env.update(PYTHONPATH=str(ROOT), HOME=tmp, COWRITER_SESSIONS=os.path.join(tmp, "s"), **extra)
    return env


def _tokenizer_rows() -> list[Row]:
    rows = []
    for size in (12_000, 48_000):
        line = _lyric(size)
        new = best_of(lambda line=line: list(textimport._split_tokens(line)), 3)
        old = best_of(lambda line=line: _old_split_tokens(line), 1)
        rows.append(
            Row(
                f"tokenize a {size // 1000} KB lyric line",
                fmt_ms(new),
                "the tokenizer before issue 15",
                f"{old * 1000:.0f} ms ({old / new:.0f}x)",
                "linear",
            )
        )
    line = _lyric(1_000_000)
    new = best_of(lambda: list(textimport._split_tokens(line)), 3)
    whole = best_of(lambda: read("{title: Long}\n" + line + "\n"), 3)
    rows.append(Row("tokenize a 1 MB lyric line", fmt_ms(new), "-", "hours (quadratic)", "well under 1 s"))
    rows.append(Row("read a song with a 1 MB lyric line", fmt_ms(whole), "-", "-", "well under 1 s"))
    return rows


def _reading_rows(tmp: str) -> list[Row]:
    env = _env(tmp)
    bare_s, bare_mb = _run([PYTHON, "-c", "pass"])
    zero_s, zero_mb = _run([PYTHON, "-m", "cowriter", "parse", "/dev/zero"], env=env)
    subprocess.run(
        [PYTHON, "-m", "cowriter", "sessions", "new", "big", "--from", str(SWING)], env=env, check=True
    )
    big = (SWING.read_bytes() + b"la la la\n" * (17 * 1024 * 1024 // 9))[: 17 * 1024 * 1024]
    save_s, save_mb = _run([PYTHON, "-m", "cowriter", "sessions", "save", "big", "-"], stdin=big, env=env)
    peer = f"python -c pass {bare_mb:.0f} MB, {bare_s * 1000:.0f} ms"
    return [
        Row(
            "`parse /dev/zero`: peak memory, time",
            f"{zero_mb:.0f} MB, {zero_s * 1000:.0f} ms",
            peer,
            "-",
            "no GB",
        ),
        Row(
            "`sessions save S -` with 17 MB: refused",
            f"{save_mb:.0f} MB, {save_s * 1000:.0f} ms",
            peer,
            "-",
            "refused",
        ),
    ]


def _server_rows(tmp: str) -> list[Row]:
    sys.path.insert(0, str(ROOT))
    from tests.odd_server import OddServer, endless, sse

    env = _env(tmp)
    ask = [PYTHON, "-m", "cowriter", "ask", "a chorus", "--task", "section", "--model"]
    with OddServer(chat=sse(["Rain on the roof\n"])) as odd:
        short_s, short_mb = _run([*ask, odd.url], env=env)
    with OddServer(chat=endless()) as odd:
        end_s, end_mb = _run([*ask, odd.url], env=env)
    with OddServer(chat=endless("la " * 20_000)) as odd:  # 60 KB a piece
        big_s, big_mb = _run([*ask, odd.url], env=env)
    peer = "a short answer from the same server"
    short = f"{short_s:.1f} s, {short_mb:.0f} MB"
    return [
        Row(
            "endless answer ignoring max_tokens: `ask` ends it",
            f"{end_s:.1f} s, {end_mb:.0f} MB",
            peer,
            short,
            "cut at max_tokens",
        ),
        Row(
            "endless answer of 60 KB pieces: `ask` gives up",
            f"{big_s:.1f} s, {big_mb:.0f} MB",
            peer,
            short,
            "bounded (16 MB)",
        ),
    ]


def _pulse_rows(tmp: str) -> list[Row]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    out = os.path.join(tmp, "chorus.wav")
    play = [PYTHON, "-m", "cowriter", "play", str(SWING), "--section", "Chorus", "--out", out]
    try:
        silent = _env(tmp, PULSE_SERVER=f"tcp:127.0.0.1:{listener.getsockname()[1]}", COWRITER_AUDIO="device")
        silent_s, _ = _run(play, env=silent)
        wav_s, _ = _run(play, env=_env(tmp, COWRITER_AUDIO="wav"))
    finally:
        listener.close()
        for conn in held:
            conn.close()
    return [
        Row(
            "`play` with a PulseAudio server that never answers",
            f"{silent_s:.1f} s (WAV written, reason said)",
            "`play --audio wav`, no server",
            f"{wav_s:.1f} s",
            "not 120 s",
        )
    ]


def rows() -> list[Row]:
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        table = [*_tokenizer_rows(), *_reading_rows(tmp), *_server_rows(tmp), *_pulse_rows(tmp)]
    return [Row(f"{r.figure} (load {load:.1f})", r.cowriter, r.peer, r.peer_value, r.target) for r in table]
