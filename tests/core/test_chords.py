"""Chord symbols: spellings onto the table, notes spelled as musicians spell them, errors that help."""

from __future__ import annotations

import pytest

from cowriter.core.chords import ChordError, is_chord, parse_chord, try_parse_chord

# symbol, notes root first (bass separate), canonical quality, bass
SPELLED = [
    ("C", "C E G", "maj", None),
    ("C7b9", "C E G Bb Db", "7b9", None),
    ("F#m7b5", "F# A C E", "m7b5", None),
    ("Ebmaj7", "Eb G Bb D", "maj7", None),
    ("D/F#", "D F# A", "maj", "F#"),
    ("Bbm", "Bb Db F", "m", None),
    ("C-7", "C Eb G Bb", "m7", None),
    ("Cmin7", "C Eb G Bb", "m7", None),
    ("Cmi7", "C Eb G Bb", "m7", None),
    ("CM7", "C E G B", "maj7", None),
    ("CΔ", "C E G B", "maj7", None),
    ("CΔ7", "C E G B", "maj7", None),
    ("Cma7", "C E G B", "maj7", None),
    ("Cj7", "C E G B", "maj7", None),
    ("C^7", "C E G B", "maj7", None),
    ("CMA7", "C E G B", "maj7", None),
    ("CMaj7", "C E G B", "maj7", None),
    ("Cdim", "C Eb Gb", "dim", None),
    ("C°", "C Eb Gb", "dim", None),
    ("Co", "C Eb Gb", "dim", None),
    ("Cdim7", "C Eb Gb Bbb", "dim7", None),
    ("C°7", "C Eb Gb Bbb", "dim7", None),
    ("Co7", "C Eb Gb Bbb", "dim7", None),
    ("Cø", "C Eb Gb Bb", "m7b5", None),
    ("Cø7", "C Eb Gb Bb", "m7b5", None),
    ("Cm7-5", "C Eb Gb Bb", "m7b5", None),
    ("Caug", "C E G#", "aug", None),
    ("C+", "C E G#", "aug", None),
    ("C#5", "C# G#", "5", None),
    ("C+5", "C E G#", "aug", None),
    ("Csus", "C F G", "sus4", None),
    ("Csus2", "C D G", "sus2", None),
    ("Csus4", "C F G", "sus4", None),
    ("C9sus", "C F G Bb D", "9sus4", None),
    ("C13sus", "C F G Bb D A", "13sus4", None),
    ("Cadd9", "C E G D", "add9", None),
    ("Cadd11", "C E G F", "add11", None),
    ("Cadd2", "C D E G", "add2", None),
    ("C(add9)", "C E G D", "add9", None),
    ("C2", "C E G D", "add9", None),
    ("C6", "C E G A", "6", None),
    ("Cm6", "C Eb G A", "m6", None),
    ("C6/9", "C E G A D", "69", None),
    ("C69", "C E G A D", "69", None),
    ("C7", "C E G Bb", "7", None),
    ("C9", "C E G Bb D", "9", None),
    ("C11", "C G Bb D F", "11", None),
    ("C13", "C E G Bb D A", "13", None),
    ("C7#9", "C E G Bb D#", "7#9", None),
    ("C7#11", "C E G Bb F#", "7#11", None),
    ("C7b13", "C E Bb Ab", "7b13", None),
    ("C7b5", "C E Gb Bb", "7b5", None),
    ("C7#5", "C E G# Bb", "7#5", None),
    ("C7alt", "C E Bb Db D# F# Ab", "7alt", None),
    ("C7(b9,#11)", "C E G Bb Db F#", "7b9#11", None),
    ("CmMaj7", "C Eb G B", "mmaj7", None),
    ("CmM7", "C Eb G B", "mmaj7", None),
    ("Cm(maj7)", "C Eb G B", "mmaj7", None),
    ("C5", "C G", "5", None),
    ("Cno3", "C G", "5", None),  # named by its table row: the power chord
    ("C7no5", "C E Bb", "7no5", None),
    ("C7omit3", "C G Bb", "7no3", None),
    ("C♯m", "C# E G#", "m", None),
    ("E♭7", "Eb G Bb Db", "7", None),
    ("Gb7", "Gb Bb Db Fb", "7", None),
    ("Dbdim7", "Db Fb Abb Cbb", "dim7", None),
    ("A7/G", "A C# E G", "7", "G"),
    ("Am7/G", "A C E G", "m7", "G"),
    ("Bb/C", "Bb D F", "maj", "C"),
    ("C/E", "C E G", "maj", "E"),
]


