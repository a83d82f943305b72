"""The session API: versions as a tree, names, diffs, chat, UI state, the song.cho mirror, permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cowriter.errors import CowriterError
from cowriter.session import Session, SessionStore

SONG = "{title: Rain}\n[C]Hello [G]world\nsecond line\n"


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "store")


@pytest.fixture
def session(store: SessionStore) -> Session:
    s = store.create("Rain song", SONG, author="human")
    yield s
    s.close()


def test_create_records_first_version_and_mirror(store: SessionStore, session: Session) -> None:
    assert [v.id for v in session.versions()] == [1]
    first = session.current
    assert (first.parent, first.author, first.message) == (None, "human", "created")
    assert first.created.endswith("Z") and "T" in first.created
    assert session.text() == SONG
    assert session.song_path.read_text(encoding="utf-8") == SONG
    assert store.list() == ["Rain song"]


def test_save_chains_versions_and_mirrors_each(session: Session) -> None:
    texts = [SONG + f"line {i}\n" for i in range(3)]
    made = [session.save_version(t, "human", message=f"m{i}") for i, t in enumerate(texts)]
    assert [v.parent for v in made] == [1, made[0].id, made[1].id]
    assert session.current == made[-1]
    assert [session.text(v.id) for v in made] == texts
    session.flush()
    assert session.song_path.read_text(encoding="utf-8") == texts[-1]
    assert [v.message for v in session.versions()] == ["created", "m0", "m1", "m2"]


def test_branch_from_makes_a_tree(session: Session) -> None:
    a = session.save_version(SONG + "a\n", "human")
    session.save_version(SONG + "a\nb\n", "human")
    assert session.branch_from(a.id) == a
    assert session.song_path.read_text(encoding="utf-8") == SONG + "a\n"
    c = session.save_version(SONG + "a\nc\n", "model:x")
    assert c.parent == a.id
    children = [v.id for v in session.versions() if v.parent == a.id]
    assert len(children) == 2


def test_explicit_parent(session: Session) -> None:
    session.save_version(SONG + "x\n", "human")
    v = session.save_version(SONG + "y\n", "human", parent=1)
    assert v.parent == 1


def test_name_versions_and_look_them_up(session: Session) -> None:
    v = session.save_version(SONG + "x\n", "human")
    session.name_version(v.id, "first chorus")
    assert session.version("first chorus").id == v.id
    assert session.version(str(v.id)).name == "first chorus"
    with pytest.raises(CowriterError):
        session.name_version(1, "first chorus")  # names are unique
    with pytest.raises(CowriterError):
        session.name_version(1, "12")  # a name that looks like an id
    session.name_version(v.id, None)
    assert session.version(v.id).name is None


@pytest.mark.parametrize("ref", [99, "99", "no such name"])
def test_unknown_version_is_a_clear_error(session: Session, ref: int | str) -> None:
    with pytest.raises(CowriterError, match="no version"):
        session.version(ref)


def test_diff_between_versions(session: Session) -> None:
    v = session.save_version(SONG.replace("second", "2nd"), "human")
    diff = session.diff(1, v.id)
    assert "-second line" in diff and "+2nd line" in diff
    assert session.diff(1, 1) == ""


def test_chat_and_state_survive_reopening(store: SessionStore, session: Session) -> None:
    session.add_message("user", "a chorus about rain?")
    session.add_message("assistant", "[Am]Rain on the roof", model="smollm2")
    session.set_state("cursor", {"line": 3, "column": 7})
    session.set_state("section", "chorus")
    session.set_state("section", "bridge")
    session.close()
    with store.open("Rain song") as again:
        msgs = again.messages()
        assert [(m.role, m.text, m.model) for m in msgs] == [
            ("user", "a chorus about rain?", None),
            ("assistant", "[Am]Rain on the roof", "smollm2"),
        ]
        assert all(m.version == 1 for m in msgs)
        assert again.get_state("cursor") == {"line": 3, "column": 7}
        assert again.get_state("section") == "bridge"
        assert again.get_state("model", "default") == "default"


@pytest.mark.parametrize("role", ["", "robot", "USER"])
def test_bad_chat_role_refused(session: Session, role: str) -> None:
    with pytest.raises(CowriterError):
        session.add_message(role, "hi")


@pytest.mark.parametrize("author", ["", "Human", "model:", "model: x", "gpt", "model:a\nb"])
def test_bad_author_refused(session: Session, author: str) -> None:
    with pytest.raises(CowriterError):
        session.save_version("x\n", author)
    assert len(session.versions()) == 1


def test_duplicate_names_refused_case_insensitively(store: SessionStore, session: Session) -> None:
    for name in ("Rain song", "rain SONG"):
        with pytest.raises(CowriterError, match="already exists"):
            store.create(name)


def test_open_missing_session(store: SessionStore) -> None:
    with pytest.raises(CowriterError, match="no session named"):
        store.open("Nothing here")


def test_files_are_private(store: SessionStore, session: Session) -> None:
    session.save_version(SONG + "x\n", "human")
    session.flush()  # song.cho is staged in the background: list the folder once it is in place
    assert stat.S_IMODE(os.stat(store.root).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(session.folder).st_mode) == 0o700
    files = [p for p in session.folder.iterdir() if p.is_file()]
    assert {p.name for p in files} >= {"session.db", "song.cho", "writer.lock"}
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name


def test_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        with SessionStore(tmp_path / "s").create("Loose", "x\n") as s:
            s.save_version("y\n", "human")
            s.flush()  # song.cho is staged in the background: list the folder once it is in place
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in s.folder.iterdir()}
    finally:
        os.umask(old)
    assert set(modes.values()) == {0o600}, modes


def test_mirror_repaired_after_crash_between_commit_and_rename(store: SessionStore, session: Session) -> None:
    session.save_version(SONG + "new\n", "human")
    session.close()
    (store.root / "Rain song" / "song.cho").write_text(SONG, encoding="utf-8")  # the older version
    (store.root / "Rain song" / ".song.cho.123.abcd.tmp").write_text("half", encoding="utf-8")
    with store.open("Rain song") as s:
        assert len(s.versions()) == 2
        assert s.song_path.read_text(encoding="utf-8") == SONG + "new\n"
        assert not list(s.folder.glob(".song.cho.*"))


def test_edit_outside_cowriter_becomes_a_human_version(store: SessionStore, session: Session) -> None:
    session.save_version(SONG + "[Am]model line\n", "model:x")
    session.close()
    (store.root / "Rain song" / "song.cho").write_text(SONG + "[Am]my line\n", encoding="utf-8")
    with store.open("Rain song") as s:
        assert s.current.id == 3 and s.current.author == "human"
        assert "edited outside cowriter" in s.notice
        assert s.credits().credits[-1].author == "edited"


def test_unreadable_mirror_is_kept_and_rewritten(store: SessionStore, session: Session) -> None:
    session.close()
    song = store.root / "Rain song" / "song.cho"
    song.write_bytes(b"\xff\xfe garbage")
    with store.open("Rain song") as s:
        assert song.read_text(encoding="utf-8") == SONG
        kept = list(s.folder.glob("song.cho.unreadable-*"))
        assert len(kept) == 1 and kept[0].read_bytes() == b"\xff\xfe garbage"
        assert "not UTF-8" in s.notice


def test_readonly_session_refuses_writes(store: SessionStore, session: Session) -> None:
    with store.open("Rain song", readonly=True) as ro:
        assert ro.readonly
        for call in (
            lambda: ro.save_version("x\n", "human"),
            lambda: ro.add_message("user", "hi"),
            lambda: ro.set_state("k", 1),
            lambda: ro.branch_from(1),
            lambda: ro.name_version(1, "n"),
        ):
            with pytest.raises(CowriterError, match="read-only"):
                call()
        assert ro.text() == SONG


def test_list_skips_what_is_not_a_session(store: SessionStore, session: Session) -> None:
    (store.root / ".new-abc").mkdir()
    (store.root / "stray folder").mkdir()
    (store.root / "file.txt").write_text("x")
    assert store.list() == ["Rain song"]


def test_empty_store_lists_nothing(tmp_path: Path) -> None:
    assert SessionStore(tmp_path / "nowhere").list() == []


def test_unicode_name_is_nfc(store: SessionStore) -> None:
    decomposed = "Cafe\u0301 song"
    with store.create(decomposed, "x\n") as s:
        assert s.name == "Caf\u00e9 song"
    with store.open("Caf\u00e9 song") as s:
        assert s.text() == "x\n"


def test_create_clears_abandoned_half_sessions(store: SessionStore, session: Session) -> None:
    old = store.root / ".new-deadbeef0000"
    young = store.root / ".new-cafe00000000"
    for d in (old, young):
        d.mkdir()
        (d / "session.db").write_bytes(b"half")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    store.create("Another", "x\n").close()
    assert not old.exists() and young.exists()  # a young one may be another process's create
    assert store.list() == ["Another", "Rain song"]
