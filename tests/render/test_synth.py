"""The synth through its public functions: pitch, aliasing, clicks, levels, stereo, determinism, blocks."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cowriter.core.events import Arrangement, Note, Track
from cowriter.core.timeline import TempoChange
from cowriter.render import drumkit, instruments
from cowriter.render.effects import Limiter, Reverb
from cowriter.render.synth import BLOCK, Engine, VoiceCache, blocks, render, render_wav
from cowriter.render.wavfile import read_wav

PITCHED = ("piano", "epiano", "guitar", "nylon", "organ", "pad", "bass", "lead")
CEILING = 10 ** (-1.0 / 20)


def one_note(
    instrument: str, pitch: int, *, seconds: float = 1.5, velocity: int = 100, pan: float = 0.0
) -> Arrangement:
    track = Track(
        "t", instrument, 0, 9 if instrument == "drums" else 0, (Note(0.0, seconds, pitch, velocity),), pan=pan
    )
    return Arrangement((track,), seconds, (TempoChange(0.0, 60.0),))


def stray_partials(x: np.ndarray, sr: int, base: float, tolerance: float = 0.025) -> list[float]:
    """Frequencies of the tonal lines (from 0.3 s on) that lie off every multiple of `base`: a local peak
    15 dB over every bin 4 to 8 bins away on both sides (a Hann window's line falls 30 dB there; noise
    never stands out so) and within 50 dB of the strongest. Aliasing makes such lines between the
    harmonics; a voice's noise (a hammer, a breath) makes none."""
    seg = x[int(0.3 * sr) : int(0.3 * sr) + 16384]
    spec = 10 * np.log10(np.abs(np.fft.rfft(seg * np.hanning(seg.size))) ** 2 + 1e-30)
    freqs = np.fft.rfftfreq(seg.size, 1.0 / sr)
    padded = np.pad(spec, 8, mode="edge")
    around = np.max([padded[8 + d : 8 + d + spec.size] for d in (-8, -7, -6, -5, -4, 4, 5, 6, 7, 8)], axis=0)
    peak = (spec > np.roll(spec, 1)) & (spec >= np.roll(spec, -1)) & (spec > around + 15)
    peak &= (spec > spec.max() - 50) & (freqs > 30)
    k = np.maximum(np.round(freqs / base), 1)
    off = np.abs(freqs - k * base) > tolerance * k * base + 2 * sr / seg.size
    return [float(f) for f in freqs[peak & off]]


@pytest.mark.parametrize("instrument", PITCHED)
@pytest.mark.parametrize("pitch", [40, 69, 100])
def test_pitched_voices_sound_their_note_without_aliasing(instrument: str, pitch: int) -> None:
    x = render(one_note(instrument, pitch))[:, 0]
    f = instruments.hz(pitch)
    base = f / 2 if instrument == "organ" else f  # the organ's 16' stop sounds an octave below
    # band-limited voices make lines only on their harmonics (aliased partials would land between them)
    assert stray_partials(x, 44100, base) == []


def test_an_aliased_tone_is_caught() -> None:
    """The check above finds a line off the harmonics (what aliasing makes) beside a voice's noise."""
    t = np.arange(44100) / 44100
    rng = np.random.default_rng(1)
    x = np.sin(2 * np.pi * 440 * t) + 0.01 * rng.standard_normal(t.size)
    assert stray_partials(x, 44100, 440.0) == []
    assert stray_partials(x + 0.05 * np.sin(2 * np.pi * 1234 * t), 44100, 440.0) != []


def test_the_room_neither_folds_nor_mirrors_a_bright_note() -> None:
    """The reverb runs at half rate: a 15.8 kHz partial must not fold into it (as 6.2 kHz) and a 2.6 kHz
    one must not come back mirrored (as 19.4 kHz); the old [1, 2, 1] decimation and linear interpolation
    let both through 20-30 dB under the wet note."""
    sr, block = 44100, 16384
    room = Reverb(sr, block)
    t = np.arange(block * 6) / sr
    x = (0.3 * np.sin(2 * np.pi * 15822 * t) + 0.3 * np.sin(2 * np.pi * 2637 * t)).astype(np.float32)
    wet = np.concatenate([room.process(x[i : i + block]) for i in range(0, x.size, block)], axis=1)[
        0, 3 * block :
    ]
    spec = 20 * np.log10(np.abs(np.fft.rfft(wet * np.hanning(wet.size))) + 1e-12)
    freqs = np.fft.rfftfreq(wet.size, 1 / sr)
    for stray in (22050 - 15822, 22050 - 2637):
        near = np.abs(freqs - stray) < 20
        assert spec[near].max() < spec.max() - 60


