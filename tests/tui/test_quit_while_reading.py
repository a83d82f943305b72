"""ctrl+q while the real model reads a long prompt: the app ends without waiting for the read (it waited 5
to 10 s on "stopping…"), and the request is in the session's chat with what became of it, so the reopened
song shows it (it was missing). Esc meanwhile keeps the app and says "cancelled" the same way."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from cowriter.model.llama import LlamaBackend
from cowriter.service.workspace import Workspace
from cowriter.session import SessionStore
from cowriter.tui.app import CowriterApp
from tests.model.fixtures import model_path  # noqa: F401

from .conftest import SONG, settle, wait_for

pytestmark = pytest.mark.model

REQUEST = "a second verse about the river, the train and the long way home"
# a long song, so the model is still reading it when the writer quits or presses Esc: a short one was read
# in a fraction of a second on a quiet machine, before the key came (then there was no read to end)
LONG_SONG = SONG + "".join(
    f"\n{{start_of_verse: Verse {n}}}\n"
    + "[D]Down by the river where the [G]night train runs, and the lights go by\n" * 4
    + "{end_of_verse}\n"
    for n in range(2, 14)
)


class Reads:
    """Watches llama.cpp read: when a read (llama_decode) starts, and how each one ended."""

    def __init__(self, backend: LlamaBackend) -> None:
        llm = backend._llm
        assert llm is not None
        self.started = threading.Event()
        self.ended: list[str] = []
        decode = llm._ctx.decode

        def watched(batch: Any) -> Any:
            self.started.set()
            try:
                result = decode(batch)
            except RuntimeError:
                self.ended.append("aborted")
                raise
            self.ended.append("read")
            return result

        llm._ctx.decode = watched


@pytest.fixture
def opened(tmp_path: Path, model_path: Path) -> tuple[Workspace, Reads, Path]:  # noqa: F811
    backend = LlamaBackend(model_path, threads=1)
    backend.load()
    reads = Reads(backend)
    sessions = tmp_path / "sessions"
    SessionStore(sessions).create("river", LONG_SONG).close()
    ws = Workspace.open(None, session="river", sessions_dir=sessions, backend=backend, audio="none")
    return ws, reads, sessions


async def ask(pilot: Any, reads: Reads) -> None:
    await settle(pilot)
    await pilot.press("f2", *REQUEST, "enter")
    assert await wait_for(pilot, reads.started.is_set, timeout=120), "the model never started reading"


def chat_of(sessions: Path) -> list[tuple[str, str]]:
    from cowriter.service.workspace import ports

    session = SessionStore(sessions).open("river", readonly=True)
    try:
        return ports.session_chat(session, 50)
    finally:
        session.close()


async def test_quitting_while_the_model_reads_ends_the_read(opened: tuple[Workspace, Reads, Path]) -> None:
    ws, reads, sessions = opened
    app = CowriterApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, reads)
        await pilot.press("ctrl+q")
        assert await wait_for(pilot, lambda: not app.is_running, timeout=60)
    assert reads.ended and reads.ended[-1] == "aborted", reads.ended  # not read to its end first
    assert ("user", REQUEST) in chat_of(sessions)
    assert ("assistant", "(cancelled)") in chat_of(sessions)


async def test_the_reopened_song_shows_the_unanswered_request(opened: tuple[Workspace, Reads, Path]) -> None:
    ws, reads, sessions = opened
    app = CowriterApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, reads)
        await pilot.press("escape")  # in the chat field: cancels the reply, the writer stays
        assert await wait_for(pilot, lambda: app.screen.status.model_state == "idle", timeout=60)  # type: ignore[attr-defined]
        assert reads.ended[-1] == "aborted", reads.ended
        await pilot.press("ctrl+q")
        assert await wait_for(pilot, lambda: not app.is_running, timeout=60)
    again = Workspace.open(None, session="river", sessions_dir=sessions, audio="none")
    try:
        said = [(m.role, m.content) for m in again.history]
    finally:
        again.close()
    assert said[-2:] == [("user", REQUEST), ("assistant", "(cancelled)")]
