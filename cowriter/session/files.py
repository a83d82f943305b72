"""Durable, private file operations: atomic replace with fsync, private folders, backups."""

from __future__ import annotations

import os
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

TMP_SUFFIX = ".tmp"


def now_iso() -> str:
    """The current time, ISO-8601 UTC with milliseconds, e.g. 2026-11-25T17:10:00.123Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def private_dir(folder: Path) -> None:
    """Create `folder` (and missing parents) readable by the user only; leave an existing one alone."""
    if folder.is_dir():
        return
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # mkdir's mode passes through the umask


def stage(path: Path, data: bytes, mode: int = 0o600) -> Path:
    """First half of an atomic replace: `data` in a new temp file beside `path` (O_EXCL, `mode`), fsynced.

    Returns the temp file; `publish` moves it into place. Staging may run in another thread while the
    database commits, so the two fsyncs overlap."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def publish(tmp: Path, path: Path) -> None:
    """Second half: rename the staged file over `path`, then fsync the folder so the rename is durable."""
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` so that a crash leaves the old file or the new one, never a mix.

    Temp file in the same folder, write, fsync, rename over `path`, fsync the folder.
    """
    publish(stage(path, data, mode), path)


def remove_stale_temps(folder: Path, name: str) -> int:
    """Delete temp files a killed writer of `<folder>/<name>` left behind; returns how many."""
    removed = 0
    for tmp in folder.glob(f".{name}.*{TMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed


def backup(path: Path, reason: str) -> Path:
    """Copy `path` (and a non-empty SQLite `-wal` beside it) to `<path>.<reason>-<UTC stamp>`, private;
    returns the copy. Opening the same damaged file again reuses an identical earlier copy."""
    wal = Path(f"{path}-wal")
    has_wal = wal.is_file() and wal.stat().st_size > 0
    data = path.read_bytes() if path.is_file() else b""
    if not has_wal:
        for old in sorted(path.parent.glob(f"{path.name}.{reason}-*")):
            if not old.name.endswith("-wal") and old.read_bytes() == data:
                return old
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.{reason}-{stamp}")
    for src, dst in ((path, target), (wal, Path(f"{target}-wal"))):
        if src.is_file() and (src == path or has_wal):
            shutil.copyfile(src, dst)
            os.chmod(dst, 0o600)
    fsync_dir(path.parent)
    return target
