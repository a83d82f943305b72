"""`cowriter transpose FILE` then `cowriter sessions save`: a transposition is nobody's authorship, so the
model's lines and chords stay the model's, found by itself or said with `--transposed`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.core.transposition import transposition_between

HUMAN = (
    "{title: Night Bus}\n{key: G}\n\n{start_of_verse}\n[G]Last bus rolls [D]out of the station\n"
    "{end_of_verse}\n"
)
MODEL = HUMAN + "\n{start_of_chorus}\n[C]Take me [G]home\n[D]through the city [Em]lights\n{end_of_chorus}\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def credits(capsys: pytest.CaptureFixture[str], store: Path) -> dict[str, object]:
    code, out, _ = run(capsys, "--sessions", str(store), "sessions", "export", "bus", "--credits", "--json")
    assert code == 0
    data: dict[str, object] = json.loads(out)
    return data


@pytest.mark.parametrize("how", [("2",), ("0", "--to", "A"), ("-5",), ("1", "--to", "G#")])
def test_a_transposed_file_saved_keeps_every_credit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: tuple[str, ...]
) -> None:
    store = tmp_path / "store"
    first, second, moved = tmp_path / "v1.cho", tmp_path / "v2.cho", tmp_path / "moved.cho"
    first.write_text(HUMAN, encoding="utf-8")
    second.write_text(MODEL, encoding="utf-8")
    s = ("--sessions", str(store), "sessions")
    assert run(capsys, *s, "new", "bus", "--from", str(first))[0] == 0
    assert run(capsys, *s, "save", "bus", str(second), "--author", "model:smollm2")[0] == 0
    before = credits(capsys, store)

    code, out, _ = run(capsys, "transpose", str(second), *how)
    assert code == 0
    moved.write_text(out, encoding="utf-8")
    code, _, err = run(capsys, *s, "save", "bus", str(moved))
    assert code == 0 and "transposition" in err
    after = credits(capsys, store)
    assert after["authors"] == before["authors"] and after["chords"] == before["chords"]
    by_line = [(r["author"], [c["author"] for c in r["chords"]]) for r in after["by_line"]]  # type: ignore[index,union-attr]
    assert by_line == [(r["author"], [c["author"] for c in r["chords"]]) for r in before["by_line"]]  # type: ignore[index,union-attr]
    code, out, _ = run(capsys, *s, "versions", "bus", "--json")
    assert json.loads(out)[-1]["message"] == "transposed" and json.loads(out)[-1]["author"] == "human"


def test_an_edit_is_no_transposition_and_the_writer_may_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert transposition_between(MODEL, MODEL.replace("[C]Take me", "[D]Take me")) is None  # one chord
    assert transposition_between(MODEL, MODEL.replace("home", "away")) is None
    assert transposition_between(MODEL, MODEL) is None
    store = tmp_path / "store"
    first, second = tmp_path / "v1.cho", tmp_path / "v2.cho"
    first.write_text(MODEL, encoding="utf-8")
    second.write_text(MODEL.replace("[C]Take me", "[Cmaj7]Take me"), encoding="utf-8")
    s = ("--sessions", str(store), "sessions")
    assert run(capsys, *s, "new", "bus", "--from", str(first))[0] == 0
    code, _, err = run(capsys, *s, "save", "bus", str(second), "--transposed")  # the writer says so
    assert code == 0 and "transposition" in err
    third = tmp_path / "v3.cho"
    third.write_text(MODEL + "one more line\n", encoding="utf-8")
    code, _, err = run(capsys, *s, "save", "bus", str(third), "--transposed")
    assert code == 2 and "not the same lines" in err


@pytest.mark.parametrize(
    ("semitones", "key", "up"), [(2, None, 2), (-5, None, 7), (11, None, 11), (0, "A", 2), (5, "F#", 11)]
)
def test_the_distance_is_found_however_it_was_asked(semitones: int, key: str | None, up: int) -> None:
    from cowriter.core.format import to_chordpro
    from cowriter.core.sheet import read_song
    from cowriter.core.transpose import transpose_song

    moved = to_chordpro(transpose_song(read_song(MODEL), semitones, key))
    assert transposition_between(MODEL, moved) == up
