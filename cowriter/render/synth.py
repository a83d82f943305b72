"""cowriter's own synth: an `Arrangement` (notes in beats) to stereo float32 audio, rendered in blocks.

Shape of the engine:
- a `NoteSource` turns the arrangement's notes between two beats (at a tempo scale) into frames and, one
  block at a time, mixes the voices sounding in that block into per-track buses, then pans them into a dry
  stereo bus and a reverb send. A note is rendered whole when it starts (cached: repeated notes cost one
  render) and only its slice for the block is mixed, so nothing song-long is ever allocated;
- the `Engine` sums any number of sources (the player starts a new one on seek, loop or tempo change while
  the old one rings out), then the `Master` adds the reverb and the limiter (peak <= -1 dBFS);
- `render_wav` streams blocks straight into a WAV file: memory stays flat whatever the song's length.

Everything is deterministic: the same arrangement gives the same samples.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from cowriter.core.events import Arrangement, Track
from cowriter.core.timeline import TempoChange
from cowriter.render.effects import Limiter, Reverb
from cowriter.render.voices import Voices, open_voices
from cowriter.render.wavfile import WavWriter

Audio = npt.NDArray[np.float32]
SAMPLE_RATES = (44100, 48000)
BLOCK = 16384  # offline rendering; the player uses small blocks

# Reverb send per instrument (levels come with the voices: `voices.LEVEL`, `soundfont.LEVEL`).
SEND: dict[str, float] = {
    "piano": 0.22, "epiano": 0.25, "guitar": 0.2, "nylon": 0.22, "organ": 0.2, "pad": 0.35,
    "bass": 0.03, "drums": 0.1, "lead": 0.3,
}
MASTER_GAIN = 0.4
WET = 0.5
# A struck or plucked string sounds once: the same key or string struck again (on the same track) stops the
# note still ringing there, within CHOKE seconds; so does any hi-hat note a ringing hi-hat (one cymbal pair).
STRUCK = frozenset({"piano", "epiano", "guitar", "nylon", "bass"})
HATS = frozenset({42, 44, 46})
CHOKE = 0.03


class TempoMap:
    """Beats to seconds through a tempo map, fast (the same rule as `Arrangement.seconds_at`)."""

    def __init__(self, tempos: tuple[TempoChange, ...]) -> None:
        self.tempos = tempos or (TempoChange(0.0, 100.0),)
        self._starts = [t.start for t in self.tempos]
        self._seconds = [0.0]
        for prev, nxt in zip(self.tempos, self.tempos[1:], strict=False):
            self._seconds.append(self._seconds[-1] + (nxt.start - prev.start) * 60.0 / prev.bpm)

    def seconds_of(self, beats: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """`seconds_at` for an array of beats at once."""
        last = self.tempos[-1]
        far = last.start + 1e7
        xs = np.array([*self._starts, far])
        ys = np.array([*self._seconds, self._seconds[-1] + (far - last.start) * 60.0 / last.bpm])
        out: npt.NDArray[np.float64] = np.interp(beats, xs, ys, left=0.0)
        return out

    def seconds_at(self, beat: float) -> float:
        if beat <= self._starts[0]:
            return 0.0
        i = bisect.bisect_right(self._starts, beat) - 1
        return self._seconds[i] + (beat - self._starts[i]) * 60.0 / self.tempos[i].bpm


def beat_at_seconds(tempos: tuple[TempoChange, ...], seconds: float) -> float:
    """The inverse of `Arrangement.seconds_at`: which beat sounds at a wall-clock time."""
    tempos = tempos or (TempoChange(0.0, 100.0),)
    elapsed = 0.0
    for i, change in enumerate(tempos):
        end = tempos[i + 1].start if i + 1 < len(tempos) else math.inf
        span = (end - change.start) * 60.0 / change.bpm
        if seconds <= elapsed + span:
            return change.start + (seconds - elapsed) * change.bpm / 60.0
        elapsed += span
    return tempos[-1].start  # pragma: no cover - the last span is infinite


class VoiceCache:
    """Rendered notes by (instrument, program, pitch, velocity bucket, held frames), least recently used
    first out, bounded in bytes so memory stays flat. `voices` renders what is missing."""

    def __init__(
        self, sample_rate: int, max_bytes: int = 40 * 1024 * 1024, voices: Voices | None = None
    ) -> None:
        self.sample_rate = sample_rate
        self.max_bytes = max_bytes
        self.voices = voices or open_voices(None, sample_rate)
        self._items: OrderedDict[tuple[str, int, int, int, int], Audio] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # one cache serves every engine of the process (see `shared_cache`)

    def get(
        self, instrument: str, pitch: int, velocity: int, hold: int, program: int = 0
    ) -> tuple[Audio, float]:
        """The rendered note and the gain that corrects its velocity bucket to the exact velocity."""
        bucket = min(127, (velocity // 8) * 8 + 4)
        gain = (max(velocity, 1) / bucket) ** 1.5
        step = self.voices.hold_step
        hold = 0 if instrument == "drums" else max(step, (hold + step // 2) // step * step)
        key = (instrument, program, pitch, bucket, hold)
        with self._lock:
            audio = self._items.get(key)
            if audio is not None:
                self._items.move_to_end(key)
                return audio, gain
        # rendered outside the lock: a race renders a note twice, identically
        audio = self.voices.note(instrument, program, pitch, bucket, hold)
        with self._lock:
            if key not in self._items:
                self._items[key] = audio
                self._bytes += audio.nbytes
            while self._bytes > self.max_bytes and len(self._items) > 1:
                _, old = self._items.popitem(last=False)
                self._bytes -= old.nbytes
        return audio, gain


_SHARED: dict[tuple[int, Path | None], VoiceCache] = {}
_SHARED_LOCK = threading.Lock()


def shared_cache(sample_rate: int, sound: Path | None = None) -> VoiceCache:
    """The process's note cache at a sample rate, for a sound (None: the built-in synth, else a SoundFont
    file): every player of the process (each F5 makes one, and `cowriter listen` one per take) finds the
    drum hits and notes the previous ones rendered, so a play request renders only what is new.
    Rendering is deterministic, so sharing changes no sample."""
    key = (sample_rate, sound)
    with _SHARED_LOCK:
        cache = _SHARED.get(key)
        if cache is None:
            cache = _SHARED[key] = VoiceCache(sample_rate, voices=open_voices(sound, sample_rate))
    return cache


def note_table(arrangement: Arrangement) -> npt.NDArray[np.float64]:
    """Every note of the arrangement as rows of (start, duration, pitch, velocity, track index)."""
    rows = [
        (n.start, max(n.duration, 0.0), n.pitch, n.velocity, ti)
        for ti, track in enumerate(arrangement.tracks)
        for n in track.notes
    ]
    return np.array(rows, dtype=np.float64).reshape(-1, 5)


@dataclass(slots=True)
class _Voice:
    audio: Audio
    start: int
    track: int
    gain: float
    stop: int  # the frame it falls silent at: its end, or a choke's (fading over the CHOKE frames before)

    @property
    def end(self) -> int:
        return min(self.start + int(self.audio.shape[-1]), self.stop)


class NoteSource:
    """The notes that start in [start_beat, end_beat) at `tempo_scale` (2.0 = twice as fast), as frames
    counted from this source's first block; `start_beat` sounds `offset` frames after that block starts."""

    def __init__(
        self,
        arrangement: Arrangement,
        cache: VoiceCache,
        *,
        start_beat: float = 0.0,
        end_beat: float | None = None,
        tempo_scale: float = 1.0,
        offset: int = 0,
        table: npt.NDArray[np.float64] | None = None,
    ) -> None:
        self.arrangement = arrangement
        self.offset = offset
        self.cache = cache
        self.sample_rate = cache.sample_rate
        self.start_beat = start_beat
        self.end_beat = arrangement.beats if end_beat is None else end_beat
        self.tempo_scale = tempo_scale
        self._map = TempoMap(arrangement.tempos)
        self._t0 = self._map.seconds_at(start_beat)
        self.tracks: tuple[Track, ...] = arrangement.tracks
        rows = note_table(arrangement) if table is None else table
        pitch_ok = (rows[:, 2] >= 0) & (rows[:, 2] <= 127)
        rows = rows[(rows[:, 0] >= start_beat) & (rows[:, 0] < self.end_beat) & pitch_ok]
        scale = self.sample_rate / self.tempo_scale
        seconds = self._map.seconds_of(np.concatenate((rows[:, 0], rows[:, 0] + rows[:, 1]))) - self._t0
        frames = np.rint(seconds * scale).astype(np.int64) + offset
        a, b = frames[: len(rows)], frames[len(rows) :]
        order = np.lexsort((rows[:, 2], rows[:, 4], a))
        self._choke = round(CHOKE * self.sample_rate)
        self._stops = self._choked(rows[order], a[order])
        self._starts = a[order].tolist()
        self._holds = np.maximum(b - a, 1)[order].tolist()
        self._pitches = rows[order, 2].astype(np.int64).tolist()
        self._vels = rows[order, 3].astype(np.int64).tolist()
        self._tracks = rows[order, 4].astype(np.int64).tolist()
        self._count = len(self._starts)
        self._next = 0
        self._voices: list[_Voice] = []
        self.position = 0  # frames already rendered
        self._cut: int | None = None
        self._fade: tuple[int, int] | None = None  # (start frame, length) of a fade to silence
        gains = []
        levels = cache.voices.levels
        for track in self.tracks:
            level = levels.get(track.instrument, 0.5) * max(0.0, track.volume)
            angle = (max(-1.0, min(1.0, track.pan)) + 1.0) * math.pi / 4.0
            gains.append((level * math.cos(angle) * math.sqrt(2), level * math.sin(angle) * math.sqrt(2),
                          level * SEND.get(track.instrument, 0.15)))
        self._gains = gains
        self._mono = np.zeros((len(self.tracks), 0), dtype=np.float32)
        self._stereo = np.zeros((len(self.tracks), 2, 0), dtype=np.float32)

    def _choked(self, rows: npt.NDArray[np.float64], starts: npt.NDArray[np.int64]) -> list[int]:
        """Per note (in start order): where a later note on the same string stops it (see STRUCK), else
        never."""
        never = np.iinfo(np.int64).max
        stops = np.full(len(rows), never, dtype=np.int64)
        kinds = [t.instrument for t in self.tracks]
        pitch = rows[:, 2].astype(np.int64)
        hats = np.isin(pitch, list(HATS))
        track = rows[:, 4].astype(np.int64)
        struck = np.array([kinds[t] in STRUCK for t in track.tolist()], dtype=bool)
        drums = np.array([kinds[t] == "drums" for t in track.tolist()], dtype=bool)
        live = struck | (drums & hats)
        group = np.where(drums & hats, -1, pitch) + track * 1000
        idx = np.nonzero(live)[0]
        if idx.size > 1:
            by = idx[np.lexsort((starts[idx], group[idx]))]
            same = group[by[1:]] == group[by[:-1]]
            stops[by[:-1][same]] = starts[by[1:]][same] + self._choke
        return stops.tolist()

    def frame_at(self, beat: float) -> int:
        seconds = (self._map.seconds_at(beat) - self._t0) / self.tempo_scale
        return round(seconds * self.sample_rate) + self.offset

    def beat_at(self, frame: float) -> float:
        seconds = self._t0 + (frame - self.offset) / self.sample_rate * self.tempo_scale
        return beat_at_seconds(self.arrangement.tempos, seconds)

    @property
    def end_frame(self) -> int:
        """Where the last note starting in this source ends (tails ring on after it)."""
        return self.frame_at(self.end_beat)

    @property
    def finished(self) -> bool:
        return self._next >= self._count and not self._voices

    def cut_at(self, frame: int) -> None:
        """Start no note at or after `frame`; notes already sounding ring out naturally."""
        self._cut = frame if self._cut is None else min(self._cut, frame)

    def fade_out(self, frames: int) -> None:
        """Fade everything to silence over the next `frames` frames, then finish (stop and seek)."""
        self._fade = (self.position, max(1, frames))
        self.cut_at(self.position)

    def mix_into(self, dry: Audio, send: Audio) -> None:
        """Add this source's next block (dry stereo (2, n), mono send (n,)) and advance."""
        n = dry.shape[1]
        b0, b1 = self.position, self.position + n
        cut = b1 if self._cut is None else min(b1, self._cut)
        starts = self._starts
        while self._next < self._count and starts[self._next] < cut:
            i = self._next
            self._next += 1
            ti = self._tracks[i]
            track = self.tracks[ti]
            audio, gain = self.cache.get(
                track.instrument, self._pitches[i], self._vels[i], self._holds[i], track.program
            )
            self._voices.append(_Voice(audio, starts[i], ti, gain, self._stops[i]))
        if self._cut is not None and self._cut <= b1:
            self._next = self._count
        if not self._voices:
            self.position = b1
            return
        if self._mono.shape[1] != n:
            self._mono = np.zeros((len(self.tracks), n), dtype=np.float32)
            self._stereo = np.zeros((len(self.tracks), 2, n), dtype=np.float32)
        mono, stereo = self._mono, self._stereo
        mono.fill(0.0)
        stereo.fill(0.0)
        used_mono: set[int] = set()
        used_stereo: set[int] = set()
        alive: list[_Voice] = []
        for v in self._voices:
            a = max(b0, v.start)
            end = v.end
            c = min(b1, end)
            if c > a:
                part = v.gain * v.audio[..., a - v.start : c - v.start]
                fade = v.stop - self._choke
                if c > fade:  # choked: fading to silence at `stop`
                    f = max(a, fade)
                    part[..., f - a :] *= (v.stop - np.arange(f, c, dtype=np.float32)) / np.float32(
                        self._choke
                    )
                if v.audio.ndim == 1:
                    mono[v.track, a - b0 : c - b0] += part
                    used_mono.add(v.track)
                else:
                    stereo[v.track, :, a - b0 : c - b0] += part
                    used_stereo.add(v.track)
            if end > b1:
                alive.append(v)
        self._voices = alive
        for ti in used_mono:
            gl, gr, gs = self._gains[ti]
            dry[0] += gl * mono[ti]
            dry[1] += gr * mono[ti]
            send += gs * mono[ti]
        for ti in used_stereo:
            gl, gr, gs = self._gains[ti]
            dry[0] += gl * stereo[ti, 0]
            dry[1] += gr * stereo[ti, 1]
            send += (0.5 * gs) * (stereo[ti, 0] + stereo[ti, 1])
        self.position = b1


