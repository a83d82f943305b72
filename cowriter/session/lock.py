"""One writer per session: an advisory lock file beside the database.

SQLite's own locking keeps every transaction whole when two processes touch one database; this lock keeps
the *editing* whole: only one process at a time owns a session (saves versions, moves the current
version, writes `song.cho`). A second process opens the session read-only and follows the writer's changes
live. The lock is `flock` on `writer.lock`, so it is held per open file (two opens in one process exclude
each other too) and the kernel drops it when the holder dies, even by kill -9: a crash never leaves a
session locked. The file records who holds it (pid, host, since) for the message the second process shows.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

from cowriter.errors import CowriterError

LOCK_FILE = "writer.lock"


class WriterLock:
    """An advisory exclusive lock on `<session>/writer.lock`."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float = 0.0) -> bool:
        """Try to take the lock, retrying for up to `wait` seconds; True once held."""
        if self._fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            raise CowriterError(
                f"cannot use the session lock {self.path}: {exc.strerror or exc}",
                hint="it must be a plain file you own; remove it if it is not",
            ) from exc
        deadline = time.monotonic() + (wait if math.isfinite(wait) and wait > 0 else 0.0)  # nan waits not
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.05)
        self._fd = fd
        stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        record = f"pid {os.getpid()} on {socket.gethostname()} since {stamp}\n".encode()
        with contextlib.suppress(OSError):  # who holds it is a courtesy: a full disk still locks
            os.ftruncate(fd, 0)
            os.pwrite(fd, record, 0)
        return True

    def holder(self) -> str:
        """Who holds the lock, as recorded in the lock file ("" when unknown)."""
        try:
            return self.path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""

    def busy(self) -> str:
        """Who is writing now, without taking the lock ("" when nobody is)."""
        if self._fd is not None:
            return ""
        holder = self.holder()
        if not holder:  # a writer that closed cleanly empties the file
            return ""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:
            return ""
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return holder
        finally:
            os.close(fd)  # closing drops the probe's shared lock
        return ""  # the recorded writer died without cleaning up

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
