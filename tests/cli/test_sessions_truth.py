"""The exit status of `sessions save` tells the truth: 0 with the version id once the version is in the
database, even when the song.cho copy beside it cannot be written (a warning says so, and the next open
writes it again); a damaged database is one line, whatever SQLite's message holds."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.session import SessionStore, files

V1 = "{title: Rain}\n[C]Hello [G]world\n"
V2 = V1 + "[Am]Rain on the roof\n"


def test_a_saved_version_exits_0_even_when_its_copy_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    song = tmp_path / "song.cho"
    song.write_text(V1)
    assert main(["--sessions", str(store), "sessions", "new", "rain", "--from", str(song)]) == 0
    song.write_text(V2)

    def full(tmp: Path, path: Path) -> None:  # the rename of the staged copy: the disk filled up
        tmp.unlink()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "publish", full)
    capsys.readouterr()
    code = main(["--sessions", str(store), "sessions", "save", "rain", str(song)])
    out, err = capsys.readouterr()
    assert (code, out) == (0, "2\n")
    assert err == (
        f"cowriter: warning: session 'rain': versions are saved, but {store / 'rain' / 'song.cho'} could not "
        "be written: No space left on device (the next open rewrites it; check the disk)\n"
    )
    monkeypatch.undo()
    with SessionStore(store).open("rain") as s:  # the next open: the copy follows the database again
        assert s.text() == V2
    assert (store / "rain" / "song.cho").read_text() == V2


def test_text_that_is_not_utf8_in_the_database_is_damage_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    song = tmp_path / "song.cho"
    song.write_text(V1 + "line\n" * 50)
    assert main(["--sessions", str(store), "sessions", "new", "rain", "--from", str(song)]) == 0
    db = store / "rain" / "session.db"
    with sqlite3.connect(db) as conn:  # bytes that are not UTF-8 where a song's text is kept
        conn.execute("UPDATE bodies SET text = CAST(x'5b435d48656c6c6f0afffe0a' AS TEXT) WHERE version = 1")
    capsys.readouterr()
    assert main(["--sessions", str(store), "sessions", "export", "rain"]) == 1
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == "" and len(lines) == 1, err
    assert lines[0].startswith(f"cowriter: session 'rain': {db} is damaged (text that is not UTF-8) ")
    assert "a copy is at" in lines[0]


def test_short_reason_keeps_one_line() -> None:
    from cowriter.session.session import short_reason

    assert short_reason(sqlite3.DatabaseError("*** in database main ***\nPage 3: bad\nPage 4: bad")) == (
        "*** in database main ***"
    )
    assert len(short_reason(Exception("x" * 1000))) == 160
    assert short_reason(EOFError()) == "EOFError"
