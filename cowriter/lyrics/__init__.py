"""Lyric craft in code: syllables, stress, rhymes and rhyme schemes (CMU dictionary via `pronouncing`).

`pronouncing` loads on first use, so importing this package stays cheap.
"""

from __future__ import annotations

from cowriter.lyrics.rhyme import is_rhyme, rhyme_key, rhyme_scheme, rhymes
from cowriter.lyrics.stress import Syllable, stress_pattern, syllabify

__all__ = [
    "Syllable",
    "is_rhyme",
    "rhyme_key",
    "rhyme_scheme",
    "rhymes",
    "stress_pattern",
    "syllabify",
    "syllables",
]


def syllables(text: str) -> int:
    """How many syllables a line (or any text) has."""
    return len(syllabify(text))
