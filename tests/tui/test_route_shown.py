"""The status line says where sound will go from the start, not after the first F5: the device is asked
for off the UI thread once the song is on screen, and a machine without one says the WAV it will write."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cowriter.model.scripted import ScriptedBackend
from cowriter.render import audio
from cowriter.service.workspace import Workspace
from cowriter.service.workspace.ports import NO_DEVICE
from cowriter.tui.app import CowriterApp

from .conftest import settle, wait_for


@pytest.fixture(autouse=True)
def _no_listener(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The device route by default: no --audio, no COWRITER_AUDIO, no laptop listener, no SSH."""
    monkeypatch.delenv("COWRITER_AUDIO", raising=False)
    monkeypatch.delenv("COWRITER_LISTEN", raising=False)
    monkeypatch.setenv("COWRITER_LISTEN_DIR", str(tmp_path / "listen"))


def device_app(song_file: Path) -> CowriterApp:
    backend = ScriptedBackend.with_replies((), model_name="scripted")
    return CowriterApp(Workspace.open(song_file, backend=backend))  # audio=None: a device if there is one


def status_text(app: CowriterApp) -> str:
    return app.screen.query_one("#status").render_line(0).text  # type: ignore[no-any-return]


async def test_no_device_is_said_before_the_first_play(
    song_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[threading.Thread] = []

    def no_device() -> list[str]:
        asked.append(threading.current_thread())
        raise audio.NoDevice("no default output device (Error querying device -1)")

    monkeypatch.setattr(audio, "output_devices", no_device)
    app = device_app(song_file)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert await wait_for(pilot, lambda: f"sound: {NO_DEVICE}" in status_text(app))
        assert "sound: speakers" not in status_text(app)
        assert asked and all(t is not threading.main_thread() for t in asked)  # off the UI thread
        assert not app.screen.transport.playing  # type: ignore[attr-defined]


async def test_a_device_is_named_before_the_first_play(
    song_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audio, "output_devices", lambda: ["USB Audio", "HDMI"])
    app = device_app(song_file)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert await wait_for(pilot, lambda: "sound: speakers (USB Audio)" in status_text(app))


async def test_the_first_frame_does_not_wait_for_the_device(
    song_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow PortAudio (a PulseAudio server that answers late) never holds the song back: the status
    says it is looking, and the editor takes keys meanwhile."""
    release = threading.Event()

    def slow() -> list[str]:
        release.wait(10)
        return ["Late Device"]

    monkeypatch.setattr(audio, "output_devices", slow)
    app = device_app(song_file)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "looking for speakers" in status_text(app)
        await pilot.press("x")
        assert app.workspace.text.startswith("x")
        release.set()
        assert await wait_for(pilot, lambda: "sound: speakers (Late Device)" in status_text(app))


async def test_the_real_machine_says_what_a_play_would_do(song_file: Path) -> None:
    """No stand-in: whatever this machine has, the status says it before any play, and never the bare
    unconfirmed "speakers"."""
    app = device_app(song_file)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert await wait_for(pilot, lambda: "looking" not in status_text(app), timeout=20)
        said = status_text(app).split("sound: ", 1)[1].strip()
        assert said == NO_DEVICE or said.startswith("speakers ("), said


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
async def test_the_route_shows_whole_beside_a_long_model_name(
    song_file: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """The model's name gives way before the route: 'sound: WAV (no speakers h…' at 80 columns once the
    song was modified."""

    def no_device() -> list[str]:
        raise audio.NoDevice("no default output device (Error querying device -1)")

    monkeypatch.setattr(audio, "output_devices", no_device)
    backend = ScriptedBackend.with_replies((), model_name="SmolLM2-135M-Instruct.Q4_1.gguf")
    app = CowriterApp(Workspace.open(song_file, backend=backend))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert await wait_for(pilot, lambda: f"sound: {NO_DEVICE}" in status_text(app))
        await pilot.press("x")  # modified: the longest saved state
        assert await wait_for(pilot, lambda: status_text(app).lstrip().startswith("modified"))
        line = status_text(app)
        assert line.rstrip().endswith(f"sound: {NO_DEVICE}"), line
        assert "SmolLM2" in line and "(idle)" in line, line