@pytest.mark.parametrize("instrument", PITCHED)
def test_fundamental_is_the_strongest_low_partial(instrument: str) -> None:
    x = render(one_note(instrument, 57))[:, 0]  # A3, 220 Hz
    seg = x[2205 : 2205 + 32768]
    spec = np.abs(np.fft.rfft(seg * np.hanning(seg.size)))
    freqs = np.fft.rfftfreq(seg.size, 1 / 44100)
    band = (freqs > 150) & (freqs < 300)
    assert abs(freqs[band][np.argmax(spec[band])] - 220.0) < 3.0


@pytest.mark.parametrize("instrument", PITCHED)
def test_every_note_fades_in_and_out(instrument: str) -> None:
    for hold in (10, 4410, 44100):
        audio = instruments.VOICES[instrument](60, 100, hold, 44100)
        mono = audio if audio.ndim == 1 else audio[0]
        assert abs(float(mono[0])) < 1e-3 and float(np.abs(audio[..., -1]).max()) == 0.0
        # it ramps up: nothing near full level in the first half millisecond
        assert float(np.abs(mono[:22]).max()) < 0.25 * float(np.abs(mono).max())


@pytest.mark.parametrize("note", [35, 36, 37, 38, 39, 42, 44, 45, 46, 47, 48, 49, 50, 51, 53, 70, 81])
def test_drum_hits_fade_and_stay_in_range(note: int) -> None:
    hit = drumkit.hit(note, 127, 44100)
    assert hit.shape[0] == 2 and hit.shape[1] > 1000
    assert float(np.abs(hit[:, 0]).max()) < 1e-3 and float(np.abs(hit[:, -1]).max()) < 1e-3
    assert 0.01 < float(np.abs(hit).max()) < 1.5


def test_drums_have_their_own_characters() -> None:
    def centroid(note: int) -> float:
        x = drumkit.hit(note, 100, 44100)[0]
        spec = np.abs(np.fft.rfft(x)) ** 2  # where the energy lies (a flat noise floor skews amplitudes)
        return float((np.fft.rfftfreq(x.size, 1 / 44100) * spec).sum() / spec.sum())

    assert centroid(36) < centroid(45) < centroid(38) < centroid(42)  # kick < tom < snare < hat


def dense_song(velocity: int = 127) -> Arrangement:
    tracks = []
    for i, inst in enumerate((*PITCHED, "drums")):
        notes = []
        for bar in range(4):
            pitches = (36, 38, 42, 49) if inst == "drums" else (48, 52, 55, 60, 64, 67)
            notes += [Note(bar * 4.0 + b, 1.0, p, velocity) for b in range(4) for p in pitches]
        tracks.append(Track(inst, inst, 0, i, tuple(notes)))
    return Arrangement(tuple(tracks), 16.0, (TempoChange(0.0, 120.0),))


def test_peak_stays_at_or_below_minus_one_dbfs() -> None:
    x = render(dense_song())
    assert float(np.abs(x).max()) <= CEILING


def test_deterministic() -> None:
    song = dense_song(90)
    assert np.array_equal(render(song), render(song))


def test_velocity_and_stereo_placement() -> None:
    soft = render(one_note("piano", 60, velocity=30))
    loud = render(one_note("piano", 60, velocity=120))
    assert np.sqrt(np.mean(loud**2)) > 2 * np.sqrt(np.mean(soft**2))
    left = render(one_note("piano", 60, pan=-1.0))
    rms = np.sqrt(np.mean(left**2, axis=0))
    assert rms[0] > 3 * rms[1]  # only the reverb reaches the right


@pytest.mark.parametrize("rate", [44100, 48000])
def test_sample_rates(rate: int, tmp_path: Path) -> None:
    path = render_wav(one_note("bass", 45, seconds=1.0), tmp_path / "a.wav", sample_rate=rate)
    x, sr = read_wav(path)
    assert sr == rate and x.shape[1] == 2
    seg = x[:16384, 0]
    spec = np.abs(np.fft.rfft(seg * np.hanning(seg.size)))
    freqs = np.fft.rfftfreq(seg.size, 1 / rate)
    low = (freqs > 80) & (freqs < 160)  # a bass's 2nd harmonic may lead: look at the fundamental's octave
    assert abs(freqs[low][np.argmax(spec[low])] - 110.0) < 4.0


def test_blocks_stream_the_song_and_its_tail() -> None:
    song = dense_song(80)
    parts = list(blocks(song))
    assert all(p.shape == (BLOCK, 2) for p in parts[:-1])
    total = sum(p.shape[0] for p in parts)
    assert song.seconds * 44100 < total < (song.seconds + 4.5) * 44100  # crash 2.6 s + reverb
    assert float(np.abs(parts[-1][-100:]).max()) < 1e-3  # the tail has died away


