"""Keys: tonic and mode, scales, key signatures, and spelling a pitch class the way the key wants it.

`parse_key("F#m")` → `Key("F#", "minor")`. A key spells its seven scale notes by letter (F major has Bb,
never A#); chromatic notes take the spelling of the chromatic degree songs use most (in major: b2, b3,
#4, b6, b7; in minor: b2, 3, #4, 6, 7), and a chromatic spelling that would need a double accidental
(or B#, E#, Cb, Fb) falls back to the plain name in the key's direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from cowriter.core.pitch import (
    LETTER_PC,
    MAJOR_ROOT_NAMES,
    MINOR_ROOT_NAMES,
    NoteError,
    note_name,
    scan_note,
    spell_above,
    spell_pitch_class,
)

__all__ = ["MODES", "Key", "KeyError_", "parse_key", "transpose_key"]

MODES: Final = ("major", "minor")
MAJOR_SCALE: Final = (0, 2, 4, 5, 7, 9, 11)
MINOR_SCALE: Final = (0, 2, 3, 5, 7, 8, 10)  # natural minor
#: Chromatic offsets from the tonic → (letter steps, semitones) of the degree they are spelled as.
_CHROMATIC: Final = {
    "major": {1: (1, 1), 3: (2, 3), 6: (3, 6), 8: (5, 8), 10: (6, 10)},  # b2 b3 #4 b6 b7
    "minor": {1: (1, 1), 4: (2, 4), 6: (3, 6), 9: (5, 9), 11: (6, 11)},  # b2 3 #4 6 7
}
_MINOR_WORDS: Final = ("m", "min", "minor", "-", "mi", "MIN", "Min", "Minor", "MI", " minor", " min", " m")
_MAJOR_WORDS: Final = ("", "maj", "major", "M", "Maj", "Major", "MAJ", " major", " maj", "ma")


class KeyError_(ValueError):
    """Text that is not a key name."""


@dataclass(frozen=True, slots=True)
class Key:
    """A key: `tonic` a note name with ASCII accidentals, `mode` major or minor."""

    tonic: str
    mode: str = "major"

    @staticmethod
    def parse(text: str) -> Key:
        return parse_key(text)

    @property
    def is_minor(self) -> bool:
        return self.mode == "minor"

    @property
    def name(self) -> str:
        """`C`, `F#m`, `Bbm`: how a chart's `{key}` writes it."""
        return self.tonic + ("m" if self.is_minor else "")

    def __str__(self) -> str:
        return self.name

    @property
    def tonic_pc(self) -> int:
        letter, alter, _ = scan_note(self.tonic)
        return (LETTER_PC[letter] + alter) % 12

    @property
    def scale(self) -> tuple[str, ...]:
        """The seven notes, spelled by letter: D major → D E F# G A B C#."""
        return _scale(self.tonic, self.mode)

    @property
    def steps(self) -> tuple[int, ...]:
        """Semitones of the scale degrees above the tonic."""
        return MINOR_SCALE if self.is_minor else MAJOR_SCALE

    @property
    def signature(self) -> int:
        """Sharps (positive) or flats (negative) in the key signature: D → 2, Bb → -2, Ebm → -6."""
        total = 0
        for note in self.scale:
            total += note.count("#") - note.count("b")
        return total

    @property
    def prefers_flats(self) -> bool:
        """Whether the key's own accidentals are flats (F major and C minor count as flat keys)."""
        sig = self.signature
        if sig:
            return sig < 0
        return False

    @property
    def relative(self) -> Key:
        """A minor ↔ C major."""
        if self.is_minor:
            return Key(self.scale[2], "major")
        return Key(self.scale[5], "minor")

    @property
    def parallel(self) -> Key:
        """C major ↔ C minor."""
        return Key(self.tonic, "major" if self.is_minor else "minor")

    def degree_of(self, pc: int) -> int | None:
        """The 0-based scale degree of a pitch class, or None when it is not in the scale."""
        offset = (pc - self.tonic_pc) % 12
        try:
            return self.steps.index(offset)
        except ValueError:
            return None

    def contains(self, pc: int) -> bool:
        return self.degree_of(pc) is not None

    def spell(self, pc: int) -> str:
        """A pitch class spelled for this key: in F, 10 → Bb; in E, 8 → G#; in C, 10 → Bb, 6 → F#."""
        return _spell(self.tonic, self.mode, pc % 12)


@lru_cache(maxsize=256)
def _scale(tonic: str, mode: str) -> tuple[str, ...]:
    letter, alter, _ = scan_note(tonic)
    steps = MINOR_SCALE if mode == "minor" else MAJOR_SCALE
    return tuple(note_name(*spell_above(letter, alter, i, s)) for i, s in enumerate(steps))


@lru_cache(maxsize=1024)
def _spell(tonic: str, mode: str, pc: int) -> str:
    letter, alter, _ = scan_note(tonic)
    tonic_pc = (LETTER_PC[letter] + alter) % 12
    offset = (pc - tonic_pc) % 12
    steps = MINOR_SCALE if mode == "minor" else MAJOR_SCALE
    if offset in steps:
        step, semis = steps.index(offset), offset
    else:
        step, semis = _CHROMATIC[mode][offset]
    n_letter, n_alter = spell_above(letter, alter, step, semis)
    name = note_name(n_letter, n_alter)
    if -1 <= n_alter <= 1 and (offset in steps or name not in ("B#", "E#", "Cb", "Fb")):
        return name
    flats = Key(tonic, mode).prefers_flats
    return spell_pitch_class(pc, flats=flats)


def parse_key(text: str) -> Key:
    """`C`, `Am`, `F#m`, `Bb`, `Ebm`, `E♭ minor`, `C major`, `Amin` → Key. Raises KeyError_."""
    raw = text.strip()
    try:
        letter, alter, end = scan_note(raw)
    except NoteError:
        raise KeyError_(f"{text!r} is not a key (expected a note A-G, then m for minor)") from None
    rest = raw[end:]
    if rest in _MINOR_WORDS:
        mode = "minor"
    elif rest in _MAJOR_WORDS:
        mode = "major"
    else:
        raise KeyError_(f"{text!r} is not a key (expected a note A-G, then m for minor)")
    return Key(note_name(letter, alter), mode)


def conventional_tonic(pc: int, minor: bool, flats: bool | None = None) -> str:
    """The usual name of a key on a pitch class: fewest accidentals (Db, Eb, F#, Ab, Bb; C#m, Ebm, G#m).

    The two ties (F#/Gb major, D#m/Ebm minor) go to `flats` when given, else to F# and Ebm.
    """
    pc %= 12
    if flats is not None and pc == (6 if not minor else 3):
        return spell_pitch_class(pc, flats=flats)
    return (MINOR_ROOT_NAMES if minor else MAJOR_ROOT_NAMES)[pc]


def transpose_key(key: Key | str, semitones: int) -> Key:
    """The key `semitones` away, named conventionally (C + 1 → Db, Am + 1 → Bbm, A + 1 → Bb)."""
    k = parse_key(key) if isinstance(key, str) else key
    if semitones % 12 == 0:
        return k
    return Key(conventional_tonic(k.tonic_pc + semitones, k.is_minor), k.mode)
