"""Reading song files (or `-` for stdin) into songs: the one place the notation core meets the disk.

Errors a user can fix (no such file, a folder, no permission, a binary file) become `CowriterError`s
naming the path; everything about the text itself is a diagnostic on the song, never an exception.
`write_text` is the way back: the one atomic writer of song files (the editor's saves and exports,
`melody --write`).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from cowriter.core.encoding import decode
from cowriter.core.sheet import read
from cowriter.core.song import Song
from cowriter.errors import CowriterError
from cowriter.limits import MAX_SONG_BYTES, read_limited, read_stream
from cowriter.umask import export_mode

__all__ = ["MAX_BYTES", "read_bytes", "read_song", "read_songs", "read_text", "write_text"]

MAX_BYTES = MAX_SONG_BYTES


def read_bytes(path: str) -> bytes:
    """The raw bytes of `path`, or of stdin when `path` is `-`: at most `limits.MAX_SONG_BYTES`, more
    is refused whole (never cut), a folder or a device before anything is read (`limits.read_limited`)."""
    if path == "-":
        return read_stream(sys.stdin.buffer, "<stdin>")
    return read_limited(path)


def read_text(path: str) -> str:
    data = read_bytes(path)
    if b"\0" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        label = "<stdin>" if path == "-" else path
        raise CowriterError(f"{label}: looks like a binary file, not a chord sheet")
    return decode(data)


def read_songs(path: str) -> tuple[Song, ...]:
    """Every song in the file (ChordPro or chords over lyrics, any common encoding)."""
    return read(read_text(path))


def read_song(path: str) -> Song:
    """The first song in the file (an empty song for an empty file)."""
    songs = read_songs(path)
    return songs[0] if songs else Song(trailing_newline=False)


def write_text(path: Path, text: str, *, newline: str = "\n", hint: str = "choose another place") -> None:
    """Temp file, fsync, rename: a crash leaves the old file or the new one, never half of one.

    A symlinked song is written where the link points (the link stays); an existing file keeps its
    permissions, a new one gets the usual ones (0666 less the umask), not the temp file's 0600; missing
    folders are made; no scratch file is left behind. `newline=""` writes the text's own line endings."""
    target = path.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = export_mode()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise CowriterError(f"{path}: cannot write ({exc.strerror or exc})", hint=hint) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            fh.write(text)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise CowriterError(f"{path}: cannot write ({exc.strerror or exc})", hint=hint) from None
