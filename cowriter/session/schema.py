"""The session database schema, its version (`PRAGMA user_version`) and the migrations since release one.

Each migration moves the schema up by one and runs in one transaction together with the version bump, so
a crash leaves the old schema or the new one, never half. A database from a newer cowriter is refused
(`NewerSchema`) and never touched; the caller keeps a backup before migrating or refusing.

To change the schema: append a `Migration(n + 1, ...)` to `MIGRATIONS` (never edit a released one) and add
a test that migrates a database written by the previous release.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from cowriter.errors import CowriterError


@dataclass(frozen=True)
class Migration:
    version: int  # the schema version this migration produces
    title: str
    sql: str  # statements separated by ';', run inside one transaction


V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE prompts (
    id      INTEGER PRIMARY KEY,
    text    TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL
);
CREATE TABLE versions (
    id      INTEGER PRIMARY KEY,
    parent  INTEGER REFERENCES versions(id),
    author  TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    name    TEXT UNIQUE,
    prompt  INTEGER REFERENCES prompts(id),
    sha256  TEXT NOT NULL
);
CREATE INDEX versions_parent ON versions(parent);
CREATE INDEX versions_sha256 ON versions(sha256);
CREATE TABLE bodies (
    version INTEGER PRIMARY KEY REFERENCES versions(id),
    text    TEXT NOT NULL,
    credits TEXT NOT NULL
);
CREATE TABLE messages (
    id      INTEGER PRIMARY KEY,
    role    TEXT NOT NULL,
    text    TEXT NOT NULL,
    model   TEXT,
    version INTEGER REFERENCES versions(id),
    created TEXT NOT NULL
);
CREATE TABLE state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

MIGRATIONS: tuple[Migration, ...] = (Migration(1, "versions, credits, prompts, chat and UI state", V1),)
SCHEMA_VERSION = MIGRATIONS[-1].version
# Tables checked at every open; `bodies` (texts and credits, the bulk) is checked as it is read, or whole
# when the database is small.
CHECKED_TABLES = ("meta", "prompts", "versions", "messages", "state")


class NewerSchema(CowriterError):
    """The database was written by a newer cowriter: refuse it rather than guess."""


def user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def check_version(found: int, latest: int = SCHEMA_VERSION) -> None:
    if found > latest:
        raise NewerSchema(
            f"schema version {found} is newer than this cowriter understands ({latest})",
            hint="upgrade cowriter to open it",
        )


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Bring the database up to the newest schema; returns the versions applied (in order).

    `conn` must be in autocommit mode (`isolation_level=None`). Each step is its own transaction.
    """
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError("migrations must be numbered 1, 2, 3, ... without gaps")
    applied: list[int] = []
    found = user_version(conn)
    check_version(found, versions[-1] if versions else 0)
    for step in migrations:
        if step.version <= found:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) >= step.version:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            for statement in step.sql.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(step.version)
    return applied
