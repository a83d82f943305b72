"""New chord progressions for a request with no lyrics: options made in code, in the key, mode and meter
asked, written as ChordPro grid sections so they play at once.

    read_harmony_ask("a sad waltz in D minor") ─▶ plan(ask, Dm, 3/4) ─▶ [GridOption…]
        ─▶ grid_section(option, 3/4, "Verse")  →  {start_of_grid: Verse}
                                                  | Dm . . | Bb . . | Gm . . | A . . |
                                                  | Dm . . | Bb . . | A7 . . | Dm . . |
                                                  {end_of_grid}

Each option is a common progression of the mode (`core.progressions.PROGRESSIONS`, the style's first
when one is asked; Roman numerals or chords the writer gave win over the table) laid over the bars, then
closed with a cadence that resolves and coloured as asked (`core.reharmonise`). A chord slipped in (a
secondary dominant, a borrowed iv) shares the bar before the chord it leads to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cowriter.core.harmony_ask import HarmonyAsk
from cowriter.core.keys import Key
from cowriter.core.progressions import PROGRESSIONS, RomanError, realise
from cowriter.core.reharmonise import (
    Step,
    approach,
    borrow,
    describe,
    extend,
    honour,
    numeral_of,
    resolve,
    tritone,
)
from cowriter.core.theory import analyse, in_key

__all__ = ["GridOption", "cells_per_bar", "grid_rows", "grid_section", "plan"]

DEFAULT_BARS = 8
GIVEN = "your progression"  # the name of a loop the writer gave (numerals or chords)
ROW_BARS = 4


@dataclass(frozen=True, slots=True)
class GridOption:
    """One progression: `bars` holds each bar's chords (one, or two when a chord is slipped in)."""

    name: str
    bars: tuple[tuple[Step, ...], ...]

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(s for bar in self.bars for s in bar)

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(s.symbol for s in self.steps)


def cells_per_bar(meter: tuple[int, int]) -> int:
    """A grid cell per pulse: 4/4 → 4, 3/4 → 3, 6/8 → 2 (dotted quarters), 12/8 → 4."""
    beats, unit = meter
    if unit >= 8 and beats % 3 == 0 and beats > 3:
        return beats // 3
    return beats


def _bar_text(bar: Sequence[Step], cells: int, beats: int) -> str:
    while cells < len(bar):  # more chords than pulses: count in beats (eighths in 6/8), then halves
        cells = beats if cells < beats else cells * 2
    tokens = ["."] * cells
    if len(bar) == 1 or cells == 1:
        tokens[0] = bar[0].symbol
    else:  # two (or more) chords: the first takes the larger part of the bar
        starts = [round(i * cells / len(bar) + 0.49) for i in range(len(bar))]
        for at, s in zip(starts, bar, strict=True):
            tokens[min(at, cells - 1)] = s.symbol
    return " ".join(tokens)


def grid_rows(option: GridOption, meter: tuple[int, int]) -> list[str]:
    """The option as grid rows of four bars: `| Dm . . | Bb . . | Gm . . | A . . |`."""
    cells = cells_per_bar(meter)
    bars = [_bar_text(bar, cells, meter[0]) for bar in option.bars]
    return ["| " + " | ".join(bars[i : i + ROW_BARS]) + " |" for i in range(0, len(bars), ROW_BARS)]


def grid_section(option: GridOption, meter: tuple[int, int], label: str = "") -> str:
    head = f"{{start_of_grid: {label}}}" if label else "{start_of_grid}"
    return "\n".join([head, *grid_rows(option, meter), "{end_of_grid}"]) + "\n"


# -- planning ----------------------------------------------------------------------------------------------
def _loops(ask: HarmonyAsk, key: Key) -> list[tuple[str, list[Step]]]:
    """Candidate loops, best first: what the writer wrote, else the table's progressions of the mode."""
    if ask.numerals:
        try:
            return [(GIVEN + " " + "–".join(ask.numerals), [Step(realise(n, key), n) for n in ask.numerals])]
        except RomanError:
            pass
    if len(ask.chords) >= 3:
        steps = [Step(c, numeral_of(c, key)) for c in ask.chords]
        return [(GIVEN, steps)]
    mode = "minor" if key.is_minor else "major"
    ranked: list[tuple[int, int, str, str, str]] = []
    for order, (style, name, numerals, p_mode) in enumerate(PROGRESSIONS):
        if p_mode != mode or (style in ("blues", "jazz") and ask.style != style):
            continue
        score = 4 if ask.style == style else 0
        if ask.mood == "sad" and style == "ballad":
            score += 2
        if ask.meter in ((3, 4), (6, 8)) and style in ("ballad", "folk"):
            score += 1
        ranked.append((-score, order, name, numerals, style))
    if any(-r[0] >= 4 for r in ranked):
        ranked = [r for r in ranked if -r[0] >= 4]  # the style asked for has progressions: only those
    ranked.sort()
    return [
        (name, [_table_step(n, key, style) for n in numerals.split()])
        for _, _, name, numerals, style in ranked
    ]


