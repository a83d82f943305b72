"""ctrl+o: the extension chooses the format, an unknown one or a missing folder is refused on the screen,
an existing file is overwritten only on a second Enter."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from cowriter.tui.screens.export import ExportScreen

from .conftest import SONG, make_app, settle, wait_for


def toasts(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


def note(app: object) -> str:
    return str(app.screen.query_one("#export-note", Static).render())  # type: ignore[attr-defined]


async def type_path(pilot: object, app: object, path: Path | str) -> None:
    await pilot.press("ctrl+o")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, ExportScreen)  # type: ignore[attr-defined]
    app.screen.query_one("#export-path", Input).value = str(path)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_a_mid_name_writes_the_arranged_midi(song_file: Path, tmp_path: Path) -> None:
    mido = pytest.importorskip("mido")
    app = make_app(song_file)
    target = tmp_path / "out.mid"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, app, target)
        assert "the arranged MIDI" in note(app)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        assert any(str(target) in t for t in toasts(app))
    midi = mido.MidiFile(target)
    assert sum(1 for t in midi.tracks for msg in t if msg.type == "note_on") > 0


@pytest.mark.slow
async def test_a_wav_name_renders_audio_in_a_worker(song_file: Path, tmp_path: Path) -> None:
    app = make_app(song_file)
    target = tmp_path / "out.wav"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, app, target)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: any(str(target) in t for t in toasts(app)), timeout=60)
    with wave.open(str(target)) as w:
        assert w.getnchannels() == 2 and w.getnframes() > 0


async def test_a_musicxml_name_writes_the_lead_sheet(song_file: Path, tmp_path: Path) -> None:
    music21 = pytest.importorskip("music21")
    app = make_app(song_file)
    target = tmp_path / "sheet.musicxml"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, app, target)
        await pilot.press("enter")
        await settle(pilot)
    score = music21.converter.parse(str(target))
    assert score.recurse().getElementsByClass(music21.harmony.ChordSymbol)


@pytest.mark.parametrize("name", ["out.doc", "out"])
async def test_an_unknown_extension_stays_on_the_screen_with_the_choices(
    song_file: Path, tmp_path: Path, name: str
) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, app, tmp_path / name)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert ".mid" in note(app) and ".wav" in note(app) and ".musicxml" in note(app)
    assert not (tmp_path / name).exists()


async def test_an_existing_file_needs_a_second_enter(song_file: Path, tmp_path: Path) -> None:
    app = make_app(song_file)
    target = tmp_path / "old.cho"
    target.write_text("keep me\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, app, target)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen) and "Enter again to overwrite" in note(app)
        assert target.read_text() == "keep me\n"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    assert target.read_text() == SONG


async def test_editing_the_name_after_the_warning_asks_again(song_file: Path, tmp_path: Path) -> None:
    app = make_app(song_file)
    (tmp_path / "a.cho").write_text("a\n")
    (tmp_path / "b.cho").write_text("b\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, app, tmp_path / "a.cho")
        await pilot.press("enter")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "b.cho")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen) and "b.cho exists" in note(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    assert (tmp_path / "a.cho").read_text() == "a\n" and (tmp_path / "b.cho").read_text() == "b\n"


async def test_a_missing_folder_is_named_not_made(song_file: Path, tmp_path: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_path(pilot, app, tmp_path / "nope" / "out.cho")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen) and "doesn't exist" in note(app)
    assert not (tmp_path / "nope").exists()
