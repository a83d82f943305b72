"""Chords over lyrics and Ultimate-Guitar text → Song: chord lines, the "A Bad Day" trap, headers, tabs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.chordpro import parse as chordpro_parse
from cowriter.core.sheet import is_chordpro, read, read_song
from cowriter.core.song import Directive, SectionKind
from cowriter.core.textimport import import_text, is_chord_line, to_chordpro
from cowriter.core.timing import timeline


@pytest.mark.parametrize(
    ("line", "below", "expected"),
    [
        ("C        G        Am       F", "words below", True),
        ("G", "but a lyric below", True),
        ("  Dm", None, True),
        ("| C | G | Am | F |", None, True),
        ("C  G  Am  F  (repeat)", None, True),
        ("N.C.     E7        A", "words", True),
        ("(F)(F/C)(D/A) A  E/F#", None, True),
        ("Emsus4    Am  C", "Fooo      Bar Baz", True),
        ("Esus4  unknown", "A line below with words", True),  # one odd token, wide spacing, lyric below
        # the trap: lines of words that start with (or contain) chord names
        ("A Bad Day", "C        G", False),
        ("Am I blue", None, False),
        ("A Bad Day", None, False),
        ("Em, what a day", None, False),
        ("Am blue", "lyrics", False),  # one word, no wide spacing
        ("Fooo      Bar Baz", None, False),
        (" A  Cm D F Even though this starts like some chords", None, False),
        ("", None, False),
        ("{title: x}", None, False),
    ],
)
def test_chord_line_evidence(line: str, below: str | None, expected: bool) -> None:
    assert is_chord_line(line, below) is expected


def test_chords_land_on_the_syllable_below() -> None:
    text = "A         C           D           E  F\nThe first line of the song is pretty normal,\n"
    assert to_chordpro(text).splitlines()[-1] == "[A]The first [C]line of the [D]song is pret[E]ty [F]normal,"


def test_trap_lines_stay_lyrics_between_chord_lines() -> None:
    text = "G         D\nA Bad Day is coming\nAm I blue\nC    G\nAm I blue, said she\n"
    song = import_text(text)
    assert [ln.lyrics for ln in song.lines] == ["A Bad Day is coming", "Am I blue", "Am I blue, said she"]
    assert [[c.symbol for c in ln.chords] for ln in song.lines] == [["G", "D"], [], ["C", "G"]]


def test_ultimate_guitar_sheet_with_headers_markup_tabs_and_bars() -> None:
    text = (
        "[Intro]\n[ch]G[/ch]  [ch]D[/ch]\n\n[Verse 1]\n[tab]G        D\nWalking down the road[/tab]\n"
        "Chorus:\n| C | G |\n\ne|---0---3---|\nB|---1---0---|\n\n-- Bridge --\nEm\tC\nla la\n"
    )
    song = import_text(text)
    kinds = [(s.kind, s.name, s.label) for s in song.sections if s.kind is not SectionKind.NONE]
    assert kinds[:3] == [
        (SectionKind.OTHER, "intro", ""),
        (SectionKind.VERSE, "verse", "Verse 1"),
        (SectionKind.CHORUS, "chorus", ""),
    ]
    assert (SectionKind.TAB, "tab", "") in kinds and kinds[-1] == (SectionKind.BRIDGE, "bridge", "")
    walking = next(ln for ln in song.lines if ln.lyrics.startswith("Walking"))
    assert [(c.symbol, c.at) for c in walking.chords] == [("G", 0), ("D", 9)]
    assert walking.line == 6  # line numbers point at the user's text
    bridge = song.lines[-1]
    assert [(c.symbol, c.at) for c in bridge.chords] == [("Em", 0), ("C", 5)]  # tab expands to 8 columns


def test_chord_legends_become_defines() -> None:
    text = "Song\n\nG    = 320033 or xx5433    Am7 = x02010\nA:      |X02220|\n\nG\nla\n"
    lines = to_chordpro(text).splitlines()
    assert lines[2:5] == [
        "{define: G frets 3 2 0 0 3 3}",
        "{define: Am7 frets x 0 2 0 1 0}",
        "{define: A frets x 0 2 2 2 0}",
    ]
    assert [i.line for i in import_text(text).items() if getattr(i, "name", "") == "define"] == [3, 3, 4]


def test_label_with_chords_and_metadata_lines() -> None:
    song = import_text("My Song\nArtist: Someone\nKey: G\n\nIntro: G  C  D\nG     C\nla la la\n")
    assert (song.title, song.get("artist"), song.key) == ("My Song", "Someone", "G")
    intro = next(s for s in song.sections if s.name == "intro")
    assert [c.symbol for c in intro.lines[0].chords] == ["G", "C", "D"]


@pytest.mark.parametrize(
    ("text", "chordpro"),
    [
        ("[C]Hello\n", True),
        ("{title: x}\nplain words\n", True),
        ("C     G\nHello there\n", False),
        ("[ch]C[/ch]\nHello\n", False),
        ("{soc}\nC     G\nHello there\n{eoc}\n", False),
        ("{sog}\n| C . . . |\n{eog}\n", True),
        ("", True),
    ],
)
def test_sheet_detection(text: str, chordpro: bool) -> None:
    assert is_chordpro(text) is chordpro


def test_read_gives_the_same_song_from_both_notations() -> None:
    cho = read_song("{title: T}\n[G]Here I [D]am\n")
    txt = read_song("{title: T}\nG      D\nHere I am\n")
    assert [(ln.lyrics, [(c.symbol, c.at) for c in ln.chords]) for ln in cho.lines] == [
        (ln.lyrics, [(c.symbol, c.at) for c in ln.chords]) for ln in txt.lines
    ]
    assert read("") == ()


# Conformance: where our choices match the peers', their expected ChordPro is ours byte for byte.
SAME_AS_PEERS = [
    "cp-a2crd-t001",
    "cp-a2crd-t003-spaces-tabs",
    "cp-a2crd-t004-unknown-chords",
    "cp-a2crd-t105-embedded-directives-tab",
    "sk-heuristic-chords-only",
    "sk-heuristic-consecutive-chord-lines",
    "sk-heuristic-plain-passthrough",
    "sk-heuristic-sections-brackets",
    "sk-heuristic-section-colon",
    "sk-heuristic-section-decorated",
]


@pytest.mark.parametrize("name", SAME_AS_PEERS)
def test_conformance_chords_over_lyrics(conformance: Path, name: str) -> None:
    songs = conformance / "songs"
    text = (songs / f"{name}.txt").read_text(encoding="utf-8").split("\n", 1)[1]  # drop the provenance line
    assert to_chordpro(text) == (songs / "expected" / f"{name}.expected.cho").read_text(encoding="utf-8")


def test_conformance_t005_chord_lines_match_a2crd(conformance: Path) -> None:
    """Every chord placement of ChordPro's a2crd t005; we keep "Test supplied by…" as a lyric line."""
    songs = conformance / "songs"
    text = (songs / "cp-a2crd-t005-single-chord-lines.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    expected = (songs / "expected" / "cp-a2crd-t005-single-chord-lines.expected.cho").read_text(
        encoding="utf-8"
    )
    ours = [ln for ln in to_chordpro(text).splitlines() if "[" in ln]
    assert ours == [ln for ln in expected.splitlines() if "[" in ln]


