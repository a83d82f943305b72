"""Takes: each play written to a WAV is a file of its own, named after the song and what played; each
song keeps its last few, older ones (and the single preview files earlier versions overwrote) go."""

from __future__ import annotations

import os
import time
from pathlib import Path

from cowriter.service.workspace import takes

DAY = 24 * 3600.0


def touch(path: Path, age: float = 0.0) -> Path:
    path.write_bytes(b"RIFF")
    when = time.time() - age
    os.utime(path, (when, when))
    return path


def test_takes_are_numbered_per_song_and_named_after_what_played(tmp_path: Path) -> None:
    where = tmp_path / "takes"
    first = takes.next_take("Night Bus", where=where)
    assert first.name == "night-bus-take-01.wav"
    touch(first)
    assert takes.next_take("Night Bus", "Chorus", where=where).name == "night-bus-take-02-chorus.wav"
    assert takes.next_take("Morning Song", "melody 2 for line 11", where=where).name == (
        "morning-song-take-01-melody-2-for-line-11.wav"
    )
    touch(where / "night-bus-take-07-bars-3-4.wav")
    assert takes.next_take("Night Bus", where=where).name == "night-bus-take-08.wav"


def test_each_song_keeps_its_last_takes(tmp_path: Path) -> None:
    where = tmp_path / "takes"
    where.mkdir()
    for n in range(1, 9):
        touch(where / f"night-bus-take-{n:02d}.wav")
    touch(where / "morning-take-01.wav")
    nxt = takes.next_take("night bus", where=where)
    touch(nxt)
    kept = sorted(p.name for p in where.iterdir() if p.name.startswith("night-bus"))
    assert len(kept) == takes.KEEP
    assert kept[-1] == "night-bus-take-09.wav" and kept[0] == f"night-bus-take-{10 - takes.KEEP:02d}.wav"
    assert (where / "morning-take-01.wav").exists()  # another song's take is its own business


def test_old_takes_and_old_previews_go_but_a_songs_newest_stays(tmp_path: Path) -> None:
    cache = tmp_path / "cowriter"
    where = cache / "takes"
    where.mkdir(parents=True)
    old = touch(where / "rain-take-01.wav", age=30 * DAY)
    newest_old = touch(where / "rain-take-02.wav", age=20 * DAY)
    recent = touch(where / "sun-take-01.wav", age=DAY)
    previews = [touch(cache / "preview.wav"), touch(cache / "preview-chorus-1a2b3c.wav")]
    mine = touch(where / "notes.wav")  # not a take: left alone
    removed = takes.tidy(where)
    assert set(removed) == {old, *previews}
    assert newest_old.exists() and recent.exists() and mine.exists()


def test_tidying_never_fails(tmp_path: Path) -> None:
    assert takes.tidy(tmp_path / "missing") == []
