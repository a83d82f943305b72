"""ABC blocks: reading notes, lengths, keys and lyrics; writing them back; music21 reading what we write."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.abc import (
    AbcChord,
    AbcError,
    AbcNote,
    AbcTune,
    format_abc,
    format_abc_block,
    key_signature,
    parse_abc,
    parse_abc_block,
)
from cowriter.core.timeline import Meter

AMAZING_GRACE = """X:1
T:Amazing Grace
C:John Newton (words, 1779)
M:3/4
L:1/8
Q:1/4=90
K:G
D2 | "G"G4 BG | B4 A2 | "C"G4 E2 | "G"D4 D2 | G4 BG | B4 A2 | "D"d6- | d4
w: A-maz-ing grace, how sweet the sound That saved a wretch like me_
"""


def tune(body: str, header: str = "M:4/4\nL:1/8\nK:C") -> AbcTune:
    return parse_abc(f"X:1\n{header}\n{body}\n")


@pytest.mark.parametrize(
    ("body", "pitches"),
    [
        ("C D E F G A B c", [60, 62, 64, 65, 67, 69, 71, 72]),  # C is middle C (MIDI 60)
        ("c' C, C,, c''", [84, 48, 36, 96]),  # ' raises and , lowers an octave
        ("^C _D =E ^^F __B", [61, 61, 64, 67, 69]),
        ("^F F | F", [66, 66, 65]),  # an accidental lasts to the bar line
        ("^F f", [66, 77]),  # ... and only at its own octave
        ("[CEG]2 c", [67, 72]),  # a chord sounds as its top note
    ],
)
def test_pitches(body: str, pitches: list[int]) -> None:
    assert [n.pitch for n in tune(body).notes] == pitches


@pytest.mark.parametrize(
    ("key", "body", "pitches"),
    [
        ("G", "F f", [66, 78]),
        ("F", "B", [70]),
        ("Bb", "E B", [63, 70]),
        ("Am", "F G", [65, 67]),
        ("F#m", "F G C", [66, 68, 61]),  # F# minor: F# C# G#
        ("D mix", "C F", [60, 66]),  # D mixolydian: F#, C natural
        ("E dor", "C F", [61, 66]),  # E dorian: F# C#
        ("Eb", "=B B", [71, 71]),  # a natural sign overrides the key to the bar line
    ],
)
def test_key_signatures(key: str, body: str, pitches: list[int]) -> None:
    assert [n.pitch for n in tune(body, f"M:4/4\nL:1/8\nK:{key}").notes] == pitches


@pytest.mark.parametrize(
    ("key", "sharps", "flats"),
    [
        ("C", "", ""),
        ("G", "F", ""),
        ("E", "FCGD", ""),
        ("Cb", "", "BEADGCF"),
        ("Gm", "", "BE"),
        ("Blyd", "FCGDAE", ""),
    ],
)
def test_key_signature_table(key: str, sharps: str, flats: str) -> None:
    signature = key_signature(key)
    assert {k for k, v in signature.items() if v == 1} == set(sharps)
    assert {k for k, v in signature.items() if v == -1} == set(flats)


@pytest.mark.parametrize(
    ("header", "body", "expected"),
    [
        ("M:4/4\nL:1/8", "C C2 C/ C// C3/2 C4", [0.5, 1.0, 0.25, 0.125, 0.75, 2.0]),
        ("M:4/4\nL:1/4", "C C/2 C2", [1.0, 0.5, 2.0]),
        ("M:6/8\nL:1/8", "C C2 C3", [1.0, 2.0, 3.0]),  # beats of 6/8 are eighths
        ("M:2/2\nL:1/4", "C C2", [0.5, 1.0]),  # beats of 2/2 are halves
        ("M:4/4\nL:1/8", "C>D C<D", [0.75, 0.25, 0.25, 0.75]),  # broken rhythm
        ("M:4/4\nL:1/8", "(3CDE F", [1 / 3, 1 / 3, 1 / 3, 0.5]),  # a triplet
        ("M:4/4\nL:1/8", "C2- C2 D", [2.0, 0.5]),  # a tie makes one note
        ("M:4/4", "C D", [0.5, 0.5]),  # L defaults to 1/8
        ("M:2/4", "C D", [0.25, 0.25]),  # ... and to 1/16 below 3/4
    ],
)
def test_durations(header: str, body: str, expected: list[float]) -> None:
    assert [n.duration for n in tune(body, header + "\nK:C").notes] == pytest.approx(expected)


def test_starts_skip_rests_and_count_bars() -> None:
    t = tune("z2 C2 z4 | Z | x2 D6 |]")
    assert [(n.start, n.pitch) for n in t.notes] == [(1.0, 60), (9.0, 62)]


def test_header_fields() -> None:
    t = parse_abc(AMAZING_GRACE)
    assert (t.title, t.meter, t.key, t.unit, t.tempo, t.number) == (
        "Amazing Grace", Meter(3, 4), "G", Fraction(1, 8), 90.0, 1,
    )  # fmt: skip
    assert ("C", "John Newton (words, 1779)") in t.fields
    assert t.pickup == 1.0
    assert t.chords[:2] == (AbcChord(1.0, "G"), AbcChord(7.0, "C"))


def test_tempo_in_beats_of_the_meter() -> None:
    assert tune("C", "M:6/8\nQ:3/8=60\nK:C").tempo == pytest.approx(180.0)
    assert tune("C", "M:4/4\nQ:120\nK:C").tempo == 120.0


def test_lyrics_align_to_notes() -> None:
    t = parse_abc(AMAZING_GRACE)
    sung = [(n.syllable, n.hyphen) for n in t.notes[:4]]
    assert sung == [("A", True), ("maz", True), ("ing", False), ("grace,", False)]
    assert t.notes[-2].syllable == ""  # `me_`: the held note continues "me"
    assert t.notes[-1].duration == 5.0  # d6-|d4: tied into one note
    assert t.syllables[-1] == "me"


@pytest.mark.parametrize(
    ("body", "syllables"),
    [
        ("C D E F\nw: one * three four", ["one", "", "three", "four"]),  # * skips a note
        ("C D E F\nw: hel-lo_ world", ["hel", "lo", "", "world"]),
        ("C D | E F\nw: a | c d", ["a", "", "c", "d"]),  # | moves on to the next bar
        ("C D E\nw: New~York is", ["New York", "is", ""]),
        ("C D\nw: co\\-op x", ["co-op", "x"]),
        ("C z D\nw: a b", ["a", "b"]),  # rests take no syllable
        ("C D\nE F\nw: x y", ["", "", "x", "y"]),  # w: belongs to the music line above it
    ],
)
def test_lyric_symbols(body: str, syllables: list[str]) -> None:
    assert [n.syllable for n in tune(body).notes] == syllables


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("K:C\nC V", "unexpected 'V'"),
        ('K:C\n"Am C', "unclosed chord symbol"),
        ("K:C\nC & D", "overlays"),
        ("K:H#\nC", "unknown key"),
        ("M:x/y\nK:C\nC", "unreadable meter"),
        ("K:C\n- C", "a tie must follow a note"),
    ],
)
def test_errors_are_located(text: str, message: str) -> None:
    with pytest.raises(AbcError, match=message) as info:
        parse_abc(text)
    assert info.value.line >= 1


def test_decorations_grace_notes_and_annotations_are_skipped() -> None:
    t = tune('!trill!C {ga}D "^rit."E .F ~G')
    assert [n.pitch for n in t.notes] == [60, 62, 64, 65, 67]
    assert t.chords == ()


def test_repeats_and_variant_endings_read_as_bars() -> None:
    t = tune("|: C4 D4 :|1 E8 :|2 F8 |]")
    assert [n.start for n in t.notes] == [0.0, 2.0, 4.0, 8.0]


def test_start_directive_and_block() -> None:
    text = "{start_of_abc: Verse}\nX:1\n%%cowriter-start 16\nM:4/4\nK:C\nC8|\n{end_of_abc}\n"
    t = parse_abc_block(text)
    assert t.offset == 16.0 and t.notes == (AbcNote(0.0, 4.0, 60),)
    block = format_abc_block(t, label="Verse")
    assert block.startswith("{start_of_abc: Verse}\n") and block.endswith("{end_of_abc}\n")
    assert parse_abc_block(block) == t


def test_format_writes_ties_over_bar_lines_and_chords() -> None:
    t = AbcTune(
        notes=(AbcNote(3.0, 2.0, 60, "long"), AbcNote(5.0, 3.0, 62, "note")),
        chords=(AbcChord(0.0, "C"), AbcChord(4.0, "F"), AbcChord(6.0, "G7")),
    )
    text = format_abc(t)
    assert '"C"z6 C2- | "F"C2 D2- "G7"D4 |]' in text
    assert "w: long _ note _" in text
    assert parse_abc(text) == t


@pytest.mark.parametrize(
    ("key", "pitches", "written"),
    [
        ("C", [61, 61, 60], "^C C =C"),  # a sign lasts to the bar line
        ("F", [70, 71], "B =B"),
        ("Bb", [61], "_D"),
        ("E", [68, 77], "G =f"),  # E major: G# needs no sign, F natural does
        ("F#", [70, 77], "A e"),  # F# major: A#, and E# (not F)
        ("C", [48, 84], "C, c'"),
    ],
)
def test_format_spells_in_the_key(key: str, pitches: list[int], written: str) -> None:
    notes = tuple(AbcNote(i * 0.5, 0.5, p) for i, p in enumerate(pitches))
    text = format_abc(AbcTune(notes=notes, key=key))
    body = [token for token in text.splitlines()[-1].split() if not token.startswith(("z", "|"))]
    assert " ".join(body) == written


# ---------------------------------------------------------------- round trips

_METERS = [Meter(4, 4), Meter(3, 4), Meter(6, 8), Meter(2, 2), Meter(2, 4)]
_KEYS = ["C", "G", "F", "D", "Bb", "Am", "Em", "F#m", "Ebmix"]


@st.composite
def tunes(draw: st.DrawFn) -> AbcTune:
    meter = draw(st.sampled_from(_METERS))
    grid = Fraction(1, 4) if meter.unit == 4 else Fraction(1, 2)
    count = draw(st.integers(0, 24))
    notes: list[AbcNote] = []
    pos = Fraction(0)
    sung = False
    for _ in range(count):
        pos += grid * draw(st.integers(0, 6))
        length = grid * draw(st.integers(1, 16))
        syllable = draw(st.sampled_from(["", "", "la", "love", "O", "you're", "night,"]))
        hyphen = bool(syllable) and draw(st.booleans())
        sung = sung or bool(syllable)
        notes.append(AbcNote(float(pos), float(length), draw(st.integers(40, 90)), syllable, hyphen))
        pos += length
    chords = tuple(
        AbcChord(float(grid * k), symbol)
        for k, symbol in sorted(
            draw(st.dictionaries(st.integers(0, 64), st.sampled_from(["C", "Am", "F#m7b5"]))).items()
        )
    )
    return AbcTune(
        notes=tuple(notes),
        meter=meter,
        key=draw(st.sampled_from(_KEYS)),
        title="Round trip",
        tempo=draw(st.sampled_from([None, 96.0, 72.5])),
        offset=float(draw(st.integers(0, 64))),
        chords=chords,
    )


@settings(max_examples=150, deadline=None)
@given(tunes())
def test_format_then_parse_is_identity(t: AbcTune) -> None:
    assert parse_abc(format_abc(t)) == t


def test_amazing_grace_round_trips() -> None:
    t = parse_abc(AMAZING_GRACE)
    assert parse_abc(format_abc(t)) == t


def _music21_notes(text: str, meter: Meter) -> list[tuple[float, float, int]]:
    music21 = pytest.importorskip("music21")
    score = music21.converter.parse(text, format="abc")
    scale = meter.unit / 4  # quarter lengths -> beats of the meter
    merged: list[tuple[float, float, int]] = []
    for n in score.recurse().getElementsByClass("Note"):
        start = float(n.getOffsetInHierarchy(score)) * scale
        length = float(n.quarterLength) * scale
        if n.tie is not None and n.tie.type in ("stop", "continue") and merged:
            s, d, p = merged[-1]
            merged[-1] = (s, d + length, p)
        else:
            merged.append((start, length, n.pitch.midi))
    return merged


@pytest.mark.parametrize("meter", _METERS)
def test_music21_reads_what_we_write(meter: Meter) -> None:
    pitches = [60, 64, 67, 72, 71, 69, 66, 62, 55, 58, 61, 63]
    notes, pos = [], 0.0
    for i, p in enumerate(pitches):
        length = [1.0, 0.5, 1.5, 2.0, 3.0][i % 5]
        notes.append(AbcNote(pos, length, p, f"s{i}"))
        pos += length + (0.5 if i % 4 == 3 else 0.0)
    t = AbcTune(notes=tuple(notes), meter=meter, key="D")
    got = _music21_notes(format_abc(t), meter)
    assert got == [(n.start, n.duration, n.pitch) for n in t.notes]


def test_music21_reads_amazing_grace_like_we_do() -> None:
    t = parse_abc(AMAZING_GRACE)
    got = _music21_notes(format_abc(t), t.meter)
    assert got == [(n.start, n.duration, n.pitch) for n in t.notes]


def test_header_text_stays_on_one_line_without_comments() -> None:
    t = AbcTune(notes=(AbcNote(0.0, 1.0, 60),), title="100% true\nstory", fields=(("C", "me % you"),))
    text = format_abc(t)
    assert "T:100 true story" in text and "C:me you" in text
    assert parse_abc("X:1\nT:Song % a remark\nK:C\nC\n").title == "Song"
