"""The recovery store: songs not saved anywhere yet, kept as the writer types.

A song written in a bare `cowriter` has no file and no session until the writer gives it one. Until then
it lives in a *scratch session* under `<store>/.recovery/` (a session like any other: versions with the
time of each edit, credits, chat, the transport's settings), written as the writer pauses. The running
editor holds its writer lock; a scratch whose lock nobody holds was left by a cowriter that ended without
deciding (a crash, a hang-up, kill -9), and the next `cowriter` offers it back.

```
<store>/.recovery/               0700  (a name `SessionStore.list` never shows: it starts with a dot)
  untitled-20261207-2103-4f2a/         a scratch session, as in store.py
```

Keeping a scratch under a name moves its folder into the store (versions, chat and credits unchanged);
discarding it deletes the folder.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass

from cowriter.errors import CowriterError
from cowriter.session import files
from cowriter.session.lock import WriterLock
from cowriter.session.names import same_name
from cowriter.session.session import SONG_FILE, Session
from cowriter.session.store import DB_FILE, SessionStore

RECOVERY = ".recovery"
PREVIEW_BYTES = 64 << 10  # of a left song's text read to show it


@dataclass(frozen=True, slots=True)
class LeftSong:
    """A scratch session no running cowriter holds: a song left unsaved."""

    name: str
    modified: float  # when it was last written (seconds since the epoch)
    text: str  # its latest text (from its song.cho; the start of it when long)


def recovery_store(store: SessionStore) -> SessionStore:
    """The store of scratch sessions beside `store`'s sessions."""
    return SessionStore(store.root / RECOVERY)


def new_name() -> str:
    """A name no other scratch will have: the time, and a random part."""
    return time.strftime("untitled-%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def left_songs(store: SessionStore) -> list[LeftSong]:
    """The songs left in the recovery store by a cowriter that ended without deciding, newest first.
    Empty ones are removed on the way. Cheap: a folder listing and a lock tried per scratch."""
    scratch = recovery_store(store)
    out: list[LeftSong] = []
    for name in scratch.list():
        folder = scratch.root / name
        lock = WriterLock(folder)
        try:
            if not lock.acquire():
                continue  # a running cowriter is writing it
        except CowriterError:
            continue
        try:
            try:
                with (folder / SONG_FILE).open("rb") as f:
                    text = f.read(PREVIEW_BYTES).decode("utf-8", errors="replace")
                # the last write: WAL commits reach session.db only at a checkpoint; song.cho follows each
                modified = max(
                    (folder / name).stat().st_mtime
                    for name in (DB_FILE, DB_FILE + "-wal", SONG_FILE)
                    if (folder / name).exists()
                )
            except OSError:
                continue
            if not text.strip():
                shutil.rmtree(folder, ignore_errors=True)  # nothing was written in it
                continue
            out.append(LeftSong(name, modified, text))
        finally:
            lock.release()
    return sorted(out, key=lambda s: -s.modified)


def discard(store: SessionStore, name: str) -> None:
    """Delete a scratch session (refused while a running cowriter holds it)."""
    scratch = recovery_store(store)
    folder = scratch.path(name)
    lock = WriterLock(folder)
    if not lock.acquire():
        raise CowriterError(f"the unsaved song {name!r} is open in another cowriter")
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise CowriterError(f"could not remove {folder}: {exc.strerror or exc}") from exc
    finally:
        lock.release()


class NotKept(CowriterError):
    """The scratch could not be kept under the name asked for; `session` is the scratch, open again."""

    def __init__(self, message: str, session: Session, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.session = session


def keep(store: SessionStore, session: Session, name: str) -> Session:
    """Move the open scratch `session` into `store` as session `name`, with its whole history (versions
    and their times, credits, chat, state); returns it open there. Raises CowriterError when the name is
    refused or taken (the scratch stays open), NotKept when the move failed (the scratch open again)."""
    folder = store.path(name)
    clash = next((n for n in store.list() if same_name(n, folder.name)), None)
    if clash is not None or os.path.lexists(folder):
        raise CowriterError(
            f"a session named {clash or folder.name!r} already exists in {store.root}",
            hint="choose another name",
        )
    source, scratch_name = session.folder, session.name
    session.close()
    try:
        os.rename(source, folder)
        files.fsync_dir(store.root)
    except OSError as exc:
        raise NotKept(
            f"could not keep the song as {name!r}: {exc.strerror or exc}",
            recovery_store(store).open(scratch_name),
        ) from exc
    with contextlib.closing(sqlite3.connect(str(folder / DB_FILE), isolation_level=None)) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'name'", (folder.name,))
    return store.open(folder.name)
