"""Chord-symbol figures: 10,000 parses beside music21 and pychord, and `cowriter chord C` as a process.

What is measured, all in this run:
- the list: 10,000 symbols drawn (seeded) from 14 roots x 24 qualities plus slash chords, every one
  read by all three libraries (music21 gets flats written `-`, which it needs);
- cowriter `parse_chord` (root, quality, bass, intervals and spelled notes), two ways:
  *uncached*: `parse_chord_uncached`, the same parser with neither memo (per symbol, per suffix), so
  every parse is a first sight; only the table itself (every head spelling read once at import) is
  used; *warm*: `parse_chord` with its per-symbol cache as the product uses it (songs repeat chords);
- music21 `harmony.ChordSymbol(figure)` (parses and builds pitches); set COWRITER_BENCH_QUICK=1 to time
  its first 1,000 and scale x10 (marked in the row);
- pychord `Chord(s).components()` (parse and spell);
- `python -m cowriter chord C` as a whole process (median of 7), beside a bare `python -c pass`.

Usage: python benchmarks/run.py chords
"""

from __future__ import annotations

import os
import random
import re
import time
import warnings

from common import PYTHON, Row, fmt_ms, process_seconds

from cowriter.core import chords
from cowriter.core.chords import parse_chord, parse_chord_uncached

N = 10_000
ROOTS = ("C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B")
QUALITIES = (
    "", "m", "7", "maj7", "m7", "m7b5", "dim", "dim7", "aug", "sus4", "sus2", "6", "m6", "9", "m9",
    "add9", "7b9", "7#9", "13", "7sus4", "11", "5", "7b5", "m11",
)  # fmt: skip
SLASH = ("D/F#", "G/B", "C/E", "Am7/G", "F/A", "Bb/D", "Eb/G", "E/G#", "Dm7/C", "A/C#")


def symbols(n: int = N, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pool = [r + q for r in ROOTS for q in QUALITIES] + list(SLASH)
    return [rng.choice(pool) for _ in range(n)]


def _m21(symbol: str) -> str:
    return re.sub(r"(^|/)([A-G])b", r"\1\2-", symbol)


def _time(fn: object, items: list[str]) -> float:
    call = fn  # type: ignore[assignment]
    t0 = time.perf_counter()
    for s in items:
        call(s)  # type: ignore[operator]
    return time.perf_counter() - t0


def rows() -> list[Row]:
    items = symbols()
    out: list[Row] = []
    _time(parse_chord_uncached, items[:200])  # warm the interpreter
    uncached = min(_time(parse_chord_uncached, items) for _ in range(3))
    chords.clear_caches()
    warm = min(_time(parse_chord, items) for _ in range(3))

    m21_seconds: float | None = None
    m21_note = ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from music21 import harmony

            m21_items = [_m21(s) for s in items]
            if os.environ.get("COWRITER_BENCH_QUICK"):
                m21_seconds = _time(harmony.ChordSymbol, m21_items[:1000]) * (N / 1000)
                m21_note = " (1,000 timed, x10)"
            else:
                m21_seconds = _time(harmony.ChordSymbol, m21_items)
    except ImportError:
        pass

    pychord_seconds: float | None = None
    try:
        from pychord import Chord

        pychord_seconds = min(_time(lambda s: Chord(s).components(), items) for _ in range(3))
    except ImportError:
        pass

    per = f"{N:,} parses"
    if m21_seconds is not None:
        ratio = m21_seconds / uncached
        out.append(
            Row(
                f"{per}, uncached vs music21",
                f"{fmt_ms(uncached)} ({uncached / N * 1e6:.1f} us each)",
                "music21 ChordSymbol" + m21_note,
                f"{m21_seconds:.2f} s ({ratio:,.0f}x slower)",
                ">= 500x faster",
                "yes" if ratio >= 500 else "NO",
            )
        )
        ratio_warm = m21_seconds / warm
        out.append(
            Row(
                f"{per}, warm cache vs music21",
                f"{fmt_ms(warm)} ({warm / N * 1e6:.2f} us each)",
                "music21 ChordSymbol" + m21_note,
                f"{m21_seconds:.2f} s ({ratio_warm:,.0f}x slower)",
                ">= 500x faster",
                "yes" if ratio_warm >= 500 else "NO",
            )
        )
    if pychord_seconds is not None:
        out.append(
            Row(
                f"{per}, uncached vs pychord",
                fmt_ms(uncached),
                "pychord Chord().components()",
                f"{fmt_ms(pychord_seconds)} ({pychord_seconds / uncached:.1f}x slower)",
                "faster than pychord",
                "yes" if uncached < pychord_seconds else "NO",
            )
        )
    process = process_seconds([PYTHON, "-m", "cowriter", "chord", "C"], repeat=7)
    bare = process_seconds([PYTHON, "-c", "pass"], repeat=7)
    out.append(
        Row(
            "`cowriter chord C`, whole process",
            fmt_ms(process),
            "python -c pass",
            fmt_ms(bare),
            "<= 150 ms",
            "yes" if process <= 0.150 else "NO",
        )
    )
    return out
