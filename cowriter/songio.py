"""Reading song files (or `-` for stdin) into songs: the one place the notation core meets the disk.

Errors a user can fix (no such file, a folder, no permission, a binary file) become `CowriterError`s
naming the path; everything about the text itself is a diagnostic on the song, never an exception.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cowriter.core.encoding import decode
from cowriter.core.sheet import read
from cowriter.core.song import Song
from cowriter.errors import CowriterError

__all__ = ["MAX_BYTES", "read_bytes", "read_song", "read_songs", "read_text"]

MAX_BYTES = 16 * 1024 * 1024


def read_bytes(path: str) -> bytes:
    """The raw bytes of `path`, or of stdin when `path` is `-`."""
    if path == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1)
    p = Path(path)
    try:
        if p.is_dir():
            raise CowriterError(f"{path}: is a folder", hint="give a song file (.cho, .txt)")
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise CowriterError(f"{path}: no such file", hint="check the path") from None
    except PermissionError:
        raise CowriterError(f"{path}: permission denied", hint="check the file's permissions") from None
    except OSError as exc:
        raise CowriterError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise CowriterError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB", hint="is it a song file?")
    return data


def read_text(path: str) -> str:
    data = read_bytes(path)
    if b"\0" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CowriterError(f"{path}: looks like a binary file, not a chord sheet")
    return decode(data)


def read_songs(path: str) -> tuple[Song, ...]:
    """Every song in the file (ChordPro or chords over lyrics, any common encoding)."""
    return read(read_text(path))


def read_song(path: str) -> Song:
    """The first song in the file (an empty song for an empty file)."""
    songs = read_songs(path)
    return songs[0] if songs else Song(trailing_newline=False)
