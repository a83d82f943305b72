"""Playing when the sound cannot be heard here (`--audio wav`, SSH): F5 writes a WAV, the transport says
"writing" then "written" with the file (never "playing"), no play head races through the sheet, and a
notification says where the sound went and how to hear it."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.tui import messages as m
from cowriter.tui.app import CowriterApp
from cowriter.tui.screens.main import MainScreen

from .conftest import Recorder, settle, wait_for


def toasts(app: CowriterApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def wav_app(path: Path, audio: str | None) -> CowriterApp:
    backend = ScriptedBackend.with_replies((), model_name="scripted")
    return CowriterApp(Workspace.open(path, backend=backend, audio=audio))


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Where the WAV goes: tmp_path, not the machine's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    monkeypatch.delenv("COWRITER_AUDIO", raising=False)
    return tmp_path / "cache" / "cowriter"


@pytest.mark.parametrize(
    ("audio", "ssh", "advice"),
    [
        ("wav", "", "Play it with any player"),
        (None, "10.0.0.2 50000 10.0.0.1 22", "scp 10.0.0.1:"),  # over SSH the route is a WAV by default
    ],
)
async def test_f5_on_a_wav_route_writes_the_file_and_says_where(
    song_file: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, audio: str | None, ssh: str, advice: str
) -> None:
    if ssh:
        monkeypatch.setenv("SSH_CONNECTION", ssh)
    app = wav_app(song_file, audio)
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        transport = screen.transport
        await pilot.press("f5")
        shown = transport.render().plain  # a short song may be written already (a long one: see below)
        assert ("writing" in shown or "written" in shown) and "playing" not in shown
        assert await wait_for(pilot, lambda: not transport.playing, timeout=60.0)
        await settle(pilot)

        wav = cache / "takes" / "swing-low-take-01.wav"  # the song's first take, named after it
        with wave.open(str(wav), "rb") as w:
            assert w.getnframes() > 0
        shown = transport.render().plain
        assert "written" in shown and "swing-low-take-01.wav" in shown
        assert "playing" not in shown and "bar " not in shown
        said = [t for t in toasts(app) if str(wav) in t]
        assert said and advice in said[0]
        assert not rec.of(m.PlayheadMoved)  # no play head raced through the sheet
        assert screen.editor.play_line is None
        assert str(wav) in screen.status.route


async def test_stopping_while_writing_says_the_file_is_partial(song_file: Path, cache: Path) -> None:
    text = song_file.read_text(encoding="utf-8")
    song_file.write_text(text + "\n".join(["[D]la la la [G]la la [A7]la"] * 200), encoding="utf-8")
    app = wav_app(song_file, "wav")
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        transport = app.screen.transport  # type: ignore[attr-defined]
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: bool(rec.of(m.PlaybackStarted)))
        assert transport.playing and "writing" in transport.render().plain
        await pilot.press("f5")
        await settle(pilot)
        shown = transport.render().plain
        assert not transport.playing and "written" not in shown and "stopped" in shown
        assert any("only the part written" in t for t in toasts(app))


async def test_speakers_still_show_the_play_head(song_file: Path, cache: Path) -> None:
    app = wav_app(song_file, "none")  # silent in real time: as on speakers
    app.workspace.settings.bpm = 600.0
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        transport = app.screen.transport  # type: ignore[attr-defined]
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: bool(rec.of(m.PlayheadMoved)))
        shown = transport.render().plain
        assert "playing" in shown and "writing" not in shown
        await pilot.press("f5")
        await settle(pilot)
        assert not list(cache.glob("**/*.wav"))


async def test_melody_alternatives_on_a_wav_route_leave_one_short_file_each(
    song_file: Path, cache: Path
) -> None:
    app = wav_app(song_file, "wav")
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.editor.cursor_location = (5, 0)  # "[D]Swing low, sweet [G]chari[D]ot"
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: screen.melody is not None)
        sketch = screen.melody
        assert sketch is not None
        count = len(sketch.choices)
        await pilot.press("n")  # hear them all, one after the other
        written = lambda: [t for t in toasts(app) if "-melody-" in t]  # noqa: E731
        assert await wait_for(pilot, lambda: len(written()) == count, timeout=60.0)
        await settle(pilot)
        files = sorted((cache / "takes").glob("swing-low-take-*-melody-*-for-line-6.wav"))
        assert len(files) == count  # one per alternative, none overwritten
        song_bars = sketch.end_bar - sketch.bar + 1
        for file in files:
            with wave.open(str(file), "rb") as w:
                seconds = w.getnframes() / w.getframerate()
            assert 0 < seconds < (song_bars + 3) * 4 * 60 / 100  # the line's bars (and the ring after them)
        assert not rec.of(m.PlayheadMoved) and not screen.transport.playing
