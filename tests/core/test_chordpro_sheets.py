"""Real-world-shaped sheets in tests/data/songs: each reads to the song a musician would expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.core.encoding import decode
from cowriter.core.sheet import read_song
from cowriter.core.song import Severity, Song
from cowriter.core.timing import timeline

SONGS = Path(__file__).resolve().parent.parent / "data" / "songs"


def load(name: str) -> Song:
    return read_song(decode((SONGS / name).read_bytes()))


@pytest.mark.parametrize(
    ("name", "title", "key", "chorded_lines", "bars", "first_chords"),
    [
        ("amazing-grace.cho", "Amazing Grace", "G", 12, 48, ["G", "G7", "C", "G"]),
        ("oh-susanna.cho", "Oh! Susanna", "C", 10, 56, ["C", "G7", "C"]),
        ("st-louis-blues-chart.cho", "St. Louis Blues (chart)", "G", 3, 34, ["G", "C7", "G", "G7"]),
        ("house-of-the-rising-sun.txt", "House of the Rising Sun", "Am", 11, 48, ["Am", "C", "D", "F"]),
        (
            "oh-susanna-ug.txt",
            "Oh! Susanna - Stephen Foster (1848, public domain)",
            None,
            4,
            8,
            ["C", "G7", "C"],
        ),
        ("red-river-valley-crlf-tabs.txt", "Red River Valley", None, 5, 10, ["G", "D"]),
    ],
)
def test_sheet_reads_as_expected(
    name: str, title: str, key: str | None, chorded_lines: int, bars: int, first_chords: list[str]
) -> None:
    song = load(name)
    assert (song.title, song.key) == (title, key)
    assert sum(1 for ln in song.lines if ln.chords) == chorded_lines
    assert not song.errors
    timed = timeline(song)
    assert timed.bars == bars
    assert [s.chord for s in timed.spans[: len(first_chords)]] == first_chords


def test_amazing_grace_tempo_change_is_in_the_timeline() -> None:
    timed = timeline(load("amazing-grace.cho"))
    assert [t.bpm for t in timed.tempos] == [80, 66]
    assert timed.tempos[1].start == 8 * 4 * 3  # after two verses: 8 lines of four 3/4 bars


def test_oh_susanna_flow_plays_the_chorus_twice_at_the_end() -> None:
    timed = timeline(load("oh-susanna.cho"))
    assert [(m.name, m.style) for m in timed.sections] == [
        ("Verse 1", "folk"),
        ("Chorus", "folk-chorus"),
        ("Verse 2", "folk"),
        ("Chorus", "folk-chorus"),
        ("Chorus", "folk-chorus"),
    ]


def test_st_louis_blues_grid_repeats_and_percent() -> None:
    timed = timeline(load("st-louis-blues-chart.cho"))
    b_strain = [s.chord for s in timed.spans if s.section == "B strain (habanera, minor)"]
    assert b_strain[:8] == ["Gm", "D7", "D7", "Gm", "Gm", "D7", "D7", "Gm"]  # |: … % … :| played twice


def test_traps_stay_lyrics() -> None:
    song = load("traps.txt")
    words = {ln.lyrics: [c.symbol for c in ln.chords] for ln in song.lines}
    assert words["Am I blue? Am I blue?"] == []
    assert words["A Bad Day"] == []
    assert words["Am I?  No."] == []
    assert words["A bad day is over"] == ["C", "G"]
    assert words["Be a friend, be a song"] == ["G", "D", "Em"]


def test_malformed_sheet_keeps_every_line_and_reports_each_problem() -> None:
    text = decode((SONGS / "malformed.cho").read_bytes())
    song = read_song(text)
    found = [(d.line, d.column, d.severity) for d in song.diagnostics]
    assert found == [
        (1, 29, Severity.ERROR),  # unclosed {
        (3, 11, Severity.ERROR),  # unclosed [
        (4, 1, Severity.ERROR),  # {}
        (5, 1, Severity.ERROR),  # {: value only}
        (6, 1, Severity.WARNING),  # end_of_chorus without start
        (9, 1, Severity.WARNING),  # nested environment
        (11, 1, Severity.WARNING),  # end_of_bridge closes chorus
        (12, 2, Severity.WARNING),  # unknown directive
        (13, 4, Severity.WARNING),  # Cmj7
        (13, 27, Severity.WARNING),  # H7
        (14, 1, Severity.WARNING),  # []
        (16, 1, Severity.WARNING),  # tab never closed
    ]
    assert song.title == "Malformed on Purpose"
    assert any("did you mean Cmaj7" in d.message for d in song.diagnostics)
    lines = text.split("\n")
    assert max(i.line for i in song.items()) == len(lines) - 1  # every line is an item
