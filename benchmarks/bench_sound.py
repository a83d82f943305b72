"""How cowriter sounds, beside General MIDI through FluidSynth + FluidR3 GM (the yardstick), measured in the
same run:

- each instrument: single notes and hits through both (`sound_compare.py`), octave bands 63 Hz-16 kHz after
  loudness matching (worst band and RMS over the bands that hold something), attack and 20 dB decay;
- the issue's spot figures (piano C4's 95%-energy frequency, bass 2nd harmonic, kick level at 0.45 s,
  snare centroid, nylon click, hats above 20 kHz);
- the mix, per style, on a 16-bar song with an ABC melody: the melody against the band (ITU-R BS.1770
  loudness of the lead alone and of the band alone through the same chain), stereo width (side/mid),
  peak level, and the full mix's 2-6 kHz share against FluidSynth's after loudness matching;
- speed with a SoundFont: `cowriter --sound FluidR3_GM.sf2 render` (TinySoundFont) against `fluidsynth -F`
  on the same SF2 and MIDI, whole process, 3-minute song.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from bench_synth import cpu_seconds, song_text
from common import PYTHON, Row, process_seconds
from sound_compare import (
    CASES,
    SF2,
    SR,
    Case,
    centroid,
    click_db,
    compare,
    energy_below,
    fall_db,
    harmonic_db,
    matched,
    ours,
    reference,
)

from cowriter.core.arrange import arrange
from cowriter.core.events import Arrangement
from cowriter.core.sheet import read_song
from cowriter.render import instruments
from cowriter.render.loudness import integrated_loudness, side_to_mid_db
from cowriter.render.midi import write_midi
from cowriter.render.synth import render
from cowriter.render.wavfile import read_wav

STYLES = ("pop", "rock", "ballad", "folk", "waltz", "sixeight", "bossa", "swing", "funk", "halftime")
ROOT = Path(__file__).resolve().parent.parent
ISSUE_INSTRUMENTS = ("piano", "bass", "nylon", "kick", "snare", "closed hat", "open hat", "crash", "ride")


def fluid(arr: Arrangement, tmp: Path) -> np.ndarray:
    write_midi(arr, tmp / "a.mid")
    cmd = ["fluidsynth", "-ni", "-q", "-r", str(SR), "-F", str(tmp / "a.wav"), str(SF2), str(tmp / "a.mid")]
    subprocess.run(cmd, check=True, capture_output=True)
    return read_wav(tmp / "a.wav")[0].astype(np.float64)


def parts(arr: Arrangement) -> tuple[Arrangement, Arrangement]:
    lead = dataclasses.replace(arr, tracks=tuple(t for t in arr.tracks if t.instrument == "lead"))
    band = dataclasses.replace(arr, tracks=tuple(t for t in arr.tracks if t.instrument != "lead"))
    return lead, band


def presence_db(x: np.ndarray) -> float:
    """The 2-6 kHz share of a mix's energy (dB of the whole)."""
    mono = x.mean(axis=1)
    power = np.abs(np.fft.rfft(mono)) ** 2
    freqs = np.fft.rfftfreq(mono.size, 1 / SR)
    return 10 * math.log10(power[(freqs >= 2000) & (freqs < 6000)].sum() / power.sum())


def instrument_rows(tmp: Path) -> list[Row]:
    rows = []
    for case in CASES:
        c = compare(case, tmp)
        within = c.worst <= 6.0
        rows.append(Row(
            f"{case.name}: octave bands vs GM, worst (RMS); attack, 20 dB decay",
            f"{c.worst:.1f} dB ({c.rms:.1f}); {c.ours_ad[0] * 1000:.0f} ms, {c.ours_ad[1]:.2f} s",
            "FluidSynth FluidR3 GM", f"0 dB; {c.ref_ad[0] * 1000:.0f} ms, {c.ref_ad[1]:.2f} s",
            "each band within a few dB" if case.name.split()[0] in ISSUE_INSTRUMENTS else "-",
            "ok" if within else "off",
        ))  # fmt: skip
    return rows


