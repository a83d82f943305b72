"""Melody sketches keep their promises: Esc closes them (after stopping one that plays), the notice for a
sketch written to a WAV names the sketch (it said "Chorus once" with the chorus looped while it played a
verse line), and the ABC's tempo is the one the transport plays at (it stayed at 100 after 110 was set)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.tui.app import CowriterApp
from cowriter.tui.screens.main import MainScreen

from .conftest import make_app, settle, wait_for

CHORUS_LINE = 5  # "[D]Swing low, sweet [G]chari[D]ot" in the chorus
VERSE_LINE = 10  # "I [D]looked over Jordan and [G]what did I [D]see" in verse 1


def main_of(pilot: Pilot[int]) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


def notices(app: CowriterApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def sketch(pilot: Pilot[int], row: int) -> MainScreen:
    screen = main_of(pilot)
    screen.editor.cursor_location = (row, 0)
    await pilot.press("f4")
    assert await wait_for(pilot, lambda: screen.melody is not None, timeout=30)
    await pilot.pause()
    return screen


async def test_escape_closes_the_sketches(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await sketch(pilot, VERSE_LINE)
        assert screen.focused is screen.melody_view.options  # the writer waited: the list has the keys
        await pilot.press("escape")
        assert screen.melody is None and screen.editor.has_focus
        assert app.workspace.text == screen.editor.text  # the song untouched


async def test_escape_stops_a_sketch_playing_then_closes_them(song_file: Path) -> None:
    app = make_app(song_file)
    app.workspace.settings.bpm = 40.0  # slow: it is still playing when Esc comes
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await sketch(pilot, VERSE_LINE)
        await pilot.press("p")
        assert await wait_for(pilot, lambda: screen.transport.playing)
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not screen.transport.playing)
        assert screen.melody is not None  # the first Esc stops the sound only
        screen.melody_view.focus_list()
        await pilot.press("escape")
        assert screen.melody is None


async def test_a_written_sketch_is_named_not_the_looped_section(
    song_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    backend = ScriptedBackend.with_replies((), model_name="scripted")
    app = CowriterApp(Workspace.open(song_file, backend=backend, audio="wav"))  # no speakers: a WAV
    app.workspace.settings.bpm = 300.0
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        screen = main_of(pilot)
        screen.editor.cursor_location = (CHORUS_LINE, 0)
        await pilot.press("f6")  # loop the chorus
        assert screen.transport.loop == "Chorus"
        screen = await sketch(pilot, VERSE_LINE)
        await pilot.press("p")
        assert await wait_for(pilot, lambda: any("of sound" in n for n in notices(app)), timeout=60)
        said = next(n for n in notices(app) if "of sound" in n)
        assert "melody 1 for line 11" in said, said
        assert "Chorus" not in said, said


async def test_the_sketch_tempo_is_the_transports(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert main_of(pilot).transport.bpm == 100
        await pilot.press("alt+up", "alt+up")  # 100 -> 110
        assert app.workspace.settings.bpm == 110
        screen = await sketch(pilot, VERSE_LINE)
        sketches = screen.melody
        assert sketches is not None
        tempos = {ln for c in sketches.choices for ln in c.abc.splitlines() if ln.startswith("Q:")}
        assert tempos == {"Q:1/4=110"}
        assert all("Q:1/4=110" in c.text for c in sketches.choices)  # the block the song would get
