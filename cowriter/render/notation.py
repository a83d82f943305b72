"""Engraving rules a score writer needs: note values, beams, tuplet brackets, spelling and accidentals.

Lengths are integer ticks of `DIVISIONS` per quarter note: 48 holds every binary value down to the 64th
(3 ticks) and the triplets from the half-note triplet (64) down to the 32nd triplet (4). Pure functions,
no file formats: `render.musicxml` turns their answers into elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cowriter.core.keys import Key
from cowriter.core.pitch import parse_note

DIVISIONS = 48


@dataclass(frozen=True, slots=True)
class Value:
    """One written note value: `ticks` long, drawn as `kind` with `dots`; `triplet` = 3 in the time of 2."""

    ticks: int
    kind: str
    dots: int = 0
    triplet: bool = False

    @property
    def flags(self) -> int:
        """Beams this value takes: eighth 1, 16th 2, 32nd 3, 64th 4 (0 for a quarter or longer)."""
        return {"eighth": 1, "16th": 2, "32nd": 3, "64th": 4}.get(self.kind, 0)


BINARY = tuple(
    Value(ticks, kind, dots)
    for ticks, kind, dots in (
        (288, "whole", 1), (192, "whole", 0), (144, "half", 1), (96, "half", 0), (72, "quarter", 1),
        (48, "quarter", 0), (36, "eighth", 1), (24, "eighth", 0), (18, "16th", 1), (12, "16th", 0),
        (9, "32nd", 1), (6, "32nd", 0), (3, "64th", 0),
    )
)  # fmt: skip
TRIPLETS = tuple(
    Value(ticks, kind, 0, True)
    for ticks, kind in ((64, "half"), (32, "quarter"), (16, "eighth"), (8, "16th"), (4, "32nd"))
)
@lru_cache(maxsize=4096)
def values(ticks: int) -> tuple[Value, ...]:
    """The fewest written values that add up to `ticks`, longest first; binary values when they can do it.

    A length no value sum can make (1, 2 or 5 ticks) comes back empty: callers keep lengths on the grid.
    """
    if ticks <= 0:
        return ()
    pool = BINARY if ticks % 3 == 0 else BINARY + TRIPLETS
    best: tuple[Value, ...] | None = None
    for value in pool:
        if value.ticks > ticks:
            continue
        rest = values(ticks - value.ticks) if value.ticks < ticks else ()
        if value.ticks < ticks and not rest:
            continue
        if best is None or len(rest) + 1 < len(best):
            best = (value, *rest)
    return tuple(sorted(best, key=lambda v: -v.ticks)) if best else ()


def beat_ticks(beats: int, unit: int) -> int:
    """The beat of a meter in ticks: a dotted quarter in 6/8, 9/8, 12/8; else the meter's unit."""
    if unit == 8 and beats % 3 == 0 and beats > 3:
        return DIVISIONS * 3 // 2
    return DIVISIONS * 4 // unit


def beam_groups(starts: list[int], kinds: list[Value | None], beat: int) -> list[list[str]]:
    """Beam states for each event of a bar: a list per event, one entry per beam level (`begin`,
    `continue`, `end`, `forward hook`, `backward hook`); empty for events without beams.

    `kinds[i]` is the event's value, None for a rest or an unbeamed note. Notes shorter than a quarter
    that share a beat (`beat` ticks, counted from the bar's start) are beamed together.
    """
    states: list[list[str]] = [[] for _ in starts]
    group: list[int] = []

    def close() -> None:
        if len(group) >= 2:
            for level in range(1, 5):
                for pos, i in enumerate(group):
                    value = kinds[i]
                    if value is None or value.flags < level:
                        continue
                    before = pos > 0 and (kinds[group[pos - 1]] or value).flags >= level
                    after = pos + 1 < len(group) and (kinds[group[pos + 1]] or value).flags >= level
                    if level == 1 or (before and after):
                        state = "begin" if pos == 0 else "end" if pos == len(group) - 1 else "continue"
                    elif after:
                        state = "begin"
                    elif before:
                        state = "end"
                    else:
                        state = "forward hook" if pos == 0 else "backward hook"
                    states[i].append(state)
        group.clear()

    for i, (start, value) in enumerate(zip(starts, kinds, strict=True)):
        if value is None or value.flags == 0:
            close()
            continue
        if group and starts[group[0]] // beat != start // beat:
            close()
        group.append(i)
    close()
    return states


def tuplet_marks(lengths: list[Value]) -> list[tuple[str, ...]]:
    """Tuplet bracket ends for a bar's events: `("start",)`, `("stop",)`, both, or none.

    A bracket opens on a triplet value and closes once its notes fill a whole number of beats of the
    group (a quarter for eighth triplets, an eighth for 16th triplets...) or the triplets stop."""
    marks: list[tuple[str, ...]] = [() for _ in lengths]
    open_at, total, smallest = -1, 0, 0
    for i, value in enumerate(lengths):
        if not value.triplet:
            continue
        if open_at < 0:
            open_at, total, smallest = i, 0, value.ticks
        total += value.ticks
        smallest = min(smallest, value.ticks)
        ends_next = i + 1 >= len(lengths) or not lengths[i + 1].triplet
        if total % (smallest * 3) == 0 or ends_next:
            marks[open_at] = ("start",) if open_at != i else ("start", "stop")
            if open_at != i:
                marks[i] = ("stop",)
            open_at = -1
    return marks


def spelled(pitch: int, key: Key) -> tuple[str, int, int]:
    """A MIDI pitch as (letter, alteration, octave) the way `key` spells it (61 in D → C#4, in F → Db4)."""
    letter, alter = parse_note(key.spell(pitch % 12))
    octave = (pitch - alter) // 12 - 1
    return letter, alter, octave


def signature_alters(key: Key) -> dict[str, int]:
    """Each letter's alteration in the key signature (D major → F and C sharp)."""
    fifths = key.signature
    order = "FCGDAEB" if fifths >= 0 else "BEADGCF"
    return {letter: (1 if fifths > 0 else -1) if i < abs(fifths) else 0 for i, letter in enumerate(order)}


class Accidentals:
    """Which notes of a bar need an accidental: the first that leaves the key signature, and the first
    that comes back to it (the natural), per letter and octave; the state starts again each bar."""

    def __init__(self, key: Key) -> None:
        self.signature = signature_alters(key)
        self.bar: dict[tuple[str, int], int] = {}

    def new_bar(self, key: Key | None = None) -> None:
        if key is not None:
            self.signature = signature_alters(key)
        self.bar.clear()

    def mark(self, letter: str, alter: int, octave: int) -> int | None:
        """The accidental to print on this note (its alteration, 0 = natural), or None."""
        current = self.bar.get((letter, octave), self.signature[letter])
        self.bar[(letter, octave)] = alter
        return None if alter == current else alter


def middle_line(clef: str, key: Key) -> tuple[str, int, int]:
    """The note on the staff's middle line, as the key signature alters it (slashes sit there)."""
    letter, octave = ("B", 4) if clef != "bass" else ("D", 3)
    return letter, signature_alters(key)[letter], octave


TREBLE = (64, 77)  # E4 .. F5, the lines of a treble staff
BASS = (43, 57)  # G2 .. A3


def choose_clef(pitches: list[int]) -> str:
    """`treble` or `bass`: the staff on which the melody needs fewer ledger lines (treble on a tie)."""

    def cost(low: int, high: int) -> float:
        return sum(max(low - p, p - high, 0) for p in pitches) / 1.75

    return "bass" if pitches and cost(*BASS) < cost(*TREBLE) else "treble"
