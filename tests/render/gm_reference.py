"""Single notes through cowriter's voices and through FluidSynth with FluidR3 GM (the General MIDI yardstick),
measured side by side: used by the voice tests (`test_voices_gm.py`) and by `benchmarks/sound_compare.py`,
`bench_sound.py` and `fit_timbres.py`.

- octave bands: each note's energy in the octave bands from 63 Hz to 16 kHz, after loudness matching (ours
  scaled so its K-weighted energy equals the reference's), then the difference band by band, over the bands
  that hold something (within 40 dB of the reference's strongest band);
- attack: onset to the peak of the 5 ms RMS envelope; decay: peak to 20 dB below it;
- a pluck's click: its energy above 10 kHz in the first 5 ms.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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


def available() -> bool:
    """FluidSynth and FluidR3 GM are here (scripts/test.sh installs both)."""
    return shutil.which("fluidsynth") is not None and SF2.is_file()


# FluidR3's drawbar organ sounds its lowest partial two octaves under the key (one recording, its root key
# two octaves high); a drawbar organ's lowest stop, the 16', sounds one octave under: ours is compared with
# FluidR3's note an octave up, which sounds at the same pitches.
ORGAN_OCTAVE = 1


@dataclass(frozen=True)
class Case:
    name: str
    instrument: str  # a synth voice name, or "drums"
    pitch: int
    velocity: int = 100
    hold: float = 1.5  # seconds the key is held
    length: float = 3.5  # seconds rendered
    program: int | None = None  # General MIDI program; None: the instrument's usual one
    octave: int = 0  # the reference played this many octaves up (see ORGAN_OCTAVE)

    @property
    def gm_program(self) -> int:
        return PROGRAMS.get(self.instrument, 0) if self.program is None else self.program


def _vlq(v: int) -> bytes:
    out = [v & 0x7F]
    while v > 127:
        v >>= 7
        out.append((v & 0x7F) | 0x80)
    return bytes(reversed(out))


def _midi_file(events: list[tuple[int, bytes]]) -> bytes:
    """A Standard MIDI File (format 0, 480 ticks a quarter at 120 bpm: 960 ticks a second) holding
    `events` (tick, message), which it sorts."""
    body, now = b"\x00\xff\x51\x03\x07\xa1\x20", 0  # 500,000 us a quarter
    for tick, message in sorted(events, key=lambda e: e[0]):
        body += _vlq(tick - now) + message
        now = tick
    body += b"\x00\xff\x2f\x00"
    header = b"MThd" + (6).to_bytes(4, "big") + b"\x00\x00\x00\x01\x01\xe0"
    return header + b"MTrk" + len(body).to_bytes(4, "big") + body


def _note_events(case: Case, ch: int, start: float) -> list[tuple[int, bytes]]:
    ch = 9 if case.instrument == "drums" else ch
    key = case.pitch + 12 * case.octave
    on = round(start * 960)
    events = [
        (on, bytes((0x90 | ch, key, case.velocity))),
        (on + round(case.hold * 960), bytes((0x80 | ch, key, 0))),
    ]
    if ch != 9:  # the program first (events at one tick keep their order)
        events.insert(0, (0, bytes((0xC0 | ch, case.gm_program))))
    return events


def _midi(case: Case) -> bytes:
    """A one-note Standard MIDI File, the file running `case.length` seconds."""
    return _midi_file([*_note_events(case, 0, 0.0), (round(case.length * 960), b"\xff\x01\x00")])


def _fluidsynth(mid: Path, wav: Path) -> np.ndarray:
    cmd = ["fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-r", str(SR), "-F", str(wav), str(SF2), str(mid)]
    subprocess.run(cmd, check=True, capture_output=True)
    audio, _ = read_wav(wav)
    return audio.astype(np.float64)


def _fit(x: np.ndarray, n: int) -> np.ndarray:
    return np.pad(x, ((0, max(0, n - x.shape[0])), (0, 0)))[:n]


def references(cases: list[Case], tmp: Path) -> list[np.ndarray]:
    """Each case's note through FluidSynth (dry), mono, from one run of it (loading the SoundFont once):
    the notes one after the other, each on its own channel (at most 15 pitched cases)."""
    # FluidSynth starts a note at its next 64-frame block: each note starts on a multiple of 16/15 s (1024
    # ticks, 735 blocks), so each is rendered as it would be alone
    step = 16.0 / 15.0
    starts = np.cumsum([0.0] + [math.ceil((c.length + 2.0) / step) * step for c in cases])
    free = iter(ch for ch in range(16) if ch != 9)  # the drums play on channel 10 (9 here) whatever it says
    channels = [9 if c.instrument == "drums" else next(free) for c in cases]
    events = [e for i, c in enumerate(cases) for e in _note_events(c, channels[i], float(starts[i]))]
    mid, wav = tmp / "all.mid", tmp / "all.wav"
    mid.write_bytes(_midi_file([*events, (round(starts[-1] * 960), b"\xff\x01\x00")]))
    audio = _fit(_fluidsynth(mid, wav), round(starts[-1] * SR))
    return [
        audio[round(s * SR) : round(s * SR) + round(c.length * SR)].mean(axis=1)
        for s, c in zip(starts[:-1], cases, strict=True)
    ]


def reference_stereo(case: Case, tmp: Path) -> np.ndarray:
    """The note through FluidSynth (dry: no reverb, no chorus), stereo (n, 2)."""
    mid, wav = tmp / "n.mid", tmp / "n.wav"
    mid.write_bytes(_midi(case))
    return _fit(_fluidsynth(mid, wav), round(case.length * SR))


def reference(case: Case, tmp: Path) -> np.ndarray:
    """The note through FluidSynth (dry), mono."""
    out: np.ndarray = reference_stereo(case, tmp).mean(axis=1)
    return out


def ours(case: Case) -> np.ndarray:
    """The note through cowriter's voice (before the mix), mono."""
    from cowriter.render import drumkit

    if case.instrument == "drums":
        audio = drumkit.hit(case.pitch, case.velocity, SR)
    else:
        from cowriter.render.voices import BuiltinVoices  # not at import: fit_timbres.py writes its data

        voices = BuiltinVoices(SR)
        audio = voices.note(
            case.instrument, case.gm_program, case.pitch, case.velocity, round(case.hold * SR)
        )
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


