"""Terminal injection through the command line: a song with OSC 0/52/8, ESC[2J, a raw CSI, DEL, BEL and a
bidi override in its title, lyrics, comment and section labels, through every command, byte by byte.

Reports (parse, lyrics, melody, sessions show/versions/export --credits, errors, --json) are shown safe
wherever they go; song text (transpose, convert, sessions export) keeps the writer's bytes into a pipe or
a file and is shown safe on a terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile import (
    BEL,
    ESC,
    EVIL,
    EVIL_SONG,
    assert_shown_safe,
    run,
    run_on_terminal,
)


@pytest.fixture
def song(tmp_path: Path) -> Path:
    path = tmp_path / "evil.cho"
    path.write_text(EVIL_SONG, encoding="utf-8")
    return path


def _args(template: list[str], song: Path) -> list[str]:
    return [str(song) if a == "SONG" else a for a in template]


REPORTS = [
    ["parse", "SONG"],
    ["parse", "--json", "SONG"],
    ["lyrics", "SONG"],
    ["lyrics", "--json", "SONG"],
    ["melody", "SONG", "--alternatives", "1"],
    ["melody", "--json", "SONG", "--alternatives", "1"],
    ["play", "SONG"],
    ["transpose", "SONG", "2", "--to", "E" + ESC + "]0;x" + BEL],
]


@pytest.mark.parametrize("template", REPORTS, ids=[" ".join(t[:2]) for t in REPORTS])
def test_reports_are_shown_safe_piped_and_on_a_terminal(
    template: list[str], song: Path, tmp_path: Path
) -> None:
    args = _args(template, song)
    piped = run(args, tmp_path)
    assert "Traceback" not in piped.stderr
    assert_shown_safe(piped.err, "stderr")
    if template[0] != "transpose":  # its stdout is song text (below)
        assert_shown_safe(piped.out, "stdout")
        assert piped.out.strip(), piped.stderr
    shown = run_on_terminal(args, tmp_path)
    assert_shown_safe(shown.out, "the terminal")
    assert_shown_safe(shown.err, "stderr")


def test_parse_shows_each_escape_where_it_was(song: Path, tmp_path: Path) -> None:
    done = run(["parse", str(song)], tmp_path)
    assert done.code == 0, done.stderr
    assert done.stdout.startswith(f"{song}: Rain ␛]0;PWNED-TITLE␇␛]52;c;UFdORUQtQ0xJUA==␇ Song, ")


def test_json_decodes_to_the_songs_own_text(song: Path, tmp_path: Path) -> None:
    done = run(["parse", "--json", str(song)], tmp_path)
    assert_shown_safe(done.out)
    data = json.loads(done.out)
    assert data["title"] == "Rain \x1b]0;PWNED-TITLE\x07\x1b]52;c;UFdORUQtQ0xJUA==\x07 Song"
    assert data["sections"][1]["lines"][0]["lyrics"].endswith("pane \x9b2J")


SONG_TEXT = [
    (["transpose", "SONG", "0"], None),
    (["convert", "SONG", "--to", "chordpro"], None),
    (["convert", "SONG", "--to", "text"], "title: Rain "),
]


@pytest.mark.parametrize(("template", "start"), SONG_TEXT, ids=[" ".join(t[0][:4]) for t in SONG_TEXT])
def test_song_text_keeps_the_writers_bytes_in_a_pipe_and_is_safe_on_a_terminal(
    template: list[str], start: str | None, song: Path, tmp_path: Path
) -> None:
    args = _args(template, song)
    piped = run(args, tmp_path)
    assert piped.code == 0, piped.stderr
    if start is None:
        assert piped.out == song.read_bytes()  # a filter: not a byte changed
    else:
        assert piped.stdout.startswith(start + "\x1b]0;PWNED-TITLE\x07")
    shown = run_on_terminal(args, tmp_path)
    assert shown.code == 0, shown.stderr
    assert_shown_safe(shown.out, "the terminal")
    assert "␛]0;PWNED-TITLE␇" in shown.out.decode()


def test_sessions_show_versions_and_credits_are_safe(song: Path, tmp_path: Path) -> None:
    assert run(["sessions", "new", "rain", "--from", str(song)], tmp_path).code == 0
    saved = run(["sessions", "save", "rain", str(song), "--message", f"tweak {EVIL}"], tmp_path)
    assert saved.code == 0, saved.stderr
    for args in (
        ["sessions", "show", "rain"],
        ["sessions", "versions", "rain"],
        ["sessions", "list"],
        ["sessions", "export", "rain", "--credits"],
        ["sessions", "export", "rain", "--credits", "--json"],
        ["sessions", "export", "rain", "--json"],
    ):
        for done in (run(args, tmp_path), run_on_terminal(args, tmp_path)):
            assert done.code == 0, (args, done.stderr)
            assert_shown_safe(done.out, " ".join(args))
            assert_shown_safe(done.err, " ".join(args))
    versions = run(["sessions", "versions", "rain"], tmp_path)
    assert "tweak ␛␛]0;PWNED-TITLE␇" in versions.stdout
    exported = run(["sessions", "export", "rain"], tmp_path)
    assert exported.out == song.read_bytes()
    shown = run_on_terminal(["sessions", "export", "rain"], tmp_path)
    assert_shown_safe(shown.out)
    assert "Rain ␛]0;PWNED-TITLE␇" in shown.out.decode()


def test_an_error_naming_a_path_shows_its_escapes_on_one_line(tmp_path: Path) -> None:
    path = f"/tmp/no-such-{ESC}]0;PWNED-TITLE{BEL}\n{ESC}[2J.cho"
    done = run(["parse", path], tmp_path)
    assert done.code == 1
    assert (
        done.one_line_error()
        == "cowriter: /tmp/no-such-␛]0;PWNED-TITLE␇␊␛[2J.cho: no such file (check the path)"
    )
    assert_shown_safe(done.err)


def test_argparse_errors_are_safe_too(tmp_path: Path) -> None:
    done = run(["parse", "x.cho", f"--x{ESC}]0;PWNED-TITLE{BEL}"], tmp_path)  # "unrecognized arguments"
    assert done.code == 2
    assert_shown_safe(done.err)
    assert "␛]0;PWNED-TITLE␇" in done.stderr


def test_chord_symbols_with_escapes(tmp_path: Path) -> None:
    done = run(["chord", f"C{ESC}[2J", "--json"], tmp_path)
    assert done.code == 1
    assert_shown_safe(done.out)
    assert_shown_safe(done.err)
    assert json.loads(done.out)[0]["symbol"] == "C\x1b[2J"


def test_a_path_with_an_undecodable_byte_is_named_not_a_crash(tmp_path: Path) -> None:
    name = tmp_path / "caf\udce9.cho"  # b"caf\xe9.cho" in a UTF-8 locale
    done = run(["parse", str(name)], tmp_path)
    assert done.code == 1
    assert done.one_line_error().endswith("caf\\udce9.cho: no such file (check the path)")


def test_ask_echoing_the_song_is_safe(song: Path, tmp_path: Path) -> None:
    """`ask --task reharmonise` writes the song's own lyrics back under new chords: shown safe."""
    from tests.odd_server import OddServer, sse

    reply = ["[C]Rain on the window [G]pane\n[Am]Falling down again [F]again\n"]
    with OddServer(chat=sse(reply)) as odd:
        args = ["--model", odd.url, "ask", "richer chords", "--task", "reharmonise", "--song", str(song)]
        done = run(args, tmp_path, timeout=90)
    assert done.code == 0, done.stderr
    assert_shown_safe(done.out)
    assert_shown_safe(done.err)
    assert "let it ␛(0pour" in done.stdout
