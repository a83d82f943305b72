"""The laptop side of one relay connection, after the handshake: play what the server sends.

- Events (same protocol version on both sides): the server sends the arrangement once and then transport
  commands; this side renders it with its own synth through a local `Player` and reports where the play
  head is (`{"at": BEAT}`, about 20 times a second) so the editor on the server follows what sounds here.
- PCM (the versions differ): the server renders and sends 16-bit blocks, paced by this side's
  `{"played": FRAMES}` reports so no more than a fraction of a second is ever queued.

Anything malformed ends the connection with one line; nothing here raises into the listener.
"""

from __future__ import annotations

import contextlib
import math
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from cowriter.render import remote_events as events
from cowriter.render import remote_wire as wire
from cowriter.render.audio import BlockRing, NoDevice, Output

IDLE_TIMEOUT = 10.0  # the server sends something at least every PING_SECONDS; silence this long = gone
PING_SECONDS = 2.0
ACK_SECONDS = 0.04
PCM_BLOCK = 1024
PCM_SLOTS = 24  # about 0.55 s at 44.1 kHz: more than the server ever keeps in flight
MIN_SCALE, MAX_SCALE = 0.25, 4.0

Emit = Callable[[dict[str, Any]], None]
MakeOutput = Callable[[str, int], Output]  # (title, sample rate) -> a fresh output for one take


class Ended(Exception):
    """The session is over; the message says why (for the status line)."""


