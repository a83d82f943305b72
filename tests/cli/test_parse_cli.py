"""`cowriter parse`, `convert` and `transpose` through the command line entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cowriter.cli import main

ROOT = Path(__file__).resolve().parents[2]
SWING = ROOT / "examples" / "swing-low.cho"
KEYS = [
    "file",
    "title",
    "key",
    "tempo",
    "time",
    "sections",
    "timeline",
    "bars",
    "seconds",
    "errors",
    "warnings",
]


def test_parse_json_has_exactly_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--json", str(SWING)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    obj = json.loads(out[0])
    assert list(obj) == KEYS
    assert (obj["title"], obj["key"], obj["tempo"], obj["time"]) == (
        "Swing Low, Sweet Chariot",
        "D",
        84,
        "4/4",
    )
    section = next(s for s in obj["sections"] if s["lines"])
    assert set(section) == {"kind", "label", "lines"}
    line = section["lines"][0]
    assert set(line) == {"lyrics", "chords"} and set(line["chords"][0]) == {"symbol", "at"}
    assert line["lyrics"][line["chords"][0]["at"] :].startswith("low")
    assert set(obj["timeline"][0]) == {"bar", "beat", "chord", "section"}
    assert obj["timeline"][0] == {"bar": 1, "beat": 1, "chord": "D", "section": "Chorus"}
    assert obj["bars"] == max(t["bar"] for t in obj["timeline"])
    assert obj["seconds"] == pytest.approx(obj["bars"] * 4 * 60 / 84, abs=0.01)
    assert obj["errors"] == [] and obj["warnings"] == []


def test_parse_reports_errors_as_file_line_col_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.cho"
    bad.write_text("{title: Test}\n[Am]Hello [G\n{my_thing: 1}\n", encoding="utf-8")
    good = tmp_path / "good.cho"
    good.write_text("[C]fine\n", encoding="utf-8")
    assert main(["parse", str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert f"{bad}:2:11: unclosed chord: expected `]`" in err
    assert any(e.startswith(f"{bad}:3:2: warning: unknown directive") for e in err)
    assert len(captured.out.splitlines()) == 2  # both files still summarised
    assert main(["parse", "--json", str(bad)]) == 1
    obj = json.loads(capsys.readouterr().out)
    assert obj["errors"] == [{"line": 2, "column": 11, "message": "unclosed chord: expected `]`"}]
    assert obj["warnings"][0]["line"] == 3


def test_parse_missing_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["parse", str(tmp_path / "nope.cho")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.cho: no such file" in err and "Traceback" not in err


def test_parse_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"G     D\nHere I am\n")))
    assert main(["parse", "--json", "-"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["file"] == "<stdin>"
    assert obj["sections"][0]["lines"][0] == {
        "lyrics": "Here I am",
        "chords": [{"symbol": "G", "at": 0}, {"symbol": "D", "at": 6}],
    }


def test_convert_chordpro_is_the_file_itself(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(SWING), "--to", "chordpro"]) == 0
    assert capsys.readouterr().out == SWING.read_text(encoding="utf-8")


def test_convert_text_and_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(SWING), "--to", "text"]) == 0
    text = capsys.readouterr().out
    assert "      D          G    D\nSwing low, sweet chariot," in text
    sheet = tmp_path / "swing.txt"
    sheet.write_text(text, encoding="utf-8")
    assert main(["convert", str(sheet), "--to", "chordpro"]) == 0
    assert "Swing [D]low, sweet [G]chari[D]ot," in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "line", "key"),
    [
        (["3"], "Swing [F]low, sweet [Bb]chari[F]ot,", "{key: F}"),
        (["-2"], "Swing [C]low, sweet [F]chari[C]ot,", "{key: C}"),
        (["0", "--to", "Eb"], "Swing [Eb]low, sweet [Ab]chari[Eb]ot,", "{key: Eb}"),
    ],
)
def test_transpose(args: list[str], line: str, key: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transpose", str(SWING), *args]) == 0
    out = capsys.readouterr().out
    assert line in out and key in out


@pytest.mark.parametrize(
    ("text", "counts"),  # a recalled chorus is a section and its lines count again
    [
        ("{title: T}\n\n{soc}\n[C]a\n{eoc}\n\n{sov}\n[G]b\n{eov}\n\n{chorus}\n", "3 sections, 3 lines"),
        ("[C]just one line\n", "1 section, 1 line"),
        ("{title: Grid}\n{start_of_grid}\n| C . . . |\n{end_of_grid}\n", "1 section, 0 lines"),
        ("{title: Nothing}\n", "0 sections, 0 lines"),
        ("{sov}\n[C]la la\n{eov}\n{start_of_abc}\nX:1\nK:C\nC4 |]\n{end_of_abc}\n", "1 section, 1 line"),
    ],
)
def test_summary_counts_the_sections_a_songwriter_sees(
    text: str, counts: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.cho"
    path.write_text(text)
    assert main(["parse", str(path)]) == 0
    assert f", {counts}, " in capsys.readouterr().out


@pytest.mark.parametrize("command", [["transpose", "FILE", "2"], ["convert", "FILE", "--to", "text"]])
def test_errors_in_the_song_make_transpose_and_convert_exit_1_after_writing(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.cho"
    path.write_text("[C]one [G]two\n[Am three\n")
    assert main([str(path) if a == "FILE" else a for a in command]) == 1
    out, err = capsys.readouterr()
    assert "one" in out and f"{path}:2:1: " in err


@pytest.mark.parametrize(
    ("args", "warned"),
    [
        (["3", "--to", "Eb"], "D to Eb is +1 semitones; N=3 is ignored"),
        (["1", "--to", "Eb"], ""),
        (["0", "--to", "Eb"], ""),  # 0 with --to: just the key
    ],
)
def test_transpose_says_when_to_overrides_n(
    args: list[str], warned: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["transpose", str(SWING), *args]) == 0
    out, err = capsys.readouterr()
    assert "{key: Eb}" in out
    assert (warned in err) if warned else "ignored" not in err


def test_json_gives_one_object_per_file_even_when_one_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing, folder = tmp_path / "gone.cho", tmp_path / "dir"
    folder.mkdir()
    assert main(["parse", "--json", str(missing), str(SWING), str(folder)]) == 1
    out, err = capsys.readouterr()
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["file"] for o in objects] == [str(missing), str(SWING), str(folder)]
    assert all(list(o) == KEYS for o in objects)
    assert objects[0]["errors"][0]["line"] == 0 and "no such file" in objects[0]["errors"][0]["message"]
    assert objects[1]["errors"] == [] and objects[2]["sections"] == []
    assert err.count("\n") == 2


def test_parse_json_gives_a_grid_chord_its_own_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`A    | A . . . | D7 . . . |`: the first chord stands at column 7, not at the label's 0 (issue 17)."""
    path = tmp_path / "grid.cho"
    row = "A    | A . . . | D7 . . . |  x2"
    path.write_text(f"{{title: Grid}}\n{{start_of_grid}}\n{row}\n|: G . C . :| Em |\n{{end_of_grid}}\n")
    assert main(["parse", str(path), "--json"]) == 0
    lines = json.loads(capsys.readouterr().out)["sections"][-1]["lines"]
    assert lines[0]["chords"] == [{"symbol": "A", "at": 7}, {"symbol": "D7", "at": 17}]
    assert [row[c["at"] :].split()[0] for c in lines[0]["chords"]] == ["A", "D7"]
    text = lines[1]["lyrics"]
    assert [(c["symbol"], text[c["at"] : c["at"] + len(c["symbol"])]) for c in lines[1]["chords"]] == [
        ("G", "G"),
        ("C", "C"),
        ("Em", "Em"),
    ]
