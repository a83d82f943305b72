"""A song opened from a file keeps its history in a session of its own: credits and chat come back when
the file is opened again, and edits made elsewhere in between become the writer's next version."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.service.workspace import HUMAN, Workspace, file_session
from cowriter.service.workspace.ports import slug
from cowriter.session import SessionStore

SONG = "{title: Road}\n[C]Down the road\n[G]Far from home\n"


def opened(path: Path, store: Path) -> Workspace:
    ws = Workspace.open(path, sessions_dir=store, audio="none")
    ws.adopt(ws.open_session(file_session(path)))
    return ws


def test_a_files_session_is_named_after_it_and_where_it_lives(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "Song One.cho", tmp_path / "b" / "Song One.cho"
    assert file_session(a) == file_session(a) == file_session(str(a))
    assert file_session(a) != file_session(b)
    assert file_session(a).startswith("song-one-")
    store = SessionStore(tmp_path / "store")
    store.create(file_session(a), SONG, author="human").close()  # the store accepts the name
    assert store.exists(file_session(a))


def test_credits_and_chat_come_back_when_the_file_is_opened_again(tmp_path: Path) -> None:
    song, store = tmp_path / "road.cho", tmp_path / "store"
    song.write_text(SONG, encoding="utf-8")
    ws = opened(song, store)
    after = SONG + "[F]Rolling on\n"
    ws.record_accept(SONG, after, "tiny.gguf", "one more line")
    ws.text = after
    ws.save()
    ws.history.clear()
    ws._remember("one more line", "[F]Rolling on")
    ws.close()

    again = opened(song, store)
    try:
        assert again.text == after
        assert again.authors[:4] == [HUMAN, HUMAN, HUMAN, "model:tiny.gguf"]
        assert [m.content for m in again.history] == ["one more line", "[F]Rolling on"]
        assert again.session_name == file_session(song) and again.can_save
    finally:
        again.close()


def test_edits_made_elsewhere_become_the_writers_next_version(tmp_path: Path) -> None:
    song, store = tmp_path / "road.cho", tmp_path / "store"
    song.write_text(SONG, encoding="utf-8")
    ws = opened(song, store)
    with_model = SONG + "[F]Rolling on\n"
    ws.record_accept(SONG, with_model, "tiny.gguf", "one more line")
    ws.text = with_model
    ws.save()
    ws.close()

    song.write_text(with_model.replace("Far from home", "Far from you"), encoding="utf-8")  # another editor
    again = opened(song, store)
    try:
        assert again.authors[:4] == [HUMAN, HUMAN, HUMAN, "model:tiny.gguf"]  # line 3: the writer
        versions = SessionStore(store).open(file_session(song), readonly=True)
        try:
            assert versions.text() == again.text
        finally:
            versions.close()
    finally:
        again.close()


def test_adopting_after_the_writer_typed_keeps_what_they_typed(tmp_path: Path) -> None:
    song, store = tmp_path / "road.cho", tmp_path / "store"
    song.write_text(SONG, encoding="utf-8")
    ws = Workspace.open(song, sessions_dir=store, audio="none")
    pending = ws.open_session(file_session(song))  # in a worker, while the writer types
    ws.set_text(SONG + "new words\n")
    ws.adopt(pending)
    try:
        assert ws.text == SONG + "new words\n"
        assert len(ws.authors) == len(ws.lines)
        ws.save()
        latest = SessionStore(store).open(file_session(song), readonly=True)
        try:
            assert latest.text() == SONG + "new words\n"
        finally:
            latest.close()
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("text", "limit", "collapse", "name"),
    [
        ("Oh! Susanna", 0, False, "oh--susanna"),
        ("Oh! Susanna", 0, True, "oh-susanna"),
        ("  -Night Train- ", 0, True, "night-train"),
        ("Bars 9-16", 5, False, "bars-"),
        ("!!!", 0, False, ""),
        ("Café Noir", 40, True, "café-noir"),
    ],
)
def test_names_for_files_and_sessions(text: str, limit: int, collapse: bool, name: str) -> None:
    assert slug(text, limit=limit, collapse=collapse) == name
