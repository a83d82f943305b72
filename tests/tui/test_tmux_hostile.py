"""Terminal injection in a real terminal: tmux with the clipboard on. A hostile song is opened and a model
server on 127.0.0.1 replies with escapes (F2); the pane title, tmux's paste buffers and the screen are
what the attack would change, and none of them does. The same song `cat` into the same tmux shows the
check can fail: it sets the title, fills the buffers and clears the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile import BEL, ESC, EVIL_SONG, ROOT
from tests.odd_server import OddServer, sse

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Tmux:
    def __init__(self, tmp: Path, command: str, env: dict[str, str], name: str) -> None:
        self.socket = f"cowriter-hostile-{name}-{os.getpid()}"
        conf = tmp / f"{name}.tmux.conf"
        conf.write_text("set -g set-clipboard on\nset -g allow-rename on\n")
        exports = " ".join(f"{k}={v!r}" for k, v in env.items())
        self.run(
            "-f",
            str(conf),
            "new-session",
            "-d",
            "-s",
            "h",
            "-x",
            "120",
            "-y",
            "30",
            f"env {exports} {command}; echo EXIT=$?; sleep 60",
        )

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True
        ).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "h")

    def title(self) -> str:
        return self.run("display-message", "-p", "-t", "h", "#{pane_title}").strip()

    def buffers(self) -> str:
        return self.run("list-buffers")

    def styled_line(self, needle: str) -> str:
        """The first screen line holding `needle`, with its colours (focus shows there)."""
        text = self.run("capture-pane", "-e", "-p", "-t", "h")
        return next((line for line in text.splitlines() if needle in line), "")

    def until(self, cond: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise AssertionError(f"{what}: not in {timeout:.0f}s:\n{self.screen()}")
            time.sleep(0.1)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "h", *keys)

    def wait(self, *needles: str, timeout: float = 30.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            text = self.screen()
            for needle in needles:
                if needle in text:
                    return needle
            time.sleep(0.1)
        raise AssertionError(f"none of {needles} showed in {timeout:.0f}s:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)


def _env(tmp: Path) -> dict[str, str]:
    return {
        "TERM": "xterm-256color",
        "HOME": str(tmp),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "COWRITER_SESSIONS": str(tmp / "sessions"),
        "PYTHONPATH": str(ROOT),
    }


def _assert_untouched(tmux: Tmux) -> None:
    assert "PWNED" not in tmux.title(), tmux.title()
    assert tmux.buffers() == "", tmux.buffers()


VERSE = [
    f"Sure{ESC}]0;PWNED-TITLE{BEL}, here:\n",
    f"{{start_of_verse: Verse 2 {ESC}[2J}}\n",
    f"[C]Pour{ESC}]52;c;UFdORUQtQ0xJUA=={BEL} all [G]night\x9b2J\n",
    "[Am]Rain upon the [F]window\n",
    "[C]Rain upon the [G]door\n",
    f"[Am]Rain on every{ESC}(0 [F]roof\n",
    "{end_of_verse}\n",
]


def test_the_check_catches_an_attack(tmp_path: Path) -> None:
    song = tmp_path / "evil.cho"
    song.write_text(EVIL_SONG, encoding="utf-8")
    tmux = Tmux(tmp_path, f"cat {song}", _env(tmp_path), "cat")
    try:
        tmux.wait("EXIT=0")
        assert "PWNED-TITLE" in tmux.title()
        assert "PWNED-CLIP" in tmux.buffers()
        assert "{title: Rain" not in tmux.screen()  # cleared under it
    finally:
        tmux.close()


def test_open_and_f2_leave_title_buffers_and_screen_alone(tmp_path: Path) -> None:
    song = tmp_path / "evil.cho"
    song.write_text(EVIL_SONG, encoding="utf-8")
    with OddServer(chat=sse(VERSE, model=f"odd{ESC}]0;PWNED-TITLE{BEL}")) as server:
        command = f"{sys.executable} -m cowriter --model {server.url} --audio none open {song}"
        tmux = Tmux(tmp_path, command, _env(tmp_path), "open")
        try:
            tmux.wait("^p palette")
            time.sleep(1.0)  # a few redraws
            _assert_untouched(tmux)
            screen = tmux.screen()
            assert "{title: Rain" in screen and "␛]0;PWNED-TITLE" in screen  # shown, screen not cleared
            unfocused = tmux.styled_line("sk your co-writer")
            tmux.keys("F2")  # the chat box takes the focus (its colours change): only then type
            tmux.until(lambda: tmux.styled_line("sk your co-writer") not in ("", unfocused), "F2's focus")
            tmux.keys("-l", "write verse 2")
            typed = lambda: any("▊" in ln and "write verse 2" in ln for ln in tmux.screen().splitlines())  # noqa: E731
            tmux.until(typed, "the request in the chat box")
            tmux.keys("Enter")
            outcome = tmux.wait("r/R reject", "could not be used", timeout=60)
            assert outcome == "r/R reject", tmux.screen()
            time.sleep(0.5)
            _assert_untouched(tmux)
            screen = tmux.screen()
            assert "Pour␛]52;c;" in screen and "{title: Rain" in screen
            tmux.keys("R")
            tmux.keys("C-q")
            tmux.wait("EXIT=", timeout=30)
            assert "EXIT=0" in tmux.screen() and "Traceback" not in tmux.screen()
            _assert_untouched(tmux)
        finally:
            tmux.close()
