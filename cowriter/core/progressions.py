"""What could come next: next-chord suggestions in a key, and common progressions per style.

Suggestions are offered beside the model's ideas: diatonic moves (with the reason a songwriter would
give), secondary dominants that lead into them, and chords borrowed from the parallel key. Progressions
are written as Roman numerals (`ii7 V7 Imaj7`, `I V/7 vi IV`, `V7/ii`) and realised in any key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from cowriter.core.chords import Chord, try_parse_chord
from cowriter.core.keys import Key
from cowriter.core.pitch import LETTER_INDEX, LETTER_PC, note_name, scan_note, spell_above
from cowriter.core.theory import NUMERALS, analyse

__all__ = [
    "PROGRESSIONS",
    "STYLES",
    "Progression",
    "RomanError",
    "Suggestion",
    "progressions",
    "realise",
    "suggest_next",
]


class RomanError(ValueError):
    """A Roman numeral this module cannot read."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A chord to try next: `kind` is diatonic, secondary dominant, borrowed or resolution."""

    symbol: str
    roman: str
    reason: str
    kind: str


@dataclass(frozen=True, slots=True)
class Progression:
    name: str
    style: str
    numerals: tuple[str, ...]
    chords: tuple[str, ...]


_ROMAN: Final = re.compile(
    r"^(?P<acc>b|#)?(?P<num>VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i)(?P<mark>°|ø|\+)?"
    r"(?P<ext>maj7|maj9|7|9|11|13|6|sus4|sus2|add9)?"
    r"(?:/(?P<tacc>b|#)?(?P<target>VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i)|/(?P<bass>[b#]?[1-7]))?$"
)


def _scale_note(key: Key, degree: int, alter: int = 0) -> str:
    letter, base, _ = scan_note(key.scale[degree])
    return note_name(letter, base + alter)


def _index(numeral: str) -> int:
    return NUMERALS.index(numeral.upper())


def realise(numeral: str, key: Key) -> str:
    """One Roman numeral as a chord symbol in `key`: `ii7` in C → `Dm7`; `V7/V` → `D7`; `I/3` → `C/E`."""
    m = _ROMAN.match(numeral)
    if m is None:
        raise RomanError(f"{numeral!r} is not a Roman numeral cowriter reads")
    degree = _index(m["num"])
    alter = {"b": -1, "#": 1, None: 0}[m["acc"]]
    upper = m["num"].isupper()
    mark, ext = m["mark"] or "", m["ext"] or ""
    if m["target"]:
        t_alter = {"b": -1, "#": 1, None: 0}[m["tacc"]]
        target = _scale_note(key, _index(m["target"]), t_alter)
        letter, t, _ = scan_note(target)
        steps, semis = (6, 11) if degree == 6 else (4, 7)  # vii°/x or V/x
        root = note_name(*spell_above(letter, t, steps, semis))
    else:
        if key.is_minor and degree == 6 and mark in ("°", "ø") and not m["acc"]:
            alter += 1  # vii° in minor is built on the leading tone
        root = _scale_note(key, degree, alter)
    if root in ("Cb", "Fb", "B#", "E#") and root not in key.scale:
        letter, r_alter, _ = scan_note(root)
        root = key.spell(LETTER_PC[letter] + r_alter)  # bII of Eb is written E, not Fb
    if mark == "°":
        suffix = "dim" + ext
    elif mark == "ø":
        suffix = "m7b5" if ext in ("", "7") else f"m{ext}b5"
    elif mark == "+":
        suffix = "aug" if not ext else f"{ext}#5"
    elif upper:
        suffix = ext
    else:
        suffix = "m" + ext
    symbol = root + suffix
    if m["bass"]:
        b_alter = -1 if m["bass"][0] == "b" else 1 if m["bass"][0] == "#" else 0
        symbol += "/" + _scale_note(key, int(m["bass"].lstrip("b#")) - 1, b_alter)
    return symbol


def _p(style: str, name: str, numerals: str, mode: str = "major") -> tuple[str, str, str, str]:
    return style, name, numerals, mode


