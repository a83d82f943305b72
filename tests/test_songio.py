"""Reading song files: encodings, stdin, and the errors a user can fix."""

from __future__ import annotations

import codecs
import io
import os
import sys
from pathlib import Path

import pytest

from cowriter.errors import CowriterError
from cowriter.songio import read_song, read_songs


def test_reads_any_encoding_and_both_notations(tmp_path: Path) -> None:
    cho = tmp_path / "a.cho"
    cho.write_bytes(codecs.BOM_UTF16_LE + "{title: Ça}\r\n[C]la\r\n".encode("utf-16-le"))
    assert read_song(str(cho)).title == "Ça"
    txt = tmp_path / "b.txt"
    txt.write_bytes("Tïtle\n\nC     G\nHere we go\n".encode("latin-1"))
    song = read_song(str(txt))
    assert song.title == "Tïtle" and [c.symbol for c in song.lines[0].chords] == ["C", "G"]


def test_multi_song_and_empty_files(tmp_path: Path) -> None:
    path = tmp_path / "two.cho"
    path.write_text("{t: One}\n{ns}\n{t: Two}\n", encoding="utf-8")
    assert [s.title for s in read_songs(str(path))] == ["One", "Two"]
    empty = tmp_path / "empty.cho"
    empty.write_bytes(b"")
    assert read_songs(str(empty)) == () and read_song(str(empty)).sections == ()


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{title: From stdin}\n")))
    assert read_song("-").title == "From stdin"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.cho", "no such file"),
        (lambda p: p, "is a folder"),
        (lambda p: (p / "bin.cho", (p / "bin.cho").write_bytes(b"\x00\x01\x02PK\x00"))[0], "binary"),
    ],
)
def test_user_fixable_errors_name_the_path(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(CowriterError) as info:
        read_song(str(path))
    assert message in str(info.value) and str(path) in str(info.value)


def test_write_text_keeps_the_link_and_the_permissions(tmp_path: Path) -> None:
    from cowriter.songio import write_text

    real = tmp_path / "real.cho"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.cho"
    link.symlink_to(real)
    write_text(link, "new\r\n", newline="")
    assert link.is_symlink() and real.read_bytes() == b"new\r\n"
    assert real.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    fresh = tmp_path / "sub" / "fresh.cho"
    write_text(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.read_text(encoding="utf-8") == "x" and fresh.stat().st_mode & 0o777 == 0o666 & ~umask
