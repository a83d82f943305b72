"""A real `cowriter` in a real terminal loses nothing when it dies: the writer types a new song (bare
`cowriter`, or edits to a file), then the terminal goes away (SIGHUP, as when tmux or an SSH connection
drops) or the process is killed outright (SIGKILL, after the pause that keeps the song); the next
`cowriter` offers the song back, and a file opened with `cowriter open` has its edits on disk."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TYPED = ("Night bus home", "Rain on the window pane")


class Tmux:
    """One tmux server of our own (its own socket), one window at 80x24."""

    def __init__(self, name: str) -> None:
        self.socket = f"cowriter-keep-{os.getpid()}-{name}"

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True
        ).stdout

    def start(self, command: str, env: dict[str, str]) -> int:
        """Run `command` in a new window; returns its pid (the command replaces the shell)."""
        exports = " ".join(f"{k}={v!r}" for k, v in env.items())
        self.run("new-session", "-d", "-s", "w", "-x", "80", "-y", "24", f"exec env {exports} {command}")
        return int(self.run("display-message", "-p", "-t", "w", "#{pane_pid}").strip())

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "w")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "w", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "w", "-l", text)

    def wait(self, needle: str, timeout: float = 60.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            text = self.screen()
            if needle in text:
                return text
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} did not show in {timeout:.0f}s:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        folder = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)  # a server killed under it leaves its socket


def gone(pid: int, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def environment(tmp: Path) -> dict[str, str]:
    return {
        "TERM": "xterm-256color",
        "HOME": str(tmp),
        "XDG_STATE_HOME": str(tmp / "state"),
        "XDG_CACHE_HOME": str(tmp / "cache"),
        "PYTHONPATH": str(ROOT),
        "COWRITER_SESSIONS": str(tmp / "sessions"),
        "COWRITER_MODEL": str(tmp / "no-model.gguf"),  # nothing here needs the model
    }


def kept(tmp: Path) -> list[str]:
    """The songs in the recovery store, as their song.cho say."""
    root = tmp / "sessions" / ".recovery"
    return [p.read_text(encoding="utf-8") for p in sorted(root.glob("*/song.cho"))] if root.is_dir() else []


def write_a_song(tmux: Tmux) -> None:
    tmux.wait("palette")  # the footer: the editor is up
    tmux.type(TYPED[0])
    tmux.keys("Enter")
    tmux.type(TYPED[1])
    tmux.wait(TYPED[1])


def offered_back(tmp: Path) -> None:
    """A new bare cowriter offers the song back; Enter takes it; it is in the editor."""
    tmux = Tmux("again")
    try:
        pid = tmux.start(f"{sys.executable} -m cowriter --audio none", environment(tmp))
        screen = tmux.wait("ended without saving")
        assert "Night bus home" in screen and "2 lines" in screen, screen
        tmux.keys("Enter")
        screen = tmux.wait("Took back")
        assert TYPED[0] in screen and TYPED[1] in screen, screen
        tmux.keys("C-q")
        tmux.wait("This song is not saved anywhere yet")
        tmux.keys("d")  # thrown away on purpose: the store is empty again
        assert gone(pid), tmux.screen()
    finally:
        tmux.close()
    assert kept(tmp) == []


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_new_song_survives_the_terminal_going_away(tmp_path: Path) -> None:
    tmux = Tmux("hup")
    try:
        pid = tmux.start(f"{sys.executable} -m cowriter --audio none", environment(tmp_path))
        write_a_song(tmux)
        tmux.run("kill-server")  # the terminal goes away at once: SIGHUP, no pause to autosave first
        assert gone(pid), "cowriter did not end on SIGHUP"
    finally:
        tmux.close()
    assert kept(tmp_path) == ["\n".join(TYPED)]
    offered_back(tmp_path)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_new_song_survives_kill_9(tmp_path: Path) -> None:
    tmux = Tmux("kill")
    try:
        pid = tmux.start(f"{sys.executable} -m cowriter --audio none", environment(tmp_path))
        write_a_song(tmux)
        end = time.monotonic() + 30  # the pause that keeps it (2 s; more on a loaded machine)
        while kept(tmp_path) != ["\n".join(TYPED)] and time.monotonic() < end:
            time.sleep(0.1)
        assert kept(tmp_path) == ["\n".join(TYPED)], tmux.screen()
        tmux.wait("kept for recovery")  # and the status line says so
        os.kill(pid, signal.SIGKILL)
        assert gone(pid)
    finally:
        tmux.close()
    offered_back(tmp_path)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_edits_to_an_opened_file_survive_the_terminal_going_away(tmp_path: Path) -> None:
    song = tmp_path / "song.cho"
    song.write_text("{title: Night Bus}\n", encoding="utf-8")
    tmux = Tmux("file")
    try:
        pid = tmux.start(f"{sys.executable} -m cowriter --audio none open {song}", environment(tmp_path))
        tmux.wait("palette")
        tmux.type(TYPED[0])
        tmux.wait(TYPED[0])
        tmux.run("kill-server")
        assert gone(pid), "cowriter did not end on SIGHUP"
    finally:
        tmux.close()
    text = song.read_text(encoding="utf-8")
    assert TYPED[0] in text and "Night Bus}" in text, text
    from cowriter.service.workspace import file_session
    from cowriter.session import SessionStore

    with SessionStore(tmp_path / "sessions").open(file_session(song), readonly=True) as s:
        assert s.text() == song.read_text(encoding="utf-8")
