"""Measure the General MIDI instruments of FluidR3 (through FluidSynth) at anchor pitches and write
`cowriter/render/timbres.py`, the figures the built-in voices are made from (`cowriter/render/timbre.py`
says what each figure means).

    python benchmarks/fit_timbres.py [OUT.py] [NAME ...]   (default: every timbre, printed)

Each anchor is one note held at velocity 100, dry (no reverb, no chorus), measured as:
- the envelope: 5 ms RMS at `ENV_TIMES` from the onset, against the peak; the release's 20 dB fall after
  the key is let go;
- an STFT whose window holds at least eight periods; harmonic k is the main lobe around the strongest
  bin within 0.45 f0 of k f0 (a piano's partials run sharp of k f0), or, where the window cannot tell
  harmonics apart, every bin nearest k f0; each group's mean energy per harmonic against the frame's whole
  harmonic energy is fitted, over the frames while the note is held and within 45 dB of its loudest, by a
  line in dB against time (weighted by the frame's level): the onset level and how much faster the group
  fades;
- the noise: octave bands of what no harmonic claims (below 0.7 f0, and between the harmonics where the
  window resolves them), as a share of the held note against the harmonics and how much faster it dies;
- the stereo width: each partial's phase spread left/right that gives the reference's side/mid ratio;
- the level: the envelope's peak against the instrument's median anchor (its register's balance).

`bench_sound.py` checks the voices at every other key of each instrument's range, between the anchors
as much as on them.
"""

from __future__ import annotations

import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sf2_zones import zones

from cowriter.render.timbre import ENV_TIMES, GROUPS, NOISE_BANDS
from tests.render.gm_reference import ORGAN_OCTAVE, SR, Case, reference_stereo


@dataclass(frozen=True)
class Spec:
    name: str  # the Python name in timbres.py
    program: int
    span: tuple[int, int]  # the keys to cover
    sustained: bool = False
    base: float = 1.0
    bright: float = 0.0
    hold: float = 2.5
    max_release: float = 1.0
    octave: int = 0  # each anchor measured on the note this many octaves up (the organ: ORGAN_OCTAVE)

    def anchors(self) -> list[tuple[int, tuple[int, int]]]:
        """(pitch, zone): one anchor at the middle of each of FluidR3's sample zones within the span (a zone
        plays one recording, resampled, so its spectrum per harmonic number holds across the zone), one
        every `WIDE` keys or so in a zone wider than that (an instrument made of one recording)."""
        out = []
        for lo, hi, _ in zones(self.program):
            a, b = max(lo, self.span[0]) - 12 * self.octave, min(hi, self.span[1]) - 12 * self.octave
            lo, hi = lo - 12 * self.octave, hi - 12 * self.octave
            if a > b:
                continue
            count = max(1, round((b - a) / WIDE))
            step = (b - a) / count
            out += [(round(a + step * (i + 0.5)), (lo, hi)) for i in range(count)]
        return out


WIDE = 8
SPECS = (
    Spec("PIANO", 0, (21, 108), bright=0.7),
    Spec("EPIANO", 4, (28, 96), bright=0.7),
    Spec("ORGAN", 16, (36, 108), sustained=True, base=0.5, hold=2.0, octave=ORGAN_OCTAVE),
    Spec("NYLON", 24, (36, 88), bright=0.6, max_release=0.3),
    # FluidR3's steel strings ring on for seconds after the key-off; a guitarist's fretting hand damps them
    Spec("GUITAR", 25, (36, 88), bright=0.6, max_release=0.2),
    Spec("UPRIGHT", 32, (24, 67), bright=0.4),
    Spec("BASS", 33, (24, 67), bright=0.4),
    Spec("PAD", 89, (36, 96), sustained=True, hold=3.0, max_release=0.6),
    Spec("LEAD", 73, (55, 96), sustained=True, hold=2.0),
)


def hz(pitch: float) -> float:
    return 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)


