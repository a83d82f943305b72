"""What the writer did survives a reopen: the chat of other versions of a line (shift+F2), the transport
(tempo, style, transposition, loop), the credit of an accepted melody sketch (even when an autosave's
worker runs late), and the time of each version of one sitting."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.service.workspace.melody import MELODY_MODEL
from cowriter.session import SessionStore
from cowriter.session.files import now_iso
from cowriter.tui.app import CowriterApp
from cowriter.tui.commands import ACTIONS
from cowriter.tui.screens import base
from cowriter.tui.screens.main import MainScreen

from .conftest import SONG, settle, wait_for

ALTERNATIVES_KEY = next(a.key for a in ACTIONS if a.action == "alternatives")
OTHERS = (
    "[D]Swing down, sweet [G]chari[D]ot\n[D]Swing low, my [G]sweet old [D]chariot\n"
    "[D]Ride on, sweet [G]chari[D]ot\n"
)


def in_session(store: Path, *replies: str) -> CowriterApp:
    if not SessionStore(store).exists("swing"):
        SessionStore(store).create("swing", SONG).close()
    backend = ScriptedBackend.with_replies(replies, model_name="scripted")
    ws = Workspace.open(None, session="swing", sessions_dir=store, backend=backend, audio="none")
    return CowriterApp(ws)


def main(app: CowriterApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def test_the_chat_of_other_versions_of_a_line_is_there_after_a_reopen(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    app = in_session(store, OTHERS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main(app).editor.cursor_location = (5, 0)
        await pilot.press(ALTERNATIVES_KEY)
        assert await wait_for(pilot, lambda: main(app).proposal is not None)
        await pilot.press("ctrl+q")
    again = in_session(store)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        said = [(m.role, m.content) for m in again.workspace.history]
        assert ("user", "other versions of line 6") in said
        assert any(role == "assistant" and "Ride on" in text for role, text in said)
        from cowriter.tui.widgets.chat import ChatEntry

        shown = "\n".join(str(e.render()) for e in main(again).chat.query(ChatEntry))
        assert "other versions of line 6" in shown and "Ride on" in shown


async def test_tempo_style_transposition_and_loop_are_there_after_a_reopen(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    app = in_session(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.editor.cursor_location = (5, 0)
        await pilot.press("alt+up", "alt+up", "f9", "f9", "f8", "f6")
        assert await wait_for(pilot, lambda: screen.transport.transpose == 1)
        await settle(pilot)
        settings = app.workspace.settings
        assert settings.bpm == 110 and settings.style and settings.loop_section == "Chorus"
        kept = (settings.bpm, settings.style, settings.transpose, settings.loop_section)
        await pilot.press("ctrl+q")
    again = in_session(store)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        s = again.workspace.settings
        assert (s.bpm, s.style, s.transpose, s.loop_section) == kept
        transport = main(again).transport
        assert (transport.bpm, transport.style, transport.transpose, transport.loop) == kept
        assert "[Eb]Swing low" in again.workspace.text  # the song itself stayed transposed


async def test_a_melody_sketch_stays_credited_to_the_sketcher_when_an_autosave_runs_late(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An autosave's snapshot taken before the accept, whose worker runs after the accept was recorded,
    must not put the old text back (then credit the block to the writer with the next save)."""
    monkeypatch.setattr(base, "SAVE_DELAY", 0.05)
    store = tmp_path / "sessions"
    app = in_session(store)
    ws = app.workspace
    gate, first_done = threading.Event(), threading.Event()
    save_text = ws.save_text
    calls: list[str] = []

    def late(text: str, message: str = "", *, revision: int | None = None) -> str:
        calls.append(text)
        if len(calls) == 1:  # the edit's autosave: its worker is slow to get going (a loaded machine)
            gate.wait(20)
        else:  # later saves come after it
            first_done.wait(20)
        try:
            return save_text(text, message, **({} if revision is None else {"revision": revision}))
        finally:
            if len(calls) == 1 or text == calls[0]:
                first_done.set()

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        ws.save_text = late  # type: ignore[method-assign]
        screen.editor.cursor_location = (6, len(screen.editor.document.get_line(6)))
        await pilot.press("!")  # an edit: its autosave's worker starts and waits
        assert await wait_for(pilot, lambda: bool(calls))
        screen.editor.cursor_location = (5, 0)
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: screen.melody is not None)
        await pilot.press("a")
        block = next(i for i, line in enumerate(ws.lines) if line.startswith("{start_of_abc"))
        assert await wait_for(pilot, lambda: ws._session is not None and ws._session.text() == ws.text)
        gate.set()
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert ws._session is not None and ws._session.text() == ws.text
        await pilot.press("ctrl+q")
    with SessionStore(store).open("swing", readonly=True) as s:
        credits = s.credits().credits
        lines = s.text().split("\n")
        assert lines[block].startswith("{start_of_abc")
        assert credits[block].author == f"model:{MELODY_MODEL}"
        assert credits[block + 1].author == f"model:{MELODY_MODEL}"


async def test_each_version_of_a_sitting_carries_the_time_of_its_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three transpositions, saved together: each is a version with the time it was done, not the save's."""
    monkeypatch.setattr(base, "SAVE_DELAY", 30.0)  # no autosave between them: one save records all
    store = tmp_path / "sessions"
    app = in_session(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main(app)
        done: list[str] = []  # when each transposition was on screen
        for n in (1, 2, 3):
            await pilot.press("f8")
            assert await wait_for(pilot, lambda n=n: screen.transport.transpose == n)  # type: ignore[misc]
            done.append(now_iso())
            await pilot.pause(0.05)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("ctrl+q")
    with SessionStore(store).open("swing", readonly=True) as s:
        moved = [v for v in s.versions() if v.message == "transposed"]
        assert len(moved) == 3
        times = [v.created for v in moved]
        assert all(t <= when for t, when in zip(times, done, strict=True)), (times, done)
        assert times == sorted(times) and len(set(times)) == 3
