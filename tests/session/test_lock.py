"""Two processes on one session: one writer; the second reads live, says so, and can take over."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cowriter.errors import CowriterError
from cowriter.session import SessionStore

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


class Holder:
    """Another cowriter process holding a session open (tests/session/editor_child.py hold)."""

    def __init__(self, store: Path, name: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "editor_child.py"), str(store), name, "hold"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.mode = self._line()

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def say(self, command: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._line()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.say("quit")
        self.proc.wait(timeout=10)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    s = SessionStore(tmp_path)
    s.create("Shared", "first\n").close()
    return s


@pytest.fixture
def holder(store: SessionStore) -> Iterator[Holder]:
    h = Holder(store.root, "Shared")
    yield h
    h.stop()


def test_second_process_opens_read_only_and_says_why(store: SessionStore, holder: Holder) -> None:
    assert holder.mode == "writer"
    with store.open("Shared") as second:
        assert second.readonly
        assert "read-only" in second.notice and f"pid {holder.proc.pid}" in second.notice
        with pytest.raises(CowriterError, match="read-only"):
            second.save_version("mine\n", "human")


def test_reader_follows_the_writer_live(store: SessionStore, holder: Holder) -> None:
    with store.open("Shared") as second:
        assert not second.refresh()
        vid = int(holder.say("save from the writer"))
        assert second.refresh()
        assert second.current.id == vid
        assert second.text() == "from the writer\n"
        assert not second.refresh()


def test_reader_takes_over_when_the_writer_leaves(store: SessionStore, holder: Holder) -> None:
    with store.open("Shared") as second:
        assert not second.try_upgrade()
        holder.say("save last words")
        assert holder.say("quit") == "closed"
        assert second.try_upgrade()
        assert not second.readonly and second.notice == ""
        v = second.save_version("taken over\n", "human")
        assert v.parent is not None and second.text(v.parent) == "last words\n"


def test_two_in_one_process_exclude_each_other(store: SessionStore) -> None:
    with store.open("Shared") as first, store.open("Shared") as second:
        assert not first.readonly and second.readonly


def test_writer_killed_leaves_no_stale_lock(store: SessionStore) -> None:
    h = Holder(store.root, "Shared")
    h.say("save before the crash")
    h.proc.kill()
    h.proc.wait(timeout=10)
    with store.open("Shared") as s:
        assert not s.readonly
        assert s.text() == "before the crash\n"


def test_two_processes_saving_never_corrupt(store: SessionStore, holder: Holder) -> None:
    """While the holder saves, this process reads continuously; the database stays whole."""
    with store.open("Shared") as reader:
        for i in range(30):
            holder.say(f"save v{i}")
            reader.refresh()
            assert reader.text() == f"v{i}\n"
    db = store.root / "Shared" / "session.db"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_reader_sees_names_branches_and_chat(store: SessionStore) -> None:
    with store.open("Shared") as writer, store.open("Shared") as reader:
        assert reader.readonly
        v = writer.save_version("two\n", "human")
        writer.name_version(v.id, "second")
        assert reader.refresh()
        assert reader.version("second").id == v.id
        writer.branch_from(1)
        writer.add_message("user", "hello")
        assert reader.refresh()
        assert reader.current.id == 1 and [m.text for m in reader.messages()] == ["hello"]
        assert not reader.refresh()


def test_a_symlinked_lock_file_is_refused_clearly(store: SessionStore, tmp_path: Path) -> None:
    lock = store.root / "Shared" / "writer.lock"
    lock.unlink(missing_ok=True)
    target = tmp_path / "elsewhere"
    target.write_text("")
    lock.symlink_to(target)
    with pytest.raises(CowriterError, match="session lock"):
        store.open("Shared")
    with store.open("Shared", readonly=True) as s:  # reading needs no lock
        assert s.text() == "first\n"


def test_reader_survives_the_writer_being_killed(store: SessionStore) -> None:
    h = Holder(store.root, "Shared")
    with store.open("Shared") as reader:
        assert reader.readonly
        vid = int(h.say("save said before the kill"))
        h.proc.kill()
        h.proc.wait(timeout=10)
        reader.refresh()
        assert reader.current.id == vid and reader.text() == "said before the kill\n"
        assert reader.writer() == ""  # the dead writer's record does not count
        assert reader.try_upgrade()
        assert reader.save_version("after\n", "human").parent == vid
