"""Harmony relative to a key: Roman numerals, Nashville numbers, diatonic checks, key guessing.

`analyse(parse_chord("Am"), parse_key("C"))` → roman `vi`, nashville `6m`, function `diatonic`.
Chromatic chords are named by what they do: `D7` in C is `V7/V` (a secondary dominant), `F#dim7` is
`vii°7/V`, `Bb` is `bVII` and `Fm` is `iv` (borrowed from C minor), `Db` is `bII` (Neapolitan).

Minor keys count the harmonic minor's raised seventh as diatonic (`E7` in A minor is its `V7`, and
`G#dim` its `vii°`); numerals in a minor key count from its natural minor scale (`III` in A minor is C).
Next-chord suggestions and style progressions live in `cowriter.core.progressions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cowriter.core.chords import Chord, try_parse_chord
from cowriter.core.keys import Key, conventional_tonic
from cowriter.core.pitch import LETTER_INDEX, LETTER_PC, scan_note

if TYPE_CHECKING:
    from cowriter.core.progressions import Suggestion

__all__ = [
    "Analysis",
    "analyse",
    "diatonic_chords",
    "guess_key",
    "in_key",
    "nashville",
    "roman",
    "suggest_next",
]

NUMERALS: Final = ("I", "II", "III", "IV", "V", "VI", "VII")


@dataclass(frozen=True, slots=True)
class Analysis:
    """A chord seen from a key. `function`: diatonic, secondary dominant, secondary leading-tone,
    chromatic bass (a diatonic chord over a bass outside the key), borrowed, neapolitan, chromatic or
    no chord; `explanation` says it in words."""

    symbol: str
    roman: str
    nashville: str
    function: str
    diatonic: bool
    explanation: str
    target: str = ""  # what a secondary chord leads to (`V` for D7 in C), else ""


def _scale_pcs(key: Key, harmonic: bool = True) -> frozenset[int]:
    steps = set(key.steps)
    if key.is_minor and harmonic:
        steps.add(11)  # the raised seventh of harmonic minor
    return frozenset((key.tonic_pc + s) % 12 for s in steps)


def in_key(chord: Chord | str, key: Key) -> bool:
    """Whether every note of the chord (and its bass) belongs to the key (harmonic minor for minor keys).

    `N.C.` and unreadable symbols count as in key (there is nothing to flag).
    """
    parsed = try_parse_chord(chord) if isinstance(chord, str) else chord
    if parsed is None or parsed.is_no_chord:
        return True
    pcs = set(parsed.pitch_classes)
    if parsed.bass_pitch_class is not None:
        pcs.add(parsed.bass_pitch_class)
    if not key.is_minor:
        return pcs <= _scale_pcs(key)
    natural = _scale_pcs(key, harmonic=False)
    harmonic = _scale_pcs(key)
    leading, subtonic = (key.tonic_pc + 11) % 12, (key.tonic_pc + 10) % 12
    # a chord may use the raised seventh or the lowered one, not both
    return pcs <= natural or (pcs <= harmonic and not {leading, subtonic} <= pcs)


def _degree(root: str, key: Key) -> tuple[int, int]:
    """(0-based degree, accidental) of a root relative to the key's scale, by letter: Bb in C → (6, -1)."""
    r_letter, r_alter, _ = scan_note(root)
    t_letter, _, _ = scan_note(key.tonic)
    degree = (LETTER_INDEX[r_letter] - LETTER_INDEX[t_letter]) % 7
    expected = (key.tonic_pc + key.steps[degree]) % 12
    actual = (LETTER_PC[r_letter] + r_alter) % 12
    diff = (actual - expected) % 12
    if diff > 6:
        diff -= 12
    if key.is_minor and degree == 6 and diff == 1:
        return degree, 0  # the raised seventh of minor is its leading tone: vii°, not #vii°
    if abs(diff) > 1:  # an odd spelling (E# as a root in C): go by pitch class
        offset = (actual - key.tonic_pc) % 12
        scale = key.steps
        for d, s in enumerate(scale):
            if s == offset:
                return d, 0
        for d, s in enumerate(scale):
            if (s - 1) % 12 == offset:
                return d, -1
    return degree, diff


def _acc(alter: int) -> str:
    return "#" * alter if alter > 0 else "b" * -alter


