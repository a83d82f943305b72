"""Every limit cowriter puts on what it reads and makes, in one place, and the one bounded reader.

A song is a few kilobytes; these limits sit far above any real song and far below what would hurt the
machine, so a hostile or mistaken input (a 50 MB file, `/dev/zero`, an endless server reply, ten
thousand nested choruses) ends in one clear line instead of gigabytes.

`read_limited` is how a song file is read, wherever it comes from: a path on the command line, the
editor's file, a session's `song.cho`. It never reads more than `MAX_SONG_BYTES + 1` bytes, refuses a
folder or a device before reading, and with `plain_only` (a session's own files) refuses anything but a
regular file (a symlink, a FIFO, a device), without blocking on it. Standard input is bounded by the same
number (`cowriter.songio.read_bytes`). Stdlib only: the editor reads its file before its first frame.

Limits that live with the code they guard: a song's arranged length (`core.arrange.MAX_SECONDS`, one
hour, checked before any note is made), a model server's reply (`model.openai_http`: line, body and
time), a session name (`session.names`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from pathlib import Path
from typing import BinaryIO

from cowriter.errors import CowriterError

__all__ = [
    "MAX_ALTERNATIVES",
    "MAX_SONG_BYTES",
    "read_limited",
    "read_stream",
    "too_large",
]

MAX_SONG_BYTES = 16 * 1024 * 1024  # a song file, from anywhere (real ones: 1-20 KB)
MAX_ALTERNATIVES = 20  # melody sketches per request: more than anyone compares by ear


_PLAIN_HINT = "move it away: cowriter writes it again from the session's last version"
_SONG_HINT = "give a song file (.cho, .txt)"


def too_large(label: str) -> CowriterError:
    return CowriterError(
        f"{label}: larger than {MAX_SONG_BYTES // (1024 * 1024)} MB", hint="is it a song file?"
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISLNK(mode):
        return "is a symlink"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return "is not a regular file"


def read_limited(
    path: str | Path, *, label: str | None = None, regular_only: bool = False, follow_symlinks: bool = True
) -> bytes:
    """The bytes of the file at `path`, at most `MAX_SONG_BYTES`, or one clear CowriterError.

    A folder and a device are refused before anything is read; a FIFO or a pipe (`<(…)` in a shell) is
    read up to the limit, unless `regular_only` (the editor's file, a session's song.cho: files it will
    write back). Without `follow_symlinks` a symlink is refused too (a session's own files)."""
    name = label or str(path)
    plain_only = regular_only or not follow_symlinks
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _open_error(name, path, exc, not follow_symlinks) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode) and not plain_only:
            raise CowriterError(f"{name}: is a folder", hint=_SONG_HINT)
        if plain_only and not stat.S_ISREG(mode):
            hint = _PLAIN_HINT if not follow_symlinks else _SONG_HINT
            raise CowriterError(f"{name}: {_kind(mode)}, not a plain file", hint=hint)
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise CowriterError(f"{name}: {_kind(mode)}, not a song file", hint=_SONG_HINT)
        if stat.S_ISREG(mode) and os.fstat(fd).st_size > MAX_SONG_BYTES:
            raise too_large(name)
        if stat.S_ISFIFO(mode):  # wait for the writer, as a shell's `<(…)` expects
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = read_stream(fh, name)
    except OSError as exc:
        raise CowriterError(f"{name}: cannot read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    return data


def _open_error(name: str, path: str | Path, exc: OSError, no_symlink: bool) -> CowriterError:
    if isinstance(exc, FileNotFoundError):
        return CowriterError(f"{name}: no such file", hint="check the path")
    if isinstance(exc, PermissionError):
        return CowriterError(f"{name}: permission denied", hint="check the file's permissions")
    if no_symlink and exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a symlink
        return CowriterError(f"{name}: is a symlink, not a plain file", hint=_PLAIN_HINT)
    if exc.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
        with contextlib.suppress(OSError):
            return CowriterError(f"{name}: {_kind(os.lstat(path).st_mode)}, not a song file", hint=_SONG_HINT)
    return CowriterError(f"{name}: cannot read ({exc.strerror or exc})")


def read_stream(stream: BinaryIO, label: str) -> bytes:
    """At most `MAX_SONG_BYTES` from `stream`; more is refused (never cut: a song is whole or refused)."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_SONG_BYTES:
        chunk = stream.read(min(1 << 20, MAX_SONG_BYTES + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_SONG_BYTES:
        raise too_large(label)
    return b"".join(chunks)
