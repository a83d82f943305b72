"""Playing from the workspace: where the sound goes, and what is reported about it. A WAV route writes a
file and reports no play head (nothing plays); a heard route reports the play head and no file."""

from __future__ import annotations

import threading
import time
import wave
from pathlib import Path

import pytest

from cowriter.service.workspace import PlayPosition, Workspace

SONG = """{title: Short}
{tempo: 240}
{start_of_verse: Verse 1}
[C]One two [G]three four
{end_of_verse}
{start_of_chorus: Chorus}
[F]Five six [C]seven
{end_of_chorus}
"""

LONG = "{title: Long}\n{tempo: 60}\n" + "[C]la la [G]la la [Am]la la [F]la la\n" * 60

PROPOSAL = SONG.replace("Five six", "Nine ten")


@pytest.fixture(autouse=True)
def _cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Files go under tmp_path; the route is what each test asks for, not the machine's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("SSH_CONNECTION", "PULSE_SERVER", "COWRITER_AUDIO"):
        monkeypatch.delenv(name, raising=False)


def wait_done(ws: Workspace, polls: int = 1500) -> None:
    """Until the player is over (a ceiling of 30 s, not a timing assertion)."""
    for _ in range(polls):
        if not ws.playing:
            return
        time.sleep(0.02)
    raise AssertionError("still playing")


def frames(path: Path) -> int:
    with wave.open(str(path), "rb") as w:
        return w.getnframes()


def test_wav_route_writes_the_file_and_reports_no_play_head(tmp_path: Path) -> None:
    ws = Workspace(text=SONG, audio="wav")
    heard: list[PlayPosition] = []
    route = ws.play(heard.append)
    wait_done(ws)
    sound = ws.sound_file
    assert sound is not None
    assert route == f"WAV to {sound.path}"
    assert sound.path == tmp_path / "cache" / "cowriter" / "takes" / "short-take-01.wav"
    assert sound.complete and not sound.writing
    assert sound.seconds > 0
    assert frames(sound.path) > 0
    assert heard == []  # the play head would have raced to the end: none is reported


def test_a_heard_route_reports_the_play_head_and_no_file() -> None:
    ws = Workspace(text=SONG, audio="none")  # silent, in real time, like speakers
    heard = threading.Event()
    ws.play(lambda pos: heard.set())
    try:
        assert heard.wait(10.0)
        assert ws.sound_file is None
    finally:
        ws.stop()


def test_ssh_without_forwarded_sound_writes_a_wav(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    ws = Workspace(text=SONG)
    ws.play()
    wait_done(ws)
    sound = ws.sound_file
    assert sound is not None and sound.complete and sound.path.exists()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({}, {}),  # the song, twice: the take before is kept
        ({}, {"text": PROPOSAL}),  # the song and a proposal (A/B)
        ({"text": PROPOSAL}, {"text": PROPOSAL}),
        ({"section": "Chorus"}, {"section": "Chorus", "text": PROPOSAL}),
        ({"section": "Chorus"}, {"section": "Verse 1"}),
    ],
)
def test_each_take_has_its_own_file(first: dict[str, str], second: dict[str, str]) -> None:
    ws = Workspace(text=SONG, audio="wav")
    paths = []
    for kwargs in (first, second):
        ws.play(**kwargs)  # type: ignore[arg-type]
        wait_done(ws)
        sound = ws.sound_file
        assert sound is not None and sound.complete
        paths.append(sound.path)
    assert paths[0] != paths[1]
    assert all(p.exists() for p in paths)


def test_takes_are_named_after_the_song_and_what_played(tmp_path: Path) -> None:
    ws = Workspace(text=SONG, audio="wav")
    names = []
    plays: list[dict[str, object]] = [
        {},
        {"section": "Chorus"},
        {"text": PROPOSAL, "bar": 2, "until_bar": 3},
        {"take": "melody 2"},
    ]
    for kwargs in plays:
        ws.play(**kwargs)  # type: ignore[arg-type]
        wait_done(ws)
        sound = ws.sound_file
        assert sound is not None
        names.append(sound.path.name)
    assert names == [
        "short-take-01.wav",
        "short-take-02-chorus.wav",
        "short-take-03-bars-2-3.wav",
        "short-take-04-melody-2.wav",
    ]
    song_file = tmp_path / "Night Bus.cho"
    song_file.write_text(SONG, encoding="utf-8")
    opened = Workspace.open(song_file, audio="wav")  # a song with a file: named after the file
    opened.play()
    wait_done(opened)
    assert opened.sound_file is not None and opened.sound_file.path.name == "night-bus-take-01.wav"


def test_stopping_while_writing_leaves_an_incomplete_file() -> None:
    ws = Workspace(text=LONG, audio="wav")  # four minutes of sound: far from written when stopped
    ws.play()
    ws.stop()
    sound = ws.sound_file
    assert sound is not None
    assert not sound.complete and not sound.writing


def test_playing_to_speakers_after_a_wav_forgets_the_file() -> None:
    ws = Workspace(text=SONG, audio="wav")
    ws.play()
    wait_done(ws)
    assert ws.sound_file is not None
    ws.audio = "none"
    ws.play()
    try:
        assert ws.sound_file is None
    finally:
        ws.stop()


def test_until_bar_ends_the_take_there() -> None:
    ws = Workspace(text=LONG, audio="wav")
    lengths = []
    for until in (1, 2):
        ws.play(bar=1, until_bar=until)
        wait_done(ws)
        sound = ws.sound_file
        assert sound is not None and sound.complete
        lengths.append(sound.seconds)
    # at 60 bpm in 4/4 a bar is 4 s, and what rings on after the last bar lasts a second or two
    assert 4.0 < lengths[0] < 8.0
    assert 3.0 < lengths[1] - lengths[0] < 5.0


def test_a_song_of_only_a_grid_plays() -> None:
    """A progression written as a grid (what `ask` gives for chords with no lyrics) plays as it is."""
    grid = "{time: 3/4}\n{tempo: 240}\n{start_of_grid}\n| Dm . . | A7 . . | Dm . . |\n{end_of_grid}\n"
    ws = Workspace(text=grid, audio="wav")
    ws.play()
    wait_done(ws)
    sound = ws.sound_file
    assert sound is not None and sound.complete and frames(sound.path) > 0
