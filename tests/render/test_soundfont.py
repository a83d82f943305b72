"""A SoundFont behind the same engine and player: real TinySoundFont with Debian's FluidR3 GM (installed by
scripts/test.sh), compared with FluidSynth on the same file."""

from __future__ import annotations

import importlib.util
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from cowriter.core.events import Arrangement, Note, TextEvent, Track
from cowriter.core.timeline import TempoChange
from cowriter.render.audio import NullOutput, WavOutput
from cowriter.render.loudness import integrated_loudness
from cowriter.render.player import Player
from cowriter.render.sounds import SoundError
from cowriter.render.synth import Engine, render
from cowriter.render.voices import open_voices
from cowriter.render.wavfile import read_wav
from tests.render.test_mix import parts

SF2 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("tinysoundfont") is None or not SF2.is_file(),
    reason="needs tinysoundfont and fluid-soundfont-gm (scripts/test.sh installs both)",
)


def band(bars: int = 4, bpm: float = 240.0) -> Arrangement:
    beats = bars * 4
    piano = tuple(Note(float(b), 0.9, p, 80) for b in range(beats) for p in (60, 64, 67))
    bass = tuple(Note(float(b), 0.9, 36, 90) for b in range(beats))
    drums = tuple(Note(float(b), 0.25, 36 if b % 2 == 0 else 38, 100) for b in range(beats))
    lead = tuple(Note(float(b), 1.9, 72 + (b // 2) % 5, 100) for b in range(0, beats, 2))
    tracks = (
        Track("Lead", "lead", 73, 0, lead),
        Track("Piano", "piano", 0, 1, piano, pan=-0.25),
        Track("Bass", "bass", 33, 7, bass),
        Track("Drums", "drums", 0, 9, drums),
    )
    markers = (TextEvent(0.0, "Verse"), TextEvent(8.0, "Chorus"))
    return Arrangement(tracks, float(beats), (TempoChange(0.0, bpm),), markers=markers)


def test_a_song_renders_through_the_soundfont_deterministically() -> None:
    a = render(band(), sound=SF2)
    assert a.shape[1] == 2 and float(np.abs(a).max()) > 0.05
    assert float(np.abs(a).max()) <= 10 ** (-1 / 20)
    assert np.array_equal(a, render(band(), sound=SF2))
    assert not np.array_equal(a[: a.shape[0] // 2], render(band())[: a.shape[0] // 2])  # not the built-in


def octave_bands(x: np.ndarray, sr: int = 44100) -> np.ndarray:
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / sr)
    edges = [(fc / math.sqrt(2), fc * math.sqrt(2)) for fc in (125, 250, 500, 1000, 2000, 4000)]
    levels = np.array([power[(freqs >= lo) & (freqs < hi)].sum() for lo, hi in edges])
    return 10 * np.log10(levels / levels.sum())


@pytest.mark.skipif(
    shutil.which("fluidsynth") is None, reason="needs fluidsynth (scripts/test.sh installs it)"
)
@pytest.mark.parametrize(("program", "pitch"), [(0, 60), (33, 36), (24, 52)])
def test_a_note_sounds_as_fluidsynth_plays_the_same_soundfont(
    tmp_path: Path, program: int, pitch: int
) -> None:
    from cowriter.render.midi import write_midi

    track = Track("t", "piano", program, 0, (Note(0.0, 2.0, pitch, 100),))
    arr = Arrangement((track,), 4.0, (TempoChange(0.0, 120.0),))
    write_midi(arr, tmp_path / "n.mid")
    cmd = ["fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-r", "44100", "-F", str(tmp_path / "n.wav")]
    subprocess.run([*cmd, str(SF2), str(tmp_path / "n.mid")], check=True, capture_output=True, timeout=60)
    theirs = read_wav(tmp_path / "n.wav")[0].mean(axis=1)
    ours = open_voices(SF2, 44100).note("piano", program, pitch, 100, 44100).mean(axis=0)
    assert np.abs(octave_bands(ours) - octave_bands(theirs)).max() < 6.0


@pytest.mark.parametrize("style", ["pop", "rock", "bossa", "folk"])
def test_the_melody_carries_over_the_soundfont_band(style: str) -> None:
    _, lead, rest = parts(style)
    over = integrated_loudness(render(lead, sound=SF2), 44100) - integrated_loudness(
        render(rest, sound=SF2), 44100
    )
    assert over >= 3.0, f"{style}: the melody is {over:+.1f} LU against the band"


def test_the_player_streams_loops_and_writes_a_wav_with_it(tmp_path: Path) -> None:
    out = WavOutput(tmp_path / "take.wav")
    seen: list[int] = []
    player = Player(band(), out, on_position=lambda p: seen.append(p.bar), sound=SF2)
    player.start()
    assert player.wait(60) and player.error is None
    audio, _ = read_wav(tmp_path / "take.wav")
    assert float(np.abs(audio).max()) > 0.05 and seen and max(seen) >= 4
    looped = NullOutput(44100, 1024, clocked=True).keep()
    player = Player(band(), looped, sound=SF2)
    player.start(section="chorus", loop=True)
    try:
        assert not player.wait(2.5)  # a 2-bar loop at 240 bpm is 2 s: still going
    finally:
        player.stop(fade=False)
    assert float(np.abs(np.concatenate(looped.blocks or [])).max()) > 0.05


def test_a_file_that_is_not_a_soundfont_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sf2"
    bad.write_bytes(b"not a soundfont at all")
    with pytest.raises(SoundError, match="cannot load the SoundFont"):
        Engine(sound=bad)
