"""Keys: parsing names, scales spelled by letter, signatures, spelling pitch classes in a key."""

from __future__ import annotations

import pytest

from cowriter.core.keys import Key, KeyError_, parse_key, transpose_key
from cowriter.core.pitch import pitch_class

KEYS = [
    ("C", "C", "major", "C D E F G A B", 0),
    ("Am", "A", "minor", "A B C D E F G", 0),
    ("F#m", "F#", "minor", "F# G# A B C# D E", 3),
    ("Bb", "Bb", "major", "Bb C D Eb F G A", -2),
    ("Ebm", "Eb", "minor", "Eb F Gb Ab Bb Cb Db", -6),
    ("F", "F", "major", "F G A Bb C D E", -1),
    ("D", "D", "major", "D E F# G A B C#", 2),
    ("C#", "C#", "major", "C# D# E# F# G# A# B#", 7),
    ("Cb", "Cb", "major", "Cb Db Eb Fb Gb Ab Bb", -7),
    ("E♭", "Eb", "major", "Eb F G Ab Bb C D", -3),
    ("A minor", "A", "minor", "A B C D E F G", 0),
    ("C major", "C", "major", "C D E F G A B", 0),
    ("Gmin", "G", "minor", "G A Bb C D Eb F", -2),
]


@pytest.mark.parametrize(("text", "tonic", "mode", "scale", "signature"), KEYS)
def test_parse_and_scale(text: str, tonic: str, mode: str, scale: str, signature: int) -> None:
    key = parse_key(text)
    assert (key.tonic, key.mode) == (tonic, mode)
    assert key.scale == tuple(scale.split())
    assert key.signature == signature
    assert Key.parse(key.name) == key


@pytest.mark.parametrize("text", ["", "H", "am", "Cx", "C#b", "Q minor", "Cmajor7"])
def test_bad_keys(text: str) -> None:
    with pytest.raises(KeyError_):
        parse_key(text)


# key, pitch class name (any spelling), expected spelling in that key
SPELLINGS = [
    ("F", "A#", "Bb"),  # into F major never A#
    ("F", "E", "E"),
    ("C", "A#", "Bb"),  # bVII
    ("C", "D#", "Eb"),  # bIII
    ("C", "G#", "Ab"),  # bVI
    ("C", "Gb", "F#"),  # #IV (the secondary dominant of V's third lives there)
    ("C", "C#", "Db"),  # bII (Neapolitan)
    ("E", "Ab", "G#"),
    ("D", "Gb", "F#"),
    ("Am", "G#", "G#"),  # the leading tone in minor
    ("Am", "C#", "C#"),  # the Picardy third
    ("Am", "F#", "F#"),  # the dorian sixth
    ("Am", "Bb", "Bb"),  # the Phrygian second
    ("Ebm", "B", "Cb"),
    ("Bb", "E", "E"),
    ("Gb", "G", "G"),  # b2 of Gb would be Abb: falls back to the plain name
    ("F#", "C", "C"),
]


@pytest.mark.parametrize(("key", "note", "spelled"), SPELLINGS)
def test_spell_in_key(key: str, note: str, spelled: str) -> None:
    assert parse_key(key).spell(pitch_class(note)) == spelled


def test_relative_and_parallel() -> None:
    assert parse_key("C").relative == parse_key("Am")
    assert parse_key("F#m").relative == parse_key("A")
    assert parse_key("C").parallel == parse_key("Cm")
    assert parse_key("Eb").degree_of(pitch_class("Bb")) == 4
    assert parse_key("Eb").degree_of(pitch_class("B")) is None


TRANSPOSED_KEYS = [
    ("C", 2, "D"),
    ("C", 1, "Db"),  # fewest accidentals: Db (5 flats), not C# (7 sharps)
    ("C", -1, "B"),
    ("C", 6, "F#"),
    ("Am", 1, "Bbm"),
    ("Am", 3, "Cm"),
    ("Am", -1, "G#m"),
    ("Em", -1, "Ebm"),
    ("Bb", 12, "Bb"),
    ("G", 5, "C"),
    ("D", -1, "Db"),
]


@pytest.mark.parametrize(("key", "n", "expected"), TRANSPOSED_KEYS)
def test_transpose_key(key: str, n: int, expected: str) -> None:
    assert transpose_key(key, n).name == expected
    assert transpose_key(parse_key(key), n) == parse_key(expected)