PROGRESSIONS: Final = (
    _p("pop", "I–V–vi–IV (the four-chord song)", "I V vi IV"),
    _p("pop", "vi–IV–I–V", "vi IV I V"),
    _p("pop", "I–IV–vi–V", "I IV vi V"),
    _p("pop", "i–VI–III–VII", "i VI III VII", "minor"),
    _p("pop", "i–iv–VI–V", "i iv VI V", "minor"),
    _p("ballad", "descending bass (I–V/7–vi–IV)", "I V/7 vi IV"),
    _p("ballad", "Pachelbel (I–V–vi–iii–IV–I–IV–V)", "I V vi iii IV I IV V"),
    _p("ballad", "royal road (IV–V–iii–vi)", "IV V iii vi"),
    _p("ballad", "i–VI–iv–V", "i VI iv V", "minor"),
    _p("jazz", "ii–V–I", "ii7 V7 Imaj7"),
    _p("jazz", "I–vi–ii–V turnaround", "Imaj7 vi7 ii7 V7"),
    _p("jazz", "iii–VI–ii–V (secondary dominants)", "iii7 V7/ii ii7 V7"),
    _p("jazz", "minor ii–V–i", "iiø7 V7 i7", "minor"),
    _p("blues", "12-bar blues", "I7 I7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7"),
    _p("blues", "quick-change 12-bar", "I7 IV7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7"),
    _p("blues", "8-bar blues", "I7 V7 IV7 IV7 I7 V7 I7 V7"),
    _p("blues", "minor blues", "i7 i7 i7 i7 iv7 iv7 i7 i7 VI7 V7 i7 V7", "minor"),
    _p("folk", "three chords (I–IV–I–V)", "I IV I V"),
    _p("folk", "I–V–vi–IV", "I V vi IV"),
    _p("folk", "mixolydian (I–bVII–IV–I)", "I bVII IV I"),
    _p("folk", "i–VII–i (modal minor)", "i VII i VII", "minor"),
    _p("doo-wop", "I–vi–IV–V", "I vi IV V"),
    _p("doo-wop", "I–vi–ii–V", "I vi ii V"),
    _p("rock", "I–bVII–IV", "I bVII IV I"),
    _p("rock", "I–IV–V", "I IV V IV"),
    _p("rock", "Andalusian (i–VII–VI–V)", "i VII VI V", "minor"),
)
STYLES: Final = tuple(dict.fromkeys(style for style, *_ in PROGRESSIONS))


def progressions(style: str | None, key: Key) -> list[Progression]:
    """The style's common progressions for the key's mode, realised in the key (all styles for None)."""
    mode = "minor" if key.is_minor else "major"
    out = []
    for s, name, numerals, p_mode in PROGRESSIONS:
        if (style is None or s == style) and p_mode == mode:
            nums = tuple(numerals.split())
            out.append(Progression(name, s, nums, tuple(realise(n, key) for n in nums)))
    return out


