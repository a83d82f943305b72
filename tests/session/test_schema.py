"""Schema versions and migrations; damaged files and newer schemas are refused after a backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cowriter.errors import CowriterError
from cowriter.session import SessionStore
from cowriter.session.schema import MIGRATIONS, SCHEMA_VERSION, Migration, NewerSchema, migrate


def _conn(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_fresh_database_migrates_to_latest(tmp_path: Path) -> None:
    conn = _conn(tmp_path / "a.db")
    assert migrate(conn) == [m.version for m in MIGRATIONS]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert migrate(conn) == []  # idempotent


def test_steps_run_in_order_from_where_the_database_is(tmp_path: Path) -> None:
    steps = [
        Migration(1, "one", "CREATE TABLE t (a INTEGER)"),
        Migration(2, "two", "ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'; INSERT INTO t (a) VALUES (1)"),
    ]
    conn = _conn(tmp_path / "a.db")
    assert migrate(conn, steps[:1]) == [1]
    conn.execute("INSERT INTO t (a) VALUES (0)")
    assert migrate(conn, steps) == [2]
    assert conn.execute("SELECT a, b FROM t ORDER BY a").fetchall() == [(0, "x"), (1, "x")]


def test_a_failing_step_leaves_the_previous_schema(tmp_path: Path) -> None:
    steps = [
        Migration(1, "one", "CREATE TABLE t (a INTEGER)"),
        Migration(2, "broken", "CREATE TABLE u (a INTEGER); THIS IS NOT SQL"),
    ]
    conn = _conn(tmp_path / "a.db")
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, steps)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"t"}


def test_newer_database_refused_by_migrate(tmp_path: Path) -> None:
    conn = _conn(tmp_path / "a.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(NewerSchema):
        migrate(conn)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    s = SessionStore(tmp_path / "store")
    s.create("Song", "{title: Song}\nla la\n").close()
    return s


def _db(store: SessionStore) -> Path:
    return store.root / "Song" / "session.db"


def test_newer_schema_refused_with_backup_and_untouched(store: SessionStore) -> None:
    conn = _conn(_db(store))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = _db(store).read_bytes()
    for readonly in (False, True):
        with pytest.raises(CowriterError, match="newer cowriter") as info:
            store.open("Song", readonly=readonly)
        assert "upgrade" in str(info.value) and "\n" not in str(info.value)
    assert _db(store).read_bytes() == before
    backups = list(_db(store).parent.glob("session.db.newer-*"))
    assert backups and backups[0].read_bytes() == before


DAMAGE = [
    ("garbage header", lambda b: b"this is not a database at all" + b[29:]),
    ("truncated", lambda b: b[:100]),
    ("zeroed pages", lambda b: b[:100] + bytes(len(b) - 100)),
    ("empty file", lambda b: b""),
    ("scrambled middle", lambda b: b[:4096] + bytes(reversed(b[4096:8192])) + b[8192:]),
]


@pytest.mark.parametrize(("what", "damage"), DAMAGE, ids=[d[0] for d in DAMAGE])
def test_damaged_database_refused_with_backup_never_overwritten(
    store: SessionStore, what: str, damage
) -> None:
    db = _db(store)
    bad = damage(db.read_bytes())
    db.write_bytes(bad)
    for readonly in (False, True):
        with pytest.raises(CowriterError, match="damaged") as info:
            store.open("Song", readonly=readonly)
        assert "copy is at" in str(info.value)
    assert db.read_bytes() == bad
    backups = sorted(db.parent.glob("session.db.damaged-*"))
    assert backups and all(b.read_bytes() == bad for b in backups if not b.name.endswith("-wal"))
    # the lock was released: a later open of a repaired file would work
    assert not (db.parent / "writer.lock").exists() or (db.parent / "writer.lock").read_text() == ""


def test_damaged_session_does_not_break_list(store: SessionStore) -> None:
    _db(store).write_bytes(b"junk")
    assert store.list() == ["Song"]


def test_damage_in_a_song_text_found_on_reading_it(store: SessionStore, monkeypatch) -> None:
    """Big sessions check the song texts as they are read: damage there is a clear error too."""
    import cowriter.session.store as store_module

    monkeypatch.setattr(store_module, "FULL_CHECK_BYTES", 0)
    with store.open("Song") as s:
        old = s.save_version("MARKER-" * 3000 + "\n", "human")  # overflows onto pages of its own
        s.save_version("the latest\n", "human")
    db = _db(store)
    data = bytearray(db.read_bytes())
    at = data.find(b"MARKER-" * 500)
    assert at > 0
    page = 4096
    start = (at // page + 1) * page  # a whole overflow page of that text
    data[start : start + page] = b"\xff" * page
    db.write_bytes(bytes(data))
    with store.open("Song", readonly=True) as s:
        assert s.text() == "the latest\n"
        with pytest.raises(CowriterError, match="damaged") as info:
            s.text(old.id)
        assert "copy is at" in str(info.value)
    assert db.read_bytes() == bytes(data)
