"""The session store: one folder per song under a root folder.

```
<store>/                 0700
  <name>/                0700  one session (the name checked by `names.check_name`)
    session.db           0600  SQLite, WAL: versions (a tree), credits, prompts, chat, UI state
    song.cho             0600  the current version, written atomically (temp, fsync, rename, fsync dir)
    writer.lock          0600  advisory lock of the one writer (see lock.py)
```

Usage::

    store = SessionStore(default_store(args.sessions))
    with store.create("Rain song", text, author="human") as s:
        s.save_version(new_text, "model:smollm2", message="chorus", prompt="write a chorus about rain")
    with store.open("Rain song") as s:       # read-only if another process writes; s.notice says so
        print(s.credits().format())

A damaged database or one from a newer cowriter is refused with a CowriterError after a backup copy is made
beside it (`session.db.damaged-<stamp>` / `session.db.newer-<stamp>`); the original is never rewritten.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import stat
import time
from pathlib import Path
from urllib.parse import quote

from cowriter import __version__
from cowriter.errors import CowriterError
from cowriter.session import files
from cowriter.session.credits import check_author, credit_lines, split_lines
from cowriter.session.lock import WriterLock
from cowriter.session.names import BadSessionName, check_name, look_alike, same_name
from cowriter.session.paths import default_store
from cowriter.session.schema import (
    CHECKED_TABLES,
    SCHEMA_VERSION,
    NewerSchema,
    check_version,
    migrate,
    user_version,
)
from cowriter.session.session import SONG_FILE, Session, sha256_text, short_reason

DB_FILE = "session.db"
NEW_PREFIX = ".new-"  # a session being built, renamed into place when whole
ABANDONED_AFTER_SECONDS = 600
FULL_CHECK_BYTES = 4 << 20  # databases up to this size get a whole quick_check at every open
BUSY_TIMEOUT_MS = 5000
ROOT_HINT = "point --sessions or COWRITER_SESSIONS at a folder"


def connect(db: Path, readonly: bool) -> sqlite3.Connection:
    """A connection in autocommit mode; the writer's uses WAL with a full fsync at each commit."""
    if readonly:
        uri = f"file:{quote(str(db))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(db), isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _quick_check(conn: sqlite3.Connection, db: Path) -> str:
    """SQLite's quick check: whole for a small database, else of every table but the song texts."""
    if db.stat().st_size <= FULL_CHECK_BYTES:
        return str(conn.execute("PRAGMA quick_check").fetchone()[0])
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in CHECKED_TABLES:
        if table in tables:
            result = str(conn.execute(f"PRAGMA quick_check('{table}')").fetchone()[0])
            if result != "ok":
                return result
    return "ok"


