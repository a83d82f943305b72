"""Real audio: play into a PulseAudio null sink (recorded from its monitor) and into an ALSA file PCM, then
check what came out: the note's fundamental by FFT and the sound's length against the offline render."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cowriter.core.events import Arrangement, Note, Track
from cowriter.core.timeline import TempoChange
from cowriter.render.synth import render
from cowriter.render.wavfile import read_wav

from .conftest import AlsaFile, Pulse

pytestmark = [pytest.mark.audio, pytest.mark.slow]

PLAY_ONE_NOTE = """
import sys
from cowriter.core.events import Arrangement, Note, Track
from cowriter.core.timeline import TempoChange
from cowriter.render.audio import open_output
from cowriter.render.player import Player
song = Arrangement((Track("p", "piano", 0, 0, (Note(0.0, 2.0, 69, 100),)),), 2.0, (TempoChange(0.0, 60.0),))
out, why = open_output("device")
print(out.kind, out.route, why)
player = Player(song, out)
player.start()
sys.exit(0 if player.wait(20) else 3)
"""


def one_note() -> Arrangement:
    track = Track("p", "piano", 0, 0, (Note(0.0, 2.0, 69, 100),))
    return Arrangement((track,), 2.0, (TempoChange(0.0, 60.0),))


def sounding_span(x: np.ndarray, sr: int) -> float:
    """Seconds from the first to the last sample above -40 dB of the peak."""
    mono = np.abs(x).max(axis=1)
    loud = np.flatnonzero(mono > 0.01 * mono.max())
    return float((loud[-1] - loud[0]) / sr)


def loud_frames(x: np.ndarray) -> int:
    mono = np.abs(x).max(axis=1)
    return int(np.count_nonzero(mono > 0.01 * mono.max()))


def peak_frequency(x: np.ndarray, sr: int, lo: float, hi: float, *, whole: bool = False) -> float:
    mono = x[:, 0].astype(np.float64)
    start = int(np.flatnonzero(np.abs(mono) > 0.01 * np.abs(mono).max())[0])
    seg = mono if whole else mono[start : start + 32768]
    spec = np.abs(np.fft.rfft(seg * np.hanning(seg.size)))
    freqs = np.fft.rfftfreq(seg.size, 1 / sr)
    band = (freqs > lo) & (freqs < hi)
    return float(freqs[band][np.argmax(spec[band])])


def without_underruns(x: np.ndarray, run: int = 64) -> np.ndarray:
    """The frames that were played, with the silent blocks an unclocked device inserts on underrun taken
    out (runs of at least `run` frames of exact digital silence; a sounding note never holds exact 0)."""
    silent = ~np.any(x != 0.0, axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], silent.astype(np.int8), [0]))))
    keep = np.ones(len(x), dtype=bool)
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if end - start >= run:
            keep[start:end] = False
    return x[keep]


def run_player(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PLAY_ONE_NOTE], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_one_note_through_pulseaudio(pulse: Pulse, tmp_path: Path) -> None:
    rec = tmp_path / "rec.wav"
    proc = pulse.record(rec)
    try:
        said = run_player(pulse.env)
    finally:
        pulse.finish(proc)
    assert said.startswith("device speakers")
    x, sr = read_wav(rec)
    assert abs(peak_frequency(x, sr, 300, 600) - 440.0) < 3.0
    expected = sounding_span(render(one_note()), 44100)
    assert abs(sounding_span(x, sr) - expected) < 0.15


def test_one_note_through_an_alsa_file_pcm(alsa_file: AlsaFile) -> None:
    said = run_player(alsa_file.env)
    assert said.startswith("device")
    x, sr = read_wav(alsa_file.wav)
    # The pitch of what was played: under load the unclocked device underruns, and its silent blocks
    # inside the analysis window would smear the spectrum.
    assert abs(peak_frequency(without_underruns(x), sr, 300, 600) - 440.0) < 3.0
    # The file PCM is not clocked: the device asks faster than real time, so underruns put silent
    # blocks between the sound's blocks. What was played must still add up to the render's length.
    expected = loud_frames(render(one_note()))
    assert abs(loud_frames(x) - expected) < 0.03 * expected


SONG = "{title: One Chord}\n{tempo: 120}\n{x_style: ballad}\n\n[A]Hold on, hold [A]on\n"


def test_cowriter_play_through_pulseaudio(pulse: Pulse, tmp_path: Path) -> None:
    from cowriter.core.arrange import arrange
    from cowriter.core.sheet import read_song

    song_file = tmp_path / "one.cho"
    song_file.write_text(SONG)
    rec = tmp_path / "rec.wav"
    proc = pulse.record(rec)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cowriter", "play", str(song_file)],
            env=pulse.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        pulse.finish(proc)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("playing One Chord") and done.stderr == ""
    x, sr = read_wav(rec)
    arr = arrange(read_song(SONG))
    assert arr.seconds - 0.5 < sounding_span(x, sr) < arr.seconds + 3.0
    bass = peak_frequency(x, sr, 40, 150, whole=True)
    assert min(abs(bass - f) for f in (55.0, 110.0)) < 3.0  # the band's low A
