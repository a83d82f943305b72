"""One open session: the song's versions as a tree, its credits, chat and UI state.

Get one from `SessionStore.open()` or `.create()`. A writable session holds the session's writer lock;
a read-only one (asked for, or because another process is writing) reads the same database live: call
`refresh()` to pick up the writer's changes and `try_upgrade()` to take over once the writer has gone.
`notice` says, in one line, why a session is read-only. Methods are thread-safe (one lock per session),
so a UI may call them from worker threads. Every write is durable in the database when the method
returns; `song.cho` follows a few milliseconds later (`flush()` waits for it, `close()` too).
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from cowriter.errors import CowriterError
from cowriter.limits import MAX_SONG_BYTES, read_limited, too_large
from cowriter.session import files
from cowriter.session.credits import LineCredit, carry_credits, check_author, credit_lines, split_lines
from cowriter.session.lock import WriterLock
from cowriter.session.records import Credits, Message, Version

SONG_FILE = "song.cho"
ROLES = ("user", "assistant", "system")
_VERSION_COLUMNS = (
    "SELECT v.id, v.parent, v.author, v.message, v.created, v.name, p.text, v.sha256 "
    "FROM versions v LEFT JOIN prompts p ON p.id = v.prompt"
)


P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLite failures into one clear CowriterError; a damaged database gets a backup copy first."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.OperationalError as exc:
            session = args[0]
            assert isinstance(session, Session)
            if "decode to UTF-8" in str(exc):  # bytes that are not text where text was stored: damage
                raise session.damaged(sqlite3.DatabaseError("text that is not UTF-8")) from exc
            raise CowriterError(
                f"session {session.name!r}: {short_reason(exc)}",
                hint="another program may hold it, or the disk is full",
            ) from exc
        except sqlite3.DatabaseError as exc:
            session = args[0]
            assert isinstance(session, Session)
            raise session.damaged(exc) from exc

    return wrapper


def short_reason(exc: BaseException, most: int = 160) -> str:
    """SQLite's message, cut to its first line and `most` characters (some quote whole stored texts)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= most else text[: most - 1] + "…"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _version(row: tuple[Any, ...]) -> Version:
    return Version(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], row[7])


