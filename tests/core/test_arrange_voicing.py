"""Voice leading and guitar shapes."""

from __future__ import annotations

import itertools

import pytest

from cowriter.core.arrange.harmony import harmony_of
from cowriter.core.arrange.voicing import (
    GUITAR_TUNING,
    KEYS_HIGH,
    KEYS_LOW,
    choose_tones,
    guitar_shape,
    lead_voices,
    motion,
    root_position,
    shape_pitches,
)


def _led(symbols: list[str]) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = []
    previous = None
    for symbol in symbols:
        h = harmony_of(symbol)
        previous = lead_voices(choose_tones(h.root, h.intervals), previous)
        out.append(previous)
    return out


def _blocks(symbols: list[str]) -> list[tuple[int, ...]]:
    return [root_position(harmony_of(s).root, harmony_of(s).intervals) for s in symbols]


def _total(voicings: list[tuple[int, ...]]) -> int:
    return sum(motion(a, b) for a, b in itertools.pairwise(voicings))


@pytest.mark.parametrize(
    "progression",
    [
        ["Dm7", "G7", "Cmaj7"],
        ["Am7", "D7", "Gmaj7"],
        ["C", "Am", "F", "G"],
        ["Bbmaj7", "Ebmaj7", "Am7b5", "D7b9", "Gm"],
    ],
)
def test_voice_leading_moves_less_than_root_position_blocks(progression: list[str]) -> None:
    led, blocks = _led(progression), _blocks(progression)
    assert _total(led) < _total(blocks)
    for voicing, symbol in zip(led, progression, strict=True):
        assert min(voicing) >= KEYS_LOW and max(voicing) <= KEYS_HIGH
        assert {p % 12 for p in voicing} <= set(harmony_of(symbol).pitch_classes)


def test_two_five_one_numbers() -> None:
    led = _led(["Dm7", "G7", "Cmaj7"])
    assert _total(led) <= 6  # every voice moves by step at most: the textbook ii-V-I
    assert _total(_blocks(["Dm7", "G7", "Cmaj7"])) >= 12


def test_motion_counts_semitones() -> None:
    assert motion((60, 64, 67), (60, 65, 69)) == 3
    assert motion((60, 64, 67), (60, 64, 67)) == 0


@pytest.mark.parametrize(
    ("symbol", "shape"),
    [
        ("C", (None, 3, 2, 0, 1, 0)),
        ("G", (3, 2, 0, 0, 0, 3)),
        ("E", (0, 2, 2, 1, 0, 0)),
        ("Am", (None, 0, 2, 2, 1, 0)),
        ("F", (1, 3, 3, 2, 1, 1)),
        ("Dm7", (None, None, 0, 2, 1, 1)),
        ("D/F#", (2, 0, 0, 2, 3, 2)),
        ("Cmaj7", (None, 3, 2, 0, 0, 0)),
    ],
)
def test_open_shapes_a_guitarist_knows(symbol: str, shape: tuple[int | None, ...]) -> None:
    h = harmony_of(symbol)
    assert guitar_shape(h.root, h.intervals, h.bass) == shape


@pytest.mark.parametrize(
    "symbol",
    [
        "C",
        "D",
        "Bb",
        "Bm",
        "F#m",
        "Ab",
        "C#m7",
        "Ebmaj7",
        "G7",
        "B7",
        "Fm6",
        "Gsus4",
        "Adim7",
        "E7#9",
        "C/G",
        "Am/G",
        "Db9",
        "D7alt",  # no hand holds seven tones: it keeps its 3rd and 7th (it fell back to D and A)
        "Bb7alt",
        "G13#11",
        "Ebm11b5",
    ],
)
def test_every_shape_is_playable_and_sounds_only_chord_tones(symbol: str) -> None:
    h = harmony_of(symbol)
    shape = guitar_shape(h.root, h.intervals, h.bass)
    pitches = shape_pitches(shape)
    assert len(shape) == len(GUITAR_TUNING) and len(pitches) >= 4
    assert {p % 12 for p in pitches} <= set(h.pitch_classes) | {h.bass}
    assert min(pitches) % 12 == h.bass
    fretted = [f for f in shape if f]
    assert not fretted or max(fretted) - min(fretted) <= 3
    sounded = [i for i, f in enumerate(shape) if f is not None]
    assert sounded == list(range(sounded[0], 6))  # muted strings only on the bass side
    third, seventh = (
        (h.root + h.third) % 12,
        next((h.root + i) % 12 for i in (10, 11, 9, 0) if i in h.intervals),
    )
    assert {third, seventh} <= {p % 12 for p in pitches}
