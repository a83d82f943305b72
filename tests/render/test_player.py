"""The transport on a null output: the play head, seek, loop, tempo change, pause, and a WAV route."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import numpy as np
import pytest

from cowriter.core.events import Arrangement, Note, TextEvent, Track
from cowriter.core.timeline import TempoChange
from cowriter.render.audio import NullOutput, WavOutput
from cowriter.render.player import Player, Position, bar_beat, beat_of_bar, section_span
from cowriter.render.wavfile import read_wav


def song(bars: int = 8, bpm: float = 240.0) -> Arrangement:
    notes = tuple(Note(float(b), 0.9, 60 + (b // 4) % 12, 90) for b in range(bars * 4))
    markers = (TextEvent(0.0, "Verse"), TextEvent(16.0, "Chorus 1"))
    return Arrangement(
        (Track("p", "organ", 16, 0, notes),), bars * 4.0, (TempoChange(0.0, bpm),), markers=markers
    )


def test_bars_beats_and_sections() -> None:
    s = song()
    assert bar_beat(s, 0.0) == (1, 1.0) and bar_beat(s, 5.5) == (2, 2.5)
    assert beat_of_bar(s, 3) == 8.0 and beat_of_bar(s, 99) == s.beats
    assert section_span(s, "chorus") == (16.0, 32.0) and section_span(s, "VERSE") == (0.0, 16.0)


def play(
    arr: Arrangement, clocked: bool = False, **start: object
) -> tuple[Player, NullOutput, list[Position]]:
    out = NullOutput(44100, 1024, clocked=clocked).keep()
    seen: list[Position] = []
    player = Player(arr, out, on_position=seen.append)
    player.start(**start)  # type: ignore[arg-type]
    return player, out, seen


@pytest.mark.slow
def test_plays_to_the_end_and_publishes_the_play_head() -> None:
    arr = song(bpm=480.0)
    player, out, seen = play(arr, clocked=True)
    assert player.wait(30)
    audio = np.concatenate(out.blocks or [])
    assert audio.shape[0] >= arr.seconds * 44100
    bars = [p.bar for p in seen]
    assert bars == sorted(bars) and bars[0] == 1 and bars[-1] >= 8  # moves forward through the song
    assert len(seen) >= 20  # ~20 a second over 4 s of music


def test_section_start_and_seek() -> None:
    player, _, seen = play(song(), section="chorus")
    assert player.wait(30)
    assert seen and seen[0].bar >= 5  # the chorus starts at bar 5
    player, _, seen = play(song(bpm=480.0), clocked=True)
    player.seek(7)
    assert player.wait(30)
    assert any(p.bar >= 7 for p in seen) and len(seen) < 60


@pytest.mark.slow
def test_loop_repeats_until_stopped() -> None:
    player, _, seen = play(song(), clocked=True, section="verse", loop=True)
    done = threading.Event()
    done.wait(5.0)  # the verse lasts 4 s at 240 bpm
    player.stop()
    bars = [p.bar for p in seen]
    assert max(bars) <= 4 and any(b > c for b, c in itertools.pairwise(bars))


def test_tempo_change_takes_effect() -> None:
    slow = song(bpm=120.0)
    player, out, _ = play(slow)
    player.set_tempo(240.0)
    assert player.wait(30)
    frames = sum(b.shape[0] for b in out.blocks or [])
    assert frames < 0.8 * slow.seconds * 44100  # most of it went by at double speed


def test_wav_output(tmp_path: Path) -> None:
    arr = song(2)
    player = Player(arr, WavOutput(tmp_path / "p.wav", 44100, 4096))
    assert player.route == f"WAV to {tmp_path / 'p.wav'}"
    player.start(loop=True)  # a file cannot loop forever: plays once
    assert player.wait(30)
    x, sr = read_wav(tmp_path / "p.wav")
    assert arr.seconds * sr <= x.shape[0] < (arr.seconds + 3) * sr and 0.01 < float(np.abs(x).max()) <= 0.9


@pytest.mark.slow
def test_pause_holds_the_play_head_and_resume_goes_on() -> None:
    player, _, seen = play(song(bpm=480.0), clocked=True)
    wait = threading.Event().wait
    wait(1.0)
    player.pause()
    wait(0.3)
    held = player.position
    wait(0.4)
    assert player.paused and player.position == held and held is not None and held.bar >= 2
    player.resume()
    assert not player.paused and player.wait(30)
    assert seen[-1].bar >= 8  # went on to the end from where it paused


@pytest.mark.slow
def test_play_head_on_the_songs_clock_with_lines() -> None:
    from cowriter.core.arrange import arrange
    from cowriter.core.sheet import read_song
    from cowriter.core.timing import timeline

    text = "{tempo: 400}\n{start_of_verse: V}\n[C]one line [G]here\n[F]second line [C]here\n{end_of_verse}\n"
    song = read_song(text)
    arr = arrange(song, seed=1)  # with a count-in bar
    seen: list[Position] = []
    out = NullOutput(44100, 1024, clocked=True)
    player = Player(arr, out, timeline=timeline(song), on_position=seen.append)
    player.start()
    assert player.wait(30)
    assert seen[0].bar == 0 and seen[0].beats < 0  # the count-in
    lines = [p.line for p in seen if p.bar >= 1]
    assert lines[0] == 3 and 4 in lines and lines == sorted(lines)  # the source lines, in order


def test_a_failing_listener_does_not_stop_the_music() -> None:
    def broken(pos: Position) -> None:
        raise RuntimeError("listener bug")

    out = NullOutput(44100, 1024).keep()
    player = Player(song(2), out, on_position=broken)
    player.start()
    assert player.wait(30) and isinstance(player.error, RuntimeError)
    assert sum(b.shape[0] for b in out.blocks or []) >= song(2).seconds * 44100
