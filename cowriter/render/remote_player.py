"""The server side of the relay: a player whose speakers are the laptop's.

`RemotePlayer` has the local `Player`'s transport (start, stop, pause, resume, seek, loop, tempo, the play
head, `wait`), so the CLI and the editor use it the same way. Over an events link it sends the
arrangement once and then each command as it happens; the play head comes back from the laptop (what its
device is sounding), not from a guess here. Over a PCM link (the laptop runs another protocol version) a
local player renders here and `PcmLinkOutput` sends its blocks, paced by the laptop's reports.

When the link fails mid-song (the tunnel drops, the laptop stops listening or cannot play) the take is
written to the WAV the local route would have written, and `note` says so in one line.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cowriter.core.events import Arrangement
from cowriter.core.timeline import Timeline
from cowriter.render import remote_events as events
from cowriter.render import remote_wire as wire
from cowriter.render.audio import BlockRing, Kind, WavOutput
from cowriter.render.player import Player, Position, SongClock
from cowriter.render.remote_find import ROUTE, Opened
from cowriter.textsafe import safe_line

PING_SECONDS = 2.0
IDLE_TIMEOUT = 10.0
STOP_WAIT = 1.5  # how long `stop` waits for the laptop to say it stopped
PCM_LEAD = 0.12  # seconds of PCM in flight at most (seek and stop act within about this)


class PcmLinkOutput:
    """An output that sends the ring's blocks over the link as 16-bit PCM, keeping at most `lead`
    seconds ahead of what the laptop reports played; it remembers which beat each block starts on, so
    the play head can follow the laptop."""

    kind: Kind = "device"  # heard in real time, like a device
    clocked = True

    def __init__(
        self, link: wire.Link, sample_rate: int = 44100, block: int = 1024, lead: float = PCM_LEAD
    ) -> None:
        self.link = link
        self.sample_rate = sample_rate
        self.block = block
        self.lead_frames = int(lead * sample_rate)
        self.sent = 0  # frames
        self.played = 0  # frames, as the laptop reports
        self.ended = threading.Event()  # the last block is sent
        self.failed: Exception | None = None
        self._marks: collections.deque[tuple[int, float, float]] = collections.deque(maxlen=4096)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def route(self) -> str:
        return ROUTE

    def start(self, ring: BlockRing) -> None:
        self._thread = threading.Thread(target=self._run, args=(ring,), name="cowriter-pcm", daemon=True)
        self._thread.start()

    def _run(self, ring: BlockRing) -> None:
        import numpy as np

        buf = np.zeros((ring.block, 2), dtype=np.float32)
        try:
            while not self._stop.is_set():
                if self.sent - self.played >= self.lead_frames:
                    time.sleep(0.003)
                    continue
                slot = ring.read % ring.slots
                beat, rate = float(ring.beats[slot]), float(ring.rates[slot])
                if not ring.pull_into(buf):
                    if ring.drained:
                        self.link.send_json({"end": True})
                        self.ended.set()
                        return
                    time.sleep(0.002)
                    continue
                self._marks.append((self.sent, beat, rate))
                pcm = np.rint(np.clip(buf, -1.0, 1.0) * 32767.0).astype("<i2")
                self.link.send(wire.PCM, pcm.tobytes())
                self.sent += ring.block
            if ring.drained and not self.ended.is_set():  # the player stopped us as the song ended
                self.link.send_json({"end": True})
                self.ended.set()
        except wire.WireError as exc:
            self.failed = exc
            self.ended.set()

    def beat_played(self) -> float | None:
        """The beat the laptop is sounding now (from its last report), None before it starts."""
        played = self.played
        best = None
        for frame, beat, per_frame in self._marks:
            if frame > played:
                break
            best = beat + (played - frame) * per_frame
        return best

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)


class _Relayed:
    """What `output` shows while the sound goes to the laptop (for code that asks where it goes)."""

    kind: Kind = "device"
    clocked = True
    route = ROUTE

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.block = 1024


class RemotePlayer:
    """Plays an arrangement on the laptop's listener through `opened` (see `remote_find.connect`)."""

    def __init__(
        self,
        arrangement: Arrangement,
        opened: Opened,
        *,
        timeline: Timeline | None = None,
        on_position: Callable[[Position], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        fallback_wav: Path | None = None,
        sample_rate: int = 44100,
        sound: Path | None = None,
    ) -> None:
        self.arrangement = arrangement
        self.sound = sound  # a SoundFont: rendered here (a PCM link), and in the fallback WAV
        self.opened = opened
        self.link = opened.link
        self.mode = opened.mode
        self.timeline = timeline
        self.clock = SongClock(arrangement, timeline)
        self.on_position = on_position
        self.on_finished = on_finished
        self.fallback_wav = fallback_wav
        self.sample_rate = sample_rate
        self.note = ""  # one line when the sound went to a file instead of the laptop
        self.dropped = ""  # why, when the laptop went away mid-take ("the laptop's listener went away…")
        self._note_told = False
        self.error: Exception | None = None
        self.started_at = 0.0
        self.first_at = 0.0  # when the laptop said it started (perf_counter)
        self._base_bpm = arrangement.tempos[0].bpm if arrangement.tempos else 100.0
        self._bpm = self._base_bpm
        self._span: tuple[float, float | None] = (0.0, None)
        self._position: Position | None = None
        self._paused = False
        self._started = False
        self._finished = threading.Event()
        self._stopping = threading.Event()
        self._stopped_ack = threading.Event()
        self._threads: list[threading.Thread] = []
        self._local: Player | None = None  # PCM: renders here; after a drop: writes the WAV
        self._pcm: PcmLinkOutput | None = None
        self._fallback: Player | None = None
        self._relayed = _Relayed(sample_rate)

    # --- what the callers ask -------------------------------------------------------------------------

    @property
    def route(self) -> str:
        return self._fallback.route if self._fallback is not None else ROUTE

    @property
    def output(self) -> Any:
        return self._fallback.output if self._fallback is not None else self._relayed

    @property
    def playing(self) -> bool:
        if self._fallback is not None:
            return self._fallback.playing
        return self._started and not self._finished.is_set()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def position(self) -> Position | None:
        return self._position

    @property
    def tempo(self) -> float:
        return self._bpm

    @property
    def bytes_sent(self) -> int:
        return self.link.sent

    def take_note(self) -> str:
        """`note`, once (the editor shows it as a notice)."""
        note, self._note_told = ("", True) if self._note_told else (self.note, bool(self.note))
        return note

    def wait(self, timeout: float | None = None) -> bool:
        if not self._finished.wait(timeout):
            return False
        fallback = self._fallback
        return fallback is None or fallback.wait(timeout)

    # --- transport ------------------------------------------------------------------------------------

    def start(
        self,
        bar: int | None = None,
        *,
        section: str | None = None,
        loop: bool = False,
        until_bar: int | None = None,
    ) -> None:
        start, end, span = self.clock.span(bar, section=section, loop=loop, until_bar=until_bar)
        self.start_at(start, end, loop=span)

    def start_at(
        self, start: float, end: float | None = None, *, loop: tuple[float, float] | None = None
    ) -> None:
        if self._started:
            raise RuntimeError("this player has already started; make a new one")
        self._started = True
        self._span = (start, end)
        self.started_at = time.perf_counter()
        self.link.sock.settimeout(IDLE_TIMEOUT)
        try:
            if self.mode == "events":
                msg = {"play": events.encode(self.arrangement), "start": start, "end": end,
                       "loop": list(loop) if loop else None}  # fmt: skip
                self.link.send_json(msg, zipped=True)
            else:
                self._start_pcm(start, end, loop)
        except wire.WireError as exc:
            self._drop(f"the link failed ({exc})")
            return
        for target, name in ((self._read, "cowriter-relay-read"), (self._ping, "cowriter-relay-ping")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _start_pcm(self, start: float, end: float | None, loop: tuple[float, float] | None) -> None:
        self.link.send_json(
            {"pcm": {"rate": self.sample_rate, "channels": 2, "title": self.arrangement.title}}
        )
        self._pcm = PcmLinkOutput(self.link, self.sample_rate)
        self._local = Player(
            self.arrangement, self._pcm, timeline=self.timeline, ahead=0.05, sound=self.sound
        )
        self._local.start_at(start, end, loop=loop)

    def _command(self, cmd: str, **fields: Any) -> None:
        local = self._local
        if self._fallback is not None or not self._started:
            return
        if local is not None:  # PCM: the transport is the local player's
            {"pause": lambda: local.pause(), "resume": lambda: local.resume(),
             "seek": lambda: local.seek_beat(fields["beat"]), "loop": lambda: local.loop(fields["span"]),
             "tempo": lambda: local.set_tempo(fields["bpm"])}[cmd]()  # fmt: skip
            return
        try:
            self.link.send_json({"cmd": cmd, **fields})
        except wire.WireError as exc:
            self._drop(f"the link failed ({exc})")

    def pause(self) -> None:
        self._paused = True
        self._command("pause")

    def resume(self) -> None:
        self._paused = False
        self._command("resume")

    def seek(self, bar: int) -> None:
        self.seek_beat(self.clock.bar_start(bar))

    def seek_beat(self, beat: float) -> None:
        self._command("seek", beat=min(max(float(beat), 0.0), self.arrangement.beats))

    def loop(self, section: str | tuple[float, float] | None) -> None:
        from cowriter.render.player import section_span

        span = section_span(self.arrangement, section, self.timeline) if isinstance(section, str) else section
        self._command("loop", span=list(span) if span else None)

    def set_tempo(self, bpm: float) -> None:
        if bpm <= 0:
            raise ValueError("tempo must be positive")
        self._bpm = bpm
        self._command("tempo", bpm=bpm)

    def stop(self, *, fade: bool = True) -> None:
        """Stop the laptop (it fades out there) and close the link; or stop writing the fallback WAV."""
        self._stopping.set()
        fallback = self._fallback
        if fallback is not None:
            fallback.stop()
        elif self._started and not self._finished.is_set():
            with contextlib.suppress(wire.WireError):
                self.link.send_json({"stop": True} if self._local is not None else {"cmd": "stop"})
            self._stopped_ack.wait(STOP_WAIT)
        if self._local is not None:
            self._local.stop(fade=False)
        self._finished.set()
        self.link.close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=1.0)

    # --- what comes back ------------------------------------------------------------------------------

    def _ping(self) -> None:
        n = 0
        while not self._finished.wait(PING_SECONDS):
            n += 1
            try:
                self.link.send_json({"ping": n})
            except wire.WireError:
                return

    def _moved(self, beat: float) -> None:
        pos = self.clock.position_at(beat)
        if pos == self._position:
            return
        self._position = pos
        if self.on_position is not None:
            try:
                self.on_position(pos)
            except Exception as exc:  # a broken listener must not stop the music
                self.error = exc

    def _read(self) -> None:
        why = ""
        try:
            while not self._finished.is_set():
                msg = self.link.recv_json()
                if "at" in msg and isinstance(msg["at"], int | float) and "done" not in msg:
                    self._moved(float(msg["at"]))
                elif "played" in msg and isinstance(msg["played"], int) and self._pcm is not None:
                    self._pcm.played = msg["played"]
                    beat = self._pcm.beat_played()
                    if beat is not None:
                        self._moved(beat)
                if "playing" in msg and not self.first_at:
                    self.first_at = time.perf_counter()
                if msg.get("done"):
                    self._done()
                    return
                if msg.get("stopped"):
                    self._stopped_ack.set()
                    return
                if "error" in msg:
                    why = safe_line(str(msg["error"])[:160])
                    break
        except TimeoutError:
            why = "the laptop went silent"
        except wire.Closed:
            why = "the connection closed"
        except wire.WireError as exc:
            why = f"the laptop sent something unreadable ({exc})"
        if not self._stopping.is_set():
            self._drop(why or "the connection closed")

    def _done(self) -> None:
        self._finished.set()
        if self._local is not None:
            self._local.stop(fade=False)
        self.link.close()
        if self.on_finished is not None:
            try:
                self.on_finished()
            except Exception as exc:
                self.error = exc

    def _drop(self, why: str) -> None:
        """The laptop is gone mid-take: write the take to the WAV instead, and say so once."""
        if self._stopping.is_set() or self._fallback is not None:
            return
        pos = self._position
        where = f" at bar {pos.bar}" if pos is not None and pos.bar > 0 else ""
        if self._local is not None:
            self._local.stop(fade=False)
            self._local = None
        self.link.close()
        self.dropped = f"the laptop's listener went away{where} ({why})"
        if self.fallback_wav is None:
            self.note = f"{self.dropped}; nothing written"
            self._finished.set()
            return
        start, end = self._span
        fallback = Player(self.arrangement, WavOutput(self.fallback_wav, self.sample_rate, 4096),
                          timeline=self.timeline, on_finished=self.on_finished, sound=self.sound)  # fmt: skip
        self._fallback = fallback
        self.note = f"{self.dropped}: writing {self.fallback_wav} instead"
        fallback.start_at(start, end)
        self._finished.set()
