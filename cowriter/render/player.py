"""The transport: play, stop, pause, seek to a bar, loop a section, change tempo at the next bar; and the
play head, published about 20 times a second.

A producer thread renders blocks a little ahead of the play head into the output's `BlockRing`; the
output (a device callback, or a thread writing a WAV) only consumes them. Seek, loop and tempo changes
start a new `NoteSource` at the right frame while the old one fades or rings out, so nothing clicks.
"""

from __future__ import annotations

import bisect
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cowriter.core.events import Arrangement
from cowriter.core.timeline import Timeline, bar_at
from cowriter.render.audio import BlockRing, Output
from cowriter.render.synth import Engine, NoteSource

FADE_SECONDS = 0.012
PUBLISH_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class Position:
    """Where the play head is: 1-based bar and beat (fractional), the source line sounding (0 when
    unknown), and the beat from the song's start. With a timeline given to the player, these are on the
    song's own clock: bar 1 is the song's first bar, and a count-in plays as bar 0 (negative beats)."""

    bar: int
    beat: float
    line: int
    beats: float


def bar_beat(arrangement: Arrangement, beat: float) -> tuple[int, float]:
    """1-based bar and beat-in-bar at an absolute beat, through the meter map (`core.timeline.bar_at`)."""
    return bar_at(arrangement.meters, beat)


def beat_of_bar(arrangement: Arrangement, bar: int) -> float:
    """The absolute beat where a 1-based bar starts (clamped to the song)."""
    change = arrangement.meters[0]
    for m in arrangement.meters:
        if m.bar <= bar:
            change = m
    beat = change.start + (max(bar, 1) - change.bar) * max(1, change.meter.beats)
    return min(max(beat, 0.0), arrangement.beats)


def section_span(
    arrangement: Arrangement, name: str, timeline: Timeline | None = None
) -> tuple[float, float]:
    """Start and end beats of the first section called `name` (case-insensitive; a prefix also matches:
    "chorus" finds "Chorus 1"). Sections come from the arrangement's markers, else the timeline's."""
    marks = [(m.start, m.text) for m in arrangement.markers]
    if not marks and timeline is not None:
        marks = [(s.start, s.name) for s in timeline.sections]
    marks.sort()
    wanted = name.strip().casefold()
    for exact in (True, False):
        for i, (start, text) in enumerate(marks):
            label = text.strip().casefold()
            if label == wanted if exact else label.startswith(wanted):
                end = marks[i + 1][0] if i + 1 < len(marks) else arrangement.beats
                return start, end
    known = ", ".join(dict.fromkeys(t for _, t in marks)) or "none"
    raise KeyError(f"no section {name!r} (sections: {known})")


def song_offset(arrangement: Arrangement, timeline: Timeline | None) -> float:
    """How many beats the arrangement runs ahead of the song's own clock (a count-in bar shifts
    everything): found where the song's first section starts in the arrangement's markers."""
    if timeline is None or not timeline.sections:
        return 0.0
    first = timeline.sections[0]
    for mark in arrangement.markers:
        if mark.text == first.name:
            return max(0.0, mark.start - first.start)
    return 0.0


