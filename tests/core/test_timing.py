"""Timing inference: lyric phrases, chord-only lines, grids, recalls, flow, tempo/meter/key/transpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.core.chordpro import parse
from cowriter.core.song import LyricLine, Section, SectionKind, Song
from cowriter.core.timeline import Meter
from cowriter.core.timing import PHRASE_BARS, parse_meter, phrase_bars, play_order, timeline


def spans(text: str) -> list[tuple[int, float, float, str]]:
    return [(s.bar, s.beat, s.duration, s.chord) for s in timeline(parse(text)).spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one chord: the whole phrase
        ("[C]Hello there my friend\n", [(1, 1, 8, "C")]),
        # two chords: a bar each (snapped to bars)
        ("[C]Hello there [G]my friend\n", [(1, 1, 4, "C"), (2, 1, 4, "G")]),
        # a pickup before the first chord: the chord still falls on beat 1
        ("Swing [D]low, sweet [G]chari[D]ot,\n", [(1, 1, 4, "D"), (2, 1, 2, "G"), (2, 3, 2, "D")]),
        # four chords evenly spread: half bars
        (
            "[C]one [G]two [Am]three [F]four\n",
            [(1, 1, 2, "C"), (1, 3, 2, "G"), (2, 1, 2, "Am"), (2, 3, 2, "F")],
        ),
        # six chords: three bars, half bars
        (
            "[C]a [D]b [E]c [F]d [G]e [A]f\n",
            [(1, 1, 2, "C"), (1, 3, 2, "D"), (2, 1, 2, "E"), (2, 3, 2, "F"), (3, 1, 2, "G"), (3, 3, 2, "A")],
        ),
        # chord-only line: a bar per chord
        ("[G]     [D]     [G]\n", [(1, 1, 4, "G"), (2, 1, 4, "D"), (3, 1, 4, "G")]),
        # written bar lines are honoured
        ("| [C] | [G] [D] |\n", [(1, 1, 4, "C"), (2, 1, 2, "G"), (2, 3, 2, "D")]),
        # annotations take no time; N.C. variants read N.C.; optional chords sound
        ("[*Riff][NC]stop here [(E)]go\n", [(1, 1, 4, "N.C."), (2, 1, 4, "E")]),
        # a 3/4 line is four bars: two chords take two bars each
        ("{time: 3/4}\n[G]Amazing [D]grace\n", [(1, 1, 6, "G"), (3, 1, 6, "D")]),
        # four chords in 6/8: a bar each
        (
            "{time: 6/8}\nThere [Am]is a [C]house in [D]New Or[F]leans\n",
            [(1, 1, 6, "Am"), (2, 1, 6, "C"), (3, 1, 6, "D"), (4, 1, 6, "F")],
        ),
    ],
)
def test_lyric_and_chord_only_lines(text: str, expected: list[tuple[int, float, float, str]]) -> None:
    assert spans(text) == expected


def test_long_lead_in_lets_the_sounding_chord_carry_on() -> None:
    got = spans("[D]Swing low\nComin' for to carry me [A7]home.\n")
    assert got == [(1, 1, 8, "D"), (3, 1, 4, "D"), (4, 1, 4, "A7")]


def test_words_without_chords_are_a_phrase_of_the_sounding_chord() -> None:
    tl = timeline(parse("[C]one\nno chords here\n"))
    assert [(s.bar, s.duration, s.chord, s.lyric) for s in tl.spans] == [
        (1, 8, "C", "one"),
        (3, 8, "C", "no chords here"),
    ]
    assert tl.bars == 2 * PHRASE_BARS


@pytest.mark.parametrize(
    ("grid", "meter", "expected"),
    [
        ("| C . . . | F . . . |", "4/4", [(1, 1, 4, "C"), (2, 1, 4, "F")]),
        ("| C . Am . |", "4/4", [(1, 1, 2, "C"), (1, 3, 2, "Am")]),
        ("| C . Am |", "3/4", [(1, 1, 2, "C"), (1, 3, 1, "Am")]),
        ("| C . . . Am . |", "6/8", [(1, 1, 4, "C"), (1, 5, 2, "Am")]),
        ("| C . . . . . Am . |", "4/4", [(1, 1, 3, "C"), (1, 4, 1, "Am")]),
        ("| C . . . | . . . . | G |", "4/4", [(1, 1, 8, "C"), (3, 1, 4, "G")]),
        ("| C | % | G |", "4/4", [(1, 1, 4, "C"), (2, 1, 4, "C"), (3, 1, 4, "G")]),
        ("| C | D | %% | . |", "4/4", [(1, 1, 4, "C"), (2, 1, 4, "D"), (3, 1, 4, "C"), (4, 1, 4, "D")]),
        ("|: C | G :|", "4/4", [(1, 1, 4, "C"), (2, 1, 4, "G"), (3, 1, 4, "C"), (4, 1, 4, "G")]),
        ("|: C :| x3", "4/4", [(1, 1, 4, "C"), (2, 1, 4, "C"), (3, 1, 4, "C")]),
        ("| C | G | x2", "4/4", [(1, 1, 4, "C"), (2, 1, 4, "G"), (3, 1, 4, "C"), (4, 1, 4, "G")]),
        ("| C~G . |", "4/4", [(1, 1, 1, "C"), (1, 2, 3, "G")]),
        ("| N.C. . C . |", "4/4", [(1, 1, 2, "N.C."), (1, 3, 2, "C")]),
    ],
)
def test_grids_are_played_exactly(
    grid: str, meter: str, expected: list[tuple[int, float, float, str]]
) -> None:
    assert spans(f"{{time: {meter}}}\n{{start_of_grid}}\n{grid}\n{{end_of_grid}}\n") == expected


def test_tempo_and_meter_changes_mid_song() -> None:
    tl = timeline(parse("{tempo: 120}\n[C]a b\n{tempo: 60}\n{time: 3/4}\n[G]c d\n"))
    assert [(t.start, t.bpm) for t in tl.tempos] == [(0, 120), (8, 60)]
    assert [(m.start, m.bar, m.meter) for m in tl.meters] == [(0, 1, Meter(4, 4)), (8, 3, Meter(3, 4))]
    assert tl.bars == 2 + 4 and tl.beats == 8 + 12
    assert tl.seconds == pytest.approx(8 * 60 / 120 + 12 * 60 / 60)
    assert tl.spans[1].bar == 3 and tl.spans[1].duration == 12


def test_key_and_stacked_transpose_are_recorded_per_span() -> None:
    text = (
        "{key: D}\n[D]a\n{transpose: +4}\n[D]b\n{transpose: +2}\n[D]c\n{transpose}\n[D]d\n"
        "{key: E}\n{transpose}\n[D]e\n"
    )
    tl = timeline(parse(text))
    assert [(s.key, s.transpose) for s in tl.spans] == [("D", 0), ("D", 4), ("D", 6), ("D", 4), ("E", 0)]


@pytest.mark.parametrize(
    ("capo", "shifts"),
    [
        ("2", [2, 5, 2]),  # shapes in G sound in A; {transpose} stacks on top
        ("3rd fret", [3, 6, 3]),
        ("0", [0, 3, 0]),
        ("", [0, 3, 0]),
        ("high", [0, 3, 0]),  # unreadable: no capo
        ("99", [0, 3, 0]),  # no guitar has a 99th fret
    ],
)
def test_capo_adds_to_every_spans_transposition(capo: str, shifts: list[int]) -> None:
    text = f"{{key: G}}\n{{capo: {capo}}}\n[G]a\n{{transpose: 3}}\n[G]b\n{{transpose}}\n[G]c\n"
    tl = timeline(parse(text))
    assert [(s.chord, s.key, s.transpose) for s in tl.spans] == [("G", "G", n) for n in shifts]


def test_capo_holds_in_a_flow_too() -> None:
    text = "{capo: 2}\n{x_flow: Chorus, Verse}\n{sov: Verse}\n[C]a\n{eov}\n{soc: Chorus}\n[G]b\n{eoc}\n"
    tl = timeline(parse(text))
    assert [(s.chord, s.transpose) for s in tl.spans] == [("G", 2), ("C", 2)]


def test_recall_replays_the_chorus_with_its_own_index() -> None:
    song = parse("{soc}\n[G]Sing [C]along\n{eoc}\n{sov}\n[Am]verse\n{eov}\n{chorus}\n")
    tl = timeline(song)
    assert [(m.name, m.section_index, m.bar) for m in tl.sections] == [
        ("Chorus", 0, 1),
        ("Verse", 1, 3),
        ("Chorus", 2, 5),
    ]
    assert [s.chord for s in tl.spans] == ["G", "C", "Am", "G", "C"]
    assert tl.spans[-1].section_index == 2


def test_x_flow_orders_sections_and_x_style_marks_them() -> None:
    text = (
        "{x_flow: Chorus, Verse 1, Chorus, Nowhere}\n{x_style: bossa}\n"
        "{sov: Verse 1}\n[Am]verse\n{eov}\n{soc}\n{x_style: rock}\n[G]chorus\n{eoc}\n"
    )
    song = parse(text)
    assert play_order(song) == [2, 1, 2]
    tl = timeline(song)
    assert [(m.name, m.style) for m in tl.sections] == [
        ("Chorus", "rock"),
        ("Verse 1", "bossa"),
        ("Chorus", "rock"),
    ]
    assert [s.chord for s in tl.spans] == ["G", "Am", "G"]


def test_empty_and_chordless_songs_have_no_spans() -> None:
    assert timeline(Song()).bars == 0
    tl = timeline(Song((Section(SectionKind.VERSE, items=(LyricLine("words only"),)),)))
    assert tl.spans == () and tl.bars == PHRASE_BARS


@pytest.mark.parametrize(
    ("text", "meter"),
    [
        ("3/4", Meter(3, 4)),
        ("6/8", Meter(6, 8)),
        ("4", Meter(4, 4)),
        ("x", None),
        ("0/4", None),
        ("4/5", None),
    ],
)
def test_parse_meter(text: str, meter: Meter | None) -> None:
    assert parse_meter(text) == meter


@pytest.mark.parametrize(
    ("meter", "bars"),
    [
        (Meter(4, 4), 2),
        (Meter(3, 4), 4),
        (Meter(2, 4), 4),
        (Meter(6, 8), 4),
        (Meter(12, 8), 2),
        (Meter(5, 4), 2),
    ],
)
def test_phrase_length_is_about_eight_pulses(meter: Meter, bars: int) -> None:
    assert phrase_bars(meter) == bars


def test_conformance_mma_grids_match_the_reference(conformance: Path) -> None:
    """ChordPro's MMA backend output (`C / Am` = C two beats, Am two) for the same grids."""
    song = parse((conformance / "songs" / "cp-mma-a44-grid.cho").read_text(encoding="utf-8"))
    per_bar: dict[int, list[str]] = {}
    for s in timeline(song).spans:
        per_bar.setdefault(s.bar, []).append(s.chord)
    assert per_bar == {1: ["C"], 2: ["F"], 3: ["G"], 4: ["C"], 5: ["C"], 6: ["F"], 7: ["G"], 8: ["C", "Am"]}


def test_example_plays_verse_and_recalled_choruses() -> None:
    path = Path(__file__).resolve().parents[2] / "examples" / "swing-low.cho"
    tl = timeline(parse(path.read_text(encoding="utf-8")))
    assert [m.name for m in tl.sections] == ["Chorus", "Verse 1", "Chorus", "Verse 2", "Chorus"]
    assert tl.tempos[0].bpm == 84 and tl.seconds == pytest.approx(tl.beats * 60 / 84)