def rms_db(x: np.ndarray, at: np.ndarray, window: float = 0.005) -> np.ndarray:
    """RMS level (dB) of `window`-second stretches starting at each time."""
    n = round(window * SR)
    c = np.concatenate(([0.0], np.cumsum(x * x)))
    i = np.clip(np.round(at * SR).astype(int), 0, x.size - n)
    return 10.0 * np.log10((c[i + n] - c[i]) / n + 1e-20)


def fit_line(t: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Weighted least squares y = a - b t: (a, b)."""
    a = np.vstack([np.ones_like(t), -t]).T * w[:, None]
    coef, *_ = np.linalg.lstsq(a, y * w, rcond=None)
    return float(coef[0]), float(coef[1])


def width_for(side_to_mid: float) -> float:
    """The phase spread whose partials' mean side/mid power matches the reference's."""
    k = np.arange(1, 200)
    best, err = 0.0, math.inf
    for w in np.linspace(0.0, 2.0, 81):
        d = np.sin(k * 2.399963) * w
        ratio = float(np.mean(np.tan(d / 2.0) ** 2))
        e = abs(10 * math.log10(ratio + 1e-6) - side_to_mid)
        if e < err:
            best, err = float(w), e
    return best


@dataclass(frozen=True)
class Measured:
    envelope: list[float | None]
    release: float
    levels: list[float | None]
    fades: list[float | None]
    noise: list[float | None]
    noise_decay: float
    width: float
    level: float  # the envelope's peak, dB full scale (relative across anchors: `block` centres it)


def measure(spec: Spec, pitch: int, tmp: Path) -> Measured:
    length = spec.hold + 1.5
    case = Case("fit", "fit", pitch, hold=spec.hold, length=length, program=spec.program, octave=spec.octave)
    stereo = reference_stereo(case, tmp)
    return analyse(stereo, hz(pitch) * spec.base, spec.hold)


def anchor_text(pitch: int, zone: tuple[int, int], m: Measured, level: float) -> str:
    def tup(values: list[float | None]) -> str:
        while values and values[-1] is None:
            values = values[:-1]
        return (
            "("
            + ", ".join("None" if v is None else f"{v:g}" for v in values)
            + ("," if len(values) == 1 else "")
            + ")"
        )

    return (
        f"        Anchor({pitch}, {tup(m.envelope)}, {m.release:.2f},\n"
        f"               {tup(m.levels)},\n"
        f"               {tup(m.fades)},\n"
        f"               {tup(m.noise)}, {m.noise_decay:g}, {m.width:g}, {level:.1f}, {zone}),"
    )


def analyse(stereo: np.ndarray, f0: float, hold: float) -> Measured:
    """The figures of one note, stereo (n, 2), held `hold` seconds, fundamental `f0` Hz."""
    x = stereo.mean(axis=1)
    env5 = rms_db(x, np.arange(0, x.size / SR - 0.005, 0.0025))
    onset = int(np.argmax(env5 > env5.max() - 50.0)) * 0.0025
    x = x[round(onset * SR) :]
    stereo = stereo[round(onset * SR) :]
    hold = hold - onset
    # 5 ms RMS every 2.5 ms, its power averaged over a period (a low note's level, not its waveform's)
    grid = np.arange(0, x.size / SR - 0.006, 0.0025)
    power = 10 ** (rms_db(x, grid) / 10)
    span = max(1, round(1.0 / f0 / 0.0025))
    env = 10 * np.log10(np.convolve(power, np.ones(span) / span, "same") + 1e-20)
    held = grid < hold
    peak = float(env[held].max())
    times = np.array(ENV_TIMES)
    at = np.interp(times, grid, env)
    envelope = [
        round(float(v) - peak, 1) if t < hold - 0.05 else None for t, v in zip(times, at, strict=True)
    ]
    at_off = float(np.interp(hold - 0.02, grid, env))
    below = np.nonzero((env < at_off - 20.0) & (grid >= hold))[0]
    release = grid[below[0]] - hold if below.size else 2.0

    size = min(16384, 1 << math.ceil(math.log2(max(2048, 8.0 * SR / f0))))
    hop = 256
    window = np.hanning(size)
    padded = np.concatenate((np.zeros(size // 2), x))
    starts = range(0, round(hold * SR) - size // 2, hop)
    power = np.array([np.abs(np.fft.rfft(padded[s : s + size] * window)) ** 2 for s in starts])
    frame_t = np.array(list(starts)) / SR
    freqs = np.fft.rfftfreq(size, 1 / SR)
    kmax = int(min(GROUPS[-1][1], 18000.0 / f0))
    lobe = 2  # bins either side of a partial's peak: a Hann window's main lobe
    resolved = (lobe + 0.5) * SR / size <= 0.3 * f0  # the window tells neighbouring harmonics apart
    harm = np.zeros((power.shape[0], kmax + 1))
    claimed = np.zeros(freqs.size, dtype=bool)
    if resolved:  # each harmonic: the main lobe around its strongest bin within 0.45 f0 of k f0
        mean = power.mean(axis=0)
        for k in range(1, kmax + 1):
            near = np.nonzero(np.abs(freqs - k * f0) <= 0.45 * f0)[0]
            if near.size == 0:
                continue
            top = near[int(np.argmax(mean[near]))]
            sel = slice(max(0, top - lobe), top + lobe + 1)
            harm[:, k] = power[:, sel].sum(axis=1)
            claimed[sel] = True
    else:  # everything from 0.7 f0 up is harmonic, each bin to its nearest harmonic
        near_k = np.round(freqs / f0).astype(int)
        for k in range(1, kmax + 1):
            sel = (near_k == k) & (freqs >= 0.7 * f0)
            harm[:, k] = power[:, sel].sum(axis=1)
            claimed |= sel
    # the noise: what no harmonic claims, octave band by octave band
    band_of = np.floor(np.log2(np.maximum(freqs, 1.0) / NOISE_BANDS[0]) + 0.5).astype(int)
    noise = np.zeros((power.shape[0], len(NOISE_BANDS)))
    for b in range(len(NOISE_BANDS)):
        sel = (band_of == b) & (freqs >= 20.0) & ~claimed
        noise[:, b] = power[:, sel].sum(axis=1)
    total = harm[:, 1:].sum(axis=1) + 1e-30
    total_db = 10 * np.log10(total)
    valid = (frame_t >= size / 2 / SR * 0.999) & (total_db > total_db.max() - 45.0)
    if valid.sum() < 3:
        valid = total_db > total_db.max() - 45.0
    weight = np.sqrt(total / total.max())
    levels: list[float | None] = []
    fades: list[float | None] = []
    for lo, hi in GROUPS:
        if lo > kmax:
            levels.append(None)
            fades.append(None)
            continue
        g = harm[:, lo : min(hi, kmax) + 1].mean(axis=1) + 1e-30
        ok = valid & (10 * np.log10(g) > total_db.max() - 80.0)  # above the recording's floor
        if ok.sum() < 3:
            levels.append(-100.0)
            fades.append(0.0)
            continue
        a, b = fit_line(frame_t[ok], 10 * np.log10(g[ok] / total[ok]), weight[ok])
        levels.append(round(max(a, -100.0), 1))
        # a group may grow against the whole (a bass's fundamental dies first), by 6 dB a second at most
        fades.append(round(max(b, -6.0), 1))
    # the noise: each band's share of the held note against the harmonics (from the first frame: a knock is
    # over within the first window), as a level at the onset that dies `noise_decay` faster
    early = (frame_t <= hold) & (total_db > total_db.max() - 45.0)
    fits: list[tuple[float, float] | None] = []
    for b in range(len(NOISE_BANDS)):
        s = noise[:, b] + 1e-30
        if s[early].sum() < 10**-4.5 * total[early].sum():
            fits.append(None)
            continue
        _, rate = fit_line(frame_t[early], 10 * np.log10(s[early] / total[early]), weight[early])
        fits.append((float(s[early].sum() / total[early].sum()), rate))
    shares = [f for f in fits if f is not None]
    noise_decay = 0.3
    if shares:
        rate = sum(r * w for w, r in shares) / sum(w for w, _ in shares)
        noise_decay = round(float(np.clip(20.0 / max(rate, 1e-3), 0.05, 4.0)), 2)
    # the onset level that gives the measured share, dying 20 dB per `noise_decay` against the harmonics
    tail = float((total[early] * 10 ** (-frame_t[early] / noise_decay * 2.0)).sum() / total[early].sum())
    levels_noise: list[float | None] = []
    for f in fits:
        level = None if f is None else 10 * math.log10(f[0] / tail)
        levels_noise.append(None if level is None or level < -45.0 else round(level, 1))
    mid = stereo.mean(axis=1)
    side = (stereo[:, 0] - stereo[:, 1]) / 2.0
    ratio = 10 * math.log10(float(np.sum(side**2)) / float(np.sum(mid**2)) + 1e-12)
    width = round(width_for(ratio), 2)
    return Measured(envelope, release, levels, fades, levels_noise, noise_decay, width, peak)


HEADER = [
    '"""Timbres of the built-in voices, measured from FluidR3 GM through FluidSynth by',
    "`benchmarks/fit_timbres.py` (which wrote this file: re-run it rather than editing by hand). What each",
    'figure means: `cowriter/render/timbre.py`."""',
    "",
    "from __future__ import annotations",
    "",
    "from cowriter.render.timbre import Anchor, Timbre",
    "",
    "# ruff: noqa: E501",
    "# fmt: off",
]