class SongClock:
    """The song's clock over an arrangement: where a song bar starts in the arrangement's beats, and the
    `Position` at an arrangement beat. With a timeline, bars are the song's (after the count-in, which
    plays as bar 0) and positions carry the source line; without one, the arrangement's own bars. Shared
    by the local player and the one that plays through a laptop (`remote_player`)."""

    def __init__(self, arrangement: Arrangement, timeline: Timeline | None = None) -> None:
        self.arrangement = arrangement
        self.timeline = timeline
        self.offset = song_offset(arrangement, timeline)
        self._lines = sorted((s.start, s.line) for s in timeline.spans if s.line) if timeline else []
        self._line_starts = [b for b, _ in self._lines]

    def bar_start(self, bar: int) -> float:
        """The arrangement beat where a bar starts (clamped to the song)."""
        if self.timeline is None:
            return beat_of_bar(self.arrangement, bar)
        return min(beat_of_bar(self.arrangement, bar) + self.offset, self.arrangement.beats)

    def position_at(self, beat: float) -> Position:
        if self.timeline is None:
            bar, in_bar = bar_beat(self.arrangement, beat)
            return Position(bar, in_bar, 0, beat)
        song_beat = beat - self.offset
        if song_beat < 0:  # the count-in: bar 0
            per_bar = self.arrangement.meters[0].meter.beats
            return Position(0, 1.0 + (beat % per_bar), 0, song_beat)
        bar, in_bar = bar_beat(self.arrangement, song_beat)
        line = 0
        if self._lines:
            i = bisect.bisect_right(self._line_starts, song_beat) - 1
            line = self._lines[max(i, 0)][1]
        return Position(bar, in_bar, line, song_beat)

    def span(
        self,
        bar: int | None = None,
        *,
        section: str | None = None,
        loop: bool = False,
        until_bar: int | None = None,
    ) -> tuple[float, float | None, tuple[float, float] | None]:
        """What `Player.start` plays, in arrangement beats: the start, the end (None: the song's), and the
        span to loop (None: play once)."""
        start = self.bar_start(bar) if bar else 0.0
        end: float | None = self.bar_start(until_bar + 1) if until_bar else None
        if section is not None:
            start, end = section_span(self.arrangement, section, self.timeline)
            return start, end, (start, end) if loop else None
        return start, end, (0.0, self.arrangement.beats) if loop else None