def test_a_block_renders_only_the_notes_it_needs() -> None:
    notes = tuple(Note(float(b), 0.9, 60 + b % 12, 80 + b % 40) for b in range(400))
    song = Arrangement((Track("p", "piano", 0, 0, notes),), 400.0, (TempoChange(0.0, 120.0),))
    engine = Engine(44100, 1024, VoiceCache(44100))  # its own cache: the process's is shared
    engine.source(song)
    engine.render()
    assert len(engine.cache._items) <= 2  # the song's first note, not its 400


def test_engines_share_the_process_cache_so_a_second_play_renders_nothing_again() -> None:
    song = one_note("piano", 61)
    first = Engine(44100, 1024)
    first.source(song)
    first.render()
    second = Engine(44100, 1024)
    assert second.cache is first.cache
    before = len(second.cache._items)
    second.source(song)
    second.render()
    assert len(second.cache._items) == before
    assert Engine(48000, 1024).cache is not first.cache


def test_limiter_never_passes_a_peak_and_leaves_quiet_sound_alone() -> None:
    rng = np.random.default_rng(1)
    lim = Limiter(44100)
    loud = (rng.standard_normal((2, 4096 * 8)) * 2).astype(np.float32)
    out = np.concatenate([lim.process(loud[:, i : i + 4096]) for i in range(0, loud.shape[1], 4096)], axis=1)
    assert float(np.abs(out).max()) <= lim.ceiling
    lim = Limiter(44100)
    quiet = (rng.standard_normal((2, 4096)) * 0.1).astype(np.float32)
    out = lim.process(quiet)
    assert np.allclose(out[:, lim.sub :], quiet[:, : -lim.sub])


def test_render_wav_round_trip(tmp_path: Path) -> None:
    song = one_note("nylon", 52)
    path = render_wav(song, tmp_path / "n.wav")
    x, sr = read_wav(path)
    ref = render(song)
    assert sr == 44100 and x.shape == ref.shape
    assert float(np.abs(x - ref).max()) < 2 / 32768


def dry_mix(arrangement: Arrangement, seconds: float) -> np.ndarray:
    """The notes' own sound (before the room and the master), (2, n)."""
    engine = Engine(44100, 4096)
    src = engine.source(arrangement)
    out = []
    for _ in range(math.ceil(seconds * 44100 / 4096)):
        dry, send = np.zeros((2, 4096), dtype=np.float32), np.zeros(4096, dtype=np.float32)
        src.mix_into(dry, send)
        out.append(dry)
    return np.concatenate(out, axis=1)


@pytest.mark.parametrize(
    ("instrument", "channel", "first", "second"),
    [("piano", 0, 60, 60), ("guitar", 0, 52, 52), ("drums", 9, 46, 42), ("drums", 9, 46, 44)],
)
def test_a_string_or_a_hat_struck_again_stops_ringing(
    instrument: str, channel: int, first: int, second: int
) -> None:
    """A key struck again while its note still rings (held, or in its release) damps the string: past a
    short fade only the new note sounds. So does a closed or pedal hi-hat on a ringing open one (one pair
    of cymbals). Without it, the same note piled on itself (comping on every beat) rang twice as loud
    and combed against itself."""
    notes = (Note(0.0, 2.0, first, 100), Note(0.5, 1.0, second, 100))
    both = Arrangement((Track("t", instrument, 0, channel, notes),), 3.0, (TempoChange(0.0, 60.0),))
    alone = Arrangement((Track("t", instrument, 0, channel, notes[1:]),), 3.0, (TempoChange(0.0, 60.0),))
    x, y = dry_mix(both, 3.0), dry_mix(alone, 3.0)
    after = slice(int(0.55 * 44100), None)  # 50 ms after the second strike
    assert np.array_equal(x[:, after], y[:, after])
    assert np.abs(x[:, int(0.45 * 44100) : int(0.5 * 44100)]).max() > 0  # the first one rang until then


def test_a_different_key_keeps_ringing() -> None:
    notes = (Note(0.0, 2.0, 60, 100), Note(0.5, 1.0, 64, 100))
    both = Arrangement((Track("t", "piano", 0, 0, notes),), 3.0, (TempoChange(0.0, 60.0),))
    alone = Arrangement((Track("t", "piano", 0, 0, notes[1:]),), 3.0, (TempoChange(0.0, 60.0),))
    x, y = dry_mix(both, 3.0), dry_mix(alone, 3.0)
    rest = x[:, int(0.6 * 44100) : int(1.0 * 44100)] - y[:, int(0.6 * 44100) : int(1.0 * 44100)]
    assert np.abs(rest).max() > 0.01 * np.abs(x).max()
