"""Stress patterns: dictionary stress, function words made light, secondary stress where it counts."""

from __future__ import annotations

import pytest

from cowriter.lyrics import stress_pattern, syllabify


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("Amazing grace, how sweet the sound", "01011101"),
        ("Twinkle, twinkle, little star", "1010101"),  # trochaic
        ("I understand the conversation", "010101010"),  # secondary stress kept away from primary
        ("the cat and the hat", "01001"),  # articles and conjunctions are light
        ("a cat in the hat", "01001"),
        ("I was in the middle of it", "01001001"),  # a run of light words lifts every second one
        ("Shall I compare thee to a summer's day", "0101010101"),  # Shakespeare, Sonnet 18 (iambic)
        ("and here you are", "0101"),  # ... except the last word, where the rhyme falls
    ],
)
def test_stress_pattern(line: str, pattern: str) -> None:
    assert stress_pattern(line) == pattern


def test_pattern_has_one_digit_per_syllable() -> None:
    line = "Mine eyes have seen the glory of the coming of the Lord"
    assert len(stress_pattern(line)) == len(syllabify(line)) == 14
    assert set(stress_pattern(line)) <= {"0", "1"}
