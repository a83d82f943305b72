"""Melody sketches: a singable line for lyrics, from their stresses and the chords under them (pure).

Inputs are data: each line's syllables with their stress (the lyrics package computes them, the service
passes them in), the phrase and the chords under it (from the timeline), the key, meter and a voice.
`sketch` returns several alternatives, best first, each with a `ScoreCard` that explains its rank.
"""

from __future__ import annotations

from cowriter.core.melody.generate import LineTemplate, sketch, template_of
from cowriter.core.melody.harmony import key_for, windows
from cowriter.core.melody.meter import STRONG, strong_positions, weight
from cowriter.core.melody.types import VOICES, ChordWindow, MelodyLine, ScoreCard, Sketch, SungSyllable, Voice

__all__ = [
    "STRONG",
    "VOICES",
    "ChordWindow",
    "LineTemplate",
    "MelodyLine",
    "ScoreCard",
    "Sketch",
    "SungSyllable",
    "Voice",
    "key_for",
    "sketch",
    "strong_positions",
    "template_of",
    "weight",
    "windows",
]
