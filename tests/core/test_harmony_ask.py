"""Reading the harmony a writer asks for: key, mode, meter, bars, style, colour, tempo, named chords."""

from __future__ import annotations

import pytest

from cowriter.core.harmony_ask import HarmonyAsk, read_harmony_ask
from cowriter.core.keys import Key


@pytest.mark.parametrize(
    ("prompt", "key", "mode"),
    [
        ("a chord progression for a sad waltz in D minor", Key("D", "minor"), "minor"),
        ("something in F#m", Key("F#", "minor"), "minor"),
        ("chords for a happy song in e flat", Key("Eb", "major"), "major"),
        ("in the key of Bb", Key("Bb", "major"), "major"),
        ("key: G", Key("G", "major"), "major"),
        ("B flat minor, slowly", Key("Bb", "minor"), "minor"),
        ("in e minor please", Key("E", "minor"), "minor"),
        ("in A", Key("A", "major"), "major"),
        # the article is not the note A
        ("a progression in a minor key", None, "minor"),
        ("in a sad mood, something slow", None, "minor"),  # sad with no key: a minor key
        ("chords in a major key", None, "major"),
        ("something in g", None, None),  # a lone lower-case letter is too ambiguous
    ],
)
def test_key_and_mode(prompt: str, key: Key | None, mode: str | None) -> None:
    ask = read_harmony_ask(prompt)
    assert (ask.key, ask.mode) == (key, mode)


@pytest.mark.parametrize(
    ("prompt", "meter"),
    [
        ("a sad waltz", (3, 4)),
        ("in 6/8", (6, 8)),
        ("a jig for fiddles", (6, 8)),
        ("a 12/8 slow blues", (12, 8)),
        ("three-four time", (3, 4)),
        ("a rock song", None),
    ],
)
def test_meter(prompt: str, meter: tuple[int, int] | None) -> None:
    assert read_harmony_ask(prompt).meter == meter


@pytest.mark.parametrize(
    ("prompt", "style", "colour", "bars"),
    [
        ("a jazzier 12-bar blues in Bb", "blues", "jazz", 12),
        ("richer chords", None, "rich", None),
        ("lush, colourful chords, sixteen bars", None, "rich", 16),
        ("a jazzy progression in C", "jazz", "jazz", None),
        ("simpler chords please", None, "plain", None),
        ("a folk song, eight bars", "folk", "plain", 8),
    ],
)
def test_style_colour_bars(prompt: str, style: str | None, colour: str, bars: int | None) -> None:
    ask = read_harmony_ask(prompt)
    assert (ask.style, ask.colour, ask.bars) == (style, colour, bars)


def test_tempo_from_bpm_or_words() -> None:
    assert read_harmony_ask("at 120 bpm").tempo == 120
    assert read_harmony_ask("a slow ballad").tempo == 72
    assert read_harmony_ask("an upbeat one").tempo == 132
    assert read_harmony_ask("a ballad").tempo is None


@pytest.mark.parametrize(
    ("prompt", "numerals"),
    [
        ("a ii-V-I in F", ("ii", "V", "I")),
        ("I want a I–vi–IV–V in the key of G", ("I", "vi", "IV", "V")),
        ("try I V vi IV", ("I", "V", "vi", "IV")),
        ("I think it needs work", ()),  # the pronoun is no numeral
    ],
)
def test_roman_numerals(prompt: str, numerals: tuple[str, ...]) -> None:
    assert read_harmony_ask(prompt).numerals == numerals


@pytest.mark.parametrize(
    ("prompt", "chords"),
    [
        ("reharmonise with richer chords, use an E7", ("E7",)),
        ("Am F C G as a waltz", ("Am", "F", "C", "G")),
        ("go to C then an A", ("C", "A")),
        ("A chord progression in D minor", ()),  # the article, and the key, are not chords
        ("a Fmaj7 before the chorus, in G", ("Fmaj7",)),
    ],
)
def test_named_chords(prompt: str, chords: tuple[str, ...]) -> None:
    assert read_harmony_ask(prompt).chords == chords


def test_nothing_said_is_nothing_set() -> None:
    assert read_harmony_ask("write me something") == HarmonyAsk()


@pytest.mark.parametrize(
    ("prompt", "groove"),
    [
        ("a jazzy bossa progression in F", "bossa"),
        ("something funky", "funk"),
        ("a swing tune", "swing"),
        ("a half-time feel", "halftime"),
        ("a ballad", None),
    ],
)
def test_a_groove_named_is_kept_for_the_arranger(prompt: str, groove: str | None) -> None:
    assert read_harmony_ask(prompt).groove == groove
