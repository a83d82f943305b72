"""The data of an ABC tune (see `cowriter.core.abc`) and the key, meter and tempo fields it is read with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from cowriter.core.timeline import Meter

_COMMON_TIME = Meter(4, 4)
START_DIRECTIVE = "%%cowriter-start"
LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_LETTER_FIFTHS = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}
_MODE_SHIFT = {
    "": 0, "maj": 0, "ion": 0, "m": -3, "min": -3, "aeo": -3, "mix": -1, "dor": -2, "phr": -4,
    "lyd": 1, "loc": -5,
}  # fmt: skip
_SHARP_ORDER = "FCGDAEB"
DECORATIONS = set(".~HLMOPSTuvJR")
# A bar line (single, double, thin-thick, repeats, endings), as the parser and the transposer read it.
BAR_LINE = re.compile(r"(?:\[\||\|\]|\|\||::|:+\|+:*|\|+:*|\[(?=\d))(?:\d+(?:[,-]\d+)*)?")
# A note as written: its accidental, letter, octave marks and length (the parser, the formatter and the
# transposer read and write notes by these).
NOTE = re.compile(r"(\^\^|\^|__|_|=)?([A-Ga-g])([',]*)(\d*(?:/+\d*)?)")
ALTERATION = {"^^": 2, "^": 1, "__": -2, "_": -1, "=": 0}  # an accidental → semitones from the letter
ACCIDENTAL = {alteration: mark for mark, alteration in ALTERATION.items()}


class AbcError(ValueError):
    """ABC text cowriter cannot read, located at a 1-based line and column of the text given."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(f"{line}:{column}: {message}" if line else message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class AbcNote:
    """One sounding note. `hyphen` marks a syllable whose word continues on the next syllable."""

    start: float
    duration: float
    pitch: int
    syllable: str = ""
    hyphen: bool = False


@dataclass(frozen=True, slots=True)
class AbcChord:
    """A quoted chord symbol (`"Am"`) sounding from `start` (beats, as for notes)."""

    start: float
    symbol: str


