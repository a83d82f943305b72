"""Parse figures: a 200-line ChordPro song read into a `Song` and timed, beside peers on the same text.

What is measured (best of several runs, cold caches for our chord checker each run):
- cowriter: `chordpro.parse` (every line, every directive, every chord validated) + `timing.timeline`;
  also the parse alone, and a chords-over-lyrics sheet of the same song through `sheet.read_song`.
- peer 1, ChordSketch (PyPI `chordsketch`, a Rust ChordPro parser with Python bindings):
  `validate(text)` on the same text — parse only, no timing (no peer times inline chords).
- peer 2, music21 (`converter.parse(..., format="abc")`) on an ABC tune with one melody line per lyric
  line of the same song — a different notation, but the parser a Python songwriting tool would otherwise
  reach for; it builds a full score, so it does more than we do (one run: it takes seconds).
Peers that are not installed show "-".

Usage: python benchmarks/run.py parse
"""

from __future__ import annotations

import random
from collections.abc import Callable

from common import Row, best_of, fmt_ms

from cowriter.core import chords as chord_module
from cowriter.core import textimport
from cowriter.core.chordpro import parse
from cowriter.core.format import to_text
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline

TARGET = 0.005
LINES = 200


def song_text(lines: int = LINES, seed: int = 3) -> str:
    """A 200-line ChordPro song: metadata, verses and choruses, comments, a grid, a recall."""
    rng = random.Random(seed)
    chords = ["G", "Em", "C", "D7", "Am7", "Bm", "Cmaj7", "D/F#", "Gsus4", "E7", "A7", "F#m7b5"]
    lyric = "down by the river where the willows weep I lay my head and sing myself to sleep"
    words = lyric.split()
    out = ["{title: Benchmark River}", "{artist: Nobody}", "{key: G}", "{tempo: 92}", "{time: 4/4}", ""]
    section = 0
    while len(out) < lines - 8:
        kind = "chorus" if section % 3 == 2 else "verse"
        out.append(f"{{start_of_{kind}: {kind.title()} {section + 1}}}")
        for _ in range(6):
            parts = []
            for _ in range(rng.randint(2, 4)):
                parts.append(
                    f"[{rng.choice(chords)}]{' '.join(rng.choice(words) for _ in range(rng.randint(1, 3)))}"
                )
            out.append(" ".join(parts))
        out.append(f"{{end_of_{kind}}}")
        out.append("# a note to self" if section % 2 else "")
        section += 1
    out += [
        "{chorus}",
        "",
        "{start_of_grid}",
        "| G . . . | C . D . |",
        "| Em . . . | % |",
        "{end_of_grid}",
        "",
    ]
    return "\n".join(out[:lines]) + "\n"


def abc_text(lines: int = LINES, seed: int = 3) -> str:
    rng = random.Random(seed)
    notes = "GABcdefg"
    body = []
    for _ in range(lines):
        bar1 = "".join(rng.choice(notes) for _ in range(4))
        bar2 = "".join(rng.choice(notes) for _ in range(3))
        body.append(f'"G"{bar1} | "C"{bar2}z |')
    return "X:1\nT:Benchmark River\nM:4/4\nL:1/4\nK:G\n" + "\n".join(body) + "\n"


def _ours(text: str) -> Callable[[], object]:
    def run() -> object:
        chord_module.clear_caches()
        return timeline(parse(text))

    return run


def rows() -> list[Row]:
    text = song_text()
    assert text.count("\n") == LINES
    ours = best_of(_ours(text), repeat=15)
    parse_only = best_of(lambda: (chord_module.clear_caches(), parse(text)), repeat=15)
    sheet = to_text(parse(text))
    text_import = best_of(
        lambda: (chord_module.clear_caches(), textimport.clear_caches(), timeline(read_song(sheet))),
        repeat=10,
    )
    try:
        import chordsketch

        peer: float | None = best_of(lambda: chordsketch.validate(text), repeat=15)
    except ImportError:
        peer = None
    try:
        from music21 import converter

        abc = abc_text()
        m21: float | None = best_of(lambda: converter.parse(abc, format="abc", forceSource=True), repeat=1)
    except ImportError:
        m21 = None
    verdict = "yes" if ours <= TARGET else "NO"
    return [
        Row(
            "parse + timing, 200-line ChordPro song",
            fmt_ms(ours),
            "ChordSketch validate (Rust, parse only)",
            fmt_ms(peer) if peer is not None else "-",
            "<= 5 ms",
            verdict,
        ),
        Row(
            "parse only, same song",
            fmt_ms(parse_only),
            "music21 ABC parse, 200 lines",
            fmt_ms(m21) if m21 is not None else "-",
            "-",
            "",
        ),
        Row("chords-over-lyrics import + timing, same song", fmt_ms(text_import), "-", "-", "-", ""),
    ]
