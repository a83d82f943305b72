"""A bare `cowriter` song is never lost: it is kept in the recovery store as the writer types; a cowriter
that ends without a word (crash, hang-up, kill -9) leaves it there, and the next one offers it back (take
it, discard it, or leave it for later). Keeping it under a name keeps its whole history."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.session import SessionStore
from cowriter.session.scratch import left_songs, recovery_store
from cowriter.tui.app import CowriterApp
from cowriter.tui.screens import base
from cowriter.tui.screens.main import MainScreen
from cowriter.tui.screens.quit import QuitScreen
from cowriter.tui.screens.recover import RecoverScreen

from .conftest import VERSE2, settle, wait_for

FIRST = "{title: Night Bus Home}\n[G]Last bus rolls out of the [D]station"


@pytest.fixture(autouse=True)
def _quick_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "SAVE_DELAY", 0.05)


def bare(store: Path, *replies: str, recover: bool = True) -> CowriterApp:
    backend = ScriptedBackend.with_replies(replies, model_name="scripted")
    ws = Workspace.open(None, sessions_dir=store, backend=backend, audio="none")
    return CowriterApp(ws, recover=recover)


def scratch_texts(store: Path) -> list[str]:
    found = []
    root = recovery_store(SessionStore(store)).root
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        song = folder / "song.cho"
        if song.is_file():
            found.append(song.read_text(encoding="utf-8"))
    return found


async def write_and_leave(pilot: Pilot[int], text: str) -> MainScreen:
    """Type `text` into a new song and pause: it is kept for recovery."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    await pilot.press(*text)
    app = pilot.app
    assert isinstance(app, CowriterApp)
    assert await wait_for(
        pilot, lambda: app.workspace.scratch and screen.status.saved.startswith("not saved, kept")
    )
    await settle(pilot)
    return screen


def crash(app: CowriterApp) -> None:
    """The process ends without a word (its lock goes with it, as the kernel drops a dead process's)."""
    session = app.workspace._session
    assert session is not None
    session.close()


async def test_an_unsaved_song_left_by_a_crash_is_offered_back_whole(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    app = bare(store, VERSE2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await write_and_leave(pilot, "Last bus home")
        await pilot.press("enter", *"[G]Rain on the window")
        await pilot.press("f2", *"write verse 2", "enter")
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("f8")
        assert await wait_for(pilot, lambda: app.workspace.settings.transpose == 1)
        await pilot.press("f9")  # a style of its own
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        text, authors, style = app.workspace.text, list(app.workspace.authors), app.workspace.settings.style
        assert scratch_texts(store) == [text]  # kept as it is, not saved anywhere
        assert not SessionStore(store).list()
        crash(app)

    again = bare(store)
    async with again.run_test(size=(80, 24)) as pilot:
        assert await wait_for(  # the screen is pushed before its list is mounted
            pilot,
            lambda: isinstance(again.screen, RecoverScreen) and bool(again.screen.query("#recover-list")),
        )
        options = again.screen.query_one("#recover-list", OptionList)
        assert options.option_count == 1
        shown = str(options.get_option_at_index(0).prompt)
        assert (
            "Last bus home" in shown
            and f"{len([x for x in text.split(chr(10)) if x.strip()])} lines" in shown
        )
        await pilot.press("enter")
        ws = again.workspace
        assert await wait_for(pilot, lambda: ws.text == text)
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, MainScreen)
        assert screen.editor.text == text
        credited = [(line, who) for line, who in zip(ws.lines, ws.authors, strict=True) if line.strip()]
        assert credited == [
            (line, who) for line, who in zip(text.split("\n"), authors, strict=True) if line.strip()
        ]
        assert any(a.startswith("model:") for a in ws.authors)
        assert ws.settings.transpose == 1 and ws.settings.style == style and screen.transport.transpose == 1
        assert any("write verse 2" in m.content for m in ws.history)  # the chat came back too
        assert not ws.can_save and ws.homeless and ws.dirty  # still not saved: the quit will ask
        # given a name, it keeps its history: each version with the time of its own edit
        await pilot.press("ctrl+q")
        assert await wait_for(pilot, lambda: isinstance(again.screen, QuitScreen))
        again.screen.query_one("#quit-name").value = "night bus"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: not again.is_running, timeout=20)
    assert SessionStore(store).list() == ["night bus"]
    assert scratch_texts(store) == []
    with SessionStore(store).open("night bus", readonly=True) as s:
        assert s.text() == text
        versions = s.versions()
        assert len(versions) >= 4
        assert len({v.created for v in versions}) == len(versions)  # the time of each, not of the keeping
        assert any(v.message == "transposed" for v in versions)
        assert any(v.author == "model:scripted" for v in versions)


async def test_discarding_a_left_song_deletes_it_and_later_leaves_it(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    for words in ("first song", "second song"):
        app = bare(store, recover=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await write_and_leave(pilot, words)
            crash(app)
    assert len(left_songs(SessionStore(store))) == 2

    app = bare(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, RecoverScreen))
        await pilot.press("d")  # the newest
        assert await wait_for(pilot, lambda: len(scratch_texts(store)) == 1)
        assert isinstance(app.screen, RecoverScreen)  # the other is still offered
        await pilot.press("escape")  # later: a new song now
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.workspace.text == ""
    assert scratch_texts(store) == ["first song"]

    app = bare(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: isinstance(app.screen, RecoverScreen))
        await pilot.press("escape")


async def test_quitting_without_saving_throws_the_song_away_for_good(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    app = bare(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await write_and_leave(pilot, FIRST)
        await pilot.press("ctrl+q")
        assert await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen))
        await pilot.press("d")
        assert await wait_for(pilot, lambda: not app.is_running, timeout=20)
    assert scratch_texts(store) == [] and left_songs(SessionStore(store)) == []


async def test_a_song_being_written_is_never_offered_to_another_cowriter(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    app = bare(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await write_and_leave(pilot, FIRST)
        assert left_songs(SessionStore(store)) == []  # held by the running one
        assert len(scratch_texts(store)) == 1
