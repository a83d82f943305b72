"""Transposition: symbols spelled for the target key, whole songs rewritten with nothing else touched."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.core.chords import is_chord, parse_chord
from cowriter.core.keys import parse_key
from cowriter.core.pitch import pitch_class
from cowriter.core.song import ChordRef, Directive, GridCell, GridRow, LyricLine, Section, SectionKind, Song
from cowriter.core.transpose import transpose_song, transpose_symbol

# symbol, semitones, target key (or None), expected
SYMBOLS = [
    ("C", 2, None, "D"),
    ("C", 1, None, "Db"),  # no key: the spelling whose key has fewest accidentals
    ("C", 6, None, "F#"),
    ("Am", 1, None, "Bbm"),
    ("Am", 4, None, "C#m"),
    ("Em", -1, None, "Ebm"),
    ("Db/A#", 5, None, "Gb/D#"),  # F#/Gb is a tie: the user's flat decides
    ("A", -4, "F", "F"),
    ("A#", 0, "F", "Bb"),  # into F major never A#
    ("D#", 2, "F", "F"),
    ("F", 1, "Db", "Gb"),
    ("F", 1, "D", "F#"),
    ("E", 6, "Bb", "Bb"),
    ("D/F#", 2, None, "E/G#"),  # the bass keeps its interval above the root
    ("C/Bb", 2, None, "D/C"),
    ("Am7/G", 3, None, "Cm7/Bb"),
    ("Cmaj7/B", 7, None, "Gmaj7/F#"),
    ("Eb7b9", 7, None, "Bb7b9"),
    ("C-7", 2, None, "D-7"),  # the user's suffix spelling stays
    ("Cmi7(b5)", 2, None, "Dmi7(b5)"),
    ("F#m7b5", 1, None, "Gm7b5"),
    ("N.C.", 3, None, "N.C."),
    ("NC", 3, None, "NC"),
    ("Dosa", 2, None, "Eosa"),  # an unknown suffix keeps its text, the root still moves
    ("(riff)", 2, None, "(riff)"),
    ("C", 12, None, "C"),
    ("C", -36, None, "C"),
    ("C#", 0, None, "C#"),  # 0 with no key changes nothing
    ("C#", 0, "Ab", "Db"),  # 0 with a key respells for it
]


@pytest.mark.parametrize(("symbol", "n", "key", "expected"), SYMBOLS)
def test_transpose_symbol(symbol: str, n: int, key: str | None, expected: str) -> None:
    assert transpose_symbol(symbol, n, key) == expected


def test_chord_transpose_keeps_suffix_and_moves_notes() -> None:
    chord = parse_chord("Bbmaj7/D").transpose(2)
    assert chord.symbol == "Cmaj7/E"
    assert chord.notes == ("C", "E", "G", "B")
    assert chord.bass == "E"
    assert parse_chord("C").transpose(5, key=parse_key("F")).root == "F"


def test_degree_is_kept_when_the_source_key_is_known() -> None:
    assert transpose_symbol("Bb", 2, "D", source_key="C") == "C"  # bVII stays bVII
    assert transpose_symbol("C#dim7", 5, "F", source_key="C") == "F#dim7"  # #I° stays #I°
    assert transpose_symbol("Ab", 4, "E", source_key="C") == "C"  # bVI


def _song(key: str | None, *items: LyricLine | Directive | GridRow) -> Song:
    head = (Directive("key", key, raw_name="key", raw=f"{{key: {key}}}"),) if key else ()
    meta = (("key", key),) if key else ()
    return Song(sections=(Section(SectionKind.VERSE, items=(*head, *items)),), meta=meta)


def _line(lyrics: str, *chords: tuple[str, int]) -> LyricLine:
    return LyricLine(lyrics, tuple(ChordRef(s, at, column=at + 1) for s, at in chords), line=2)


def test_song_chords_key_and_offsets() -> None:
    song = _song("C", _line("Hello darkness my old friend", ("C", 0), ("Bb", 6), ("F/A", 15)))
    moved = transpose_song(song, 2)
    line = moved.sections[0].items[1]
    assert isinstance(line, LyricLine)
    assert [(c.symbol, c.at, c.column) for c in line.chords] == [("D", 0, 1), ("C", 6, 7), ("G/B", 15, 16)]
    assert line.lyrics == "Hello darkness my old friend"
    key = moved.sections[0].items[0]
    assert isinstance(key, Directive)
    assert (key.value, key.raw) == ("D", "{key: D}")
    assert moved.key == "D"


def test_into_f_never_a_sharp() -> None:
    song = _song("G", _line("la", ("G", 0), ("C", 1), ("D7", 2), ("E7/G#", 3)))
    moved = transpose_song(song, -2)
    assert moved.key == "F"
    line = moved.sections[0].items[1]
    assert isinstance(line, LyricLine)
    assert [c.symbol for c in line.chords] == ["F", "Bb", "C7", "D7/F#"]


def test_to_key_decides_distance_and_spelling() -> None:
    song = _song("E", _line("la", ("E", 0), ("B7", 1), ("C#m", 2)))
    moved = transpose_song(song, 0, to_key="Bb")
    line = moved.sections[0].items[1]
    assert isinstance(line, LyricLine)
    assert [c.symbol for c in line.chords] == ["Bb", "F7", "Gm"]
    assert moved.key == "Bb"


def test_grid_rows_and_annotations() -> None:
    row = GridRow("| Am . . . | G . C~F . |", bars=((GridCell("Am"), GridCell(".")), (GridCell("C~F"),)))
    annotated = LyricLine("x", (ChordRef("Riff", 0, annotation=True),))
    moved = transpose_song(_song("C", row, annotated), 2)
    new_row, new_annotated = moved.sections[0].items[1:]
    assert isinstance(new_row, GridRow)
    assert new_row.text == "| Bm . . . | A . D~G . |"
    assert new_row.bars[0][0].token == "Bm"
    assert new_row.bars[1][0].token == "D~G"
    assert new_annotated == annotated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Coda | C . . . | G . . . | x2", "Coda | D . . . | A . . . | x2"),
        ("A part || Am . . . | Dm7 . G7 . |", "A part || Bm . . . | Em7 . A7 . |"),
        ("|: C . . . | % | Fmaj7 . . . :| Bright", "|: D . . . | % | Gmaj7 . . . :| Bright"),
        ("| N.C. . . . | Cx7 . . . |", "| N.C. . . . | Cx7 . . . |"),
    ],
)
def test_grid_labels_and_comments_are_kept(text: str, expected: str) -> None:
    moved = transpose_song(_song("C", GridRow(text)), 2)
    row = moved.sections[0].items[1]
    assert isinstance(row, GridRow)
    assert row.text == expected


def test_mid_song_key_change_spells_each_part() -> None:
    song = _song(
        "C",
        _line("a", ("Bb", 0)),
        Directive("key", "E", raw_name="key", raw="{key:E}"),
        _line("b", ("D", 0), ("G#m", 1)),
    )
    moved = transpose_song(song, 1)
    items = moved.sections[0].items
    assert [c.symbol for c in items[1].chords] == ["B"]  # type: ignore[union-attr]
    assert items[2].raw == "{key:F}"  # type: ignore[union-attr]
    assert [c.symbol for c in items[3].chords] == ["Eb", "Am"]  # type: ignore[union-attr]


def test_song_without_key_uses_the_no_key_rule() -> None:
    moved = transpose_song(_song(None, _line("a", ("A", 0), ("E/G#", 1))), 1)
    assert [c.symbol for c in moved.sections[0].items[0].chords] == ["Bb", "F/A"]  # type: ignore[union-attr]
    assert transpose_song(moved, 0) is moved


def test_through_the_chordpro_parser() -> None:
    chordpro = pytest.importorskip("cowriter.core.chordpro")
    fmt = pytest.importorskip("cowriter.core.format")
    text = (
        "{title: T}\n{key: C}\n[Am]Hello [C/G]world # not a comment\n"
        "{start_of_grid}\n| Am . . . | G . C . |\n{end_of_grid}\n"
    )
    moved = fmt.to_chordpro(transpose_song(chordpro.parse(text), -2))
    assert moved == text.replace("{key: C}", "{key: Bb}").replace("[Am]", "[Gm]").replace(
        "[C/G]", "[Bb/F]"
    ).replace("| Am . . . | G . C . |", "| Gm . . . | F . Bb . |")


KEY_SPELLED = st.sampled_from(["C", "G", "D", "A", "E", "F", "Bb", "Eb", "Am", "Em", "Dm", "Gm", "Cm"])
SYMBOL = st.sampled_from(["C", "Am7", "F#m7b5", "Bb7(b9)", "Ebmaj7", "D/F#", "Gsus4", "C6/9", "E7/G#", "Dm7"])


@given(SYMBOL, st.integers(-11, 11))
def test_plus_then_minus_gives_the_same_pitches(symbol: str, n: int) -> None:
    there = transpose_symbol(symbol, n)
    back = parse_chord(transpose_symbol(there, -n))
    original = parse_chord(symbol)
    assert back.pitch_classes == original.pitch_classes
    assert back.bass_pitch_class == original.bass_pitch_class


@given(KEY_SPELLED, st.integers(-11, 11))
def test_key_spelled_song_round_trips(key: str, n: int) -> None:
    k = parse_key(key)
    chords = [
        ("".join((k.scale[d], "m" if d in ((1, 2, 5) if not k.is_minor else (0, 3, 4)) else "")), i)
        for i, d in enumerate(range(7))
        if d != (6 if not k.is_minor else 1)
    ]
    song = _song(key, _line("x" * 8, *chords))
    back = transpose_song(transpose_song(song, n), -n)
    assert back == song


# The conformance rows follow one of the peers' conventions; these contexts name conventions we chose not
# to follow (docs/chords.md says why). Every other row must come out exactly; all rows by pitch class.
OTHER_CONVENTIONS = (
    "preference 'sharp'",
    "preference 'flat'",
    "transposeUp",
    "transposeDown",
    "sharps by default",
    "normaliz",
    "useAccidental",
    "German",
    "german",
    "positive transpose",
    "flats because global is negative",
    "stacked",
    "cho004",
    "notenames",
    "negative transpose",
    "ChordLyricsPair.transpose(1, 'Db')",
    "test asserts c == Chord",
    "Fsus2\t+2\tG2",
)


def _rows(conformance: Path) -> list[list[str]]:
    with (conformance / "transpose.tsv").open(encoding="utf-8") as f:
        return [r for r in csv.reader(f, delimiter="\t")][1:]


def test_conformance_rows_we_follow(conformance: Path) -> None:
    followed = skipped = 0
    for symbol, n, expected, source in _rows(conformance):
        row = "\t".join((symbol, n, expected, source))
        if any(c in row for c in OTHER_CONVENTIONS) or "normalizeChordSuffix" in source:
            skipped += 1
            continue
        followed += 1
        assert transpose_symbol(symbol, int(n)) == expected, row
    assert followed >= 60, (followed, skipped)


def test_conformance_rows_by_pitch_class(conformance: Path) -> None:
    for symbol, n, expected, source in _rows(conformance):
        if not is_chord(symbol) or "normalizeChordSuffix" in source:
            continue  # German H, lower-case roots, `D'`: not chords here; `2` means add9 here, not sus2
        got = parse_chord(transpose_symbol(symbol, int(n)))
        want = parse_chord(expected)
        assert got.pitch_classes == want.pitch_classes, (symbol, n, expected)
        assert got.bass_pitch_class == want.bass_pitch_class, (symbol, n, expected)


def test_every_pitch_class_is_reachable() -> None:
    assert {pitch_class(transpose_symbol("C", n)) for n in range(12)} == set(range(12))


# ChordSheetJS's song-level rows (transpose_song.test.ts): song key, semitones, chords, expected, new key
SONG_ROWS = [
    ("C", 2, "Am C/G Fsus2 C", "Bm D/A Gsus2 D", "D"),
    ("C", -2, "Am C/G F C", "Gm Bb/F Eb Bb", "Bb"),
    ("D", -1, "Bm D/A Gsus2 D", "Bbm Db/Ab Gbsus2 Db", "Db"),
    ("B", 1, "B Bmaj7", "C Cmaj7", "C"),
    ("G#", 1, "G# Cm/G Fm7 G#/D#", "A C#m/G# F#m7 A/E", "A"),  # Cm in G# is respelled, not carried
    ("E", 6, "E", "Bb", "Bb"),
]


@pytest.mark.parametrize(("key", "n", "chords", "expected", "new_key"), SONG_ROWS)
def test_song_level_rows(key: str, n: int, chords: str, expected: str, new_key: str) -> None:
    song = _song(key, _line("x" * 9, *((c, i) for i, c in enumerate(chords.split()))))
    moved = transpose_song(song, n)
    assert [c.symbol for c in moved.sections[0].items[1].chords] == expected.split()  # type: ignore[union-attr]
    assert moved.key == new_key
