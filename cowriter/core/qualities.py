"""The table of chord qualities: canonical name → degree formula, and every spelling charts use for it.

This table is the single source of truth for chord symbols: the parser (`cowriter.core.chords`) maps text
onto it, the model's GBNF grammar lists its spellings, and error messages suggest its nearest entries.
A quality here is the *head* of a chord suffix; alterations (`b9`, `#11`), additions (`add9`), omissions
(`no3`) and suspensions written after it are `MODIFIERS`.

Degree formulas use lead-sheet numbers: `1 3 5 b7 9` is a dominant ninth. Choices where charts and peer
libraries disagree are explained in docs/chords.md (`11` has no third, `13` has no eleventh, `^` and `Δ`
alone mean maj7, `2` means add9, `4` means sus4, `+7` means 7#5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

MINOR: Final = ("m", "min", "mi", "-", "MI", "MIN", "Mi", "Min", "minor")
MAJOR7: Final = ("maj7", "M7", "Δ", "Δ7", "∆", "∆7", "ma7", "j7", "^7", "^", "MA7", "Maj7", "MAJ7", "Ma7")


def _maj(n: str) -> tuple[str, ...]:
    """Spellings of a major-seventh-family extension: maj9, M9, Δ9, ma9, ^9…"""
    return tuple(p + n for p in ("maj", "M", "Δ", "∆", "ma", "j", "^", "MA", "Maj", "MAJ", "Ma"))


def _min(*exts: str) -> tuple[str, ...]:
    return tuple(p + e for p in MINOR for e in exts)


def _mmaj(n: str) -> tuple[str, ...]:
    """Minor-major spellings: mMaj7, mM7, m(maj7), -^7, miMa7, minmaj7…"""
    majs = (
        *(m for m in _maj(n) if not m.startswith("j")),
        f"(maj{n})",
        f"(M{n})",
        f"(ma{n})",
        f"(MA{n})",
        f"(Δ{n})",
        f"(^{n})",
    )
    if n == "7":
        majs = (*majs, "Δ", "∆", "^", "(Δ)", "(^)")
    return tuple(dict.fromkeys(p + m for p in MINOR for m in majs))


@dataclass(frozen=True, slots=True)
class Quality:
    """One row of the table: `name` is the canonical suffix (`maj` for the major triad)."""

    name: str
    degrees: tuple[str, ...]
    spellings: tuple[str, ...]
    description: str


def _q(name: str, degrees: str, spellings: Iterable[str], description: str) -> Quality:
    spelled = tuple(dict.fromkeys((name if name != "maj" else "", *spellings)))
    return Quality(name, tuple(degrees.split()), spelled, description)


TABLE: Final[tuple[Quality, ...]] = (
    # triads and friends
    _q("maj", "1 3 5", ("maj", "M", "ma", "Ma", "MA", "major", "Maj", "MAJ"), "major triad"),
    _q("m", "1 b3 5", MINOR, "minor triad"),
    _q("dim", "1 b3 b5", ("dim", "dim.", "°", "º", "o", "DIM", "Dim"), "diminished triad"),
    _q("aug", "1 3 #5", ("aug", "+", "+5", "AUG", "Aug", "aug5"), "augmented triad"),
    _q("sus4", "1 4 5", ("sus", "sus4", "SUS", "SUS4", "Sus", "Sus4", "4"), "suspended fourth"),
    _q("sus2", "1 2 5", ("sus2", "SUS2", "Sus2", "sus9"), "suspended second"),
    _q("5", "1 5", ("5",), "power chord (root and fifth)"),
    _q("add9", "1 3 5 9", ("add9", "2", "(add9)", "add 9", "(add 9)"), "major triad with added ninth"),
    _q("madd9", "1 b3 5 9", _min("add9", "(add9)", "add 9", "(add 9)", "2"), "minor triad with added ninth"),
    # sixths
    _q("6", "1 3 5 6", ("6", "M6", "maj6", "ma6", "MA6", "Maj6"), "major sixth"),
    _q("m6", "1 b3 5 6", _min("6"), "minor sixth"),
    _q(
        "69", "1 3 5 6 9", ("69", "6/9", "6add9", "M69", "maj69", "ma69", "MA69", "M6/9", "ma6/9"), "six-nine"
    ),
    _q("m69", "1 b3 5 6 9", _min("69", "6/9", "6add9"), "minor six-nine"),
    # sevenths
    _q("7", "1 3 5 b7", ("7", "dom7", "dom"), "dominant seventh"),
    _q("maj7", "1 3 5 7", MAJOR7, "major seventh"),
    _q("m7", "1 b3 5 b7", _min("7"), "minor seventh"),
    _q("mmaj7", "1 b3 5 7", ("mmaj7", *_mmaj("7")), "minor-major seventh"),
    _q(
        "m7b5",
        "1 b3 b5 b7",
        ("ø", "ø7", "Ø", "Ø7", *_min("7b5", "7-5", "7(b5)", "7(-5)", "7♭5")),
        "half-diminished seventh",
    ),
    _q("dim7", "1 b3 b5 bb7", ("dim7", "°7", "º7", "o7", "DIM7", "Dim7"), "diminished seventh"),
    _q("7#5", "1 3 #5 b7", ("aug7", "+7", "7+", "7+5", "7aug", "7#5", "7♯5", "Aug7"), "augmented seventh"),
    _q(
        "maj7#5",
        "1 3 #5 7",
        ("augmaj7", "+M7", "+maj7", "+Δ", "+Δ7", "+^7", "aug(maj7)", "+ma7", "+MA7", "maj7#5", "M7#5"),
        "augmented major seventh",
    ),
    _q(
        "7sus4",
        "1 4 5 b7",
        ("7sus", "7sus4", "7SUS", "7SUS4", "7Sus", "7Sus4", "sus7"),
        "seventh, fourth suspended",
    ),
    _q("7sus2", "1 2 5 b7", ("7sus2", "7SUS2"), "seventh, second suspended"),
    # ninths
    _q("9", "1 3 5 b7 9", ("9", "dom9"), "dominant ninth"),
    _q("maj9", "1 3 5 7 9", _maj("9"), "major ninth"),
    _q("m9", "1 b3 5 b7 9", _min("9"), "minor ninth"),
    _q("mmaj9", "1 b3 5 7 9", ("mmaj9", *_mmaj("9"), *_min("9maj7", "9M7")), "minor-major ninth"),
    _q("9sus4", "1 4 5 b7 9", ("9sus", "9sus4", "9SUS", "9SUS4", "9Sus"), "ninth, fourth suspended"),
    _q("9#5", "1 3 #5 b7 9", ("aug9", "+9", "9+", "9aug"), "augmented ninth"),
    _q("maj9#5", "1 3 #5 7 9", ("+M9", "+maj9", "+Δ9", "+^9", "augmaj9", "maj9#5"), "augmented major ninth"),
    _q("dim9", "1 b3 b5 bb7 9", ("dim9", "°9", "o9"), "diminished ninth"),
    _q("m9b5", "1 b3 b5 b7 9", ("ø9", "Ø9"), "half-diminished ninth"),
    # elevenths: the dominant eleventh drops its third (it would clash with the 11th)
    _q("11", "1 5 b7 9 11", ("11", "dom11"), "dominant eleventh (no third)"),
    _q("maj11", "1 3 5 7 9 11", _maj("11"), "major eleventh"),
    _q("m11", "1 b3 5 b7 9 11", _min("11"), "minor eleventh"),
    _q("mmaj11", "1 b3 5 7 9 11", ("mmaj11", *_mmaj("11")), "minor-major eleventh"),
    _q("m11b5", "1 b3 b5 b7 9 11", ("ø11", "Ø11"), "half-diminished eleventh"),
    _q("11#5", "1 #5 b7 9 11", ("+11", "aug11"), "augmented eleventh"),
    # thirteenths: the dominant and major thirteenths drop the 11th; the minor keeps it
    _q("13", "1 3 5 b7 9 13", ("13", "dom13"), "dominant thirteenth"),
    _q("maj13", "1 3 5 7 9 13", _maj("13"), "major thirteenth"),
    _q("m13", "1 b3 5 b7 9 11 13", _min("13"), "minor thirteenth"),
    _q("mmaj13", "1 b3 5 7 9 11 13", ("mmaj13", *_mmaj("13")), "minor-major thirteenth"),
    _q("13sus4", "1 4 5 b7 9 13", ("13sus", "13sus4", "13SUS", "13SUS4"), "thirteenth, fourth suspended"),
    _q("maj13#5", "1 3 #5 7 9 13", ("+M13", "+maj13", "+Δ13", "augmaj13"), "augmented major thirteenth"),
    _q("m13b5", "1 b3 b5 b7 9 11 13", ("ø13", "Ø13"), "half-diminished thirteenth"),
    _q("13#5", "1 3 #5 b7 9 13", ("+13", "aug13"), "augmented thirteenth"),
    _q(
        "7alt",
        "1 3 b7 b9 #9 #11 b13",
        ("alt", "alt.", "altered", "7alt", "7alt.", "7altered", "7(alt)"),
        "altered dominant",
    ),
)

#: Every accepted head spelling → its quality's canonical name.
QUALITY_SPELLINGS: Final = MappingProxyType({s: q.name for q in TABLE for s in q.spellings})
QUALITIES: Final = MappingProxyType({q.name: q for q in TABLE})


@dataclass(frozen=True, slots=True)
class Modifier:
    """What a token after the head does: `alter` (replace the natural degree), `add`, `omit`, `sus`."""

    kind: str
    degree: str
    paren_only: bool = False

    @property
    def text(self) -> str:
        """The canonical spelling (`b9`, `add9`, `no3`, `sus4`)."""
        if self.kind == "alter":
            return "(maj7)" if self.degree == "7" else self.degree
        if self.kind == "add":
            return "addmaj7" if self.degree == "7" else "add" + self.degree
        if self.kind == "omit":
            return "no" + self.degree
        return "sus" + self.degree


def _modifiers() -> dict[str, Modifier]:
    table: dict[str, Modifier] = {}
    for flat in ("b", "-", "♭"):
        for n in ("5", "9", "13"):
            table[flat + n] = Modifier("alter", "b" + n)
        table[flat + "6"] = Modifier("add", "b6")
    for sharp in ("#", "+", "♯"):
        for n in ("5", "9", "11"):
            table[sharp + n] = Modifier("alter", "#" + n)
        table[sharp + "4"] = Modifier("add", "#4")
    table["+"] = Modifier("alter", "#5")
    adds = {str(n): str(n) for n in (2, 3, 4, 6, 9, 11, 13)}
    for acc in ("b", "#"):
        for n in ("9", "11", "13", "5", "6", "4", "2"):
            adds[acc + n] = acc + n
    for m7 in ("ma7", "MA7", "maj7", "Maj7", "M7", "Δ7", "Δ"):
        adds[m7] = "7"
    for word in ("add", "ADD", "Add"):
        for spelled, degree in adds.items():
            table[f"{word}{spelled}"] = Modifier("add", degree)
            table[f"{word} {spelled}"] = Modifier("add", degree)
    for n in ("2", "4", "6", "9", "11", "13"):
        table[n] = Modifier("add", n, paren_only=True)
    for m7 in ("ma7", "MA7", "maj7", "Maj7", "M7", "Δ7", "Δ", "^7"):
        table[m7] = Modifier("alter", "7", paren_only=True)  # `m9(maj7)`: the major seventh replaces b7
    for word in ("no", "omit", "NO", "OMIT", "No", "Omit"):
        for n in ("1", "3", "5"):
            table[f"{word}{n}"] = Modifier("omit", n)
            table[f"{word} {n}"] = Modifier("omit", n)
    for sus in ("sus", "SUS", "Sus"):
        table[sus] = Modifier("sus", "4")
        table[sus + "4"] = Modifier("sus", "4")
        table[sus + "2"] = Modifier("sus", "2")
    return table


#: Every accepted modifier spelling (after the head, or inside parentheses) → what it does.
MODIFIERS: Final = MappingProxyType(_modifiers())

#: Spellings offered in "did you mean" suggestions: canonical names and the common chart spellings.
SUGGESTABLE: Final = tuple(
    dict.fromkeys(
        s
        for q in TABLE
        for s in (q.name if q.name != "maj" else "", *q.spellings[:4])
        if all(c.isascii() for c in s)
    )
)