def spot_rows(tmp: Path) -> list[Row]:
    def pair(case: Case) -> tuple[np.ndarray, np.ndarray]:
        ref = reference(case, tmp)
        return matched(ref, ours(case)), ref

    def row(figure: str, unit: str, values: tuple[float, float], target: str) -> Row:
        return Row(figure, unit.format(values[0]), "FluidR3", unit.format(values[1]), target)

    def top(x: np.ndarray) -> float:
        power = np.abs(np.fft.rfft(x)) ** 2
        freqs = np.fft.rfftfreq(x.size, 1 / SR)
        return 10 * math.log10(power[freqs > 20000].sum() / power.sum() + 1e-30)

    piano = pair(Case("piano C4", "piano", 60))
    bass = pair(Case("bass A1", "bass", 33, hold=1.0, length=2.0))
    kick = pair(Case("kick", "drums", 36, hold=0.2, length=1.0))
    snare = pair(Case("snare", "drums", 38, hold=0.2, length=1.0))
    nylon = pair(Case("nylon E4", "nylon", 64))
    f = instruments.hz(33)
    rows = [
        row("piano C4: 95% of the energy below", "{:.0f} Hz", tuple(map(energy_below, piano)), "was 264 Hz"),
        row("bass A1: 2nd harmonic vs fundamental", "{:+.1f} dB", tuple(harmonic_db(x, f, 2) for x in bass),
            "was -18 dB"),
        row("kick: level at 0.45 s (10 ms window)", "{:.0f} dB", tuple(fall_db(x, 0.45) for x in kick),
            "was -13 dB, then cut"),
        row("snare: spectral centroid (energy)", "{:.0f} Hz", tuple(map(centroid, snare)), "was 4.4 kHz"),
        row("nylon E4: >10 kHz in the first 5 ms", "{:.1f} dB", tuple(map(click_db, nylon)), "was -11 dB"),
    ]  # fmt: skip
    for name, note in (("closed hat", 42), ("ride", 51)):
        hit = pair(Case(name, "drums", note, hold=0.2, length=3.0))
        rows.append(row(f"{name}: energy above 20 kHz (of the hit)", "{:.0f} dB", tuple(map(top, hit)),
                        "no hiss wall (old kit -30 dB)"))  # fmt: skip
    return rows


def _over(arr: Arrangement, tmp: Path, sound: Path | None = None) -> tuple[float, float]:
    """The melody against the band, LU: through cowriter (built-in or a SoundFont) and through FluidSynth."""
    lead, band = parts(arr)
    ours_over = integrated_loudness(render(lead, sound=sound), SR) - integrated_loudness(
        render(band, sound=sound), SR
    )
    return ours_over, integrated_loudness(fluid(lead, tmp), SR) - integrated_loudness(fluid(band, tmp), SR)


def mix_rows(tmp: Path) -> list[Row]:
    song = read_song(song_text(16))
    rows = []
    for style in STYLES:
        arr = arrange(song, style=style, seed=1)
        full, ref_full = render(arr).astype(np.float64), fluid(arr, tmp)
        over, ref_over = _over(arr, tmp)
        width, ref_width = side_to_mid_db(full), side_to_mid_db(ref_full)
        peak, ref_peak = (20 * math.log10(float(np.abs(x).max())) for x in (full, ref_full))
        loud, ref_loud = integrated_loudness(full, SR), integrated_loudness(ref_full, SR)
        pres, ref_pres = presence_db(full), presence_db(ref_full)
        rows += [
            Row(f"{style}: melody over the band (BS.1770)", f"{over:+.1f} LU", "FluidSynth, same MIDI",
                f"{ref_over:+.1f} LU", ">= +3 LU", "ok" if over >= 3.0 else "MISSED"),
            Row(f"{style}: stereo width, side/mid", f"{width:.1f} dB", "FluidSynth", f"{ref_width:.1f} dB",
                "about -8 dB (was -17)", "ok" if width > -12 else "narrow"),
            Row(f"{style}: peak, integrated loudness", f"{peak:.1f} dBFS, {loud:.1f} LUFS", "FluidSynth",
                f"{ref_peak:.1f} dBFS, {ref_loud:.1f} LUFS", "compare loudness-matched"),
            Row(f"{style}: 2-6 kHz share of the mix", f"{pres:.1f} dB", "FluidSynth", f"{ref_pres:.1f} dB",
                "within a few dB (was 8-12 low)", "ok" if abs(pres - ref_pres) <= 4 else "off"),
        ]  # fmt: skip
    return rows


