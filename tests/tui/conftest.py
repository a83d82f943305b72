"""Fixtures for the TUI tests: a song, a workspace with a scripted model and no sound, and an app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.message import Message
from textual.pilot import Pilot

from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.tui.app import CowriterApp

SONG = """{title: Swing Low}
{key: D}
{tempo: 100}

{start_of_chorus: Chorus}
[D]Swing low, sweet [G]chari[D]ot
Coming for to carry me [A7]home
{end_of_chorus}

{start_of_verse: Verse 1}
I [D]looked over Jordan and [G]what did I [D]see
Coming for to carry me [A7]home
{end_of_verse}
"""

VERSE2 = """Here is a second verse:
{start_of_verse: Verse 2}
[D]A band of angels [G]coming after [D]me
Coming for to carry me [A7]home
[D]If you get there be[G]fore I [D]do
Tell all my friends I'm [A7]coming too
{end_of_verse}
"""


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Same picture everywhere: no colour, no stray sessions or config from the machine (and none left
    in the checkout's sessions/: a bare song is kept in the recovery store as the writer types)."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("COWRITER_SESSIONS", str(tmp_path / "sessions"))  # songs kept for recovery too
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("COWRITER_MODEL", raising=False)


@pytest.fixture
def song_file(tmp_path: Path) -> Path:
    path = tmp_path / "swing-low.cho"
    path.write_text(SONG, encoding="utf-8")
    return path


def make_app(
    path: Path | None, *replies: str, delay: float = 0.0, text: str | None = None, **ws: object
) -> CowriterApp:
    backend = ScriptedBackend.with_replies(replies, delay=delay, model_name="scripted")
    workspace = Workspace.open(path, backend=backend, audio="none", **ws)  # type: ignore[arg-type]
    if text is not None:
        workspace.text = workspace.saved_text = text
        workspace.authors = ["human"] * len(workspace.lines)
    return CowriterApp(workspace)


class Recorder:
    """Collects the messages the app processes (`run_test(message_hook=...)`)."""

    def __init__(self) -> None:
        self.seen: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.seen.append(message)

    def of(self, kind: type[Message]) -> list[Message]:
        return [m for m in self.seen if isinstance(m, kind)]


async def settle(pilot: Pilot[int]) -> None:
    """Let the workers finish and the messages they posted be handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Pilot[int], cond: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll `cond` while the app runs (a ceiling, not a timing assertion)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if cond():
            return True
        await pilot.pause(0.02)
    return cond()
