"""Keeping a song when the editor has to end at once (`Workspace.hang_up`), the recovery store for songs
with no home, and the transport's settings as kept with a session."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.errors import CowriterError
from cowriter.service.workspace import Settings, Workspace, file_session
from cowriter.session import SessionStore
from cowriter.session.scratch import discard, left_songs


def test_a_hang_up_writes_the_opened_files_edits_and_its_session(tmp_path: Path) -> None:
    song = tmp_path / "song.cho"
    song.write_text("{title: T}\n", encoding="utf-8")
    store = tmp_path / "sessions"
    ws = Workspace.open(song, sessions_dir=store, audio="none")
    ws.adopt(ws.open_session(file_session(song)))
    ws.set_text("{title: T}\n[C]typed just now\n")
    ws.hang_up()
    assert song.read_text(encoding="utf-8") == "{title: T}\n[C]typed just now\n"
    with SessionStore(store).open(file_session(song)) as s:  # closed by the hang-up: free to open
        assert not s.readonly and s.text() == song.read_text(encoding="utf-8")


def test_a_song_with_no_home_goes_to_the_recovery_store_and_comes_back(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    ws = Workspace.open(None, sessions_dir=store, audio="none")
    assert ws.homeless and not ws.can_save
    with pytest.raises(CowriterError, match="nowhere"):
        ws.save()
    ws.settings.bpm, ws.settings.style = 96.0, "bossa"
    ws.set_text("[C]Night bus home")
    ws.hang_up()
    (left,) = left_songs(SessionStore(store))
    assert left.text == "[C]Night bus home" and SessionStore(store).list() == []

    back = Workspace.open(None, sessions_dir=store, audio="none")
    back.adopt_left(back.open_left(left.name))
    assert back.text == "[C]Night bus home" and back.dirty and back.homeless
    assert (back.settings.bpm, back.settings.style) == (96.0, "bossa")
    assert left_songs(SessionStore(store)) == []  # this one holds it now
    kept = back.keep_in_session("night bus")
    back.adopt(kept)
    assert back.can_save and not back.homeless and SessionStore(store).list() == ["night bus"]
    back.close()
    assert left_songs(SessionStore(store)) == []


def test_an_empty_song_is_never_kept_and_a_discarded_one_is_gone(tmp_path: Path) -> None:
    store = tmp_path / "sessions"
    ws = Workspace.open(None, sessions_dir=store, audio="none")
    ws.keep_for_recovery("   \n")
    assert ws._session is None
    ws.set_text("la")
    ws.keep_for_recovery(ws.text)
    ws.close()
    (left,) = left_songs(SessionStore(store))
    discard(SessionStore(store), left.name)
    assert left_songs(SessionStore(store)) == []


def test_a_snapshot_older_than_the_one_kept_writes_nothing(tmp_path: Path) -> None:
    song = tmp_path / "song.cho"
    ws = Workspace.open(song, audio="none")
    ws.set_text("old")
    old, old_revision = ws.text, ws.revision
    ws.set_text("new")
    ws.save_text(ws.text, revision=ws.revision)
    ws.save_text(old, revision=old_revision)  # its worker ran late
    assert song.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (
            {"style": "bossa", "bpm": 96, "loop": "Chorus", "transpose": -2},
            Settings("bossa", 96.0, "Chorus", -2),
        ),
        ({"style": 3, "bpm": "fast", "loop": None, "transpose": True}, Settings()),
        ({"bpm": 5000}, Settings()),
        ({}, Settings()),
    ],
)
def test_settings_come_back_from_what_was_kept(state: dict[str, object], expected: Settings) -> None:
    assert Settings.from_state(state) == expected
    assert Settings.from_state(expected.state()) == expected
