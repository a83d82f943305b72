"""Chord symbols by property: any text reads or fails cleanly; format → parse round trips; spelling is
by letter; music21 as an oracle on the chords it reads right (flats written `-` for it)."""

from __future__ import annotations

import re
import warnings

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cowriter.core.chords import ChordError, parse_chord, suffix_spellings
from cowriter.core.pitch import LETTER_INDEX, LETTERS, pitch_class
from cowriter.core.qualities import MODIFIERS, QUALITY_SPELLINGS, TABLE

ROOTS = st.sampled_from([n + a for n in "ABCDEFG" for a in ("", "#", "b", "♯", "♭")])
HEADS = st.sampled_from(sorted(QUALITY_SPELLINGS))
SAFE_MODS = st.lists(
    st.sampled_from(["b9", "#9", "#11", "b13", "add9", "add11", "no5", "b5", "#5"]), max_size=3
)
CHORD_TEXT = st.text(alphabet="ABCDEFGHabcm#b♯♭/()+-,.°øΔ^0123456789 susaddnoimajM", max_size=12)


@given(CHORD_TEXT)
@example("C/")
@example("C((")
@example("Cb5b")
def test_any_text_reads_or_fails_with_a_column(text: str) -> None:
    try:
        chord = parse_chord(text)
    except ChordError as err:
        assert 1 <= err.column <= len(text) + 1
        assert err.message and text in str(err)
        return
    assert chord.is_no_chord or chord.intervals[0] == 0


def _compose(root: str, head: str, mods: list[str], bass: str | None) -> str:
    symbol = root + head + (f"({','.join(mods)})" if mods else "")
    return symbol + (f"/{bass}" if bass else "")


@given(ROOTS, HEADS, SAFE_MODS, st.one_of(st.none(), ROOTS))
@settings(max_examples=400)
def test_format_parse_round_trip(root: str, head: str, mods: list[str], bass: str | None) -> None:
    text = _compose(root, head, mods, bass)
    try:
        chord = parse_chord(text)
    except ChordError:
        return  # a contradictory combination (6 with b13…), refused with a column
    again = parse_chord(chord.format())
    assert again.pitch_classes == chord.pitch_classes
    assert (again.root, again.bass) == (chord.root, chord.bass)
    assert again.format() == chord.format()
    assert again.quality == chord.quality


@given(ROOTS, HEADS)
def test_notes_are_spelled_by_letter(root: str, head: str) -> None:
    chord = parse_chord(root + head)
    root_letter = chord.root[0]
    semis = chord.intervals
    assert list(semis) == sorted(semis) and semis[0] == 0
    assert chord.pitch_classes == tuple((chord.root_pitch_class + s) % 12 for s in semis)
    for note, iv, pc in zip(chord.notes, semis, chord.pitch_classes, strict=True):
        assert pitch_class(note) == pc
        if len(note) <= 3:  # a double accidental at most: the letter follows the degree
            steps = (LETTER_INDEX[note[0]] - LETTER_INDEX[root_letter]) % 7
            assert steps in {0, 1, 2, 3, 4, 5, 6}
            assert abs(iv - [0, 2, 4, 5, 7, 9, 11][steps] - 12 * (iv // 12)) <= 2 or iv >= 12


def test_every_table_spelling_parses_to_its_quality() -> None:
    for quality in TABLE:
        for spelling in quality.spellings:
            chord = parse_chord("C" + spelling)
            assert chord.quality == quality.name, spelling
    assert "" in suffix_spellings() and "maj7" in suffix_spellings()
    assert all(isinstance(m.kind, str) for m in MODIFIERS.values())
    assert set(LETTERS) == set("CDEFGAB")


# music21 is right about these (its figure parser wants `-` for flat and knows no maj9, 6/9 or Δ)
M21_AGREES = [
    "C", "Cm", "C7", "Cmaj7", "Cm7", "Cdim", "Cdim7", "Caug", "Csus4", "Csus2", "C6", "Cm6", "C9", "Cm9",
    "C7b9", "C7#9", "C7#11", "C7b5", "Cm7b5", "C/E", "D/F#", "F#m7", "Bbmaj7", "Ebm7", "Abmaj7", "Db7",
    "Gb", "G7/B", "E7#9", "A7b9", "Am/G", "Dm7/C", "Cadd9", "C5", "F#m7b5", "Bm7b5", "Eb", "Ab7", "B7",
    "Fm", "C#m", "G#dim7", "Cmaj7#11", "Cø7", "C+", "C7+", "Gb7", "Bb/C",
]  # fmt: skip


def _for_music21(symbol: str) -> str:
    return re.sub(r"(^|/)([A-G])b", r"\1\2-", symbol)


@pytest.mark.parametrize("symbol", M21_AGREES)
def test_music21_oracle(symbol: str) -> None:
    harmony = pytest.importorskip("music21.harmony")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = {p.pitchClass for p in harmony.ChordSymbol(_for_music21(symbol)).pitches}
    chord = parse_chord(symbol)
    ours = set(chord.pitch_classes) | (
        {chord.bass_pitch_class} if chord.bass_pitch_class is not None else set()
    )
    assert ours == theirs


def test_music21_misreads_gb7_written_with_b() -> None:
    harmony = pytest.importorskip("music21.harmony")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        misread = {p.pitchClass for p in harmony.ChordSymbol("Gb7").pitches}
    assert misread != set(parse_chord("Gb7").pitch_classes)  # why the oracle rewrites flats as `-`


@given(CHORD_TEXT)
def test_uncached_parser_is_the_same_parser(text: str) -> None:
    from cowriter.core.chords import parse_chord_uncached

    try:
        cached = parse_chord(text)
    except ChordError as err:
        with pytest.raises(ChordError) as again:
            parse_chord_uncached(text)
        assert (again.value.column, again.value.message) == (err.column, err.message)
        return
    assert parse_chord_uncached(text) == cached
