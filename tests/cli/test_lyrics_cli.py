"""`cowriter lyrics FILE` and `cowriter rhyme WORD` through the command line entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cowriter.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "melody"


def test_lyrics_lists_syllables_stress_and_rhyme(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lyrics", str(DATA / "amazing-grace.cho")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "[Verse 1]"
    first = out[1].split()
    assert first[:3] == ["A", "8", "01011101"]
    assert out[1].endswith("Amazing grace, how sweet the sound")
    letters = [line.split()[0] for line in out[1:5]]
    assert letters == ["A", "B", "A", "B"]  # sound/found, me/see


def test_lyrics_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lyrics", str(DATA / "northbound.cho"), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 20
    assert set(rows[0]) == {"section", "line", "lyrics", "syllables", "stress", "rhyme"}
    assert rows[0]["rhyme"] == rows[1]["rhyme"] == "A"  # rain / train
    assert all(len(r["stress"]) == r["syllables"] for r in rows)
    chorus = [r for r in rows if r["section"] == "Chorus"]
    assert [r["rhyme"] for r in chorus] == ["A", "B", "A", "B"]  # the scheme restarts per section


def test_lyrics_on_an_empty_song(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.cho"
    path.write_text("{title: Nothing yet}\n")
    assert main(["lyrics", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_lyrics_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["lyrics", str(tmp_path / "nope.cho")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_rhyme_perfect_then_slant(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rhyme", "rain"]) == 0
    perfect, slant = capsys.readouterr().out.splitlines()
    assert perfect.startswith("perfect: ") and "train" in perfect
    assert slant.startswith("slant: ") and "name" in slant and "train" not in slant


def test_rhyme_json_and_limit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rhyme", "night", "--json", "--limit", "5"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["word"] == "night" and len(obj["perfect"]) == 5 and len(obj["slant"]) <= 5


def test_rhyme_needs_one_word(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rhyme", "two words"]) == 1
    assert "not one word" in capsys.readouterr().err