def _marks(chord: Chord) -> tuple[bool, str, str]:
    """(upper case?, quality mark, extension text) for numeral-style names."""
    name = chord.name
    family = chord.family
    if family == "half-diminished":
        rest = name.replace("m7b5", "7").replace("m9b5", "9").replace("m11b5", "11").replace("m13b5", "13")
        return False, "ø", rest
    if family == "diminished":
        return False, "°", name.replace("dim", "", 1)
    if family == "minor":
        return False, "", name[1:] if name.startswith("m") else name
    if family == "augmented" or name.startswith(("aug", "7#5", "9#5", "maj7#5")):
        rest = name.replace("aug", "").replace("#5", "")
        return True, "+", rest
    return True, "", name


def _numeral(degree: int, alter: int, upper: bool) -> str:
    text = NUMERALS[degree]
    return _acc(alter) + (text if upper else text.lower())


def _bass_text(chord: Chord, key: Key) -> str:
    if chord.bass is None:
        return ""
    degree, alter = _degree(chord.bass, key)
    return f"/{_acc(alter)}{degree + 1}"


def roman(chord: Chord | str, key: Key) -> str:
    """The Roman numeral of a chord in a key: `Am` in C → `vi`, `D7` → `V7/V`, `Bb` → `bVII`."""
    return _analyse(chord, key).roman


def nashville(chord: Chord | str, key: Key) -> str:
    """The Nashville number: `Am` in C → `6m`, `G7` → `5(7)`, `F/A` → `4/6`, `Bb` → `b7`."""
    return _analyse(chord, key).nashville


def analyse(chord: Chord | str, key: Key) -> Analysis:
    return _analyse(chord, key)


def _in_key_without_bass(chord: Chord, key: Key) -> bool:
    upper = try_parse_chord(chord.root + chord.suffix)
    return upper is not None and in_key(upper, key)


def _diatonic_quality(degree: int, key: Key) -> str:
    """The triad family on a scale degree: major, minor or diminished (minor keys: V is major)."""
    if key.is_minor and degree == 4:
        return "major"
    steps = key.steps
    third = (steps[(degree + 2) % 7] - steps[degree]) % 12
    fifth = (steps[(degree + 4) % 7] - steps[degree]) % 12
    if third == 4:
        return "major"
    return "diminished" if fifth == 6 else "minor"


_FIGURES: Final = {3: ("6", "65"), 5: ("64", "43"), 7: ("", "42")}


def _inverted(numeral: str, chord: Chord, target: str) -> str:
    """A secondary chord with its inversion as figured bass (`V65/V` for D7/F# in C), so the numeral
    keeps one slash; a bass that is not a chord tone is named after it (`V/V (bass E)`)."""
    if chord.bass_pitch_class is None:
        return f"{numeral}/{target}"
    seventh = any(iv % 12 in (9, 10, 11) for iv in chord.intervals[1:]) and numeral[-1:] == "7"
    offset = (chord.bass_pitch_class - chord.root_pitch_class) % 12
    tone = {3: 3, 4: 3, 6: 5, 7: 5, 8: 5, 9: 7, 10: 7, 11: 7}.get(offset)
    figures = _FIGURES.get(tone or 0)
    if figures is None or (tone == 7 and not seventh):
        return f"{numeral}/{target} (bass {chord.bass})"
    base = numeral[:-1] if seventh else numeral
    return f"{base}{figures[1 if seventh else 0]}/{target}"


def _target_numeral(degree: int, key: Key) -> str:
    family = _diatonic_quality(degree, key)
    text = NUMERALS[degree] if family == "major" else NUMERALS[degree].lower()
    return text + ("°" if family == "diminished" else "")