# degree (0-based) → (numeral of the next chord, why) for major and minor keys
_MAJOR_NEXT: Final = {
    0: (
        ("IV", "up to the subdominant: opens the phrase"),
        ("V", "to the dominant: builds tension"),
        ("vi", "to the relative minor: darker"),
        ("ii", "a pre-dominant step toward V"),
        ("iii", "a gentle step"),
    ),
    1: (("V", "the ii–V pull"), ("IV", "a softer pre-dominant"), ("vii°", "a leading-tone approach")),
    2: (("vi", "down a fifth"), ("IV", "a step up to the subdominant"), ("ii", "toward a ii–V")),
    3: (
        ("V", "subdominant to dominant"),
        ("I", "home: the plagal 'amen'"),
        ("ii", "pre-dominant colour"),
        ("vi", "a falling third"),
    ),
    4: (
        ("I", "the authentic cadence: home"),
        ("vi", "the deceptive cadence"),
        ("IV", "a rock-style retreat"),
    ),
    5: (("IV", "down a third"), ("ii", "down a fifth toward V"), ("V", "up a step"), ("iii", "a step down")),
    6: (("I", "the leading tone resolves"), ("iii", "a falling fifth")),
}
_MINOR_NEXT: Final = {
    0: (
        ("iv", "to the subdominant"),
        ("V", "to the dominant"),
        ("VI", "up to the submediant"),
        ("VII", "down a step"),
        ("III", "to the relative major"),
    ),
    1: (("V", "the minor ii–V pull"), ("i", "home")),
    2: (("VI", "down a fifth"), ("VII", "up a step"), ("iv", "a falling third")),
    3: (("V", "subdominant to dominant"), ("i", "home: the plagal close"), ("VII", "up a step")),
    4: (("i", "the authentic cadence: home"), ("VI", "the deceptive cadence")),
    5: (("VII", "up a step"), ("V", "the Andalusian fall"), ("III", "down a fourth"), ("iv", "down a third")),
    6: (("III", "the dominant of the relative major"), ("i", "up a step home"), ("VI", "down a step")),
}
_SEVENTHS: Final = {
    "I": "Imaj7",
    "IV": "IVmaj7",
    "V": "V7",
    "ii": "ii7",
    "iii": "iii7",
    "vi": "vi7",
    "vii°": "viiø7",
    "i": "i7",
    "iv": "iv7",
    "VI": "VImaj7",
    "III": "IIImaj7",
    "VII": "VII7",
}


def _with_style(numeral: str, style: str | None) -> str:
    if style == "jazz":
        return _SEVENTHS.get(numeral, numeral)
    if style == "blues" and numeral in ("I", "IV", "V"):
        return numeral + "7"
    return numeral


def suggest_next(chord: Chord | str, key: Key, style: str | None = None) -> list[Suggestion]:
    """Chords that could follow `chord` in `key`, best first, each with its reason.

    Resolution of a secondary dominant first, then diatonic moves (seventh chords for jazz, dominant
    sevenths for blues), then secondary dominants into those moves, then borrowed colours.
    """
    parsed = try_parse_chord(chord) if isinstance(chord, str) else chord
    out: list[Suggestion] = []
    seen: set[str] = set()

    def add(numeral: str, reason: str, kind: str) -> None:
        symbol = realise(numeral, key)
        if symbol not in seen:
            seen.add(symbol)
            out.append(Suggestion(symbol, numeral, reason, kind))

    table = _MINOR_NEXT if key.is_minor else _MAJOR_NEXT
    moves = table[0]
    if parsed is not None and not parsed.is_no_chord:
        seen.add(parsed.format())
        seen.add(parsed.symbol)
        info = analyse(parsed, key)
        r_letter, _, _ = scan_note(parsed.root)
        t_letter, _, _ = scan_note(key.tonic)
        moves = table[(LETTER_INDEX[r_letter] - LETTER_INDEX[t_letter]) % 7]
        if info.function in ("secondary dominant", "secondary leading-tone"):
            target = info.target
            add(target, f"{parsed.symbol} resolves to {realise(target, key)}", "resolution")
        elif not info.diatonic:
            home = "i" if key.is_minor else "I"
            four = "iv" if key.is_minor else "IV"
            moves = ((home, "back home"), (four, "on to the subdominant"), ("V", "on to the dominant"))
    for numeral, reason in moves:
        add(_with_style(numeral, style), reason, "diatonic")
    for numeral, _reason in moves[:3]:
        base = numeral.rstrip("°")
        if base.upper() in ("I",) or numeral.endswith("°"):
            continue
        add(f"V7/{base}", f"the dominant of {base}: pulls into {realise(base, key)}", "secondary dominant")
    if key.is_minor:
        add("IV", "borrowed from the parallel major: a dorian lift", "borrowed")
        add("I", "the Picardy third: a major ending", "borrowed")
    else:
        add("bVII", "borrowed from the parallel minor: a rock/mixolydian lift", "borrowed")
        add("iv", "borrowed minor iv: bittersweet", "borrowed")
        add("bVI", "borrowed from the parallel minor: cinematic", "borrowed")
    return out
