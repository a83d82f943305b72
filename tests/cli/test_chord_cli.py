"""`cowriter chord`: notes root first, bass marked, JSON per the contract, exit 1 on any invalid symbol."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cowriter.cli import main


def test_notes_root_first_bass_marked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chord", "D/F#", "C7b9", "Ebmaj7", "N.C."]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "D/F#: D F# A (bass F#)",
        "C7b9: C E G Bb Db",
        "Ebmaj7: Eb G Bb D",
        "N.C.: no chord",
    ]
    assert out.err == ""


def test_invalid_symbol_one_line_with_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chord", "Am", "Cmj7"]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == ["Am: A C E"]
    err = out.err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("cowriter: Cmj7:")
    assert "column 3" in err[0] and "did you mean Cmaj7?" in err[0]
    assert "Traceback" not in out.err


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chord", "--json", "D/F#", "Cmj7"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [set(d) for d in data] == [{"symbol", "valid", "root", "quality", "bass", "notes", "error"}] * 2
    assert data[0] == {
        "symbol": "D/F#",
        "valid": True,
        "root": "D",
        "quality": "maj",
        "bass": "F#",
        "notes": ["D", "F#", "A"],
        "error": None,
    }
    assert data[1]["valid"] is False and data[1]["notes"] == [] and "Cmaj7" in data[1]["error"]


def test_key_adds_roman_and_nashville(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chord", "--key", "C", "Am", "D7", "Bb"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Am: A C E  [C: vi, 6m]"
    assert lines[1].startswith("D7: D F# A C  [C: V7/V, 2(7); the dominant of V")
    assert "bVII" in lines[2] and "borrowed" in lines[2]
    assert main(["chord", "--json", "--key", "C", "Am"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data[0]["roman"], data[0]["nashville"], data[0]["in_key"]) == ("vi", "6m", True)


def test_bad_key_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chord", "--key", "Q", "C"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Q" in err


def test_whole_process_in_an_ascii_locale() -> None:
    env = {"PYTHONIOENCODING": "ascii", "LC_ALL": "C", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "cowriter", "chord", "--key", "C", "Bm7b5", "E♭", "Cmj7"],
        capture_output=True,
        text=True,
        encoding="ascii",
        errors="replace",
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("Bm7b5: B D F A  [C: vii")
    assert "Eb G Bb" in done.stdout
    assert "did you mean Cmaj7?" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_chord_in_json_and_with_a_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chord", "--json", "--key", "G", "N.C.", "Em7"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["valid"] is True and data[0]["notes"] == [] and data[0]["root"] is None
    assert data[0]["function"] == "no chord"
    assert (data[1]["roman"], data[1]["nashville"]) == ("vi7", "6m(7)")
