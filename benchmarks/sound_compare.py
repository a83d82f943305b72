"""Single notes and hits through cowriter's synth and through FluidSynth with FluidR3 GM, side by side.

The measures behind `bench_sound.py` (and handy alone: `python benchmarks/sound_compare.py [DIR]` prints
every figure per note and, with DIR, writes both renders of each note there as WAVs for `sox X.wav -n
spectrogram`):

- octave bands: each note's energy in the octave bands from 63 Hz to 16 kHz, after loudness matching (ours
  scaled so its K-weighted energy equals the reference's), then the difference band by band, over the bands
  that hold something (within 40 dB of the reference's strongest band);
- attack: onset to the peak of the 5 ms RMS envelope; decay: peak to 20 dB below it;
- a few spot figures from the issue: where 95% of a piano note's energy lies, the bass's 2nd harmonic, the
  snare's spectral centroid, how far the kick has fallen after 0.45 s, a guitar pluck's energy above
  10 kHz in its first 5 ms.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cowriter.render import drumkit, instruments
from cowriter.render.loudness import k_weighted
from cowriter.render.wavfile import WavWriter, read_wav

SR = 44100
SF2 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
BANDS = (63, 125, 250, 500, 1000, 2000, 4000, 8000, 16000)
PROGRAMS = {
    "piano": 0,
    "epiano": 4,
    "organ": 16,
    "nylon": 24,
    "guitar": 25,
    "pad": 89,
    "lead": 73,
    "bass": 33,
}
DRUMS = {"kick": 36, "side stick": 37, "snare": 38, "closed hat": 42, "open hat": 46, "crash": 49, "ride": 51}


@dataclass(frozen=True)
class Case:
    name: str
    instrument: str  # a synth voice name, or "drums"
    pitch: int
    velocity: int = 100
    hold: float = 1.5  # seconds the key is held
    length: float = 3.5  # seconds rendered


CASES = (
    Case("piano C2", "piano", 36),
    Case("piano C4", "piano", 60),
    Case("piano C6", "piano", 84),
    Case("bass E1", "bass", 28, hold=1.0, length=2.0),
    Case("bass A1", "bass", 33, hold=1.0, length=2.0),
    Case("bass C3", "bass", 48, hold=1.0, length=2.0),
    Case("nylon C3", "nylon", 48),
    Case("nylon E4", "nylon", 64),
    Case("guitar C3", "guitar", 48),
    Case("guitar E4", "guitar", 64),
    Case("epiano C4", "epiano", 60),
    Case("organ C4", "organ", 60, length=2.0),
    Case("pad C4", "pad", 60, length=3.0),
    Case("lead C5", "lead", 72, length=2.0),
    *(Case(name, "drums", note, hold=0.2, length=4.0) for name, note in DRUMS.items()),
)


def _midi(case: Case) -> bytes:
    """A one-note Standard MIDI File (format 0, 480 ticks a quarter at 120 bpm: 960 ticks a second)."""
    ch = 9 if case.instrument == "drums" else 0
    hold = round(case.hold * 960)

    def vlq(v: int) -> bytes:
        out = [v & 0x7F]
        while v > 127:
            v >>= 7
            out.append((v & 0x7F) | 0x80)
        return bytes(reversed(out))

    body = b"\x00\xff\x51\x03\x07\xa1\x20"  # 500,000 us a quarter
    if ch != 9:
        body += bytes((0, 0xC0 | ch, PROGRAMS[case.instrument]))
    body += bytes((0, 0x90 | ch, case.pitch, case.velocity))
    body += vlq(hold) + bytes((0x80 | ch, case.pitch, 0))
    body += vlq(round(case.length * 960) - hold) + b"\xff\x2f\x00"
    return (
        b"MThd"
        + (6).to_bytes(4, "big")
        + b"\x00\x00\x00\x01\x01\xe0"
        + b"MTrk"
        + len(body).to_bytes(4, "big")
        + body
    )


def reference(case: Case, tmp: Path) -> np.ndarray:
    """The note through FluidSynth (dry: no reverb, no chorus), mono."""
    mid, wav = tmp / "n.mid", tmp / "n.wav"
    mid.write_bytes(_midi(case))
    cmd = ["fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-r", str(SR), "-F", str(wav), str(SF2), str(mid)]
    subprocess.run(cmd, check=True, capture_output=True)
    audio, _ = read_wav(wav)
    out = audio.astype(np.float64).mean(axis=1)
    return np.pad(out, (0, max(0, round(case.length * SR) - out.size)))[: round(case.length * SR)]


def ours(case: Case) -> np.ndarray:
    """The note through cowriter's voice (before the mix), mono."""
    if case.instrument == "drums":
        audio = drumkit.hit(case.pitch, case.velocity, SR)
    else:
        audio = instruments.VOICES[case.instrument](case.pitch, case.velocity, round(case.hold * SR), SR)
    mono = audio.mean(axis=0) if audio.ndim == 2 else audio
    out = mono.astype(np.float64)
    return np.pad(out, (0, max(0, round(case.length * SR) - out.size)))[: round(case.length * SR)]


