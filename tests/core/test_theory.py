"""Theory: Roman and Nashville views, diatonic checks, key guessing, suggestions and progressions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.core.chords import parse_chord
from cowriter.core.keys import parse_key, transpose_key
from cowriter.core.progressions import STYLES, RomanError, progressions, realise, suggest_next
from cowriter.core.theory import analyse, diatonic_chords, guess_key, in_key, nashville, roman
from cowriter.core.transpose import transpose_symbol

# key, chord, roman, nashville, function
VIEWS = [
    ("C", "C", "I", "1", "diatonic"),
    ("C", "Am", "vi", "6m", "diatonic"),
    ("C", "Dm7", "ii7", "2m(7)", "diatonic"),
    ("C", "G7", "V7", "5(7)", "diatonic"),
    ("C", "Cmaj7", "Imaj7", "1maj7", "diatonic"),
    ("C", "Bdim", "vii°", "7°", "diatonic"),
    ("C", "Bm7b5", "viiø7", "7ø7", "diatonic"),
    ("C", "G/B", "V/7", "5/7", "diatonic"),
    ("C", "F/A", "IV/6", "4/6", "diatonic"),
    ("C", "Gsus4", "Vsus4", "5sus4", "diatonic"),
    ("C", "D7", "V7/V", "2(7)", "secondary dominant"),
    ("C", "D", "V/V", "2", "secondary dominant"),
    ("C", "D7/F#", "V65/V", "2(7)/#4", "secondary dominant"),  # figured bass keeps one slash
    ("C", "D/F#", "V6/V", "2/#4", "secondary dominant"),
    ("C", "D7/C", "V42/V", "2(7)/1", "secondary dominant"),
    ("C", "D/E", "V/V (bass E)", "2/3", "secondary dominant"),
    ("C", "F#dim7/A", "vii°65/V", "#4°7/6", "secondary leading-tone"),
    ("C", "E7", "V7/vi", "3(7)", "secondary dominant"),
    ("C", "A7", "V7/ii", "6(7)", "secondary dominant"),
    ("C", "C7", "V7/IV", "1(7)", "secondary dominant"),
    ("C", "F#dim7", "vii°7/V", "#4°7", "secondary leading-tone"),
    ("C", "C/Bb", "I/b7", "1/b7", "chromatic bass"),  # a descending line under a diatonic chord
    ("C", "Am/G#", "vi/#5", "6m/#5", "chromatic bass"),
    ("C", "Bb", "bVII", "b7", "borrowed"),
    ("C", "Fm", "iv", "4m", "borrowed"),
    ("C", "Ab", "bVI", "b6", "borrowed"),
    ("C", "Eb", "bIII", "b3", "borrowed"),
    ("C", "Db", "bII", "b2", "neapolitan"),
    ("C", "C#m", "#i", "#1m", "chromatic"),
    ("G", "Em", "vi", "6m", "diatonic"),
    ("G", "F", "bVII", "b7", "borrowed"),
    ("Eb", "Cm7", "vi7", "6m(7)", "diatonic"),
    ("F#", "D#m", "vi", "6m", "diatonic"),
    ("Am", "Am", "i", "1m", "diatonic"),
    ("Am", "E7", "V7", "5(7)", "diatonic"),  # harmonic minor's V
    ("Am", "G#dim7", "vii°7", "7°7", "diatonic"),  # the leading-tone seventh
    ("Am", "C", "III", "3", "diatonic"),
    ("Am", "Bm7b5", "iiø7", "2ø7", "diatonic"),
    ("Am", "D", "IV", "4", "borrowed"),  # dorian IV from A major
    ("Am", "A", "I", "1", "borrowed"),  # Picardy third
    ("Am", "B7", "V7/V", "2(7)", "secondary dominant"),
    ("Am", "Bb", "bII", "b2", "neapolitan"),
]


@pytest.mark.parametrize(("key", "symbol", "numeral", "number", "function"), VIEWS)
def test_roman_and_nashville(key: str, symbol: str, numeral: str, number: str, function: str) -> None:
    k = parse_key(key)
    assert roman(symbol, k) == numeral
    assert nashville(parse_chord(symbol), k) == number
    info = analyse(symbol, k)
    assert info.function == function
    assert info.diatonic == (function == "diatonic")
    assert in_key(symbol, k) == (function == "diatonic")
    assert info.explanation


def test_no_chord_is_never_flagged() -> None:
    assert in_key("N.C.", parse_key("C"))
    assert analyse("N.C.", parse_key("C")).function == "no chord"


DIATONIC = [
    ("C", False, "C Dm Em F G Am Bdim"),
    ("C", True, "Cmaj7 Dm7 Em7 Fmaj7 G7 Am7 Bm7b5"),
    ("Am", False, "Am Bdim C Dm E F G"),
    ("Bb", False, "Bb Cm Dm Eb F Gm Adim"),
    ("F#m", True, "F#m7 G#m7b5 Amaj7 Bm7 C#7 Dmaj7 E7"),
]


@pytest.mark.parametrize(("key", "sevenths", "chords"), DIATONIC)
def test_diatonic_chords(key: str, sevenths: bool, chords: str) -> None:
    k = parse_key(key)
    assert diatonic_chords(k, sevenths) == tuple(chords.split())
    assert all(in_key(c, k) for c in chords.split())


GUESSES = [
    ("C G Am F", "C"),
    ("Am F C G", "Am"),
    ("Am Dm E7 Am", "Am"),
    ("G C D G", "G"),
    ("D A Bm G", "D"),
    ("Bb Eb F7 Bb", "Bb"),
    ("F#m D A E", "F#m"),
    ("Dm7 G7 Cmaj7", "C"),
    ("E A B7 E", "E"),
    ("Cm Ab Eb Bb", "Cm"),
    ("", "C"),
    ("N.C. xyz", "C"),
]


@pytest.mark.parametrize(("chords", "key"), GUESSES)
def test_guess_key(chords: str, key: str) -> None:
    assert guess_key(chords.split()) == parse_key(key)


@given(st.sampled_from(["C G Am F", "Am Dm E7 Am", "D G A D", "Dm7 G7 Cmaj7"]), st.integers(-11, 11))
def test_guess_key_follows_transposition(chords: str, n: int) -> None:
    original = guess_key(chords.split())
    moved = guess_key([transpose_symbol(c, n) for c in chords.split()])
    assert moved.tonic_pc == transpose_key(original, n).tonic_pc
    assert moved.mode == original.mode


REALISED = [
    ("C", "ii7", "Dm7"),
    ("C", "V7/V", "D7"),
    ("C", "vii°7/V", "F#dim7"),
    ("C", "bVII", "Bb"),
    ("C", "I/3", "C/E"),
    ("C", "V/7", "G/B"),
    ("C", "iiø7", "Dm7b5"),
    ("C", "I+", "Caug"),
    ("Eb", "bII", "E"),  # not Fb
    ("Am", "vii°7", "G#dim7"),
    ("Am", "III", "C"),
    ("Am", "V7", "E7"),
    ("F", "IV", "Bb"),
]


@pytest.mark.parametrize(("key", "numeral", "symbol"), REALISED)
def test_realise(key: str, numeral: str, symbol: str) -> None:
    assert realise(numeral, parse_key(key)) == symbol


def test_realise_rejects_nonsense() -> None:
    with pytest.raises(RomanError):
        realise("VIII", parse_key("C"))


def test_suggestions_have_reasons_and_resolve_secondaries() -> None:
    c = parse_key("C")
    after_g7 = suggest_next("G7", c)
    assert after_g7[0].symbol == "C" and "cadence" in after_g7[0].reason
    assert {s.kind for s in after_g7} >= {"diatonic", "secondary dominant", "borrowed"}
    after_d7 = suggest_next("D7", c)
    assert (after_d7[0].symbol, after_d7[0].kind) == ("G", "resolution")
    assert all(s.reason for s in after_d7)
    assert "D7" not in [s.symbol for s in after_d7]
    jazz = [s.symbol for s in suggest_next("Dm7", c, "jazz")]
    assert jazz[0] == "G7"
    blues = [s.symbol for s in suggest_next("C7", c, "blues")]
    assert "F7" in blues or "G7" in blues
    minor = [s.symbol for s in suggest_next("Am", parse_key("Am"))]
    assert "E" in minor and "Dm" in minor


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("key", ["C", "Am", "Eb", "F#m"])
def test_progressions_realise_in_every_style(style: str, key: str) -> None:
    k = parse_key(key)
    for prog in progressions(style, k):
        assert len(prog.chords) == len(prog.numerals)
        for chord in prog.chords:
            parse_chord(chord)
    assert progressions(None, k)


def test_the_four_chord_song() -> None:
    pop = {p.name: p.chords for p in progressions("pop", parse_key("G"))}
    assert pop["I–V–vi–IV (the four-chord song)"] == ("G", "D", "Em", "C")
    blues = progressions("blues", parse_key("A"))[0]
    assert blues.chords[:5] == ("A7", "A7", "A7", "A7", "D7")


ANY_KEY = st.builds(
    lambda tonic, acc, minor: parse_key(tonic + acc + ("m" if minor else "")),
    st.sampled_from("ABCDEFG"),
    st.sampled_from(["", "#", "b"]),
    st.booleans(),
)
ANY_CHORD = st.builds(
    lambda root, acc, suffix, bass: root + acc + suffix + bass,
    st.sampled_from("ABCDEFG"),
    st.sampled_from(["", "#", "b", "##", "bb"]),
    st.sampled_from(["", "m", "7", "maj7", "m7b5", "dim7", "aug", "sus4", "7#9", "6/9", "alt", "5", "13"]),
    st.sampled_from(["", "/E", "/Bb", "/F#", "/C##"]),
)


@given(ANY_CHORD, ANY_KEY)
def test_analysis_never_fails(symbol: str, key: object) -> None:
    info = analyse(symbol, key)  # type: ignore[arg-type]
    assert info.roman and info.nashville and info.function
    assert info.diatonic == in_key(symbol, key)  # type: ignore[arg-type]
    for suggestion in suggest_next(symbol, key):  # type: ignore[arg-type]
        parse_chord(suggestion.symbol)
        assert suggestion.reason


@given(ANY_KEY)
def test_progressions_realise_in_any_key(key: object) -> None:
    for prog in progressions(None, key):  # type: ignore[arg-type]
        for chord in prog.chords:
            parse_chord(chord)