def _table_step(numeral: str, key: Key, style: str) -> Step:
    """A chord of a table progression; one outside the key (the mixolydian bVII, the blues' I7) says
    what it is."""
    symbol = realise(numeral, key)
    if in_key(symbol, key):
        return Step(symbol, numeral)
    return Step(symbol, numeral, "blues seventh" if style == "blues" else analyse(symbol, key).function)


def _phrase(loop: Sequence[Step]) -> list[Step]:
    """A three-chord loop (`ii V I`) holds its last chord a bar, so it fills four-bar phrases."""
    return [*loop, loop[-1]] if len(loop) == 3 else list(loop)


def _fill(loop: Sequence[Step], bars: int) -> tuple[list[Step], int]:
    """The loop repeated over the bars: (steps, steps per bar)."""
    per_bar = max(1, -(-len(loop) // bars)) if len(loop) > bars else 1
    slots = bars * per_bar
    return [loop[i % len(loop)] for i in range(slots)], per_bar


def _group(steps: Sequence[Step], per_bar: int) -> tuple[tuple[Step, ...], ...]:
    """Main steps `per_bar` to a bar; an approach step joins the bar of the step before it."""
    bars: list[list[Step]] = []
    count = per_bar
    for s in steps:
        if s.approach and bars:
            bars[-1].append(s)
            continue
        if count == per_bar:
            bars.append([])
            count = 0
        bars[-1].append(s)
        count += 1
    return tuple(tuple(b) for b in bars)


def _name(loop_name: str, steps: Sequence[Step], colour: str) -> str:
    main = [s for s in steps if not s.approach]
    close = "–".join(s.numeral or s.symbol for s in main[-2:])
    extra = describe(colour, steps).partition(": ")[2]
    return f"{loop_name}, closing {close}" + (f"; {extra}" if colour != "plain" else "")


def _colour(steps: list[Step], key: Key, colour: str, recipe: str, per_bar: int) -> list[Step]:
    """Colour a resolved progression. Recipes: `full` (extensions, secondary dominants, a borrowed iv
    for rich, a tritone close for jazz), `approach` (no borrowing), `extend` (extensions only)."""
    steps = extend(steps, key, colour)
    if colour != "plain" and per_bar == 1 and recipe != "extend":
        steps = approach(steps, key)
        if colour == "rich" and recipe == "full":
            steps = borrow(steps, key)
    if colour == "jazz" and recipe != "extend":
        steps = tritone(steps, key)
    return steps


RECIPES = ("full", "approach", "extend")


def plan(
    ask: HarmonyAsk, key: Key, meter: tuple[int, int], *, bars: int | None = None, limit: int = 4
) -> list[GridOption]:
    """Up to `limit` different progressions for the ask, best first (see the module doc): different
    progressions of the mode, or (for a progression the writer gave) different colourings of it."""
    out: list[GridOption] = []
    seen: set[tuple[str, ...]] = set()
    loops = _loops(ask, key)
    given = len(loops) == 1 and loops[0][0].startswith(GIVEN)
    for loop_name, written in loops:
        loop = _phrase(written) if not given or not (bars or ask.bars) else list(written)
        count = bars or ask.bars or (len(loop) if len(loop) >= DEFAULT_BARS else DEFAULT_BARS)
        steps, per_bar = _fill(loop, count)
        steps = resolve(steps, key)
        if len(ask.chords) < 3:
            steps = honour(steps, key, ask.chords)
        for recipe in RECIPES if given and ask.colour != "plain" else RECIPES[:1]:
            coloured = _colour(steps, key, ask.colour, recipe, per_bar)
            option = GridOption(_name(loop_name, coloured, ask.colour), _group(coloured, per_bar))
            if option.symbols not in seen:
                seen.add(option.symbols)
                out.append(option)
        if len(out) >= limit:
            break
    return out[:limit]