def _beat(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise wire.WireError(f"{what} is not a number")
    return min(max(float(value), 0.0), events.MAX_BEATS)


def _span(value: object) -> tuple[float, float] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise wire.WireError("a loop is not [start, end]")
    a, b = _beat(value[0], "a loop's start"), _beat(value[1], "a loop's end")
    if b <= a:
        raise wire.WireError("a loop ends before it starts")
    return a, b


class Take:
    """What one session is playing now, for the listener's status line."""

    def __init__(self, title: str, seconds: float, output: Output) -> None:
        self.title = title
        self.seconds = seconds
        self.output = output
        self.at = 0.0  # arrangement beat sounding
        self.started = time.monotonic()


class Session:
    def __init__(
        self,
        link: wire.Link,
        mode: str,
        make_output: MakeOutput,
        emit: Emit,
        *,
        sample_rate: int = 44100,
        ahead: float = 0.1,
        release: Callable[[], None] = lambda: None,
    ) -> None:
        self.link = link
        self.release = release  # gives the speakers back (the take is over: another server may play)
        self.mode = mode
        self.make_output = make_output
        self.emit = emit
        self.sample_rate = sample_rate
        self.ahead = ahead
        self.take: Take | None = None
        self.player: Any = None  # cowriter.render.player.Player, imported when the first take starts
        self._lock = threading.Lock()

    # --- the loop -------------------------------------------------------------------------------------

    def run(self) -> str:
        """Serve until the server leaves; returns why it ended."""
        self.link.sock.settimeout(IDLE_TIMEOUT)
        try:
            if self.mode == "pcm":
                self._pcm()
            while True:
                self._handle(self._recv())
        except Ended as exc:
            return str(exc)
        finally:
            self._end_take("the connection ended")

    def _recv(self) -> dict[str, Any]:
        try:
            return self.link.recv_json()
        except TimeoutError:
            raise Ended("the server went silent") from None
        except wire.Closed:
            raise Ended("the server went away") from None
        except wire.WireError as exc:
            raise Ended(f"refused a malformed message ({exc})") from None

    def _send(self, obj: dict[str, Any]) -> None:
        with contextlib.suppress(wire.WireError, OSError):  # the reader sees the connection close
            self.link.send_json(obj)

    # --- events ---------------------------------------------------------------------------------------

    def _handle(self, msg: dict[str, Any]) -> None:
        try:
            if "play" in msg:
                self._play(msg)
            elif "cmd" in msg:
                self._command(str(msg["cmd"]), msg)
            elif "ping" in msg:
                self._send({"pong": msg["ping"] if isinstance(msg["ping"], int | float) else 0})
            elif msg.get("bye"):
                raise Ended("the server is done")
            else:
                raise wire.WireError(f"unknown message {sorted(msg)[:3]}")
        except wire.WireError as exc:
            self._send({"error": f"refused: {exc}"})
            raise Ended(f"refused a malformed message ({exc})") from None

    def _play(self, msg: dict[str, Any]) -> None:
        arrangement = events.decode(msg["play"])
        start = _beat(msg.get("start", 0.0), "the start")
        end = None if msg.get("end") is None else _beat(msg["end"], "the end")
        loop = _span(msg.get("loop"))
        self._end_take("replaced")
        from cowriter.render.player import Player

        try:
            output = self.make_output(arrangement.title, self.sample_rate)
            player = Player(
                arrangement, output, on_position=self._moved, on_finished=self._finished, ahead=self.ahead
            )
            player.start_at(start, end, loop=loop)
        except (NoDevice, OSError, ValueError) as exc:
            self._send({"error": f"the laptop cannot play: {exc}"})
            self.emit({"event": "stopped", "reason": f"cannot play: {exc}"})
            return
        with self._lock:
            self.player = player
            self.take = Take(arrangement.title, arrangement.seconds, output)
        self._send({"playing": start})
        self.emit({"event": "playing", "title": arrangement.title, "seconds": round(arrangement.seconds, 2),
                   "from": round(start, 3), "mode": "events"})  # fmt: skip

    def _moved(self, pos: Any) -> None:
        take = self.take
        if take is not None:
            take.at = pos.beats
        self._send({"at": round(float(pos.beats), 4)})

    def _finished(self) -> None:
        """The song played out (from the player's thread): report it, free the speakers, and end the
        session (one take per connection: the reader sees the socket close)."""
        take = self.take
        self._end_take("end")
        self.release()
        self._send({"done": True, "at": take.at if take else 0.0})
        with contextlib.suppress(OSError):
            self.link.sock.shutdown(socket.SHUT_RDWR)

    def _command(self, cmd: str, msg: dict[str, Any]) -> None:
        """A transport command, checked whole before it acts (a malformed one ends the connection)."""
        if cmd == "stop":
            self._end_take("stop")
            self.release()
            self._send({"stopped": True})
            raise Ended("stopped by the server")
        act: Callable[[Any], None]
        if cmd == "seek":
            beat = _beat(msg.get("beat"), "the seek")

            def act(p: Any) -> None:
                p.seek_beat(beat)
        elif cmd == "loop":
            span = _span(msg.get("span"))

            def act(p: Any) -> None:
                p.loop(span)
        elif cmd == "tempo":
            bpm = _beat(msg.get("bpm"), "the tempo")

            def act(p: Any) -> None:
                base = p.arrangement.tempos[0].bpm if p.arrangement.tempos else 100.0
                p.set_tempo(min(max(bpm, base * MIN_SCALE), base * MAX_SCALE))
        elif cmd == "pause":

            def act(p: Any) -> None:
                p.pause()
        elif cmd == "resume":

            def act(p: Any) -> None:
                p.resume()
        else:
            raise wire.WireError(f"unknown command {cmd[:20]!r}")
        player = self.player
        if player is not None:  # else the take already ended: nothing to act on
            act(player)

    def _end_take(self, why: str) -> None:
        with self._lock:
            player, take = self.player, self.take
            self.player = self.take = None
        if player is None or take is None:
            return
        if why != "end":
            player.stop(fade=why != "the connection ended")
        self._report_end(take, why)

    def _report_end(self, take: Take, why: str) -> None:
        reason = {"end": "the end", "stop": "stopped by the server"}.get(why, why)
        self.emit({"event": "stopped", "reason": reason, "at": round(take.at, 3)})
        path = getattr(take.output, "path", None)
        if path is not None:
            self.emit({"event": "wrote", "file": str(path), "seconds": round(
                getattr(take.output, "frames", 0) / self.sample_rate, 2)})  # fmt: skip

    # --- PCM ------------------------------------------------------------------------------------------

    def _pcm(self) -> None:
        """Play PCM until the server ends, stops or leaves (then `Ended`)."""
        import numpy as np

        head = self._recv()
        spec = head.get("pcm")
        if not isinstance(spec, dict) or spec.get("rate") not in (44100, 48000) or spec.get("channels") != 2:
            raise Ended("refused a malformed message (PCM without a usable rate and 2 channels)")
        rate = int(spec["rate"])
        title = str(spec.get("title", ""))[: events.MAX_TEXT]
        try:
            output = self.make_output(title, rate)
        except (NoDevice, OSError, ValueError) as exc:
            self._send({"error": f"the laptop cannot play: {exc}"})
            raise Ended(f"cannot play: {exc}") from None
        ring = BlockRing(PCM_BLOCK, PCM_SLOTS)
        take = Take(title, 0.0, output)
        pending = np.zeros((0, 2), dtype=np.float32)
        acking = threading.Event()
        acker = threading.Thread(target=self._ack, args=(ring, acking), name="cowriter-ack", daemon=True)
        output.start(ring)
        acker.start()
        self.emit({"event": "playing", "title": title, "seconds": 0.0, "from": 0.0, "mode": "pcm"})
        why = "the server went away"
        try:
            while True:
                try:
                    kind, payload = self.link.recv()
                except TimeoutError:
                    why = "the server went silent"
                    break
                except wire.Closed:
                    break
                except wire.WireError as exc:
                    why = f"refused a malformed message ({exc})"
                    break
                if kind == wire.PCM:
                    if len(payload) % 4:
                        why = "refused a malformed message (PCM not in whole stereo frames)"
                        break
                    block = np.frombuffer(payload, dtype="<i2").reshape(-1, 2).astype(np.float32) / 32768.0
                    pending = np.concatenate((pending, block))
                    while len(pending) >= PCM_BLOCK:
                        if not self._wait_free(ring):
                            break
                        ring.push(pending[:PCM_BLOCK])
                        pending = pending[PCM_BLOCK:]
                    continue
                msg = wire.parse_json(kind, payload)
                if msg.get("end"):
                    if len(pending) and self._wait_free(ring):
                        ring.push(pending)
                    ring.done = True
                    while not ring.drained and not self.link.closed:
                        time.sleep(0.01)
                    why = "end"
                    break
                if msg.get("stop"):
                    _cut(ring)
                    for _ in range(40):  # the fade plays out (two blocks), then the device stops
                        if ring.drained:
                            break
                        time.sleep(0.005)
                    why = "stop"
                    break
                if "ping" in msg:
                    self._send({"pong": msg["ping"] if isinstance(msg["ping"], int | float) else 0})
        finally:
            acking.set()
            acker.join(timeout=1.0)
            output.stop()
            take.at = ring.read * PCM_BLOCK / rate
            self.release()
        self._send({"done": True} if why == "end" else {"stopped": True})
        self._report_end(take, why)
        raise Ended(why if why not in ("end", "stop") else "the server is done")

    def _wait_free(self, ring: BlockRing) -> bool:
        """Wait for a free slot (the server keeps well under the ring in flight; a full ring means it
        ignores the pace, and its extra sound is dropped)."""
        for _ in range(200):
            if ring.free > 0:
                return True
            time.sleep(0.005)
        return False

    def _ack(self, ring: BlockRing, done: threading.Event) -> None:
        last = -1
        while not done.wait(ACK_SECONDS):
            played = ring.read * PCM_BLOCK
            if played != last:
                self._send({"played": played})
                last = played


def _cut(ring: BlockRing) -> None:
    """Stop within two blocks without a click: fade the next queued block out, drop the rest (this side
    owns `write`; the device only ever reads up to it)."""
    import numpy as np

    nxt = ring.read + 1
    if nxt < ring.write:
        slot = nxt % ring.slots
        ring.data[slot] *= np.linspace(1.0, 0.0, ring.block, dtype=np.float32)[:, None]
        ring.write = nxt + 1
    ring.done = True
