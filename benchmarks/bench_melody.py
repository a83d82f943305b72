"""Melody sketches: ten alternatives for a 16-bar verse (8 lyric lines of 2 bars in 4/4), in process.

cowriter's figure is the whole path a `cowriter melody` call takes once the file is read: the timeline,
the lyric analysis (CMU dictionary already loaded), the generator for 10 alternatives and the ABC text of
each; the rhythm cache is cleared before every run. Target (issue 8): 50 ms or less.

Peers measured in the same run:
- music21 reading the 10 ABC tunes we wrote (`converter.parse(abc, format="abc")`): what it costs just to
  load the sketches into the usual Python music toolkit;
- a random walk (one note per syllable, evenly spaced, steps through the scale of the key), the naive
  generator, scored by the same score card: how much the search buys in stressed syllables on strong
  beats, chord tones on strong beats, and the total.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from common import Row, best_of, fmt_ms

from cowriter.core.abc import AbcNote, format_abc
from cowriter.core.melody import VOICES, ScoreCard
from cowriter.core.melody.rhythm import _place
from cowriter.core.melody.score import score_sketch
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline
from cowriter.service.melody import melody_lines, select, sketch_song

SONG = Path(__file__).resolve().parent.parent / "tests" / "data" / "melody" / "northbound.cho"
ALTERNATIVES = 10


def ours(song: object) -> list[str]:
    _place.cache_clear()
    result = sketch_song(song, section="Verse 1", alternatives=ALTERNATIVES, seed=1)  # type: ignore[arg-type]
    return [format_abc(t) for t in result.tunes]


def random_walk(song: object, seed: int) -> ScoreCard:
    """One note per syllable spread evenly over each line's phrase, a random walk through the key's scale."""
    target = select(song, "Verse 1")  # type: ignore[arg-type]
    lines, meter, _ = melody_lines(song, timeline(song), target)  # type: ignore[arg-type]
    result = sketch_song(song, section="Verse 1", alternatives=1)  # type: ignore[arg-type]
    key, voice = result.key, VOICES["alto"]
    scale = [p for p in range(voice.low, voice.high + 1) if (p - key.tonic_pc) % 12 in key.steps]
    rng = random.Random(seed)
    index = len(scale) // 2
    per_line = []
    for ln in lines:
        n = len(ln.syllables)
        step = (ln.end - ln.start) / n
        notes = []
        for k, syl in enumerate(ln.syllables):
            index = max(0, min(len(scale) - 1, index + rng.choice((-2, -1, -1, 0, 1, 1, 2))))
            notes.append(AbcNote(ln.start + k * step, step, scale[index], syl.text))
        per_line.append(notes)
    stresses = [[s.stress for s in ln.syllables] for ln in lines]
    return score_sketch(lines, per_line, stresses, key, meter, voice)


def rows() -> list[Row]:
    import music21

    song = read_song(SONG.read_text())
    sketch_song(song, section="Verse 1", alternatives=1)  # load the CMU dictionary first
    target = select(song, "Verse 1")
    lines, meter, _ = melody_lines(song, timeline(song), target)
    bars = round(sum(ln.end - ln.start for ln in lines) / meter.beats)
    wall = best_of(lambda: ours(song), repeat=25)
    cpu = min(_cpu(lambda: ours(song)) for _ in range(25))
    abcs = ours(song)
    peer = best_of(lambda: [music21.converter.parse(a, format="abc") for a in abcs], repeat=3)

    best = sketch_song(song, section="Verse 1", alternatives=ALTERNATIVES, seed=1).sketches[0].score
    walks = [random_walk(song, seed) for seed in range(ALTERNATIVES)]
    walk = max(walks, key=lambda c: c.total)
    return [
        Row(
            f"{ALTERNATIVES} melody alternatives, {bars}-bar verse ({len(lines)} lines), wall (best of 25)",
            fmt_ms(wall),
            f"music21 parses those {ALTERNATIVES} ABC tunes",
            fmt_ms(peer),
            "<= 50 ms",
            "yes" if wall <= 0.050 else "no",
        ),
        Row(
            "  the same, CPU time of the process (best of 25)",
            fmt_ms(cpu),
            "-",
            "-",
            "<= 50 ms",
            "yes" if cpu <= 0.050 else "no",
        ),
        Row(
            "best sketch: stressed syllables on strong beats",
            f"{best.stress * 100:.0f}%",
            f"best of {ALTERNATIVES} random walks",
            f"{walk.stress * 100:.0f}%",
            ">= 90%",
            "yes" if best.stress >= 0.9 else "no",
        ),
        Row(
            "best sketch: strong-beat notes that are chord tones",
            f"{best.chord_tones * 100:.0f}%",
            f"best of {ALTERNATIVES} random walks",
            f"{walk.chord_tones * 100:.0f}%",
            ">= 80%",
            "yes" if best.chord_tones >= 0.8 else "no",
        ),
        Row(
            "best sketch: score card total (0-100)",
            f"{best.total}",
            f"best of {ALTERNATIVES} random walks",
            f"{walk.total}",
            "-",
            "",
        ),
    ]


def _cpu(fn: object) -> float:
    t0 = time.process_time()
    fn()  # type: ignore[operator]
    return time.process_time() - t0
