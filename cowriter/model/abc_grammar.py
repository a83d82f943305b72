"""A GBNF grammar for one melody line in ABC: exactly N notes, pitches from a given set, small durations.

The model writes only the note body (`E2 G A | c2 B G2 |]`); the caller prepends a fixed header (X:, M:,
L:, K:) and the lyrics, so the header can never be wrong. Each note is a pitch token from `pitches` (the
key's scale inside a voice's range, spelled for the key signature: see `scale_tokens`) followed by an
optional length from `DURATIONS` (in units of L:); notes are separated by a space or a bar line. The body
ends with `|]`.

The start rule is `root` (llama.cpp's convention); no other rule is called `root`.
"""

from __future__ import annotations

from collections.abc import Sequence

from cowriter.model.grammar import literal

DURATIONS = ("", "2", "3", "4")  # with L:1/8: eighth, quarter, dotted quarter, half
_LETTERS = ("C", "D", "E", "F", "G", "A", "B")
_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def pitch_token(letter: str, octave: int) -> str:
    """The ABC spelling of `letter` in scientific `octave` (C4 is `C`, C5 is `c`, C3 is `C,`)."""
    if octave >= 5:
        return letter.lower() + "'" * (octave - 5)
    return letter.upper() + "," * (4 - octave)


def scale_tokens(signature: dict[str, int], low: int, high: int) -> dict[str, int]:
    """Pitch tokens (no accidentals: the key signature applies) whose MIDI pitch lies in `low`..`high`,
    mapped to that pitch. `signature` is the alteration of each letter (`core.abc.key_signature`)."""
    out: dict[str, int] = {}
    for octave in range(0, 9):
        for letter in _LETTERS:
            pitch = 12 * (octave + 1) + _LETTER_PC[letter] + signature.get(letter, 0)
            if low <= pitch <= high:
                out[pitch_token(letter, octave)] = pitch
    return out


def melody_grammar(notes: int, pitches: Sequence[str], durations: Sequence[str] = DURATIONS) -> str:
    """A complete GBNF grammar for an ABC body of exactly `notes` notes drawn from `pitches`."""
    if notes < 1:
        raise ValueError("a melody needs at least one note")
    if not pitches:
        raise ValueError("no pitches to choose from")
    unique = sorted(set(pitches), key=lambda p: (-len(p), p))
    lengths = [d for d in dict.fromkeys(durations) if d]
    pitch_rule = "(" + " | ".join(literal(p) for p in unique) + ")"
    length_rule = ("(" + " | ".join(literal(d) for d in lengths) + ")?") if lengths else ""
    rules = {
        "root": "note" + (f" (sep note){{{notes - 1}}}" if notes > 1 else "") + ' " |]"',
        "note": f"pitch {length_rule}".strip(),
        "pitch": pitch_rule,
        "sep": '" " | " | "',
    }
    return "\n".join(f"{name} ::= {body}" for name, body in rules.items()) + "\n"
