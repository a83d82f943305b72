"""F5 on a route that writes WAVs keeps the takes: each is a file of its own named after the song (it
overwrote preview.wav, so the last take was gone), the last few are kept, older ones removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.service.workspace.takes import KEEP
from cowriter.tui.app import CowriterApp
from cowriter.tui.screens.main import MainScreen

from .conftest import settle, wait_for


@pytest.fixture
def takes_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "cowriter" / "takes"


async def test_every_f5_is_a_take_of_its_own(song_file: Path, takes_dir: Path) -> None:
    backend = ScriptedBackend.with_replies((), model_name="scripted")
    app = CowriterApp(Workspace.open(song_file, backend=backend, audio="wav"))
    app.workspace.settings.bpm = 400.0
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        for n in range(1, KEEP + 3):
            await pilot.press("f5")
            assert await wait_for(pilot, lambda: not screen.transport.playing, timeout=60)
            await settle(pilot)
            name = f"swing-low-take-{n:02d}.wav"
            assert (takes_dir / name).exists()
            assert name in screen.transport.render().plain  # the transport names the take
            if n == 2:
                assert (takes_dir / "swing-low-take-01.wav").exists()  # the take before is still there
        kept = sorted(p.name for p in takes_dir.glob("*.wav"))
        assert kept == [f"swing-low-take-{n:02d}.wav" for n in range(3, KEEP + 3)]
        assert any("swing-low-take-" in str(n.message) for n in app._notifications)