class Master:
    """Reverb and limiter on the summed sources."""

    def __init__(self, sample_rate: int, block: int) -> None:
        self.reverb = Reverb(sample_rate, block)
        self.limiter = Limiter(sample_rate)
        self.tail_frames = self.reverb.tail_frames + self.limiter.sub

    def process(self, dry: Audio, send: Audio) -> Audio:
        wet = self.reverb.process(send)
        mixed: Audio = (dry + WET * wet) * np.float32(MASTER_GAIN)
        return self.limiter.process(mixed)


class Engine:
    """Sums sources block by block through the master. `render()` returns one interleaved (block, 2) block."""

    def __init__(
        self,
        sample_rate: int = 44100,
        block: int = BLOCK,
        cache: VoiceCache | None = None,
        *,
        sound: Path | None = None,
    ) -> None:
        if sample_rate not in SAMPLE_RATES:
            raise ValueError(f"sample rate must be one of {SAMPLE_RATES}")
        self.sample_rate = sample_rate
        self.block = block
        self.cache = cache or shared_cache(sample_rate, sound)
        self.master = Master(sample_rate, block)
        self.sources: list[NoteSource] = []
        self._dry = np.zeros((2, block), dtype=np.float32)
        self._send = np.zeros(block, dtype=np.float32)
        self._bus = np.zeros((2, block), dtype=np.float32)
        self._bus_send = np.zeros(block, dtype=np.float32)
        self._tables: dict[int, tuple[Arrangement, npt.NDArray[np.float64]]] = {}

    def source(
        self,
        arrangement: Arrangement,
        *,
        start_beat: float = 0.0,
        end_beat: float | None = None,
        tempo_scale: float = 1.0,
        offset: int = 0,
    ) -> NoteSource:
        key = id(arrangement)
        if key not in self._tables or self._tables[key][0] is not arrangement:
            self._tables[key] = (arrangement, note_table(arrangement))
        src = NoteSource(
            arrangement, self.cache, start_beat=start_beat, end_beat=end_beat, tempo_scale=tempo_scale,
            offset=offset, table=self._tables[key][1],
        )
        self.sources.append(src)
        return src

    def prepare(self, arrangement: Arrangement) -> None:
        """Load the drum kit: render each drum hit the song uses once, before any play request."""
        for track in arrangement.tracks:
            if track.instrument == "drums":
                for key in {(n.pitch, n.velocity // 8) for n in track.notes}:
                    self.cache.get("drums", key[0], key[1] * 8, 0, track.program)

    @property
    def idle(self) -> bool:
        return all(s.finished for s in self.sources)

    def render(self) -> Audio:
        dry, send = self._dry, self._send
        dry.fill(0.0)
        send.fill(0.0)
        for src in self.sources:
            if src._fade is None:
                src.mix_into(dry, send)
                continue
            bus, bus_send = self._bus, self._bus_send
            bus.fill(0.0)
            bus_send.fill(0.0)
            begin = src.position
            src.mix_into(bus, bus_send)
            start, length = src._fade
            offsets = np.arange(begin, begin + self.block, dtype=np.float32) - start
            ramp = np.clip(1.0 - offsets / length, 0.0, 1.0).astype(np.float32)
            dry += bus * ramp
            send += bus_send * ramp
            if begin + self.block >= start + length:
                src._voices.clear()
                src._next = src._count
        self.sources = [s for s in self.sources if not s.finished]
        out = self.master.process(dry, send)
        return np.ascontiguousarray(out.T)


def blocks(
    arrangement: Arrangement,
    *,
    sample_rate: int = 44100,
    block: int = BLOCK,
    start_beat: float = 0.0,
    end_beat: float | None = None,
    sound: Path | None = None,
) -> Iterator[Audio]:
    """The whole arrangement (or a span of it) as interleaved (block, 2) float32 blocks, reverb tail and
    all; the last block is trimmed to the tail's end."""
    engine = Engine(sample_rate, block, sound=sound)
    src = engine.source(arrangement, start_beat=start_beat, end_beat=end_beat)
    end = max(src.end_frame, 0)
    tail = engine.master.tail_frames
    done = 0
    quiet_from: int | None = None
    while True:
        out = engine.render()
        done += block
        if quiet_from is None and engine.idle and done >= end:
            quiet_from = max(done - block, end)
        if quiet_from is not None and done >= quiet_from + tail:
            yield out[: block - (done - quiet_from - tail)]
            return
        yield out


def render(arrangement: Arrangement, *, sample_rate: int = 44100, sound: Path | None = None) -> Audio:
    """The whole song in memory as (frames, 2) float32 (for tests and short clips; prefer `render_wav`)."""
    parts = list(blocks(arrangement, sample_rate=sample_rate, sound=sound))
    return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.float32)


def render_wav(
    arrangement: Arrangement, path: str | Path, *, sample_rate: int = 44100, sound: Path | None = None
) -> Path:
    """Render the arrangement into a 16-bit stereo WAV, streaming block by block. Returns the path."""
    target = Path(path)
    with WavWriter(target, sample_rate) as wav:
        for out in blocks(arrangement, sample_rate=sample_rate, sound=sound):
            wav.write(out)
    return target
