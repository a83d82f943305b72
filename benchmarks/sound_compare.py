"""Single notes and hits through cowriter's synth and through FluidSynth with FluidR3 GM, side by side: each
instrument at pitches across the range the styles give it, and every drum the styles play.

    python benchmarks/sound_compare.py [DIR|-] [NAME...]

prints every figure per note (or the notes whose names start with a NAME) and, with DIR, writes both renders
of each note there as WAVs for `sox X.wav -n spectrogram`. The measures live in
`tests/render/gm_reference.py` (octave bands after loudness matching, attack, decay, a pluck's click); the
spot figures from the issue are here: where 95% of a piano note's energy lies, the bass's 2nd harmonic,
the snare's spectral centroid, how far the kick has fallen after 0.45 s.
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.render.gm_reference import (
    BANDS,
    ORGAN_OCTAVE,
    PROGRAMS,
    SF2,
    SR,
    Case,
    Compared,
    attack_decay,
    band_db,
    click_db,
    compare,
    envelope,
    matched,
    ours,
    reference,
    reference_stereo,
)

__all__ = [
    "BANDS", "CASES", "DRUMS", "ORGAN_OCTAVE", "PROGRAMS", "SF2", "SR", "Case", "Compared", "attack_decay",
    "band_db", "centroid", "click_db", "compare", "energy_below", "envelope", "fall_db", "harmonic_db",
    "matched", "ours", "reference", "reference_stereo",
]  # fmt: skip
DRUMS = {
    "kick": 36, "side stick": 37, "snare": 38, "closed hat": 42, "pedal hat": 44, "open hat": 46, "crash": 49,
    "ride": 51, "shaker": 70,
}  # fmt: skip


def _notes(instrument: str, pitches: str, **kw: float) -> tuple[Case, ...]:
    names = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
    out = []
    for pitch in map(int, pitches.split()):
        label = f"{names[pitch % 12]}{pitch // 12 - 1}"
        out.append(Case(f"{instrument} {label}", instrument, pitch, **kw))  # type: ignore[arg-type]
    return tuple(out)


# Each instrument at pitches across the range the styles give it (and a little beyond).
CASES = (
    *_notes("piano", "36 48 60 72 84"),
    *_notes("bass", "28 33 40 48 55", hold=1.0, length=2.0),
    *(Case(f"upright {c.name[5:]}", "bass", c.pitch, hold=1.0, length=2.0, program=32)
      for c in _notes("bass", "28 33 40 48")),
    *_notes("guitar", "40 48 57 64 72"),
    *_notes("nylon", "40 52 60 64 72"),
    *_notes("epiano", "48 60 72"),
    *_notes("organ", "48 60 72", length=2.0, octave=ORGAN_OCTAVE),
    *_notes("pad", "48 60 72", length=3.0),
    *_notes("lead", "60 72 84", length=2.0),
    *(Case(name, "drums", note, hold=0.2, length=4.0) for name, note in DRUMS.items()),
)  # fmt: skip


def energy_below(x: np.ndarray, share: float = 0.95) -> float:
    spec = np.abs(np.fft.rfft(x)) ** 2
    cum = np.cumsum(spec) / spec.sum()
    return float(np.fft.rfftfreq(x.size, 1 / SR)[np.searchsorted(cum, share)])


def harmonic_db(x: np.ndarray, f0: float, k: int) -> float:
    """The k-th harmonic's level against the fundamental (dB), from the first second."""
    seg = x[:SR] * np.hanning(SR)
    spec = np.abs(np.fft.rfft(seg))
    peak = lambda f: float(spec[int(f * 0.97) : int(f * 1.03) + 1].max())  # noqa: E731 (1 Hz bins)
    return 20 * math.log10(peak(k * f0) / peak(f0))


def centroid(x: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(x)) ** 2
    return float(np.sum(np.fft.rfftfreq(x.size, 1 / SR) * spec) / np.sum(spec))


def fall_db(x: np.ndarray, at: float) -> float:
    """How far the 10 ms envelope has fallen below its peak at `at` seconds (dB)."""
    env = envelope(x, 10.0)
    i = min(round(at / 0.01), env.size - 1)
    return 20 * math.log10(env[i] / env.max())


def main(argv: list[str]) -> int:
    keep = Path(argv[0]) if argv and argv[0] != "-" else None
    only = tuple(argv[1:])
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as name:
        print(f"{'note':12s} {'worst':>6s} {'rms':>5s}  bands ours-ref dB {BANDS}   attack o/r  decay20 o/r")
        for case in CASES:
            if only and not case.name.startswith(only):
                continue
            c = compare(case, Path(name), keep)
            bands = " ".join("   ." if math.isnan(d) else f"{d:+4.0f}" for d in c.bands)
            attack = f"{c.ours_ad[0] * 1000:4.0f}/{c.ref_ad[0] * 1000:4.0f} ms"
            decay = f"{c.ours_ad[1]:.2f}/{c.ref_ad[1]:.2f} s"
            print(f"{case.name:12s} {c.worst:6.1f} {c.rms:5.1f}  {bands}   {attack}  {decay}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
