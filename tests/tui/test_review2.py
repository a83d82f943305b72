"""The second review's findings, each as the writer meets it: a proposal follows a transposed song, a
request typed while the model answers is kept, ctrl+s gives a new song a home, accepted lines scroll into
view when lines wrap, and Esc says it is stopping."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cowriter.model.backend import Message
from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.tui import messages as m
from cowriter.tui.app import CowriterApp
from cowriter.tui.screens.main import MainScreen

from .conftest import SONG, VERSE2, Recorder, make_app, settle, wait_for


def toasts(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


def main_screen(app: object) -> MainScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return screen


# -- 1. a proposal open while the song is transposed ----------------------------------------------------


async def test_an_open_proposal_moves_to_the_new_key_with_the_song(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        screen = main_screen(app)
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        await pilot.press("f8")
        assert await wait_for(pilot, lambda: screen.transport.transpose == 1)
        await settle(pilot)
        assert "{key: Eb}" in app.workspace.lines
        proposal = screen.proposal
        assert proposal is not None and proposal.base == app.workspace.text
        assert any("[Eb]A band of angels" in line for c in proposal.changes for line in c.new)
        before = app.workspace.text
        await pilot.press("a")  # the focused line (the proposal list has the focus)
        await settle(pilot)
        assert app.workspace.text != before
        added = [line for line in app.workspace.lines if line not in before.split("\n")]
        assert added and not any("[D]" in line or "[G]" in line for line in added)
        assert any(t.startswith("Accepted 1 line") for t in toasts(app))


async def test_a_proposal_that_cannot_follow_the_key_is_closed_with_a_notice(
    song_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Workspace, "transposed_proposal", lambda self, proposal, semitones: None)
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        screen = main_screen(app)
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        await pilot.press("f8")
        assert await wait_for(pilot, lambda: screen.transport.transpose == 1)
        await settle(pilot)
        assert screen.proposal is None
        assert any("Proposal closed" in t for t in toasts(app))
        assert not any(t.startswith("Accepted") for t in toasts(app))


async def test_accepting_a_stale_proposal_never_says_accepted(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        screen = main_screen(app)
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        stale = screen.proposal
        assert stale is not None
        # the song goes on without the proposal knowing (as a replace that skipped the rebase did)
        app.workspace.set_text("{title: Something else}\n[C]Other words")
        screen.editor.load_text(app.workspace.text)  # the editor shows what the workspace holds
        before = app.workspace.text
        from cowriter.tui.widgets.proposal import ProposalView

        screen.on_proposal_view_decided(ProposalView.Decided(stale, True, None))
        await settle(pilot)
        assert app.workspace.text == before
        assert not any(t.startswith("Accepted") for t in toasts(app))
        assert any(t.startswith("Nothing accepted") for t in toasts(app))


# -- 2. a request typed while the model answers ------------------------------------------------------------


async def test_a_request_refused_while_answering_stays_in_the_input(song_file: Path) -> None:
    app = make_app(song_file, " ".join(["la"] * 3000), delay=0.01)  # ~30 s: Esc ends it
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("f2", *"sing", "enter")
        assert await wait_for(pilot, lambda: screen.chat.streaming)
        assert screen.chat.input.value == ""  # the request taken: the input empties
        screen.chat.input.value = "a bridge please"
        await pilot.press("enter")
        # the refusal passes the input, the chat and the screen: a few rounds of messages
        assert await wait_for(pilot, lambda: any("still answering" in t for t in toasts(app)))
        assert screen.chat.streaming
        assert screen.chat.input.value == "a bridge please"
        await pilot.press("escape")  # cancel the reply; the request is still there to send
        assert await wait_for(pilot, lambda: not screen.chat.streaming)
        assert screen.chat.input.value == "a bridge please"


# -- 3. ctrl+s on a song with nowhere to go ------------------------------------------------------------------


async def test_save_gives_a_new_song_a_session_then_saves_there(tmp_path: Path) -> None:
    from cowriter.session import SessionStore
    from cowriter.tui.screens.quit import QuitScreen

    sessions = tmp_path / "sessions"
    app = make_app(None, sessions_dir=sessions)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press(*"{title: Night Train}", "enter", *"[G]I hear the whistle blow")
        await settle(pilot)
        assert screen.status.saved.startswith("not saved")
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, QuitScreen)
        assert dialog.name_input.value == "night-train"
        await pilot.press("d")  # no "quit without saving" when saving
        assert app.screen is dialog
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.screen is screen)
        await settle(pilot)
        assert app.workspace.session_name == "night-train"
        assert app.workspace.can_save and not app.workspace.dirty
        assert screen.status.saved == "saved"
        # from now on the song saves there, by itself (autosave) and with ctrl+s (no dialog)
        await pilot.press("enter", *"Through the night")
        assert await wait_for(pilot, lambda: screen.status.saved == "saved", timeout=10)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        text = app.workspace.text
    with SessionStore(sessions).open("night-train") as session:
        assert session.text() == text
        assert "Through the night" in text


# -- 4. scrolling to lines below lines that wrap -------------------------------------------------------------

LONG = "[D]Swing low, sweet chariot, " + "coming for to carry me home, " * 5  # wraps at 80 columns


def long_song() -> str:
    return SONG.replace("{end_of_chorus}", "\n".join([LONG] * 14) + "\n{end_of_chorus}")


def on_screen(editor: object, line: int) -> bool:
    """Whether 0-based line `line` shows in the editor (its first display row is in the viewport)."""
    row = editor.wrapped_document.location_to_offset((line, 0)).y  # type: ignore[attr-defined]
    top = editor.scroll_offset.y  # type: ignore[attr-defined]
    return bool(top <= row < top + editor.scrollable_content_region.height)  # type: ignore[attr-defined]


async def test_accepted_lines_scroll_into_view_below_wrapped_lines(song_file: Path) -> None:
    app = make_app(song_file, VERSE2, text=long_song())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        editor = screen.editor
        assert editor.soft_wrap and editor.wrapped_document.height > editor.document.line_count + 20
        await pilot.press("f2", *"verse 2", "enter")
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        await pilot.press("A")
        await settle(pilot)
        await pilot.pause()
        new_line = app.workspace.lines.index("[D]A band of angels [G]coming after [D]me")
        assert on_screen(editor, new_line)


async def test_the_play_line_is_scrolled_to_below_wrapped_lines(song_file: Path) -> None:
    app = make_app(song_file, text=long_song())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        editor = screen.editor
        screen.chat.input.focus()  # the play head follows only when the writer is not in the song
        await pilot.pause()
        last = app.workspace.lines.index("Coming for to carry me [A7]home", 22)
        assert not on_screen(editor, last)
        editor.set_play_line(last)
        await pilot.pause()
        assert on_screen(editor, last)


# -- 5. Esc while the model reads the prompt -----------------------------------------------------------------


@dataclass
class SlowStart(ScriptedBackend):
    """A model that reads its prompt until `read` is set (as llama.cpp does for seconds): no token, and no
    look at the cancel flag, before then."""

    read: threading.Event = field(default_factory=threading.Event)

    def stream(self, messages: Sequence[Message], **options: Any) -> Iterator[str]:
        inner = super().stream(messages, **options)

        def after_reading() -> Iterator[str]:
            self.read.wait(10)
            yield from inner

        return after_reading()


async def test_escape_while_the_prompt_is_read_says_stopping_until_the_reply_ends(song_file: Path) -> None:
    backend = SlowStart.with_replies([VERSE2], delay=0.01)
    assert isinstance(backend, SlowStart)
    app = CowriterApp(Workspace.open(song_file, backend=backend, audio="none"))
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("f2", *"sing", "enter")
        assert await wait_for(pilot, lambda: screen.status.model_state == "thinking")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.status.model_state == "stopping…"
        assert "stopping…" in str(screen.status.render())
        backend.read.set()  # the prompt is read: the model sees the cancel at its first token
        assert await wait_for(pilot, lambda: bool(rec.of(m.ModelFailed)))
        await pilot.pause()
        assert rec.of(m.ModelFailed)[0].cancelled  # type: ignore[attr-defined]
        assert screen.status.model_state == "idle"