@dataclass(frozen=True, slots=True)
class AbcTune:
    notes: tuple[AbcNote, ...] = ()
    meter: Meter = _COMMON_TIME
    key: str = "C"
    unit: Fraction = Fraction(1, 8)
    title: str = ""
    tempo: float | None = None  # beats of the meter per minute
    number: int = 1
    offset: float = 0.0
    pickup: float = 0.0
    chords: tuple[AbcChord, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()  # other header fields (C:, O:, R:…), in order

    @property
    def beats(self) -> float:
        """Where the last note or chord ends, in beats from the tune's beat 0."""
        ends = [n.start + n.duration for n in self.notes] + [c.start for c in self.chords]
        return max(ends, default=0.0)

    @property
    def syllables(self) -> tuple[str, ...]:
        return tuple(n.syllable for n in self.notes if n.syllable)


# ---------------------------------------------------------------- notes


def written_pitch(
    accidental: str | None,
    letter: str,
    marks: str,
    signature: dict[str, int],
    bar: dict[tuple[str, int], int],
    *,
    remember: bool = True,
) -> tuple[int, int]:
    """(MIDI pitch, alteration) of a note as written: its octave from the letter's case and its marks;
    its alteration from its own accidental (which lasts to the bar line, at its octave: kept in `bar`
    unless `remember` is False, as for a grace note), else the bar's earlier one, else the key's."""
    octave = (5 if letter.islower() else 4) + marks.count("'") - marks.count(",")
    upper = letter.upper()
    if accidental:
        alteration = ALTERATION[accidental]
        if remember:
            bar[(upper, octave)] = alteration
    else:
        alteration = bar.get((upper, octave), signature[upper])
    return 12 * (octave + 1) + LETTER_PC[upper] + alteration, alteration


def pitch_text(letter: str, octave: int) -> str:
    """A letter at an octave as ABC writes it (`C` is middle C's octave 4, `c` 5, `c'` 6, `C,` 3)."""
    if octave >= 5:
        return letter.lower() + "'" * (octave - 5)
    return letter + "," * (4 - octave)


def spell_in_key(pc: int, signature: dict[str, int]) -> tuple[str, int] | None:
    """The letter (and its alteration) the key signature gives pitch class `pc`, if any."""
    return next(((lt, signature[lt]) for lt in LETTER_PC if (LETTER_PC[lt] + signature[lt]) % 12 == pc), None)


def spell_outside(pc: int, signature: dict[str, int]) -> tuple[str, int]:
    """Pitch class `pc` where the key has no letter for it: a white key, else a sharp in a sharp key and a
    flat in a flat key."""
    white = next((lt for lt in LETTER_PC if LETTER_PC[lt] == pc), None)
    if white is not None:
        return white, 0
    want = 1 if key_fifths(signature) >= 0 else -1
    return next((lt, want) for lt in LETTER_PC if (LETTER_PC[lt] + want) % 12 == pc)


# ---------------------------------------------------------------- keys and meters


def key_signature(key: str) -> dict[str, int]:
    """Alteration (+1 sharp, -1 flat) of each letter under an ABC key (`G`, `Am`, `F#m`, `Bb`, `Dmix`)."""
    text = key.strip()
    m = re.match(r"(?i)^(none|hp)?$", text)
    if m or not text:
        return dict.fromkeys(LETTER_PC, 0)
    m = re.match(r"^([A-Ga-g])([#b]?)\s*([A-Za-z]*)", text)
    if not m:
        raise AbcError(f"unknown key {key!r}")
    letter, accidental, mode = m.group(1).upper(), m.group(2), m.group(3).lower()
    mode_key = "m" if mode == "m" else mode[:3]
    if mode_key not in _MODE_SHIFT:
        raise AbcError(f"unknown mode {mode!r} in key {key!r}")
    fifths = _LETTER_FIFTHS[letter] + {"#": 7, "b": -7, "": 0}[accidental] + _MODE_SHIFT[mode_key]
    signature = dict.fromkeys(LETTER_PC, 0)
    for i in range(min(abs(fifths), 7)):
        if fifths > 0:
            signature[_SHARP_ORDER[i]] = 1
        else:
            signature[_SHARP_ORDER[6 - i]] = -1
    return signature


def key_fifths(signature: dict[str, int]) -> int:
    return sum(signature.values())


def parse_key_field(value: str) -> str:
    """The key part of a K: field (clef and other parameters dropped)."""
    words = value.split()
    if not words:
        return "C"
    key = words[0]
    if len(words) > 1 and re.match(r"(?i)^(maj|min|mix|dor|phr|lyd|loc|aeo|ion|m$)", words[1]):
        key += words[1]
    key_signature(key)  # validate
    return key


def parse_meter(value: str) -> Meter:
    value = value.strip()
    if value in ("C", ""):
        return Meter(4, 4)
    if value == "C|":
        return Meter(2, 2)
    if value.lower() == "none":
        return Meter(4, 4)
    m = re.match(r"^\(?([\d+]+)\)?\s*/\s*(\d+)$", value)
    if not m:
        raise AbcError(f"unreadable meter {value!r}")
    return Meter(sum(int(x) for x in m.group(1).split("+")), int(m.group(2)))


def parse_fraction(value: str) -> Fraction:
    m = re.match(r"^\s*(\d+)\s*/\s*(\d+)\s*$", value)
    if not m or int(m.group(2)) == 0:
        raise AbcError(f"unreadable length {value!r}")
    return Fraction(int(m.group(1)), int(m.group(2)))


def parse_tempo(value: str, meter: Meter) -> float:
    """Q: (`1/4=120`, `120`, `"Allegro" 3/8=60`) as beats of the meter per minute."""
    text = re.sub(r'"[^"]*"', "", value).strip()
    m = re.match(r"^(?:([\d/ ]+)=)?\s*(\d+(?:\.\d+)?)$", text)
    if not m:
        raise AbcError(f"unreadable tempo {value!r}")
    bpm = float(m.group(2))
    if m.group(1):
        beat = sum((parse_fraction(p) for p in m.group(1).split()), Fraction(0))
        bpm = float(bpm * beat * meter.unit)
    return bpm