def test_conformance_cjk_uses_display_columns(conformance: Path) -> None:
    """Peers disagree (bytes, characters, display width); we follow display width, as UG's editor shows."""
    songs = conformance / "songs"
    text = (songs / "sk-heuristic-japanese-lyrics.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    assert to_chordpro(text).splitlines()[0] == "[Am]日本語の歌[G]詞が入りま[C]す"


_sheet_pieces = st.sampled_from(
    [
        "C",
        "G7",
        "Am",
        "D/F#",
        "  ",
        "    ",
        "\t",
        "\n",
        "|",
        "/",
        "[Verse]",
        "Chorus:",
        "-- Bridge --",
        "A Bad Day",
        "Am I blue",
        "la la",
        "e|---0---|",
        "[ch]",
        "[/ch]",
        "[tab]",
        "{soc}",
        "{eoc}",
        "(x2)",
        "Title: T",
        "日本",
        "N.C.",
        "[",
        "]",
        "{",
        "}",
        "#",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(_sheet_pieces, max_size=50).map("".join), st.text(max_size=200)))
def test_any_sheet_reads_without_raising_and_its_chordpro_reparses(text: str) -> None:
    for song in read(text):
        assert all(d.line >= 0 for d in song.diagnostics)
    song = import_text(text)
    again = import_text(text)
    assert again == song  # deterministic
    assert all(s.duration > 0 for s in timeline(song).spans)
    assert read_song(to_chordpro(text)).lines == chordpro_parse(to_chordpro(text)).lines


ALPHABET = """The Alphabet Song

C         F     C
A B C D E F G
F    C     G     C
H I J K L M N O P
"""


def test_a_row_of_spelled_letters_under_a_chord_row_is_its_words() -> None:
    """The pasted-page trap: "A B C D E F G" under "C F C" is sung (issue 17); the rows around it decide."""
    assert to_chordpro(ALPHABET).splitlines()[2:4] == [
        "[C]A B C D E [F]F G[C]",
        "[F]H I J[C] K L M[G] N O P[C]",
    ]
    # a second chord row over words stays a chord row, and spread-out letters are chords
    assert to_chordpro("Intro\nC   G   Am   F\nC   G   C\nHere comes the sun\n").splitlines()[1:] == [
        "[C][G][Am][F]",
        "[C]Here[G] com[C]es the sun",
    ]
    assert to_chordpro("x\nC   F   C\nA  B  C  D\n\n").splitlines()[1:3] == ["[C][F][C]", "[A][B][C][D]"]


def test_text_output_reads_back_to_the_same_song() -> None:
    """`convert --to text`, read again: the same chords at the same characters, words never split (a word
    stretched under crowded chords, `ri----ver`, closes up), headers and x_ directives and comments kept."""
    from cowriter.core.format import to_text

    source = (
        "# a comment to keep\n{title: Rolling}\n{key: D}\n{x_style: ballad}\n\n{start_of_verse: Verse 1}\n"
        "A[D]way, you [Bm]rolling [Gmaj7]ri[D]ver.\n{x_style: waltz}\n[Cmaj7]a[G]bc de\n{end_of_verse}\n"
        "{start_of_verse: Lyric strain}\nI [G]hate to see\n{end_of_verse}\n"
    )
    song = read_song(source)
    text = to_text(song)
    assert "ri----ver" in text and "ri ver" not in text.replace("-", "")
    assert text.splitlines()[:4] == ["# a comment to keep", "title: Rolling", "key: D", "x_style: ballad"]
    assert "Verse 1:" in text.splitlines() and "[Lyric strain]" in text.splitlines()
    assert "{" not in text
    back = read_song(to_chordpro(text))
    lines = [(ln.lyrics, [(c.symbol, c.at) for c in ln.chords]) for ln in back.lines]
    assert lines == [(ln.lyrics, [(c.symbol, c.at) for c in ln.chords]) for ln in song.lines]
    directives = [i for i in back.items() if isinstance(i, Directive)]
    assert [(d.name, d.value) for d in directives if d.name.startswith("x_")] == [
        ("x_style", "ballad"),
        ("x_style", "waltz"),
    ]
    assert back.title == "Rolling" and back.key == "D"


def test_a_no_chord_row_says_where_the_band_stops() -> None:
    """`N.C.` is a chord to a chord row: alone over words it is still a chord row, and it is kept (the
    timeline stops the band there) instead of being dropped like a bar line."""
    assert to_chordpro("x\n\nN.C.\nriver\nN.C.    G\nroll on home\n").splitlines()[2:] == [
        "[N.C.]river",
        "[N.C.]roll on [G]home",
    ]
    assert (
        to_chordpro("x\n\n[Lyric strain]\nC\nriver\n").splitlines()[2]
        == "{start_of_lyric_strain: Lyric strain}"
    )
