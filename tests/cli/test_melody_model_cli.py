"""`cowriter melody --from-model`: the model's melody listed with the sketches, ranked by the same score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.core.abc import parse_abc_block
from cowriter.model.locate import default_model_path
from cowriter.model.scripted import ScriptedBackend

DATA = Path(__file__).resolve().parents[1] / "data" / "melody"
SONG = str(DATA / "northbound.cho")
KEYS = {"abc", "score", "notes"}


def _scripted(monkeypatch: pytest.MonkeyPatch, *replies: str) -> ScriptedBackend:
    backend = ScriptedBackend.with_replies(replies)
    monkeypatch.setattr("cowriter.model.open_backend", lambda spec=None, model_name=None: backend)
    return backend


def test_json_lists_the_model_melody_ranked_with_the_sketches(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _scripted(monkeypatch, "C D E2 F G A2 | G2 F2 G2 |]")
    assert main(["melody", SONG, "--line", "2", "--alternatives", "2", "--from-model", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert backend.closed
    assert [set(item) for item in items] == [KEYS | {"source"}] * 3
    assert sorted(item["source"] for item in items) == ["model", "sketch", "sketch"]
    scores = [item["score"] for item in items]
    assert scores == sorted(scores, reverse=True)
    model = next(item for item in items if item["source"] == "model")
    assert [n["pitch"] for n in model["notes"]] == [60, 62, 64, 65, 67, 69, 67, 65, 67]
    assert model["notes"][0]["start"] == 8  # on the line's bar
    assert parse_abc_block(model["abc"]).syllables == tuple(n["syllable"] for n in model["notes"])


def test_without_from_model_the_json_keys_are_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["melody", SONG, "--line", "2", "--alternatives", "2", "--json"]) == 0
    assert [set(item) for item in json.loads(capsys.readouterr().out)] == [KEYS] * 2


def test_text_marks_the_model_melody(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _scripted(monkeypatch, "C C C C C C C C C |]")
    assert main(["melody", SONG, "--line", "2", "--alternatives", "1", "--from-model"]) == 0
    out = capsys.readouterr().out
    heads = [ln for ln in out.splitlines() if ln.startswith("% ")]
    assert len(heads) == 2 and sum("(model)" in h for h in heads) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from-model"], "--from-model needs --line N"),
        (["--line", "2", "--from-model"], "the model's melody could not be used"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    _scripted(monkeypatch, "C D |]", "C D E |]")
    assert main(["melody", SONG, *argv]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.slow
@pytest.mark.model
def test_the_default_model_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    path = default_model_path()
    assert path is not None
    argv = [
        "--model",
        str(path),
        "melody",
        SONG,
        "--line",
        "1",
        "--alternatives",
        "1",
        "--from-model",
        "--json",
    ]
    assert main([*argv, "--seed", "4"]) == 0
    items = json.loads(capsys.readouterr().out)
    [model] = [item for item in items if item["source"] == "model"]
    assert len(model["notes"]) == 9  # Lea-ving De-troit in the pou-ring rain
    assert parse_abc_block(model["abc"]).syllables == tuple(n["syllable"] for n in model["notes"])
