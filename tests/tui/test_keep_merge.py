"""Nothing the writer does while the model answers is lost: an accept is a three-way merge onto the song
as it is by then (typing kept, a line both changed shown as a conflict to resolve by keyboard, a
transposition carried into the model's chords), and asking again never drops an open proposal."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from cowriter.model.backend import Message
from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.tui import messages as m
from cowriter.tui.app import CowriterApp
from cowriter.tui.screens.main import MainScreen

from .conftest import SONG, VERSE2, settle, wait_for

CHORUS_LINE = 5  # "[D]Swing low, sweet [G]chari[D]ot" (0-based)
REWRITE = "[D]Swing down, sweet [G]chari[D]ot\n"
REWRITE2 = "[D]Swing high, sweet [G]chari[D]ot\n"


@dataclass
class Gated(ScriptedBackend):
    """A scripted model that holds its reply until the test lets it go: the writer works meanwhile."""

    gate: threading.Event = field(default_factory=threading.Event)
    asked: threading.Event = field(default_factory=threading.Event)

    def stream(self, messages: Sequence[Message], **options: Any) -> Iterator[str]:
        pieces = super().stream(messages, **options)

        def held() -> Iterator[str]:
            self.asked.set()
            self.gate.wait(30)
            yield from pieces

        return held()


def gated_app(path: Path, *replies: str) -> tuple[CowriterApp, Gated]:
    backend = Gated.with_replies(replies, model_name="scripted")
    assert isinstance(backend, Gated)
    return CowriterApp(Workspace.open(path, backend=backend, audio="none")), backend


def toasts(app: CowriterApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def ask_and_hold(pilot: Pilot[int], backend: Gated, request: str) -> MainScreen:
    """Ask; once the model has the request, the writer is back in the song (the reply held)."""
    await settle(pilot)
    await pilot.press("f2", *request, "enter")
    assert await wait_for(pilot, backend.asked.is_set)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    screen.editor.focus()
    return screen


async def release(pilot: Pilot[int], backend: Gated, screen: MainScreen) -> None:
    backend.gate.set()
    assert await wait_for(pilot, lambda: screen.proposal is not None and screen._cancel is None)
    await pilot.pause()


async def test_a_line_typed_while_the_model_answers_is_kept_by_accept_all(song_file: Path) -> None:
    app, backend = gated_app(song_file, VERSE2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask_and_hold(pilot, backend, "write verse 2")
        row = CHORUS_LINE + 1  # "Coming for to carry me [A7]home"
        screen.editor.cursor_location = (row, len(screen.editor.document.get_line(row)))
        await pilot.press("enter", *"xyzq")
        await release(pilot, backend, screen)
        proposal = screen.proposal
        assert proposal is not None
        assert all("xyzq" not in c.old for c in proposal.changes)  # the typed line is no change to undo
        await pilot.press("f3", "A")
        await settle(pilot)
        ws = app.workspace
        assert ws.lines[row + 1] == "xyzq" and ws.authors[row + 1] == "human"
        band = "[D]A band of angels [G]coming after [D]me"
        assert band in ws.lines and ws.authors[ws.lines.index(band)] == "model:scripted"
        assert screen.editor.text == ws.text


async def test_f8_while_the_model_answers_moves_the_proposal_to_the_new_key(song_file: Path) -> None:
    app, backend = gated_app(song_file, VERSE2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask_and_hold(pilot, backend, "write verse 2")
        await pilot.press("f8")
        assert await wait_for(pilot, lambda: screen.transport.transpose == 1)
        await release(pilot, backend, screen)
        proposal = screen.proposal
        assert proposal is not None
        brought = [line for c in proposal.changes for line in c.new]
        assert "[Eb]A band of angels [Ab]coming after [Eb]me" in brought
        assert not any("[Eb]" in line for c in proposal.changes for line in c.old)  # nothing reverted
        assert any("moved to the song's new key" in t for t in toasts(app))
        await pilot.press("f3", "A")
        await settle(pilot)
        ws = app.workspace
        assert "[Eb]Swing low, sweet [Ab]chari[Eb]ot" in ws.lines  # the writer's transposition stays
        assert "[Eb]A band of angels [Ab]coming after [Eb]me" in ws.lines
        assert "[D]" not in ws.text and "{key: Eb}" in ws.lines


async def test_a_line_both_changed_is_a_conflict_resolved_by_keyboard(song_file: Path) -> None:
    app, backend = gated_app(song_file, REWRITE, REWRITE2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ask_and_hold(pilot, backend, "rewrite line 6")
        row = CHORUS_LINE
        screen.editor.cursor_location = (row, len(screen.editor.document.get_line(row)))
        await pilot.press(*" yeah")
        mine = "[D]Swing low, sweet [G]chari[D]ot yeah"
        await release(pilot, backend, screen)
        proposal = screen.proposal
        assert proposal is not None and proposal.conflicts
        (clash,) = proposal.changes
        assert clash.old == (mine,) and clash.new == (REWRITE.strip(),)
        view = screen.proposal_view
        shown = str(view.options.get_option_at_index(view.options.highlighted or 0).prompt)
        assert "! yours" in shown and "yeah" in shown and "Swing down" in shown
        assert "keep yours" in str(view.query_one("#proposal-keys").render())

        await pilot.press("f3", "A")  # all: never a line the writer changed too
        await settle(pilot)
        assert app.workspace.lines[row] == mine and screen.proposal is not None
        assert any(t.startswith("Nothing accepted") for t in toasts(app))

        await pilot.press("a")  # on the conflict: the model's line, chosen
        await settle(pilot)
        ws = app.workspace
        assert ws.lines[row] == REWRITE.strip() and ws.authors[row] == "model:scripted"
        assert screen.proposal is None

        # the same again, kept by r: the writer's line stays
        backend.gate.clear()
        backend.asked.clear()
        screen = await ask_and_hold(pilot, backend, "rewrite line 6")
        screen.editor.cursor_location = (row, len(screen.editor.document.get_line(row)))
        await pilot.press(*" mine")
        await release(pilot, backend, screen)
        await pilot.press("f3", "r")
        await settle(pilot)
        assert app.workspace.lines[row] == REWRITE.strip() + " mine"
        assert screen.proposal is None


async def test_asking_again_keeps_the_open_proposal_waiting(song_file: Path) -> None:
    from .conftest import make_app

    app = make_app(song_file, VERSE2, REWRITE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("f2", *"write verse 2", "enter")
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        first = screen.proposal
        await settle(pilot)
        await pilot.press("f2", *"rewrite line 6", "enter")
        assert await wait_for(pilot, lambda: len(screen.waiting) == 1)
        await settle(pilot)
        assert screen.proposal is first  # the open one stays where the writer is
        assert any("waits behind the open one" in t for t in toasts(app))
        assert "+1 waiting (n)" in str(screen.proposal_view.query_one("#proposal-title").render())
        await pilot.press("f3", "n")  # the one waiting; the first goes behind it
        await pilot.pause()
        assert screen.proposal is not None and screen.proposal.changes[0].new == (REWRITE.strip(),)
        assert screen.waiting == [first]
        await pilot.press("A")
        await settle(pilot)
        assert app.workspace.lines[CHORUS_LINE] == REWRITE.strip()
        # the first comes back by itself, carried onto the song as it is now
        assert screen.proposal is not None and not screen.waiting
        await pilot.press("A")
        await settle(pilot)
        ws = app.workspace
        assert ws.lines[CHORUS_LINE] == REWRITE.strip()
        assert "[D]A band of angels [G]coming after [D]me" in ws.lines
        assert SONG.split("\n")[CHORUS_LINE] not in ws.lines


async def test_keys_typed_just_before_f8_are_kept(song_file: Path) -> None:
    """The editor has the keystrokes; the message carrying them to the workspace is still on its way when
    F8 (a priority key) is handled: the transposition takes them along instead of writing over them."""
    from .conftest import make_app

    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        row = CHORUS_LINE + 1
        ws = app.workspace
        before = ws.text
        # F8: the song is transposed in a worker (from `before`), and meanwhile the writer types...
        screen.editor.insert(" xyzq", (row, len(screen.editor.document.get_line(row))))
        # ...whose answer is handled before the editor's message with the keys (a UI busy with a model)
        screen._transposed_from = before
        screen.on_song_replaced(m.SongReplaced(ws.transposed(1, before), "+1"))
        await settle(pilot)
        assert ws.lines[row] == "Coming for to carry me [Bb7]home xyzq"
        assert screen.editor.text == ws.text