def _analyse(chord: Chord | str, key: Key) -> Analysis:
    parsed = try_parse_chord(chord) if isinstance(chord, str) else chord
    symbol = chord if isinstance(chord, str) else chord.symbol
    if parsed is None or parsed.is_no_chord:
        return Analysis(symbol, "N.C." if parsed else "?", "N.C." if parsed else "?", "no chord", True, "")
    degree, alter = _degree(parsed.root, key)
    upper, mark, rest = _marks(parsed)
    bass = _bass_text(parsed, key)
    numeral = _numeral(degree, alter, upper) + mark + rest
    nash_rest = f"({rest})" if rest and rest[0].isdigit() and not mark else rest
    nash = f"{_acc(alter)}{degree + 1}{'m' if not upper and not mark else mark}{nash_rest}{bass}"
    diatonic = in_key(parsed, key)
    name = numeral + bass
    if diatonic:
        return Analysis(symbol, name, nash, "diatonic", True, f"{name} of {key.name}")
    family = parsed.family
    root_pc = parsed.root_pitch_class
    scale_pcs = [(key.tonic_pc + s) % 12 for s in key.steps]
    if parsed.bass is not None and _in_key_without_bass(parsed, key):
        return Analysis(
            symbol, name, nash, "chromatic bass", False, f"{numeral} of {key.name} over a bass outside it"
        )
    if family == "major" and in_key(parsed, key.parallel):
        mode = key.parallel.name
        return Analysis(symbol, name, nash, "borrowed", False, f"borrowed from {mode} (the parallel key)")
    if family in ("major", "dominant", "suspended"):
        for target in range(1, 7):
            if (scale_pcs[target] + 7) % 12 == root_pc and _diatonic_quality(target, key) != "diminished":
                tn = _target_numeral(target, key)
                text = _inverted(f"V{rest if upper and not mark else ''}", parsed, tn)
                return Analysis(symbol, text, nash, "secondary dominant", False, f"the dominant of {tn}", tn)
    if family in ("diminished", "half-diminished"):
        for target in range(1, 7):
            if (scale_pcs[target] + 11) % 12 == root_pc and _diatonic_quality(target, key) != "diminished":
                tn = _target_numeral(target, key)
                text = _inverted(f"vii{mark}{rest}", parsed, tn)
                return Analysis(symbol, text, nash, "secondary leading-tone", False, f"leads to {tn}", tn)
    if degree == 1 and alter == -1 and family == "major":
        return Analysis(symbol, name, nash, "neapolitan", False, "the Neapolitan (bII), leading to V")
    if in_key(parsed, key.parallel):
        mode = key.parallel.name
        return Analysis(symbol, name, nash, "borrowed", False, f"borrowed from {mode} (the parallel key)")
    return Analysis(symbol, name, nash, "chromatic", False, f"outside {key.name}")


def diatonic_chords(key: Key, sevenths: bool = False) -> tuple[str, ...]:
    """The chords built on each degree: C → C Dm Em F G Am Bdim (with sevenths: Cmaj7 Dm7 … Bm7b5).

    A minor key uses the harmonic minor's major V (Am → Am Bdim C Dm E F G).
    """
    out = []
    for degree in range(7):
        root = key.scale[degree]
        family = _diatonic_quality(degree, key)
        if not sevenths:
            out.append(root + {"major": "", "minor": "m", "diminished": "dim"}[family])
            continue
        steps = key.steps
        seventh = (steps[(degree + 6) % 7] - steps[degree]) % 12
        if key.is_minor and degree == 4:
            seventh = 10
        if family == "major":
            out.append(root + ("maj7" if seventh == 11 else "7"))
        elif family == "minor":
            out.append(root + "m7")
        else:
            out.append(root + ("m7b5" if seventh == 10 else "dim7"))
    return tuple(out)


def guess_key(chords: Iterable[str | Chord]) -> Key:
    """The key that best explains a list of chords (diatonic fit, the tonic chord's weight, cadences).

    Returns C major when there is nothing to go on.
    """
    parsed = [c for c in (try_parse_chord(x) if isinstance(x, str) else x for x in chords) if c]
    parsed = [c for c in parsed if not c.is_no_chord]
    if not parsed:
        return Key("C", "major")
    best: tuple[float, int, Key] | None = None
    for pc in range(12):
        for minor in (False, True):
            key = Key(conventional_tonic(pc, minor), "minor" if minor else "major")
            score = 0.0
            for i, chord in enumerate(parsed):
                fits = in_key(chord, key)
                score += 2.0 if fits else -1.5
                if chord.root_pitch_class == pc and chord.is_minor == minor:
                    score += 1.5 + (1.5 if i == 0 else 0) + (2.0 if i == len(parsed) - 1 else 0)
                if i and chord.root_pitch_class == pc and parsed[i - 1].root_pitch_class == (pc + 7) % 12:
                    score += 1.0  # V → I
            accidentals = abs(key.signature)
            rank = (score, -accidentals, key)
            if best is None or rank[:2] > best[:2]:
                best = rank
    assert best is not None
    return best[2]


def suggest_next(chord: Chord | str, key: Key, style: str | None = None) -> list[Suggestion]:
    """Chords that could follow `chord` in `key` (see `cowriter.core.progressions.suggest_next`)."""
    from cowriter.core.progressions import suggest_next as suggest

    return suggest(chord, key, style)