class SessionStore:
    """All sessions under one folder (by default `paths.default_store()`)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else default_store()

    def path(self, name: str) -> Path:
        """The folder of session `name`; refuses (CowriterError, exit 2) a name that could escape."""
        checked = check_name(name)
        folder = self.root / checked
        if folder.parent != self.root or os.path.dirname(os.path.normpath(folder)) != os.path.normpath(
            self.root
        ):
            raise CowriterError(f"session name {name!r} refused: it leaves the store", exit_code=2)
        return folder

    def _check_root(self) -> None:
        """A store that is a plain file, a device or something cowriter cannot look into is one clear
        error (`--sessions /dev/null`), not an empty list or an internal error; a missing one is fine."""
        try:
            mode = self.root.stat().st_mode
        except FileNotFoundError:
            return
        except OSError as exc:
            reason = exc.strerror or str(exc)
            message = f"{self.root}: cannot use it for sessions ({reason})"
            raise CowriterError(message, hint=ROOT_HINT) from None
        if not stat.S_ISDIR(mode):
            raise CowriterError(f"{self.root}: not a folder, so it cannot hold sessions", hint=ROOT_HINT)

    def list(self) -> list[str]:
        """Names of the sessions in the store, sorted case-insensitively."""
        self._check_root()
        if not self.root.is_dir():
            return []
        names = []
        for entry in self.root.iterdir():
            try:
                checked = check_name(entry.name)
            except CowriterError:
                continue
            if checked == entry.name and not entry.is_symlink() and (entry / DB_FILE).is_file():
                names.append(entry.name)
        return sorted(names, key=lambda n: (n.casefold(), n))

    def exists(self, name: str) -> bool:
        return (self.path(name) / DB_FILE).is_file()

    def create(self, name: str, text: str = "", author: str = "human", message: str = "created") -> Session:
        """A new session whose first version is `text`; returned open for writing.

        Built in a hidden folder and renamed into place, so a crash never leaves half a session."""
        folder = self.path(name)
        check_author(author)
        siblings = self.list()
        clash = next((n for n in siblings if same_name(n, folder.name)), None)
        if clash is None and (lookalike := look_alike(folder.name, siblings)) is not None:
            raise BadSessionName(
                f"session name {folder.name!r} refused: it reads as the session {lookalike!r}",
                hint="choose a name that looks different, or open that session",
                exit_code=2,
            )
        if clash is not None or os.path.lexists(folder):
            raise CowriterError(
                f"a session named {clash or folder.name!r} already exists in {self.root}",
                hint="choose another name, or `cowriter sessions save` to add a version",
            )
        self._check_root()
        tmp = self.root / f"{NEW_PREFIX}{secrets.token_hex(6)}"
        try:
            files.private_dir(self.root)
            self._remove_abandoned()
            tmp.mkdir(mode=0o700)
        except OSError as exc:  # a read-only store, a full disk, /proc/self
            raise CowriterError(
                f"could not create session {folder.name!r} in {self.root}: {exc.strerror or exc}",
                hint="point --sessions or COWRITER_SESSIONS at a folder you can write, with free space",
            ) from None
        try:
            os.chmod(tmp, 0o700)
            os.close(os.open(tmp / DB_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
            conn = connect(tmp / DB_FILE, readonly=False)
            try:
                migrate(conn)
                created = files.now_iso()
                credits = credit_lines([], [], split_lines(text), author, None, 1)
                blob = json.dumps([c.to_json() for c in credits], separators=(",", ":"))
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("name", folder.name),
                        ("created", created),
                        ("cowriter", __version__),
                        ("current", "1"),
                    ],
                )
                conn.execute(
                    "INSERT INTO versions (id, parent, author, message, created, sha256)"
                    " VALUES (1, NULL, ?, ?, ?, ?)",
                    (author, message, created, sha256_text(text)),
                )
                conn.execute("INSERT INTO bodies (version, text, credits) VALUES (1, ?, ?)", (text, blob))
                conn.execute("COMMIT")
            finally:
                conn.close()
            files.write_atomic(tmp / SONG_FILE, text.encode("utf-8"))
            files.fsync_dir(tmp)
            os.rename(tmp, folder)
        except sqlite3.Error as exc:  # "database or disk is full", an I/O error
            shutil.rmtree(tmp, ignore_errors=True)
            raise CowriterError(
                f"could not create session {folder.name!r} in {self.root}: {exc}",
                hint="check the free space and the folder's permissions; nothing was left behind",
            ) from exc
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if os.path.lexists(folder):
                raise CowriterError(f"a session named {folder.name!r} already exists in {self.root}") from exc
            raise CowriterError(
                f"could not create session {folder.name!r} in {self.root}: {exc.strerror or exc}",
                hint="check the free space and the folder's permissions; nothing was left behind",
            ) from exc
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        files.fsync_dir(self.root)
        return self.open(folder.name)

    def _remove_abandoned(self) -> None:
        """Delete half-built sessions that a killed `create` left behind (old enough to be abandoned)."""
        cutoff = time.time() - ABANDONED_AFTER_SECONDS
        for entry in self.root.glob(f"{NEW_PREFIX}*"):
            with contextlib.suppress(OSError):
                if entry.is_dir() and not entry.is_symlink() and entry.stat().st_mtime < cutoff:
                    shutil.rmtree(entry)

    def open(self, name: str, readonly: bool = False, wait: float = 0.0) -> Session:
        """Open a session. For writing (the default), the writer lock is tried for up to `wait` seconds;
        if another process holds it, the session opens read-only and `notice` says so and by whom."""
        folder = self.path(name)
        db = folder / DB_FILE
        self._check_root()
        if folder.is_symlink():
            raise CowriterError(f"session {folder.name!r} refused: {folder} is a symbolic link")
        if not db.is_file():
            raise CowriterError(
                f"no session named {folder.name!r} in {self.root}",
                hint=f"`cowriter sessions new {folder.name!r}` makes one; `sessions list` shows them",
            )
        lock = WriterLock(folder)
        notice = ""
        if not readonly and not lock.acquire(wait):
            readonly = True
            holder = lock.holder() or "another process"
            notice = (
                f"another cowriter is writing this session ({holder}); opened read-only, following it live"
            )
        try:
            conn = self._checked_connection(db, folder.name, readonly)
            try:
                return Session(folder.name, folder, conn, lock, readonly, notice, lambda ro: connect(db, ro))
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise self._damaged(db, folder.name, exc) from exc
            except BaseException:
                conn.close()
                raise
        except BaseException:
            lock.release()
            raise

    def _checked_connection(self, db: Path, name: str, readonly: bool) -> sqlite3.Connection:
        """Connect, refuse a damaged or newer database (after a backup), migrate an older one."""
        try:
            conn = connect(db, readonly=True)  # look before the writer's pragmas touch anything
            try:
                found = user_version(conn)
                check = _quick_check(conn, db)
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:  # locked, unreadable, out of memory: not damage
            raise CowriterError(
                f"session {name!r}: cannot read {db} ({short_reason(exc)})",
                hint="check its permissions, and the free space on its disk",
            ) from exc
        except sqlite3.DatabaseError as exc:
            raise self._damaged(db, name, exc) from exc
        try:
            check_version(found)
        except NewerSchema as exc:
            kept = files.backup(db, "newer")
            raise CowriterError(
                f"session {name!r} was written by a newer cowriter"
                f" (schema {found}, this one reads {SCHEMA_VERSION})",
                hint=f"upgrade cowriter; nothing was changed, a copy is at {kept}",
            ) from exc
        if check != "ok" or found == 0:
            raise self._damaged(db, name, sqlite3.DatabaseError(check if check != "ok" else "no schema"))
        if found < SCHEMA_VERSION:
            if readonly:
                raise CowriterError(
                    f"session {name!r} uses an older schema ({found})",
                    hint="open it once for writing (`cowriter sessions save`) when no other cowriter runs",
                )
            files.backup(db, f"schema{found}")
        conn = connect(db, readonly)
        try:
            if not readonly:
                migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _damaged(self, db: Path, name: str, exc: BaseException) -> CowriterError:
        with contextlib.suppress(OSError):
            kept = files.backup(db, "damaged")
            return CowriterError(
                f"session {name!r}: {db} is damaged or not a cowriter session ({short_reason(exc)})",
                hint=f"nothing was overwritten; a copy is at {kept}",
            )
        return CowriterError(
            f"session {name!r}: {db} is damaged or not a cowriter session ({short_reason(exc)})"
        )
