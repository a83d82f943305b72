"""`cowriter open FILE` keeps the song's history in a session of its own: the model's lines stay credited
and the chat comes back the next time the file is opened."""

from __future__ import annotations

from pathlib import Path

from cowriter.service.workspace import file_session
from cowriter.session import SessionStore
from cowriter.tui import messages as m
from cowriter.tui.widgets.chat import ChatEntry

from .conftest import VERSE2, Recorder, make_app, settle, wait_for

NEW_LINE = "[D]A band of angels [G]coming after [D]me"


async def test_an_opened_file_keeps_its_history_in_a_session_of_its_own(
    song_file: Path, tmp_path: Path
) -> None:
    store, name = tmp_path / "store", file_session(song_file)
    app = make_app(song_file, VERSE2, sessions_dir=store)
    app.history_session = name
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert await wait_for(pilot, lambda: app.workspace.session_name == name)
        await pilot.press("f2", *"write verse 2", "enter")
        screen = app.screen
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        await pilot.press("f3", "A")
        await settle(pilot)
        assert NEW_LINE in app.workspace.lines
        await app.action_quit()
    assert song_file.read_text(encoding="utf-8") == app.workspace.text  # the file is still the song

    session = SessionStore(store).open(name, readonly=True)
    try:
        assert session.text() == app.workspace.text
        credits = session.credits().credits
        assert credits[app.workspace.lines.index(NEW_LINE)].author == "model:scripted"
    finally:
        session.close()

    again = make_app(song_file, sessions_dir=store)
    again.history_session = name
    rec = Recorder()
    async with again.run_test(size=(120, 40), message_hook=rec) as pilot:
        assert await wait_for(pilot, lambda: bool(rec.of(m.SessionOpened)))
        await settle(pilot)
        ws = again.workspace
        assert ws.authors[ws.lines.index(NEW_LINE)] == "model:scripted"
        chat = again.screen.chat  # type: ignore[attr-defined]
        assert any("write verse 2" in str(entry.render()) for entry in chat.query(ChatEntry))


async def test_a_store_that_cannot_be_written_is_a_notice_not_a_crash(
    song_file: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    app = make_app(song_file, sessions_dir=blocker)
    app.history_session = file_session(song_file)
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        assert await wait_for(pilot, lambda: bool(rec.of(m.SessionOpened)))
        await settle(pilot)
        assert app.workspace.session_name is None and app.workspace.can_save  # the file still saves
        assert any("history is not kept" in str(n.message) for n in app._notifications)  # type: ignore[attr-defined]
