"""A chord as MusicXML spells it: one of its `kind` values and the `degree`s added to or altered in it.

Readers name a chord from its kind and degrees (MuseScore looks the pair up in its chord list and keeps
our text only when it finds it), so the pair must be the usual one: G7sus4 is `suspended-fourth` with
a 7 added, C13 is `dominant-13th`, C7b5 is `dominant` with its 5 altered. Degrees are added as MusicXML
counts them, relative to a dominant chord: `add 7` is the minor seventh, `add 7 +1` the major one.
"""

from __future__ import annotations

from typing import Final

# Each kind's chord tones (semitones above the root, mod 12) and the tones a chord needs to be that kind.
KIND_TONES: Final[dict[str, tuple[frozenset[int], frozenset[int]]]] = {
    kind: (frozenset(tones), frozenset(needs))
    for kind, tones, needs in (
        ("major", (0, 4, 7), (0, 4)),
        ("minor", (0, 3, 7), (0, 3)),
        ("augmented", (0, 4, 8), (0, 4, 8)),
        ("diminished", (0, 3, 6), (0, 3, 6)),
        ("dominant", (0, 4, 7, 10), (0, 4, 10)),
        ("major-seventh", (0, 4, 7, 11), (0, 4, 11)),
        ("minor-seventh", (0, 3, 7, 10), (0, 3, 10)),
        ("diminished-seventh", (0, 3, 6, 9), (0, 3, 6, 9)),
        ("augmented-seventh", (0, 4, 8, 10), (0, 4, 8, 10)),
        ("half-diminished", (0, 3, 6, 10), (0, 3, 6, 10)),
        ("major-minor", (0, 3, 7, 11), (0, 3, 11)),
        ("major-sixth", (0, 4, 7, 9), (0, 4, 9)),
        ("minor-sixth", (0, 3, 7, 9), (0, 3, 9)),
        ("dominant-ninth", (0, 4, 7, 10, 2), (0, 4, 10, 2)),
        ("major-ninth", (0, 4, 7, 11, 2), (0, 4, 11, 2)),
        ("minor-ninth", (0, 3, 7, 10, 2), (0, 3, 10, 2)),
        ("dominant-11th", (0, 4, 7, 10, 2, 5), (0, 10, 2, 5)),
        ("major-11th", (0, 4, 7, 11, 2, 5), (0, 11, 2, 5)),
        ("minor-11th", (0, 3, 7, 10, 2, 5), (0, 3, 10, 2, 5)),
        ("dominant-13th", (0, 4, 7, 10, 2, 5, 9), (0, 4, 10, 9)),
        ("major-13th", (0, 4, 7, 11, 2, 5, 9), (0, 4, 11, 9)),
        ("minor-13th", (0, 3, 7, 10, 2, 5, 9), (0, 3, 10, 9)),
        ("suspended-second", (0, 2, 7), (0, 2)),
        ("suspended-fourth", (0, 5, 7), (0, 5)),
        ("power", (0, 7), (0, 7)),
    )
}
SUSPENDED: Final = ("suspended-fourth", "suspended-second")
# A tone the kind does not hold, as an added degree: (degree, alteration from a dominant chord's).
ADDED: Final = {1: (9, -1), 2: (9, 0), 3: (9, 1), 5: (11, 0), 6: (11, 1), 8: (13, -1), 9: (13, 0),
                10: (7, 0), 11: (7, 1), 4: (3, 0)}  # fmt: skip
Degree = tuple[int, int, str]  # (value, alteration, "add" | "alter" | "subtract")
# Chords readers know by a spelling of their own (MuseScore's chord list): quality → kind and degrees.
SPECIAL: Final[dict[str, tuple[str, list[Degree]]]] = {
    "7alt": ("dominant", [(5, 1, "alter"), (9, 1, "add"), (11, 1, "add")])
}


def _excluded(kind: str, pcs: frozenset[int], suspended: bool) -> bool:
    """Readings the chord's other tones rule out: with a major third, a 3 is a #9 (not a minor third);
    with a perfect fifth, a 6 is a #11 and an 8 a b13; a sixth kind has no seventh; a `sus` chord is
    read as suspended, and a chord without the word as a chord with a third (or a power chord)."""
    tones, _ = KIND_TONES[kind]
    if suspended != (kind in SUSPENDED):
        return True
    if 4 in pcs and 3 in tones:
        return True
    if 7 in pcs and (6 in tones or 8 in tones):
        return True
    return kind.endswith("sixth") and bool(pcs & {10, 11})


def chord_kind(intervals: tuple[int, ...], quality: str = "") -> tuple[str, list[Degree]]:
    """The MusicXML kind of a chord (its intervals above the root, and its quality as our parser names it)
    and the degrees to add or alter."""
    if quality in SPECIAL:
        special, steps = SPECIAL[quality]
        return special, list(steps)
    pcs = frozenset(i % 12 for i in intervals) | {0}
    suspended = "sus" in quality and not pcs & {3, 4}
    fits = [k for k, (_, needs) in KIND_TONES.items() if needs <= pcs and not _excluded(k, pcs, suspended)]
    if not fits:
        fits = [k for k, (_, needs) in KIND_TONES.items() if needs <= pcs] or ["major"]
    named = "suspended-second" if "sus2" in quality else "suspended-fourth"
    kind = (
        named
        if suspended and named in fits
        else max(fits, key=lambda k: (len(KIND_TONES[k][1]), -len(pcs - KIND_TONES[k][0])))
    )
    tones = KIND_TONES[kind][0]
    degrees: list[Degree] = []
    extra = sorted(pcs - tones)
    if 7 in tones and 7 not in pcs:  # the kind's fifth is raised or lowered
        for pc, alter in ((6, -1), (8, 1)):
            if pc in extra:
                degrees.append((5, alter, "alter"))
                extra.remove(pc)
                break
    for pc in extra:
        if pc in ADDED:
            value, alter = ADDED[pc]
            natural = {9: 2, 11: 5, 13: 9}.get(value)  # a ninth, 11th or 13th the kind holds, altered
            altered = natural is not None and natural in tones and natural not in pcs
            degrees.append((value, alter, "alter" if altered else "add"))
    return kind, sorted(degrees)