class Player:
    """Plays an arrangement on an output. All methods are thread-safe and return at once; `on_position`
    is called from a background thread (post a message from it, never touch widgets)."""

    def __init__(
        self,
        arrangement: Arrangement,
        output: Output,
        *,
        timeline: Timeline | None = None,
        on_position: Callable[[Position], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        ahead: float = 0.15,
        sound: Path | None = None,
    ) -> None:
        """`sound`: a SoundFont to play with (None: the built-in synth)."""
        self.arrangement = arrangement
        self.output = output
        self.timeline = timeline
        self.on_position = on_position
        self.on_finished = on_finished
        self.sample_rate = output.sample_rate
        self.block = output.block
        self._ahead_blocks = max(2, round(ahead * self.sample_rate / self.block))
        self.clock = SongClock(arrangement, timeline)
        self._base_bpm = arrangement.tempos[0].bpm if arrangement.tempos else 100.0
        self._scale = 1.0
        self._loop: tuple[float, float] | None = None
        self._commands: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        self._halt = threading.Event()
        self._finished = threading.Event()
        self._threads: list[threading.Thread] = []
        # Built now (the reverb kernel is cached per process), so a play request only renders one block.
        self._engine: Engine | None = Engine(self.sample_rate, self.block, sound=sound)
        self._engine.prepare(arrangement)
        self._ring: BlockRing | None = None
        self._main: NoteSource | None = None
        self._prev: NoteSource | None = None
        self._paused_at: float | None = None
        self._pause_requested = False
        self._position: Position | None = None
        self.started_at = 0.0
        self.error: Exception | None = None  # the last failure in a background thread, if any

    # --- public transport ---------------------------------------------------------------------------

    @property
    def route(self) -> str:
        """Where the sound goes, for the status line: "speakers (…)", "WAV to /path", …"""
        return self.output.route

    @property
    def playing(self) -> bool:
        return bool(self._threads) and not self._finished.is_set()

    @property
    def paused(self) -> bool:
        return self._pause_requested

    @property
    def position(self) -> Position | None:
        return self._position

    @property
    def tempo(self) -> float:
        return self._base_bpm * self._scale

    def start(
        self,
        bar: int | None = None,
        *,
        section: str | None = None,
        loop: bool = False,
        until_bar: int | None = None,
    ) -> None:
        """Start playing from a bar (or a section's start), optionally looping that section; with
        `until_bar` (and no section), no note starts after that bar."""
        start, end, span = self.clock.span(bar, section=section, loop=loop, until_bar=until_bar)
        self.start_at(start, end, loop=span)

    def start_at(
        self, start: float, end: float | None = None, *, loop: tuple[float, float] | None = None
    ) -> None:
        """`start` in arrangement beats: from `start` to `end` (None: the song's end), looping `loop`
        (on a clocked output only: a file cannot loop)."""
        if self._threads:
            raise RuntimeError("this player has already started; make a new one")
        self.started_at = time.perf_counter()
        if loop is not None and self.output.clocked:
            self._loop = loop
        slots = max(self._ahead_blocks + 2, 8) if self.output.clocked else 16
        ring = BlockRing(self.block, slots)
        engine = self._engine
        assert engine is not None
        self._ring = ring
        self._main = engine.source(self.arrangement, start_beat=start, end_beat=end)
        self._produce_one()  # the first block is ready before the device asks for it
        self.output.start(ring)
        for target, name in ((self._produce, "cowriter-render"), (self._publish, "cowriter-playhead")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, *, fade: bool = True) -> None:
        """Stop and release the output. On a device the sound first fades (the blocks already queued
        play out, about 0.2 s) so stopping never clicks; `fade=False` cuts at once."""
        ring = self._ring
        playing = self._threads and ring is not None and not ring.drained and not self._halt.is_set()
        if fade and self.output.clocked and playing and ring is not None and self._paused_at is None:
            self._commands.put(("pause", None))
            ahead = (ring.write - ring.read + 2) * self.block / self.sample_rate
            self._halt.wait(ahead + 2 * FADE_SECONDS)
        self._halt.set()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=2.0)
        self.output.stop()
        self._finished.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the song (not looping) has played out; False on timeout."""
        return self._finished.wait(timeout)

    def pause(self) -> None:
        """Fade out and hold the play head where it is."""
        self._pause_requested = True
        self._commands.put(("pause", None))

    def resume(self) -> None:
        """Go on from where it paused."""
        self._pause_requested = False
        self._commands.put(("resume", None))

    def seek(self, bar: int) -> None:
        self.seek_beat(self.clock.bar_start(bar))

    def seek_beat(self, beat: float) -> None:
        """Go on from an arrangement beat (the sound there fades in after a short fade out here)."""
        self._commands.put(("seek", min(max(float(beat), 0.0), self.arrangement.beats)))

    def loop(self, section: str | tuple[float, float] | None) -> None:
        """Loop a section (by name or as start/end beats); None stops looping at the end of this pass."""
        span = section_span(self.arrangement, section, self.timeline) if isinstance(section, str) else section
        self._commands.put(("loop", span))

    def set_tempo(self, bpm: float) -> None:
        """Play at `bpm` (relative to the song's first tempo) from the next bar on."""
        if bpm <= 0:
            raise ValueError("tempo must be positive")
        self._commands.put(("tempo", bpm / self._base_bpm))

    # --- producer -----------------------------------------------------------------------------------

    def _new_main(self, start: float, *, offset: int = 0) -> NoteSource:
        assert self._engine is not None
        end = self._loop[1] if self._loop and self._loop[0] <= start < self._loop[1] else None
        if end is None:
            self._loop = None
        self._prev = self._main
        self._main = self._engine.source(
            self.arrangement, start_beat=start, end_beat=end, tempo_scale=self._scale, offset=offset
        )
        return self._main

    def _fade_frames(self) -> int:
        return int(FADE_SECONDS * self.sample_rate)

    def _handle(self, command: str, value: object) -> None:
        main = self._main
        if command == "pause" and self._paused_at is None and main is not None:
            self._paused_at = main.beat_at(main.position)
            main.fade_out(self._fade_frames())
            self._main = None
        elif command == "resume" and self._paused_at is not None:
            start, self._paused_at = self._paused_at, None
            self._new_main(start)
        elif command == "seek" and isinstance(value, float):
            if main is not None:
                main.fade_out(self._fade_frames())
            if self._paused_at is not None:
                self._paused_at = value
            else:
                self._new_main(value)
        elif command == "loop":
            self._loop = value if isinstance(value, tuple) else None
            if self._loop is not None and main is not None:
                here = main.beat_at(main.position)
                if not self._loop[0] <= here < self._loop[1]:
                    main.fade_out(self._fade_frames())
                    self._new_main(self._loop[0])
                else:  # finish this pass at the loop's end
                    main.cut_at(main.frame_at(self._loop[1]))
                    main.end_beat = self._loop[1]
        elif command == "tempo" and isinstance(value, float):
            self._scale = value
            if main is not None:
                here = main.beat_at(main.position)
                bar, _ = bar_beat(self.arrangement, here)
                boundary = beat_of_bar(self.arrangement, bar + 1)
                if boundary < main.end_beat:
                    frame = main.frame_at(boundary)
                    main.cut_at(frame)
                    self._new_main(boundary, offset=frame - main.position)

    def _produce_one(self) -> None:
        engine, ring = self._engine, self._ring
        assert engine is not None and ring is not None
        main = self._main
        if main is not None and self._loop is not None and main.end_beat == self._loop[1]:
            end = main.frame_at(self._loop[1])
            if main.position + self.block > end:  # the loop wraps inside this block
                self._new_main(self._loop[0], offset=end - main.position)
        main = self._main
        here = main if main is not None and main.position >= main.offset else self._prev
        beat = here.beat_at(here.position) if here is not None else (self._paused_at or 0.0)
        rate = (here.tempo_scale * self._bpm_at(beat) / 60.0 / self.sample_rate) if here is not None else 0.0
        ring.push(engine.render(), beat, rate)

    def _bpm_at(self, beat: float) -> float:
        bpm = self._base_bpm
        for change in self.arrangement.tempos:
            if change.start <= beat:
                bpm = change.bpm
        return bpm

    def _produce(self) -> None:
        try:
            self._produce_loop()
        except Exception as exc:  # never leave a listener waiting on a dead renderer
            self.error = exc
            if self._ring is not None:
                self._ring.done = True

    def _produce_loop(self) -> None:
        engine, ring = self._engine, self._ring
        assert engine is not None and ring is not None
        period = self.block / self.sample_rate
        tail = 0
        limit = self._ahead_blocks if self.output.clocked else ring.slots - 1
        while not self._halt.is_set():
            while True:
                try:
                    self._handle(*self._commands.get_nowait())
                except queue.Empty:
                    break
            if ring.write - ring.read >= limit:
                time.sleep(period / 4)
                continue
            if engine.idle and self._main is not None and self._main.finished and self._loop is None:
                tail += self.block  # the song is over: let the reverb ring, then finish
                if tail > engine.master.tail_frames:
                    ring.done = True
                    return
            elif engine.idle and self._main is None:  # paused: after the fade and the tail, go quiet
                tail += self.block
                if tail > engine.master.tail_frames:
                    time.sleep(period / 2)
                    continue
            else:
                tail = 0
            self._produce_one()

    # --- play head ----------------------------------------------------------------------------------

    def _position_at(self, beat: float) -> Position:
        return self.clock.position_at(beat)

    def _publish(self) -> None:
        ring = self._ring
        assert ring is not None
        last: Position | None = None
        while not self._halt.is_set():
            # Read `drained` first: a song that drained before this thread got going (an unclocked
            # output on a busy machine) still publishes where it ended, once, before the loop stops.
            drained = ring.drained
            r = ring.read
            if self._paused_at is not None:
                beat = self._paused_at
            elif r:
                slot = (r - 1) % ring.slots
                beat = float(ring.beats[slot])  # where the block now playing starts (never past a loop's end)
            else:
                beat = float(ring.beats[0])
            pos = self._position_at(beat)
            self._position = pos
            if pos != last and self.on_position is not None and r:
                try:
                    self.on_position(pos)
                except Exception as exc:  # a broken listener must not stop the music
                    self.error = exc
                last = pos
            if drained:
                break
            self._halt.wait(PUBLISH_SECONDS)
        if not self._halt.is_set():
            self.output.stop()
            self._finished.set()
            if self.on_finished is not None:
                try:
                    self.on_finished()
                except Exception as exc:
                    self.error = exc