@pytest.mark.parametrize(("symbol", "notes", "quality", "bass"), SPELLED)
def test_notes_are_spelled_root_first(symbol: str, notes: str, quality: str, bass: str | None) -> None:
    chord = parse_chord(symbol)
    assert chord.notes == tuple(notes.split())
    assert chord.quality == quality
    assert chord.bass == bass
    assert chord.symbol == symbol


@pytest.mark.parametrize("symbol", ["N.C.", "NC", "n.c.", "N/C"])
def test_no_chord(symbol: str) -> None:
    chord = parse_chord(symbol)
    assert chord.is_no_chord
    assert chord.notes == ()
    assert chord.format() == "N.C."


# symbol, 1-based column of the offending character, the first suggestion (or None)
INVALID = [
    ("Cmj7", 3, "Cmaj7"),
    ("am", 1, "Am"),  # lower-case roots are not read (a lyric's "am" is a word)
    ("H7", 1, "B7"),  # German H
    ("C/H", 3, "C/B"),
    ("Csus3", 5, "Csus"),
    ("Ab#", 3, None),
    ("Abbb", 4, None),
    ("A77", 3, None),
    ("G/", 3, None),
    ("G/Bm", 4, "G/B"),
    ("C/D/E", 4, "C/D"),
    ("A(", 2, None),
    ("B6b6", 3, "B6"),
    ("C11sus4", 4, None),
    ("Cm(add3)", 4, None),
    ("", 1, None),
    ("7", 1, None),
    ("X", 1, None),
]


@pytest.mark.parametrize(("symbol", "column", "suggestion"), INVALID)
def test_invalid_symbols_say_where_and_what_instead(symbol: str, column: int, suggestion: str | None) -> None:
    with pytest.raises(ChordError) as info:
        parse_chord(symbol)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.column == column
    assert err.message
    if suggestion is not None:
        assert err.suggestions[0] == suggestion
        assert f"did you mean {suggestion}?" in str(err)
        assert is_chord(suggestion)
    assert try_parse_chord(symbol) is None
    assert not is_chord(symbol)


def test_message_names_the_symbol_and_suggestion() -> None:
    with pytest.raises(ChordError) as info:
        parse_chord("Cmj7")
    assert str(info.value).startswith("Cmj7:")
    assert "did you mean Cmaj7?" in str(info.value)


def test_chords_are_immutable_and_format_normalises() -> None:
    chord = parse_chord("Cmi7")
    with pytest.raises(AttributeError):
        chord.root = "D"  # type: ignore[misc]
    assert str(chord) == "Cm7"
    assert parse_chord("E♭maj7").format() == "Ebmaj7"
    assert parse_chord("C(b5)").format() == "C(b5)"
    assert parse_chord(parse_chord("C(b5)").format()).pitch_classes == parse_chord("C(b5)").pitch_classes


@pytest.mark.parametrize(
    ("symbol", "suggestion"),
    [
        ("C7b9x", "C7b9"),  # the readable part before the mistake
        ("C7(b9,#11", "C7(b9,#11)"),  # an unclosed parenthesis
        ("Csus 4", "Csus4"),
        ("Garg7", "Gaug7"),
        ("Cmin7b", "Cmin7"),
    ],
)
def test_suggestions(symbol: str, suggestion: str) -> None:
    with pytest.raises(ChordError) as info:
        parse_chord(symbol)
    assert info.value.suggestions[0] == suggestion


def test_unknown_quality_says_so() -> None:
    with pytest.raises(ChordError) as info:
        parse_chord("Cxyz")
    assert info.value.column == 2
    assert "unknown chord quality 'xyz'" in info.value.message