def block(spec: Spec, tmp: Path) -> str:
    print(f"measuring {spec.name} (program {spec.program})", file=sys.stderr, flush=True)
    lines = [f"{spec.name} = Timbre(", f"    {spec.name.lower()!r},", "    ("]
    anchors = spec.anchors()
    measured = [measure(spec, p, tmp) for p, _ in anchors]
    middle = float(np.median([m.level for m in measured]))
    lines += [
        anchor_text(p, zone, m, m.level - middle) for (p, zone), m in zip(anchors, measured, strict=True)
    ]
    lines += [
        "    ),",
        f"    sustained={spec.sustained}, base={spec.base:g}, bright={spec.bright:g},"
        f" max_release={spec.max_release:g},",
        ")",
    ]
    return "\n".join(lines)


def blocks_of(text: str) -> dict[str, str]:
    """The timbres already in a module this script wrote, by name."""
    out: dict[str, str] = {}
    for chunk in text.split("\n)\n")[:-1]:
        start = chunk.rfind("\n", 0, chunk.find(" = Timbre(")) + 1
        out[chunk[start:].split(" ", 1)[0]] = chunk[start:] + "\n)"
    return out


def module(only: set[str] | None = None, old: str = "") -> str:
    """The module's text: every timbre measured, or those in `only` (the others kept from `old`)."""
    kept = blocks_of(old)
    with tempfile.TemporaryDirectory(prefix="cowriter-fit-") as name:
        tmp = Path(name)
        parts = [
            kept[s.name] if only and s.name not in only and s.name in kept else block(s, tmp) for s in SPECS
        ]
    return "\n".join(HEADER) + "\n" + "\n".join(parts) + "\n# fmt: on\n"


def main(argv: list[str]) -> int:
    out = [a for a in argv if a.endswith(".py")]
    old = Path(out[0]).read_text() if out and Path(out[0]).exists() else ""
    text = module({a.upper() for a in argv if not a.endswith(".py")} or None, old)
    if out:
        Path(out[0]).write_text(text)
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
