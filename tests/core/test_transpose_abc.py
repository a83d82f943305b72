"""Transposing a song moves its ABC melody with it: notes, `K:`, accidentals, quoted chords."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.abc import AbcError, AbcTune, format_abc, parse_abc
from cowriter.core.abc_transpose import transpose_abc, transpose_abc_key
from cowriter.core.arrange import arrange
from cowriter.core.sheet import read_song
from cowriter.core.song import SectionKind, Song, Verbatim
from cowriter.core.transpose import transpose_song
from tests.core.test_abc import tunes

TUNE = """X:1
T:Test
M:3/4
L:1/8
K:G
D2 | "G"G4 BG | "Em"B4 A2 | "C"G4 E2 | "D7/F#"D4 D2 % a comment "C" stays
w: A-maz-ing grace, how sweet the sound
^c =F _B, [CEG]2 {^f}f !trill!g (3abc "^annotation"A2 | [K:Em] ^D E|]
"""

SONG = """{title: Grace}
{key: G}
{time: 3/4}

{start_of_verse}
A[G]mazing grace, how [C]sweet the [G]sound
{end_of_verse}

{start_of_abc: Melody}
X:1
M:3/4
L:1/8
K:G
%%cowriter-start 0
D2 | "G"G4 BG | B4 A2 | "C"G4 E2 | "G"D4 D2 |]
w: A-maz-ing grace, how sweet the sound
{end_of_abc}
"""


def pitches(text: str) -> list[int]:
    return [n.pitch for n in parse_abc(text).notes]


def abc_lines(song: Song) -> list[str]:
    return [
        i.text for s in song.sections if s.kind is SectionKind.ABC for i in s.items if isinstance(i, Verbatim)
    ]


@pytest.mark.parametrize("n", [-12, -7, -5, -2, -1, 1, 2, 3, 4, 6, 11, 13])
def test_every_note_moves_by_n_and_back(n: int) -> None:
    moved = transpose_abc(TUNE, n)
    assert pitches(moved) == [p + n for p in pitches(TUNE)]
    back = transpose_abc(moved, -n)
    assert pitches(back) == pitches(TUNE)
    assert len(moved.split("\n")) == len(TUNE.split("\n"))  # one line for one line


@pytest.mark.parametrize(
    ("n", "target", "source", "key", "first_bars"),
    [
        (2, None, None, "K:A", 'E2 | "A"A4 cA | "F#m"c4 B2 | "D"A4 F2 | "E7/G#"E4 E2'),
        (-2, None, None, "K:F", 'C2 | "F"F4 AF | "Dm"A4 G2 | "Bb"F4 D2 | "C7/E"C4 C2'),
        (-1, "F#", "G", "K:F#", 'C2 | "F#"F4 AF | "D#m"A4 G2 | "B"F4 D2 | "C#7/E#"C4 C2'),
        (1, None, None, "K:Ab", 'E2 | "Ab"A4 cA | "Fm"c4 B2 | "Db"A4 F2 | "Eb7/G"E4 E2'),
    ],
)
def test_key_and_chords_follow_the_song(
    n: int, target: str | None, source: str | None, key: str, first_bars: str
) -> None:
    moved = transpose_abc(TUNE, n, target, source).split("\n")
    assert key in moved
    assert any(line.startswith(first_bars) for line in moved)
    assert '"^annotation"' in "\n".join(moved)
    assert 'comment "C" stays' in "\n".join(moved)


@pytest.mark.parametrize(
    ("key", "body", "n", "written"),
    [
        ("C", "^F _B c", 2, "^G =c d"),  # #4 and b7 keep their degree
        ("F", "B A", 5, "e d"),  # into Bb the key's own flats: no accidental needed
        ("C", "E F", 5, "A B"),  # into F never A#: the signature's Bb
        ("G", "F =F F", -2, "E _E E"),  # the bar's accidental holds until the bar line
        ("G", "=F | F", 1, "_G | G"),  # b7 of G is b7 of Ab; the bar line ends it
        ("C", "^C _E", 3, "=E _G"),  # #1 of Eb is E natural, b3 is Gb
        ("C", "C,, c''", 3, "E,, e''"),  # octave marks follow the pitch, never wrapped
        ("none", "^F B", 2, "^G ^c"),
    ],
)
def test_accidentals_are_respelled_for_the_new_key(key: str, body: str, n: int, written: str) -> None:
    text = f"X:1\nM:4/4\nL:1/4\nK:{key}\n{body}\n"
    moved = transpose_abc(text, n)
    assert moved.split("\n")[4] == written
    assert pitches(moved) == [p + n for p in pitches(text)]


@pytest.mark.parametrize(
    ("key", "n", "target", "source", "moved"),
    [
        ("G", 2, None, None, "A"),
        ("C", 5, None, None, "F"),
        ("C", 10, None, None, "Bb"),
        ("Am", 1, None, None, "Bbm"),
        ("Em", 2, "A", "G", "F#m"),  # the relative minor stays the relative minor
        ("G", -1, "F#", "G", "F#"),
        ("Ador", 2, None, None, "Bdor"),
        ("Dmix", 1, None, None, "Ebmix"),
        ("G clef=bass", 2, None, None, "A clef=bass"),
        ("none", 3, None, None, "none"),
    ],
)
def test_abc_keys(key: str, n: int, target: str | None, source: str | None, moved: str) -> None:
    from cowriter.core.keys import parse_key

    t = parse_key(target) if target else None
    s = parse_key(source) if source else None
    assert transpose_abc_key(key, n, t, s) == moved


@settings(max_examples=120, deadline=None)
@given(tunes(), st.integers(-14, 14))
def test_pitches_move_by_exactly_n_in_any_tune_we_write(tune: AbcTune, n: int) -> None:
    text = format_abc(tune)
    moved = parse_abc(transpose_abc(text, n))
    assert [x.pitch for x in moved.notes] == [x.pitch + n for x in tune.notes]
    assert [(x.start, x.duration, x.syllable) for x in moved.notes] == [
        (x.start, x.duration, x.syllable) for x in tune.notes
    ]
    assert len(moved.chords) == len(tune.chords)
    assert [x.pitch for x in parse_abc(transpose_abc(format_abc(moved), -n)).notes] == [
        x.pitch for x in tune.notes
    ]


_TOKENS = st.sampled_from(
    [*"ABCDEFGabcdefg", "^", "_", "=", "^^", "__", ",", "'", "|", "||", "|]", "2", "/", "z", "[CEG]", "{^f}",
     "(3", "-", " ", '"Am"', '"^x"', "[K:D]", "[K:Bbm]", "!p!", ">"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_TOKENS, max_size=40).map("".join),
    st.integers(-13, 13),
    st.sampled_from(["C", "Eb", "Am", "Dmix"]),
)
def test_pitches_move_by_exactly_n_in_any_tune_we_can_read(body: str, n: int, key: str) -> None:
    text = f"X:1\nM:4/4\nL:1/8\nK:{key}\n{body}\n"
    try:
        before = pitches(text)
    except AbcError:
        return  # not a tune (a tie after a rest…): nothing to keep
    assert pitches(transpose_abc(text, n)) == [p + n for p in before]


def test_transposing_a_song_moves_its_melody_block() -> None:
    song = read_song(SONG)
    moved = transpose_song(song, 2)
    lines = abc_lines(moved)
    assert "K:A" in lines and "K:G" not in lines
    assert lines[lines.index("K:A") + 2].startswith('E2 | "A"A4 cA')
    assert lines[-1] == abc_lines(song)[-1]  # the words stay
    assert [i.line for s in moved.sections for i in s.items] == [
        i.line for s in song.sections for i in s.items
    ]
    back = transpose_song(moved, -2)
    assert abc_lines(back) == abc_lines(song)


def test_to_key_names_the_block_key_and_octaves_move_only_the_melody() -> None:
    song = read_song(SONG)
    assert "K:F" in abc_lines(transpose_song(song, 0, "F"))
    octave = transpose_song(song, 12)
    assert octave.lines == song.lines  # chords unchanged
    melody = "\n".join(abc_lines(octave))
    assert pitches(melody) == [p + 12 for p in pitches("\n".join(abc_lines(song)))]


@pytest.mark.parametrize("n", [-3, 2, 5])
def test_the_band_plays_the_lead_n_semitones_higher(n: int) -> None:
    def lead(song: Song) -> list[tuple[float, int]]:
        track = next(t for t in arrange(song).tracks if t.instrument == "lead")
        return [(note.start, note.pitch) for note in track.notes]

    song = read_song(SONG)
    before, after = lead(song), lead(transpose_song(song, n))
    assert before and [(s, p + n) for s, p in before] == after
