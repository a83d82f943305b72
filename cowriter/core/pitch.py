"""Note names: parsing, pitch classes and spelling.

A note name is a letter `A`–`G` followed by at most two accidentals of one kind: `#`/`♯` (sharp), `b`/`♭`
(flat), `##`/`𝄪`/`x`-less double sharp, `bb`/`𝄫`. Lower-case letters are not note names here (a chord
sheet's `am` is more often a word than a chord). German `H` is not accepted.

Spelling works on (letter, alteration) pairs, so intervals keep their letter distance: the minor third
above F# is A, never G##; the flat ninth above C is Db, never C#.
"""

from __future__ import annotations

from typing import Final

LETTERS: Final = "CDEFGAB"
LETTER_PC: Final[dict[str, int]] = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
LETTER_INDEX: Final[dict[str, int]] = {letter: i for i, letter in enumerate(LETTERS)}

#: Accidental spellings accepted after a letter, mapped to their alteration in semitones.
ACCIDENTALS: Final[dict[str, int]] = {
    "": 0,
    "#": 1,
    "♯": 1,
    "##": 2,
    "♯♯": 2,
    "𝄪": 2,
    "b": -1,
    "♭": -1,
    "bb": -2,
    "♭♭": -2,
    "𝄫": -2,
}
SHARP_CHARS: Final = frozenset("#♯")
FLAT_CHARS: Final = frozenset("b♭")

#: The conventional spelling of each pitch class with sharps and with flats.
SHARP_NAMES: Final = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_NAMES: Final = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")

#: Pitch class → how a chord *root* is spelled when there is no key to follow: the spelling whose major
#: key signature has the fewest accidentals (Db over C#, Eb over D#, Ab over G#, Bb over A#); F# over Gb
#: (a tie, settled by guitar charts' habit).
MAJOR_ROOT_NAMES: Final = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
#: The same rule for minor-family chords (their minor key signature): C#m, F#m, G#m; Ebm (tie); Bbm.
MINOR_ROOT_NAMES: Final = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")


class NoteError(ValueError):
    """Text that is not a note name; `column` is the 1-based offset of the offending character."""

    def __init__(self, message: str, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def scan_note(text: str, start: int = 0) -> tuple[str, int, int]:
    """Read a note name at `text[start:]`: (letter, alteration, end index).

    Reads at most two accidentals of one kind; a third, or a mix (`Ab#`), is left unread so the caller
    can report it. Raises NoteError when no upper-case letter A–G starts the text.
    """
    if start >= len(text) or text[start] not in LETTER_PC:
        raise NoteError("expected a note letter A-G", start + 1)
    letter = text[start]
    i = start + 1
    n = len(text)
    if i < n:
        ch = text[i]
        if ch in SHARP_CHARS:
            alter = 1
            i += 1
            if i < n and text[i] in SHARP_CHARS:
                alter, i = 2, i + 1
            return letter, alter, i
        if ch in FLAT_CHARS:
            alter = -1
            i += 1
            if i < n and text[i] in FLAT_CHARS:
                alter, i = -2, i + 1
            return letter, alter, i
        if ch == "𝄪":
            return letter, 2, i + 1
        if ch == "𝄫":
            return letter, -2, i + 1
    return letter, 0, i


def parse_note(name: str) -> tuple[str, int]:
    """`"F#"` → `("F", 1)`; `"E♭"` → `("E", -1)`. The whole text must be one note name."""
    letter, alter, end = scan_note(name)
    if end != len(name):
        raise NoteError(f"{name!r} is not a note name", end + 1)
    return letter, alter


def is_note(name: str) -> bool:
    try:
        parse_note(name)
    except NoteError:
        return False
    return True


def pitch_class(name: str) -> int:
    """`"C"` → 0, `"F#"` → 6, `"Cb"` → 11, `"B#"` → 0."""
    letter, alter = parse_note(name)
    return (LETTER_PC[letter] + alter) % 12


def accidental_text(alter: int) -> str:
    """The ASCII accidental for an alteration: 1 → `#`, -2 → `bb`."""
    return "#" * alter if alter >= 0 else "b" * -alter


def note_name(letter: str, alter: int) -> str:
    """`("B", -1)` → `"Bb"` (ASCII accidentals)."""
    return letter + accidental_text(alter)


def normalise_note(name: str) -> str:
    """A note name with ASCII accidentals: `"E♭"` → `"Eb"`."""
    return note_name(*parse_note(name))


def spell_above(letter: str, alter: int, steps: int, semitones: int) -> tuple[str, int]:
    """The note `steps` letters and `semitones` semitones above (letter, alter).

    `spell_above("F", 1, 2, 3)` → `("A", 0)` (a minor third above F#). Steps and semitones may exceed an
    octave (a ninth is 8 steps, 14 semitones).
    """
    new_letter = LETTERS[(LETTER_INDEX[letter] + steps) % 7]
    target = (LETTER_PC[letter] + alter + semitones) % 12
    diff = (target - LETTER_PC[new_letter]) % 12
    if diff > 6:
        diff -= 12
    return new_letter, diff


def spell_pitch_class(pc: int, flats: bool = False) -> str:
    """The plain spelling of a pitch class: sharps by default, flats when asked."""
    return (FLAT_NAMES if flats else SHARP_NAMES)[pc % 12]


def simplest(letter: str, alter: int) -> tuple[str, int]:
    """Respell a double accidental, or Cb/Fb/B#/E#, as the plain name of the same pitch class.

    The direction of the original accidental is kept (`Cbb` → `Bb`, `E#` → `F`, `F##` → `G`).
    """
    if -1 <= alter <= 1 and note_name(letter, alter) not in ("Cb", "Fb", "B#", "E#"):
        return letter, alter
    pc = (LETTER_PC[letter] + alter) % 12
    return parse_note(spell_pitch_class(pc, flats=alter < 0))


def spell(pc: int, key: object = None) -> str:
    """A pitch class spelled for a key (a `Key` or a key name like `F` or `Ebm`); with no key, sharps.

    `spell(10, "F")` → `Bb`, `spell(10, "E")` → `A#`, `spell(6, "C")` → `F#`. See `Key.spell` for the
    rule for notes outside the key.
    """
    if key is None:
        return spell_pitch_class(pc)
    from cowriter.core.keys import Key, parse_key

    k = key if isinstance(key, Key) else parse_key(str(key))
    return k.spell(pc)
