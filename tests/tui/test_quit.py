"""Quitting: a reply in flight is cancelled and its worker ends before the model is closed; a song with
nowhere to go (no file, no session) is offered a session instead of being thrown away."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cowriter.model.backend import Message
from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.session import SessionStore
from cowriter.tui import messages as m
from cowriter.tui.app import CowriterApp
from cowriter.tui.screens.main import MainScreen
from cowriter.tui.screens.quit import QuitScreen

from .conftest import VERSE2, Recorder, make_app, settle, wait_for

SONG = "{title: Night Train}\n\n[G]I hear the whistle [C]blow\n"


@dataclass
class WatchedBackend(ScriptedBackend):
    """A scripted model that notes when its streams end and when it is closed (and what ran then)."""

    events: list[str] = field(default_factory=list)
    running_at_close: list[str] = field(default_factory=list)
    app: CowriterApp | None = None

    def stream(self, messages: Sequence[Message], **options: Any) -> Iterator[str]:
        inner = super().stream(messages, **options)

        def watched() -> Iterator[str]:
            try:
                yield from inner
            finally:
                self.events.append("stream ended")

        return watched()

    def close(self) -> None:
        self.events.append("closed")
        if self.app is not None:
            self.running_at_close = [w.group for w in self.app.workers if not w.is_finished]
        super().close()


async def test_quit_mid_reply_cancels_it_and_closes_the_model_after_the_worker(song_file: Path) -> None:
    backend = WatchedBackend.with_replies([VERSE2 * 4], delay=0.05)  # ~10 s of reply
    app = CowriterApp(Workspace.open(song_file, backend=backend, audio="none"))
    backend.app = app
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"a verse about trains", "enter")
        assert await wait_for(pilot, lambda: len(rec.of(m.TokenStreamed)) >= 3)
        await pilot.press("ctrl+q")
        assert await wait_for(pilot, lambda: "closed" in backend.events)
    assert app.return_value == 0
    assert backend.events == ["stream ended", "closed"], "the model is closed only once its stream ended"
    assert "model" not in backend.running_at_close, "the model's worker had ended"
    assert len(rec.of(m.TokenStreamed)) < len(VERSE2.split()) * 4, "the reply was cancelled, not finished"
    assert song_file.read_text() != "" and backend.closed


async def test_a_model_slow_to_stop_is_waited_for_and_the_wait_is_said(song_file: Path) -> None:
    # like llama.cpp reading the prompt: the first step cannot be interrupted, it takes a while
    backend = WatchedBackend.with_replies([VERSE2], delay=1.0)
    app = CowriterApp(Workspace.open(song_file, backend=backend, audio="none"))
    backend.app = app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"a verse about trains", "enter")
        assert await wait_for(pilot, lambda: bool(backend.calls))
        await pilot.press("ctrl+q")
        assert await wait_for(pilot, lambda: "closed" in backend.events)
        said = [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]
    assert app.return_value == 0
    assert backend.events == ["stream ended", "closed"]
    assert "Quitting once the co-writer stops…" in said


async def test_quit_with_nothing_typed_quits_at_once(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    app = make_app(None, sessions_dir=sessions)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, QuitScreen)
    assert app.return_value == 0
    assert SessionStore(sessions).list() == []


async def _type_song(pilot: Any, text: str) -> None:
    for line in text.rstrip("\n").split("\n"):
        await pilot.press(*line, "enter")
    await settle(pilot)


async def test_a_homeless_song_is_kept_as_a_session_named_after_its_title(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    app = make_app(None, sessions_dir=sessions)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _type_song(pilot, SONG)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        assert app.screen.name_input.value == "night-train"
        await pilot.press("ctrl+q")  # a second ctrl+q does not throw the song away
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen) and app.return_value is None
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.return_value == 0)
    assert SessionStore(sessions).list() == ["night-train"]
    session = SessionStore(sessions).open("night-train", readonly=True)
    try:
        assert session.text() == app.workspace.text
        assert "[G]I hear the whistle [C]blow" in session.text().split("\n")
        assert {c.author for c in session.credits().credits} == {"human"}
    finally:
        session.close()


async def test_the_kept_session_credits_the_models_lines_and_keeps_the_chat(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    app = make_app(None, VERSE2, sessions_dir=sessions)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _type_song(pilot, SONG)
        await pilot.press("f2", *"write verse 2", "enter")
        assert await wait_for(pilot, lambda: app.screen.proposal is not None)  # type: ignore[attr-defined]
        app.screen.action_accept_all()  # type: ignore[attr-defined]
        await settle(pilot)
        ws = app.workspace
        model_line = "[D]A band of angels [G]coming after [D]me"
        assert ws.authors[ws.lines.index(model_line)] == "model:scripted"
        text = ws.text
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.return_value == 0)
    session = SessionStore(sessions).open("night-train", readonly=True)
    try:
        assert session.text() == text
        credits = session.credits()
        by_line = dict(zip(credits.lines, (c.author for c in credits.credits), strict=True))
        assert by_line[model_line] == "model:scripted"
        assert by_line["[G]I hear the whistle [C]blow"] == "human"
        chat = [(msg.role, msg.text, msg.model) for msg in session.messages()]
        assert chat[0][:2] == ("user", "write verse 2")
        assert (chat[1][0], chat[1][2]) == ("assistant", "scripted")
    finally:
        session.close()


async def test_d_quits_without_writing_anything(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    app = make_app(None, sessions_dir=sessions)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _type_song(pilot, SONG)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("d")
        assert await wait_for(pilot, lambda: app.return_value == 0)
    assert SessionStore(sessions).list() == []
    assert not sessions.exists() or not any(sessions.iterdir())


async def test_escape_goes_back_to_the_song_intact(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    app = make_app(None, sessions_dir=sessions)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _type_song(pilot, SONG)
        text = app.workspace.text
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.editor.text == app.workspace.text == text
        await pilot.press(*"x")  # the editor has the keyboard again
        await settle(pilot)
        assert app.workspace.text != text and app.return_value is None
        await pilot.press("ctrl+q")  # and asks again
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
    assert SessionStore(sessions).list() == []


async def test_a_taken_or_refused_name_is_said_and_can_be_changed(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    SessionStore(sessions).create("night-train", "older song\n").close()
    app = make_app(None, sessions_dir=sessions)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _type_song(pilot, SONG)
        await pilot.press("ctrl+q")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuitScreen)
        assert screen.name_input.value == "night-train-2", "a free name is offered"
        for bad, said in [("night-train", "already exists"), ("../up", "refused")]:
            await pilot.press("e", "ctrl+u", *bad, "enter")  # e: edit the name
            assert await wait_for(pilot, lambda: not screen.busy)
            await pilot.pause()
            assert isinstance(app.screen, QuitScreen) and app.return_value is None
            assert said in str(screen.query_one("#quit-error").render())
        await pilot.press("ctrl+u", *"night train two", "enter")
        assert await wait_for(pilot, lambda: app.return_value == 0)
    assert SessionStore(sessions).list() == ["night train two", "night-train"]
    older = SessionStore(sessions).open("night-train", readonly=True)
    try:
        assert older.text() == "older song\n", "the other session is untouched"
    finally:
        older.close()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("{title: Don't Stop  Me Now!}\nla la\n", r"don-t-stop-me-now"),
        ("{t: Ölfeld}\nla\n", r"ölfeld"),
        ("just words, no title\n", r"untitled-\d{8}-\d{4}"),
        ("{title: ...}\nla\n", r"untitled-\d{8}-\d{4}"),
    ],
)
async def test_the_name_offered(tmp_path: Path, text: str, name: str) -> None:
    app = make_app(None, sessions_dir=tmp_path / "sessions", text=text)
    app.workspace.saved_text = ""  # typed, not opened
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        assert re.fullmatch(name, app.screen.name_input.value)
        await pilot.press("escape")


async def test_a_song_with_a_file_is_saved_without_asking(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"# more")
        await pilot.press("ctrl+q")
        assert await wait_for(pilot, lambda: app.return_value == 0)
    assert song_file.read_text().startswith("# more")