def band_db(x: np.ndarray) -> np.ndarray:
    """Energy per octave band (dB), from the whole note's spectrum."""
    spec = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / SR)
    out = []
    for fc in BANDS:
        sel = (freqs >= fc / math.sqrt(2)) & (freqs < min(fc * math.sqrt(2), SR / 2))
        out.append(10 * math.log10(float(spec[sel].sum()) + 1e-20))
    return np.array(out)


def envelope(x: np.ndarray, ms: float = 5.0) -> np.ndarray:
    n = max(1, round(ms / 1000 * SR))
    frames = x[: x.size // n * n].reshape(-1, n)
    return np.sqrt(np.mean(frames**2, axis=1) + 1e-20)


def attack_decay(x: np.ndarray) -> tuple[float, float]:
    """Seconds from onset to the envelope's peak, and from the peak down 20 dB (inf: never within the
    render)."""
    env = envelope(x)
    peak = int(np.argmax(env))
    onset = int(np.argmax(env > env[peak] * 1e-3))
    below = np.nonzero(env[peak:] < env[peak] * 0.1)[0]
    decay = below[0] * 0.005 if below.size else math.inf
    return (peak - onset) * 0.005, decay


def matched(ref: np.ndarray, x: np.ndarray) -> np.ndarray:
    """`x` scaled to the reference's K-weighted energy (loudness matching for notes too short to gate)."""
    er = float(np.sum(k_weighted(ref, SR) ** 2))
    ex = float(np.sum(k_weighted(x, SR) ** 2)) or 1e-20
    return x * math.sqrt(er / ex)


@dataclass(frozen=True)
class Compared:
    case: Case
    bands: np.ndarray  # ours - reference, dB, per band (nan where neither holds anything)
    ours_ad: tuple[float, float]
    ref_ad: tuple[float, float]

    @property
    def worst(self) -> float:
        return float(np.nanmax(np.abs(self.bands)))

    @property
    def rms(self) -> float:
        return float(np.sqrt(np.nanmean(self.bands**2)))


def compare(case: Case, tmp: Path, keep: Path | None = None) -> Compared:
    ref = reference(case, tmp)
    mine = matched(ref, ours(case))
    if keep is not None:
        for tag, x in (("fluid", ref), ("ours", mine)):
            with WavWriter(keep / f"{case.name.replace(' ', '_')}_{tag}.wav", SR) as w:
                w.write(np.stack((x, x), axis=1).astype(np.float32))
    rb, ob = band_db(ref), band_db(mine)
    diff = ob - rb
    diff[rb < rb.max() - 40] = np.nan
    return Compared(case, diff, attack_decay(mine), attack_decay(ref))


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


def click_db(x: np.ndarray) -> float:
    """Energy above 10 kHz in the first 5 ms, against the whole first 5 ms (dB)."""
    seg = x[: round(0.005 * SR)]
    spec = np.abs(np.fft.rfft(seg, 4096)) ** 2
    freqs = np.fft.rfftfreq(4096, 1 / SR)
    return 10 * math.log10(float(spec[freqs > 10000].sum()) / float(spec.sum()) + 1e-20)


def fall_db(x: np.ndarray, at: float) -> float:
    """How far the 10 ms envelope has fallen below its peak at `at` seconds (dB)."""
    env = envelope(x, 10.0)
    i = min(round(at / 0.01), env.size - 1)
    return 20 * math.log10(env[i] / env.max())


def main(argv: list[str]) -> int:
    keep = Path(argv[0]) if argv else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as name:
        print(f"{'note':12s} {'worst':>6s} {'rms':>5s}  bands ours-ref dB {BANDS}   attack o/r  decay20 o/r")
        for case in CASES:
            c = compare(case, Path(name), keep)
            bands = " ".join("   ." if math.isnan(d) else f"{d:+4.0f}" for d in c.bands)
            attack = f"{c.ours_ad[0] * 1000:4.0f}/{c.ref_ad[0] * 1000:4.0f} ms"
            decay = f"{c.ours_ad[1]:.2f}/{c.ref_ad[1]:.2f} s"
            print(f"{case.name:12s} {c.worst:6.1f} {c.rms:5.1f}  {bands}   {attack}  {decay}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
