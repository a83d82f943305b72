"""Rhythm patterns written as grid strings, the way drummers and arrangers sketch them.

A pattern covers `length` quarter notes; each character of its grid is one equal step. A letter or
digit starts a hit, `-` holds the hit before it one more step, `.` (or a space) is silence. What the
characters mean is up to the part: drums read `X`/`x`/`o` (accent, normal, ghost), comping reads chord
hits, strums (`D`/`d` down, `U`/`u` up) and arpeggio strokes (`A`/`a`), bass reads chord degrees (`bass.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Hit:
    """One hit of a pattern: `at` and `length` in quarter notes from the pattern's start."""

    at: float
    length: float
    symbol: str


@dataclass(frozen=True, slots=True)
class Pattern:
    hits: tuple[Hit, ...]
    length: float  # quarter notes covered by the grid

    @classmethod
    def parse(cls, grid: str, length: float) -> Pattern:
        cells = grid.replace("|", "")
        if not cells:
            return cls((), length)
        step = length / len(cells)
        hits: list[Hit] = []
        i = 0
        while i < len(cells):
            ch = cells[i]
            if ch in ". -":
                i += 1
                continue
            j = i + 1
            while j < len(cells) and cells[j] == "-":
                j += 1
            hits.append(Hit(round(i * step, 6), round((j - i) * step, 6), ch))
            i = j
        return cls(tuple(hits), length)

    def over(self, bar_length: float, phase: float = 0.0) -> list[Hit]:
        """The hits falling inside one bar (see `_over`); a fresh list the caller may change."""
        return list(_over(self, bar_length, phase % self.length if self.length > 0 else 0.0))

    def _tile(self, bar_length: float, phase: float = 0.0) -> list[Hit]:
        """The hits falling inside one bar of `bar_length` quarters, the pattern tiled from `phase`
        quarters into its cycle (so two-bar patterns continue across bars). A pattern whose cycle is not
        a whole number of bars starts afresh in every bar, so its first hit stays on the downbeat."""
        if self.length <= 0 or not self.hits:
            return []
        cycles = self.length / bar_length
        if abs(cycles - round(cycles)) > 1e-6:
            phase = 0.0
        out: list[Hit] = []
        cycle_start = -(phase % self.length)
        while cycle_start < bar_length - 1e-9:
            for hit in self.hits:
                at = cycle_start + hit.at
                if -1e-9 <= at < bar_length - 1e-9:
                    out.append(Hit(round(at, 6), min(hit.length, bar_length - at), hit.symbol))
            cycle_start += self.length
        out.sort(key=lambda h: (h.at, h.symbol))
        return out


@lru_cache(maxsize=1024)
def _over(pattern: Pattern, bar_length: float, phase: float) -> tuple[Hit, ...]:
    return tuple(pattern._tile(bar_length, phase))


def swing(position: float, ratio: float, unit: float = 0.5) -> float:
    """Move an off-beat (the second `unit` of each pair) so the pair splits `ratio` : 1 - `ratio`.

    `ratio` 0.5 is straight; 2/3 is triplet swing. Positions in quarter notes from the bar start.
    """
    if abs(ratio - 0.5) < 1e-9:
        return position
    pair = 2 * unit
    k = int(position // pair + 1e-9)
    rest = position - k * pair
    if abs(rest - unit) < 1e-6:
        return k * pair + ratio * pair
    return position
