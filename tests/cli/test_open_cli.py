"""`cowriter open FILE`, bare `cowriter` and `cowriter --session NAME` where the editor cannot draw: one line
on stderr, the same words from every entry, naming the stream that is not a terminal, pointing to the CLI."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

NOT_A_TERMINAL = {
    (False, True): "(stdin is not a terminal)",
    (True, False): "(stdout is not a terminal)",
    (False, False): "(stdin and stdout are not terminals)",
}


def refusal(args: list[str], *, stdin_tty: bool, stdout_tty: bool, tmp_path: Path) -> tuple[int, str]:
    """Run cowriter with stdin and stdout each a terminal (a pty) or not (/dev/null, a pipe)."""
    opened: list[int] = []

    def end(tty: bool, plain: int) -> int:
        if not tty:
            return plain
        main, side = pty.openpty()
        opened.extend((main, side))
        return side

    env = {**os.environ, "TERM": "xterm-256color", "COWRITER_SESSIONS": str(tmp_path / "sessions"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    try:
        out = subprocess.run(
            [sys.executable, "-m", "cowriter", *args],
            stdin=end(stdin_tty, subprocess.DEVNULL),
            stdout=end(stdout_tty, subprocess.PIPE),
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        for fd in opened:
            os.close(fd)
    return out.returncode, out.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize(("stdin_tty", "stdout_tty"), list(NOT_A_TERMINAL), ids=["stdin", "stdout", "both"])
@pytest.mark.parametrize("entry", ["open", "bare", "session"])
def test_the_refusal_names_the_stream_that_is_not_a_terminal(
    tmp_path: Path, entry: str, stdin_tty: bool, stdout_tty: bool
) -> None:
    song = tmp_path / "song.cho"
    song.write_text("[C]Hi\n", encoding="utf-8")
    args = {"open": ["open", str(song)], "bare": [], "session": ["--session", "demo"]}[entry]
    code, err = refusal(args, stdin_tty=stdin_tty, stdout_tty=stdout_tty, tmp_path=tmp_path)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cowriter: the editor needs an interactive terminal ")
    assert NOT_A_TERMINAL[(stdin_tty, stdout_tty)] in lines[0]
    assert "cowriter parse FILE" in lines[0]
