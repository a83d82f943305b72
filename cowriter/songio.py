"""Reading song files (or `-` for stdin) into songs: the one place the notation core meets the disk.

Errors a user can fix (no such file, a folder, no permission, a binary file) become `CowriterError`s
naming the path; everything about the text itself is a diagnostic on the song, never an exception.
`write_file` is the way back: the one atomic writer of what cowriter writes for the writer (the editor's
saves and exports, `melody --write`, `cowriter render`); `write_text` writes a song's text with it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from cowriter.core.encoding import decode
from cowriter.core.sheet import read
from cowriter.core.song import Song
from cowriter.errors import CowriterError
from cowriter.limits import MAX_SONG_BYTES, read_limited, read_stream
from cowriter.umask import export_mode

__all__ = ["MAX_BYTES", "read_bytes", "read_song", "read_songs", "read_text", "write_file", "write_text"]

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
    """The song `text` to `path` through `write_file` (atomic, durable); `newline=""` writes the text's
    own line endings."""

    def write(part: Path) -> None:
        with part.open("w", encoding="utf-8", newline=newline) as fh:
            fh.write(text)

    write_file(path, write, hint=hint)


def write_file(path: Path, write: Callable[[Path], object], *, hint: str = "choose another place") -> None:
    """The one atomic writer of the files cowriter writes for the writer (songs saved or exported, MIDI,
    lead sheets, WAVs): `write(part)` makes the file at a scratch path beside the target, named as the
    target (a `.mxl` names its score after its file); the file is flushed to disk, given the target's
    permissions (a new one: 0666 less the umask, not a temp file's 0600), renamed over the target, and
    the rename made durable: a crash or a failed render leaves the old file or the new one, never half of
    one, and no scratch behind. A symlinked target is written where the link points (the link stays);
    missing folders are made. Failures are one CowriterError: "cannot write PATH: why" (`hint`)."""
    target = path.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = export_mode()
        scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise _cannot_write(path, exc, hint) from None
    part = scratch / target.name
    try:
        write(part)
        fd = os.open(part, os.O_RDONLY)
        try:
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(part, target)
        _fsync_folder(target.parent)
    except OSError as exc:
        raise _cannot_write(path, exc, hint) from None
    finally:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            scratch.rmdir()


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the system allows opening a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _cannot_write(path: Path, exc: OSError, hint: str) -> CowriterError:
    return CowriterError(f"cannot write {path}: {exc.strerror or exc}", hint=hint)