class Session:
    """An open session. Do not construct directly: use `SessionStore.open()`/`.create()`."""

    def __init__(
        self,
        name: str,
        folder: Path,
        conn: sqlite3.Connection,
        lock: WriterLock,
        readonly: bool,
        notice: str,
        reconnect: Callable[[bool], sqlite3.Connection],
    ) -> None:
        self.name = name
        self.folder = folder
        self.song_path = folder / SONG_FILE
        self.readonly = readonly
        self.notice = notice
        self._conn = conn
        self._lock = lock
        self._reconnect = reconnect
        self._mutex = threading.RLock()
        self._versions: dict[int, Version] = {}
        self._current = 0
        self._data_version = -1
        self._cached: tuple[int, str, list[LineCredit]] | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []
        self.refresh()
        if not self.readonly:
            self._recover_mirror()

    # ---- life cycle -----------------------------------------------------------------------------------

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Finish writing song.cho, close the database, release the writer lock."""
        with self._mutex:
            try:
                self.flush()
            finally:
                if self._pool is not None:
                    self._pool.shutdown(wait=True)
                    self._pool = None
                self._conn.close()
                self._lock.release()

    def flush(self) -> None:
        """Wait until `song.cho` mirrors the current version.

        `save_version` returns once the version is durable in the database; the song.cho mirror follows
        a few milliseconds later from a background thread (still atomic: temp, fsync, rename, fsync dir).
        Call this when another program must read song.cho at once; `close()` calls it."""
        with self._mutex:
            pending, self._pending = self._pending, []
            for job in pending:
                try:
                    job.result()
                except OSError as exc:
                    raise CowriterError(
                        f"session {self.name!r}: versions are saved, but {self.song_path} could not be"
                        f" written: {exc.strerror or exc}",
                        hint="the next open rewrites it; check the disk",
                    ) from exc

    @_guarded
    def refresh(self) -> bool:
        """Re-read what another process changed (versions, names, the current version, chat, state);
        True when it changed anything since the last look. Cheap when nothing did: poll it."""
        with self._mutex:
            data_version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            if data_version == self._data_version and self._versions:
                return False
            rows = self._conn.execute(_VERSION_COLUMNS + " ORDER BY v.id").fetchall()
            current = self._conn.execute("SELECT value FROM meta WHERE key = 'current'").fetchone()
            if not rows or current is None:
                raise CowriterError(f"session {self.name!r} has no versions: its database is damaged")
            first = not self._versions
            self._versions = {int(r[0]): _version(r) for r in rows}
            self._current = int(current[0])
            self._data_version = data_version
            return not first

    def writer(self) -> str:
        """Who else is writing this session now ("pid N on HOST since T"), or "" when nobody is."""
        return self._lock.busy()

    @_guarded
    def try_upgrade(self) -> bool:
        """A read-only session (opened while another process wrote) becomes the writer if it can."""
        with self._mutex:
            if not self.readonly:
                return True
            if not self._lock.acquire():
                return False
            old, self._conn = self._conn, self._reconnect(False)
            old.close()
            self.readonly, self.notice = False, ""
            self._data_version = -1
            self.refresh()
            self._recover_mirror()
            return True

    # ---- versions -------------------------------------------------------------------------------------

    @property
    def current(self) -> Version:
        """The version being edited; the next `save_version` becomes its child."""
        return self._versions[self._current]

    def versions(self) -> list[Version]:
        """Every version, oldest first."""
        return list(self._versions.values())

    def version(self, ref: int | str) -> Version:
        """A version by id, or by the name given with `name_version`."""
        if isinstance(ref, int) or ref.isdigit():
            found = self._versions.get(int(ref))
        else:
            found = next((v for v in self._versions.values() if v.name == ref), None)
        if found is None:
            raise CowriterError(f"session {self.name!r} has no version {ref!r}")
        return found

    @_guarded
    def text(self, version: int | str | None = None) -> str:
        """The song text of a version (the current one by default)."""
        return self._text_and_credits(self.current.id if version is None else self.version(version).id)[0]

    @_guarded
    def save_version(
        self,
        text: str,
        author: str,
        message: str = "",
        parent: int | str | None = None,
        prompt: str | None = None,
        *,
        carry: bool = False,
        created: str | None = None,
    ) -> Version:
        """Record `text` as the next version (child of `parent`, by default the current version), crediting
        the changed lines to `author` ("human" or "model:NAME", with the `prompt` behind a model's text).
        With `carry`, `text` restates the parent line for line (a transposition: chords and ABC notes moved,
        nothing written) and every line and chord keeps its credit (`credits.carry_credits`; a different
        number of lines is refused). `created`: when the edit was made (ISO 8601, UTC; by default now), for
        a version recorded after the fact. The new version becomes current. When this returns, the version and
        its credits are durable in the database; `song.cho` is replaced atomically a few ms later in the
        background (see `flush`)."""
        check_author(author)
        if len(text) > MAX_SONG_BYTES // 4 and len(text.encode("utf-8")) > MAX_SONG_BYTES:
            raise too_large(f"session {self.name!r}: the song")  # the limit every read has
        with self._mutex:
            self._writable()
            base = self.current if parent is None else self.version(parent)
            old_text, old_credits = self._text_and_credits(base.id)
            lines = split_lines(text)
            sha = sha256_text(text)
            created = created or files.now_iso()
            conn = self._conn
            staged = self._stager().submit(files.stage, self.song_path, text.encode("utf-8"))
            conn.execute("BEGIN IMMEDIATE")
            try:
                prompt_id = self._prompt_id(prompt, created) if prompt else None
                new_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM versions").fetchone()[0])
                old_lines = split_lines(old_text)
                if carry:
                    credits = carry_credits(old_lines, old_credits, lines, author, prompt_id)
                else:
                    credits = credit_lines(old_lines, old_credits, lines, author, prompt_id, new_id)
                blob = json.dumps([c.to_json() for c in credits], separators=(",", ":"))
                conn.execute(
                    "INSERT INTO versions (id, parent, author, message, created, prompt, sha256)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (new_id, base.id, author, message, created, prompt_id, sha),
                )
                conn.execute(
                    "INSERT INTO bodies (version, text, credits) VALUES (?, ?, ?)", (new_id, text, blob)
                )
                conn.execute("UPDATE meta SET value = ? WHERE key = 'current'", (str(new_id),))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                with contextlib.suppress(Exception):
                    staged.result().unlink(missing_ok=True)
                raise
            made = Version(new_id, base.id, author, message, created, None, prompt, sha)
            self._versions[new_id] = made
            self._current = new_id
            self._cached = (new_id, text, credits)
            self._data_version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            self._pending = [job for job in self._pending if not job.done() or job.exception()]
            self._pending.append(self._stager().submit(self._publish, staged))
            return made

    @_guarded
    def branch_from(self, ref: int | str) -> Version:
        """Make an earlier version current: the next save starts a branch from it."""
        with self._mutex:
            self._writable()
            target = self.version(ref)
            self._conn.execute("UPDATE meta SET value = ? WHERE key = 'current'", (str(target.id),))
            self._current = target.id
            self._mirror(self.text(target.id))
            return target

    @_guarded
    def name_version(self, ref: int | str, name: str | None) -> Version:
        """Give a version a name (unique in the session), or clear it with None."""
        if name is not None:
            name = " ".join(name.split())
            if not name or len(name) > 100 or name.isdigit():
                raise CowriterError(
                    f"version name {name!r} refused", hint="1-100 characters, not only digits"
                )
        with self._mutex:
            self._writable()
            target = self.version(ref)
            try:
                self._conn.execute("UPDATE versions SET name = ? WHERE id = ?", (name, target.id))
            except sqlite3.IntegrityError as exc:
                raise CowriterError(f"another version is already named {name!r}") from exc
            named = Version(**{**target.__dict__, "name": name})
            self._versions[target.id] = named
            return named

    def diff(self, a: int | str, b: int | str) -> str:
        """A unified diff from version `a` to version `b`."""
        va, vb = self.version(a), self.version(b)
        return "\n".join(
            difflib.unified_diff(
                split_lines(self.text(va.id)),
                split_lines(self.text(vb.id)),
                fromfile=f"version {va.id} ({va.author}, {va.created})",
                tofile=f"version {vb.id} ({vb.author}, {vb.created})",
                lineterm="",
            )
        )

    @_guarded
    def credits(self, version: int | str | None = None) -> Credits:
        """Who wrote each line of a version (the current one by default)."""
        target = self.current if version is None else self.version(version)
        text, credits = self._text_and_credits(target.id)
        ids = {p for c in credits for p in (c.prompt, *(ch.prompt for ch in c.chords)) if p is not None}
        prompts: dict[int, str] = {}
        if ids:
            marks = ",".join("?" * len(ids))
            with self._mutex:
                rows = self._conn.execute(f"SELECT id, text FROM prompts WHERE id IN ({marks})", sorted(ids))
                prompts = {int(i): t for i, t in rows}
        return Credits(target, split_lines(text), credits, prompts)

    # ---- chat and UI state ------------------------------------------------------------------------------

    @_guarded
    def add_message(self, role: str, text: str, model: str | None = None) -> Message:
        if role not in ROLES:
            raise CowriterError(f"chat role {role!r} refused", hint=f"one of {', '.join(ROLES)}")
        with self._mutex:
            self._writable()
            created = files.now_iso()
            cur = self._conn.execute(
                "INSERT INTO messages (role, text, model, version, created) VALUES (?, ?, ?, ?, ?)",
                (role, text, model, self._current, created),
            )
            return Message(int(cur.lastrowid or 0), role, text, model, self._current, created)

    @_guarded
    def messages(self) -> list[Message]:
        with self._mutex:
            rows = self._conn.execute(
                "SELECT id, role, text, model, version, created FROM messages ORDER BY id"
            ).fetchall()
        return [Message(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]

    @_guarded
    def set_state(self, key: str, value: Any) -> None:
        """Remember UI state (section, cursor, model...) so reopening resumes; `value` must be JSON.

        Cheap enough for every cursor move: it survives a crash of the process but, unlike versions and
        chat, is not fsynced on its own (a power cut may lose the last positions, never a version)."""
        blob = json.dumps(value)
        with self._mutex:
            self._writable()
            self._conn.execute("PRAGMA synchronous = NORMAL")
            try:
                self._conn.execute(
                    "INSERT INTO state (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, blob),
                )
            finally:
                self._conn.execute("PRAGMA synchronous = FULL")

    @_guarded
    def get_state(self, key: str, default: Any = None) -> Any:
        with self._mutex:
            row = self._conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    # ---- internals --------------------------------------------------------------------------------------

    def damaged(self, exc: BaseException) -> CowriterError:
        """The error for a database found damaged while in use, after keeping a copy of it."""
        db = self.folder / "session.db"
        try:
            kept = f"a copy is at {files.backup(db, 'damaged')}"
        except OSError as err:
            kept = f"no copy could be made ({err.strerror or err})"
        return CowriterError(
            f"session {self.name!r}: {db} is damaged ({short_reason(exc)})",
            hint=f"nothing was overwritten; {kept}",
        )

    def _writable(self) -> None:
        if self.readonly:
            raise CowriterError(
                f"session {self.name!r} is open read-only: {self.notice or 'opened for reading'}",
                hint="close the other cowriter first, or wait for it",
            )

    def _prompt_id(self, prompt: str, created: str) -> int:
        self._conn.execute("INSERT OR IGNORE INTO prompts (text, created) VALUES (?, ?)", (prompt, created))
        return int(self._conn.execute("SELECT id FROM prompts WHERE text = ?", (prompt,)).fetchone()[0])

    def _text_and_credits(self, version_id: int) -> tuple[str, list[LineCredit]]:
        with self._mutex:
            if self._cached is not None and self._cached[0] == version_id:
                return self._cached[1], self._cached[2]
            row = self._conn.execute(
                "SELECT text, credits FROM bodies WHERE version = ?", (version_id,)
            ).fetchone()
            if row is None:
                raise CowriterError(f"session {self.name!r} has no version {version_id}")
            try:
                credits = [LineCredit.from_json(item) for item in json.loads(row[1])]
            except (ValueError, TypeError) as exc:
                raise CowriterError(
                    f"session {self.name!r}: the credits of version {version_id} are damaged"
                ) from exc
            self._cached = (version_id, row[0], credits)
            return row[0], credits

    def _stager(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cowriter-mirror")
        return self._pool

    def _publish(self, staged: Future[Path]) -> None:
        """In the background thread, after the version's commit: move its staged song.cho into place."""
        files.publish(staged.result(), self.song_path)

    def _mirror(self, text: str) -> None:
        """Make `song.cho` the given text now, durably, after any saves still being mirrored."""
        self.flush()
        try:
            files.write_atomic(self.song_path, text.encode("utf-8"))
        except OSError as exc:
            raise CowriterError(
                f"session {self.name!r}: version saved, but {self.song_path} could not be written: {exc}"
            ) from exc

    def _recover_mirror(self) -> None:
        """After a crash or an edit outside cowriter, make `song.cho` and the database agree again."""
        files.remove_stale_temps(self.folder, SONG_FILE)
        if not self.song_path.exists() and not self.song_path.is_symlink():
            self._mirror(self.text())
            return
        # a symlink, FIFO, device or folder in its place, or a file past the size limit, is refused
        label = f"session {self.name!r}: {SONG_FILE}"
        data = read_limited(self.song_path, label=label, follow_symlinks=False)
        if hashlib.sha256(data).hexdigest() == self.current.sha256:
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            kept = files.backup(self.song_path, "unreadable")
            self._mirror(self.text())
            self.notice = (
                f"{SONG_FILE} was not UTF-8 text: kept as {kept.name}, rewritten from version {self._current}"
            )
            return
        known = self._conn.execute("SELECT 1 FROM versions WHERE sha256 = ? LIMIT 1", (sha256_text(text),))
        if known.fetchone() is not None:  # a crash between the commit and the rename: the mirror is stale
            self._mirror(self.text())
            return
        made = self.save_version(text, "human", message=f"edited outside cowriter ({SONG_FILE})")
        self.notice = f"{SONG_FILE} had been edited outside cowriter: recorded as version {made.id}"