def example_rows(tmp: Path) -> list[Row]:
    """The examples with the melody `cowriter melody --write` gives them, in the styles where the band is
    loudest: the melody's margin over the band, built-in and with FluidR3 through TinySoundFont."""
    sf = SF2 if importlib.util.find_spec("tinysoundfont") else None
    rows = []
    for example in sorted((ROOT / "examples").glob("*.cho")):
        copy = tmp / example.name
        copy.write_text(example.read_text())
        write = [PYTHON, "-m", "cowriter", "melody", str(copy), "--write"]
        subprocess.run(write, check=True, capture_output=True, cwd=tmp)
        song = read_song(copy.read_text())
        overs = {
            style: _over(arrange(song, style=style, seed=1), tmp)
            for style in ("pop", "rock", "bossa", "funk")
        }
        sf_overs = [_over(arrange(song, style=s, seed=1), tmp, sf)[0] for s in overs] if sf else []
        low = min(o for o, _ in overs.values())
        rows.append(Row(
            f"{example.stem} + its melody, pop/rock/bossa/funk: melody over the band, least",
            f"{low:+.1f} LU" + (f" (SoundFont {min(sf_overs):+.1f})" if sf_overs else ""),
            "FluidSynth, same MIDI", f"{min(r for _, r in overs.values()):+.1f} LU", ">= +3 LU",
            "ok" if low >= 3.0 and all(o >= 3.0 for o in sf_overs) else "MISSED",
        ))  # fmt: skip
    return rows


def speed_rows(tmp: Path) -> list[Row]:
    if importlib.util.find_spec("tinysoundfont") is None:
        return [Row("render with a SoundFont", "-", target="needs tinysoundfont")]
    three = tmp / "three.cho"
    three.write_text(song_text(88))
    cw = [PYTHON, "-m", "cowriter"]
    midi = [*cw, "render", str(three), "-o", str(tmp / "three.mid"), "--seed", "1"]
    subprocess.run(midi, check=True, capture_output=True)
    ours_cmd = [*cw, "--sound", str(SF2), "render", str(three), "-o", str(tmp / "sf.wav"), "--seed", "1"]
    peer_cmd = ["fluidsynth", "-ni", "-q", "-F", str(tmp / "f.wav"), str(SF2), str(tmp / "three.mid")]
    ours_s, peer_s = process_seconds(ours_cmd, 3), process_seconds(peer_cmd, 3)
    ours_cpu, peer_cpu = cpu_seconds(ours_cmd), cpu_seconds(peer_cmd)
    return [
        Row("3-min song to WAV, --sound FluidR3_GM.sf2 (TinySoundFont), whole process, wall (median of 3)",
            f"{ours_s:.2f} s", "fluidsynth -F, same SF2 and MIDI", f"{peer_s:.2f} s", "-",
            f"{ours_s / peer_s:.2f}x"),
        Row("same, CPU time user+sys (median of 3)", f"{ours_cpu:.2f} s", "fluidsynth", f"{peer_cpu:.2f} s",
            "-", f"{ours_cpu / peer_cpu:.2f}x"),
    ]  # fmt: skip


def rows() -> list[Row]:
    if not (shutil.which("fluidsynth") and SF2.exists()):
        return [Row("sound against General MIDI", "-", target="needs fluidsynth and fluid-soundfont-gm")]
    with tempfile.TemporaryDirectory(prefix="cowriter-sound-") as name:
        tmp = Path(name)
        return [*instrument_rows(tmp), *spot_rows(tmp), *mix_rows(tmp), *example_rows(tmp), *speed_rows(tmp)]