def compare(case: Case, tmp: Path, keep: Path | None = None, ref: np.ndarray | None = None) -> Compared:
    """Ours against the reference (rendered here unless given)."""
    ref = reference(case, tmp) if ref is None else ref
    mine = matched(ref, ours(case))
    if keep is not None:
        for tag, x in (("fluid", ref), ("ours", mine)):
            with WavWriter(keep / f"{case.name.replace(' ', '_')}_{tag}.wav", SR) as w:
                w.write(np.stack((x, x), axis=1).astype(np.float32))
    rb, ob = band_db(ref), band_db(mine)
    diff = ob - rb
    diff[rb < rb.max() - 40] = np.nan
    return Compared(case, diff, attack_decay(mine), attack_decay(ref))


def click_db(x: np.ndarray) -> float:
    """Energy above 10 kHz in the first 5 ms from the onset, against the whole first 5 ms (dB; a Hann
    window, so the cut at 5 ms adds no highs of its own)."""
    onset = int(np.argmax(np.abs(x) > 1e-3 * float(np.abs(x).max())))
    seg = x[onset : onset + round(0.005 * SR)]
    spec = np.abs(np.fft.rfft(seg * np.hanning(seg.size), 4096)) ** 2
    freqs = np.fft.rfftfreq(4096, 1 / SR)
    return 10 * math.log10(float(spec[freqs > 10000].sum()) / float(spec.sum()) + 1e-20)
