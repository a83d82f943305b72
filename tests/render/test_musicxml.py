"""The lead sheet re-read with music21: chord symbols, lyrics, rehearsal marks, key and meter."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from cowriter.core.chords import parse_chord
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline
from cowriter.render.chordkinds import chord_kind
from cowriter.render.musicxml import write_musicxml

music21 = pytest.importorskip("music21")

SONG = """{title: Flats}
{key: Eb}
{time: 3/4}
{tempo: 90}
{start_of_verse: Verse}
[Eb]Sing in [Gb7]flats
[Bbm7]Low and [Ab/C]slow
{end_of_verse}
{start_of_chorus}
[Fm7b5]Then [N.C.]stop
{end_of_chorus}
"""

MELODY = """{title: Tune}
[C]Hel-lo [G]there
{start_of_abc}
X:1
M:4/4
L:1/4
K:C
E2 G2 | G4 |
w: Hel-lo there
{end_of_abc}
"""


def _parse(path: Path):  # type: ignore[no-untyped-def]
    return music21.converter.parse(str(path))


def _notes(score):  # type: ignore[no-untyped-def]
    return list(score.recurse().getElementsByClass(music21.note.Note))


def test_chord_symbols_round_trip(tmp_path: Path) -> None:
    out = write_musicxml(read_song(SONG), tmp_path / "flats.musicxml")
    score = _parse(out)
    symbols = list(score.recurse().getElementsByClass(music21.harmony.ChordSymbol))
    assert len(symbols) == 6
    assert isinstance(symbols[-1], music21.harmony.NoChord)
    got = [(s.root().name, s.chordKind, s.bass().name) for s in symbols[:-1]]
    assert got == [
        ("E-", "major", "E-"),
        ("G-", "dominant-seventh", "G-"),  # music21's own parser would read "Gb7" as G
        ("B-", "minor-seventh", "B-"),
        ("A-", "major", "C"),
        ("F", "half-diminished-seventh", "F"),  # music21 reads MusicXML's half-diminished so
    ]


def test_lyrics_marks_key_and_meter(tmp_path: Path) -> None:
    score = _parse(write_musicxml(read_song(SONG), tmp_path / "flats.musicxml"))
    lyrics = [n.lyric for n in _notes(score) if n.lyric]
    assert lyrics == ["Sing", "in", "flats", "Low", "and", "slow", "Then", "stop"]  # a word a beat
    marks = [m.content for m in score.recurse().getElementsByClass(music21.expressions.RehearsalMark)]
    assert marks == ["Verse", "Chorus"]
    keys = list(score.recurse().getElementsByClass(music21.key.KeySignature))
    assert keys[0].sharps == -3
    meters = list(score.recurse().getElementsByClass(music21.meter.TimeSignature))
    assert meters[0].ratioString == "3/4"
    bars = timeline(read_song(SONG)).bars
    assert len(list(score.recurse().getElementsByClass(music21.stream.Measure))) == bars


def test_slash_notation_without_a_melody(tmp_path: Path) -> None:
    score = _parse(write_musicxml(read_song(SONG), tmp_path / "flats.musicxml"))
    heads = {n.notehead for n in _notes(score)}
    assert heads == {"slash"}


def test_melody_with_syllables(tmp_path: Path) -> None:
    score = _parse(write_musicxml(read_song(MELODY), tmp_path / "tune.musicxml"))
    notes = _notes(score)
    assert [n.pitch.midi for n in notes] == [64, 67, 67]
    assert [(n.lyrics[0].text, n.lyrics[0].syllabic) for n in notes] == [
        ("Hel", "begin"),
        ("lo", "end"),
        ("there", "single"),
    ]


@pytest.mark.parametrize(
    ("symbol", "kind", "degrees"),
    [
        ("C", "major", []),
        ("C7b9", "dominant", [(9, -1, "add")]),
        ("Cadd9", "major", [(9, 0, "add")]),
        ("Cdim7", "diminished-seventh", []),
        ("G7sus4", "suspended-fourth", [(7, 0, "add")]),  # add 7 is the minor seventh (a dominant's)
        ("C9sus4", "suspended-fourth", [(7, 0, "add"), (9, 0, "add")]),
        ("C11", "dominant-11th", []),
        ("C13", "dominant-13th", []),
        ("C13b9", "dominant-13th", [(9, -1, "alter")]),
        ("C7b5", "dominant", [(5, -1, "alter")]),
        ("C7#11", "dominant", [(11, 1, "add")]),
        ("C7#9", "dominant", [(9, 1, "add")]),  # a 3 beside the major third is a #9, not a minor third
        ("C6/9", "major-sixth", [(9, 0, "add")]),
        ("CmMaj7", "major-minor", []),
        ("C7alt", "dominant", [(5, 1, "alter"), (9, 1, "add"), (11, 1, "add")]),
    ],
)
def test_chord_kinds(symbol: str, kind: str, degrees: list[tuple[int, int, str]]) -> None:
    chord = parse_chord(symbol)
    assert chord_kind(chord.intervals, chord.quality) == (kind, degrees)


CHANGES = """{title: Changes}
{time: 6/8}
{key: F#m}
{start_of_grid}
| F#m . . . . . | C#7 . . . . . |
{end_of_grid}
{time: 4/4}
{key: A}
{start_of_verse}
[A]la la [E/G#]la
{end_of_verse}
"""
RICH = "{title: Rich}\n[C7b9] [Dm(add9)] [E7#9/G#] [Gsus4] [A6/9]\n"


@pytest.fixture(scope="module")
def schema() -> Any:
    """The MusicXML 4.0 schema (the version our files declare), from the `musicxml` package's copy."""
    xmlschema = pytest.importorskip("xmlschema")
    pytest.importorskip("musicxml", reason="the MusicXML 4.0 schema comes with the `musicxml` package")
    xsd = resources.files("musicxml") / "generate_classes" / "musicxml_4_0.xsd"
    return xmlschema.XMLSchema(str(xsd), allow="local")


@pytest.mark.parametrize("text", [SONG, MELODY, CHANGES, RICH])
def test_valid_against_the_musicxml_schema(tmp_path: Path, text: str, schema: Any) -> None:
    out = write_musicxml(read_song(text), tmp_path / "sheet.musicxml")
    errors = list(schema.iter_errors(str(out)))
    assert not errors, [f"{e.path}: {e.reason}" for e in errors[:5]]


def test_meter_and_key_changes(tmp_path: Path) -> None:
    score = _parse(write_musicxml(read_song(CHANGES), tmp_path / "changes.musicxml"))
    meters = [m.ratioString for m in score.recurse().getElementsByClass(music21.meter.TimeSignature)]
    keys = [k.sharps for k in score.recurse().getElementsByClass(music21.key.KeySignature)]
    assert meters == ["6/8", "4/4"]
    assert keys == [3, 3]  # F# minor, then A major: the same signature, written again at the change
    slashes = [float(n.quarterLength) for n in _notes(score)][:4]
    assert slashes == [1.5, 1.5, 1.5, 1.5]  # dotted quarters in 6/8


def test_triplets_and_words_without_syllables(tmp_path: Path) -> None:
    text = """{title: Triplets}
[C]One two three [G]four
{start_of_abc}
X:1
M:4/4
L:1/8
K:C
(3CDE (3FGA B2 c2 | d8 |
{end_of_abc}
"""
    score = _parse(write_musicxml(read_song(text), tmp_path / "t.musicxml"))
    notes = _notes(score)
    assert [float(n.quarterLength) for n in notes[:6]] == pytest.approx([1 / 3] * 6)
    got = [(n.lyric, n.pitch.name) for n in notes if n.lyric]
    assert got == [("One", "C"), ("two", "D"), ("three", "E"), ("four", "D")]  # a word a note from the chord


def test_compressed_mxl(tmp_path: Path) -> None:
    out = write_musicxml(read_song(SONG), tmp_path / "flats.mxl")
    assert out.read_bytes()[:2] == b"PK"
    symbols = list(_parse(out).recurse().getElementsByClass(music21.harmony.ChordSymbol))
    assert len(symbols) == 6


@pytest.mark.parametrize("suffix", [".musicxml", ".mxl"])
def test_the_same_song_gives_the_same_bytes(tmp_path: Path, suffix: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write_musicxml(read_song(SONG), tmp_path / "a" / f"sheet{suffix}").read_bytes()
    b = write_musicxml(read_song(SONG), tmp_path / "b" / f"sheet{suffix}").read_bytes()
    assert a == b


def test_mxl_leaves_a_musicxml_of_the_same_name_alone(tmp_path: Path) -> None:
    mine = tmp_path / "song.musicxml"
    mine.write_text("my own lead sheet")
    write_musicxml(read_song(SONG), tmp_path / "song.mxl")
    assert mine.read_text() == "my own lead sheet"
