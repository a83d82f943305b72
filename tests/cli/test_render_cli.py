"""`cowriter render` and `cowriter styles` through the CLI entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.cli import main

SONG = "{title: Cli}\n{tempo: 110}\n{start_of_chorus}\n[C]One [Am]two [F]three [G]four\n{end_of_chorus}\n"


@pytest.fixture
def song(tmp_path: Path) -> Path:
    path = tmp_path / "song.cho"
    path.write_text(SONG)
    return path


def test_same_seed_gives_byte_identical_midi(song: Path, tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.mid", tmp_path / "b.mid", tmp_path / "c.mid"
    assert main(["render", str(song), "-o", str(a), "--seed", "4"]) == 0
    assert main(["render", str(song), "-o", str(b), "--seed", "4"]) == 0
    assert main(["render", str(song), "-o", str(c), "--seed", "5"]) == 0
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    assert a.read_bytes()[:4] == b"MThd"


@pytest.mark.parametrize("style", ["swing", "bossa nova", "6/8"])
def test_style_and_bpm_options(
    song: Path, tmp_path: Path, style: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.mid"
    assert main(["render", str(song), "-o", str(out), "--style", style, "--bpm", "140"]) == 0
    assert out.stat().st_size > 100
    assert "wrote" in capsys.readouterr().out


def test_musicxml_output(song: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lead.musicxml"
    assert main(["render", str(song), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "lead sheet" in said and "tracks" not in said  # a lead sheet has no band tracks to count
    text = out.read_text()
    assert "<score-partwise" in text and "<harmony" in text and "<lyric" in text


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--style", "polka"], 1, "unknown style 'polka'"),
        (["--section", "Bridge"], 1, "no section called 'Bridge'"),
        (["--bpm", "0"], 2, "out of range"),
    ],
)
def test_errors_are_one_line(
    song: Path, tmp_path: Path, args: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", str(song), "-o", str(tmp_path / "x.mid"), *args]) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_unknown_output_format(song: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(song), "-o", str(tmp_path / "x.pdf")]) == 2
    assert ".pdf" in capsys.readouterr().err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(tmp_path / "nope.cho"), "-o", str(tmp_path / "x.mid")]) == 1
    assert "nope.cho: no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00[C]", "looks like a binary file"),  # not "no chords"
        (None, "is a folder"),
    ],
)
def test_unreadable_inputs_are_named_like_parse_names_them(
    tmp_path: Path, content: bytes | None, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.cho"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    assert main(["render", str(path), "-o", str(tmp_path / "x.mid")]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_errors_in_the_text_are_shown_and_the_rest_still_renders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.cho"
    path.write_text("[C]one [G]two\n[Am three\n")
    assert main(["render", str(path), "-o", str(tmp_path / "x.mid")]) == 0
    err = capsys.readouterr().err
    assert f"{path}:2:1: " in err


def test_styles_lists_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["styles"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines]
    for required in ("pop", "ballad", "folk", "waltz", "sixeight", "bossa", "swing", "funk", "halftime"):
        assert required in names
    assert all(len(line.split(None, 2)) == 3 for line in lines)


def test_wav_output_through_the_synth(song: Path, tmp_path: Path) -> None:
    import wave

    out = tmp_path / "song.wav"
    assert main(["render", str(song), "-o", str(out), "--no-count-in"]) == 0
    with wave.open(str(out)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert seconds >= 2 * 4 * 60 / 110  # two bars at 110 bpm, plus the synth's release tail


def test_unknown_section_style_warns_and_plays_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "polka.cho"
    path.write_text("{start_of_chorus}\n{x_style: polka}\n[C]One [G]two\n{end_of_chorus}\n")
    assert main(["render", str(path), "-o", str(tmp_path / "p.mid")]) == 0
    assert "unknown style 'polka' in Chorus" in capsys.readouterr().err
