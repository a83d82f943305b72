"""Live sound over a real SSH connection, every part real and started here: Debian's sshd on 127.0.0.1
with throwaway keys, `ssh -R` with the arguments `cowriter listen --json` prints, the listener playing
into a PulseAudio null sink that the test records, and `cowriter play` run on the "server" side of the
connection. Checks: the recording is the server's own render (length, fundamental, cross-correlation);
seek and stop act, measured in the recording against the start (the device's latency cancels); others
are refused; the tunnel killed mid-song leaves the server a WAV and one line, and the listener serving."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cowriter.core.arrange import arrange
from cowriter.core.sheet import read_song
from cowriter.render.synth import render
from cowriter.render.wavfile import read_wav

from .conftest import Pulse
from .sshd import Sshd
from .sshd import sshd as sshd  # the fixture
from .test_audio_device import peak_frequency, sounding_span, without_underruns

pytestmark = [pytest.mark.audio, pytest.mark.slow]

SONG = (
    "{title: Two Chords}\n{tempo: 120}\n{x_style: ballad}\n\n[A]Hold on, hold [D]on\n[A]Hold on, hold [E]on\n"
)
LONG = (
    "{title: Long}\n{tempo: 120}\n{x_style: ballad}\n\n"
    + "[A]Hold on, hold on, [A]hold on\n" * 2
    + "[F]Let it go, let it [F]go\n" * 2
    + "[A]Hold on, hold [A]on\n" * 2
)
PYTHONPATH = os.environ.get("PYTHONPATH", "")


def ctrl_c_as_typed() -> None:
    """In the child: SIGINT as a terminal delivers it. A suite started in the background (`pytest &` from a
    script) ignores SIGINT, its children inherit that, and Ctrl-C would not reach them."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Listen:
    """`cowriter listen --json` as a subprocess, its events collected as they come."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cowriter", "listen", "--json", *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_as_typed,
        )  # fmt: skip
        first = self.proc.stdout.readline() if self.proc.stdout else ""
        if not first:
            raise AssertionError(
                f"listen did not start: {self.proc.stderr.read() if self.proc.stderr else ''}"
            )
        self.setup: dict[str, Any] = json.loads(first)
        self.events: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.append(json.loads(line))

    def wait_for(self, kind: str, count: int = 1, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events if e["event"] == kind]
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.02)
        raise AssertionError(f"no {kind!r} in {timeout}s: {self.events}")

    def stop(self) -> str:
        """Stop it as Ctrl-C would; its stderr (which must be empty of tracebacks)."""
        assert self.proc.poll() is None, "the listener died"
        self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # a failed test leaves no listener running (four were found from one run)
            _, err = self.proc.communicate()
            raise AssertionError(f"the listener did not stop within 10 s of Ctrl-C: {err[-2000:]}") from None
        assert self.proc.returncode == 0, err
        assert "Traceback" not in err
        return err


@pytest.fixture
def laptop(pulse: Pulse, sshd: Sshd) -> dict[str, str]:
    """The laptop's environment: the test's PulseAudio, short private folders for the listener."""
    root = sshd.root
    return {**pulse.env, "XDG_CACHE_HOME": str(root / "c"), "XDG_CONFIG_HOME": str(root / "k"),
            "COWRITER_LISTEN_DIR": str(root), "PYTHONPATH": PYTHONPATH}  # fmt: skip


def remote(server: Sshd, command: str) -> str:
    """`command` as the server side runs it: in its folder, with this checkout's code."""
    return f"cd {server.root} && env PYTHONPATH={PYTHONPATH} COWRITER_LISTEN_DIR={server.root} {command}"


def on_server(server: Sshd, command: str, *ssh_args: str) -> subprocess.CompletedProcess[str]:
    """`command` run on the server side of a real SSH connection (with `ssh_args`, e.g. `-R ...`)."""
    return subprocess.run(
        server.ssh(*ssh_args, remote(server, command)), capture_output=True, text=True, timeout=90
    )


def cowriter(*args: str) -> str:
    return " ".join([sys.executable, "-m", "cowriter", *args])


def onset(x: np.ndarray, sr: int, after: float = 0.0) -> float:
    """Seconds to the first sample above -40 dB of the peak (from `after`)."""
    mono = np.abs(x).max(axis=1)
    start = int(after * sr)
    loud = np.flatnonzero(mono[start:] > 0.01 * mono.max())
    return (start + int(loud[0])) / sr if loud.size else float("nan")


def best_lag(signal: np.ndarray, template: np.ndarray) -> tuple[int, float]:
    """Where `template` sits in `signal` (frames, `template` wholly inside) and the normalised
    cross-correlation there (normalised at every lag, so a louder stretch does not outbid the match)."""
    a, b = signal[:, 0].astype(np.float64), template[:, 0].astype(np.float64)
    n = 1 << int(np.ceil(np.log2(len(a) + len(b))))
    corr = np.fft.irfft(np.fft.rfft(a, n) * np.conj(np.fft.rfft(b, n)), n)[: len(a) - len(b) + 1]
    energy = np.concatenate(([0.0], np.cumsum(a * a)))
    window = np.sqrt(np.maximum(energy[len(b) :] - energy[: len(a) - len(b) + 1], 0.0))
    ncc = corr / (window * np.linalg.norm(b) + 1e-9)
    lag = int(np.argmax(ncc))
    return lag, float(ncc[lag])


def played(x: np.ndarray) -> np.ndarray:
    """The recording with the gaps a starved machine leaves inside the sound taken out: where nothing
    reached the null sink in time it records exact digital silence (the local player leaves the same
    gaps, up to 2 s each, under the same load), which the song itself never holds between its first
    and last sample (it is checked against the render below)."""
    loud = np.flatnonzero(np.any(x != 0.0, axis=1))
    if not loud.size:
        return x
    first, last = int(loud[0]), int(loud[-1]) + 1
    return np.concatenate((x[:first], without_underruns(x[first:last]), x[last:]))


def piece_by_piece(
    x: np.ndarray, ref: np.ndarray, sr: int, piece: float = 0.25, drift: float = 0.3
) -> list[float]:
    """How well each sounding `piece` (seconds) of `ref` matches `x` where it should be: the first from the
    two onsets, each next one within `drift` seconds of where the one before was found. A glitch of a
    starved machine (a block lost or late) shifts what follows, and only the piece it falls in matches
    less; a different song, style or key matches little anywhere, and a repeated bar cannot stand in for
    a missing one, since each piece is only looked for near its place."""
    start = onset(x, sr)
    if np.isnan(start):
        return []  # silence
    offset = int((start - onset(ref, sr)) * sr)
    size, pad = int(piece * sr), int(drift * sr)
    similar = []
    for i in range(0, len(ref) - size, size):
        chunk = ref[i : i + size]
        if np.abs(chunk).max() < 0.01:
            continue
        lo = max(0, i + offset - pad)
        window = x[lo : i + offset + size + pad]
        if len(window) < size:
            similar.append(0.0)
            continue
        lag, value = best_lag(window, chunk)
        offset = lo + lag - i
        similar.append(value)
    return similar


def differences(recorded: np.ndarray, ref: np.ndarray, sr: int) -> list[str]:
    """How the recording differs from the render `ref` (none: the same sound), gaps of a starved machine
    taken out."""
    x = played(recorded)
    if not np.any(x != 0.0):
        return ["silence"]
    assert len(played(ref)) == len(ref)  # the song holds no gap of its own
    found = []
    if abs(sounding_span(x, sr) - sounding_span(ref, sr)) >= 0.3:
        found.append(f"length {sounding_span(x, sr):.2f} s, not {sounding_span(ref, sr):.2f} s")
    bass, ref_bass = (peak_frequency(y, sr, 40, 150, whole=True) for y in (x, ref))
    if abs(bass - ref_bass) >= 2.0:
        found.append(f"fundamental {bass:.1f} Hz, not {ref_bass:.1f} Hz")
    # The same sound, sample for sample once aligned, each quarter second in its place: on an idle machine
    # all of them; a machine so starved that the local player garbles a few (measured: 92% left) must
    # still leave three in four. A different seed, style, key, tempo or song keeps at most half.
    similar = piece_by_piece(x, ref, sr)
    if (
        len(similar) < 32
        or float(np.median(similar)) <= 0.95
        or sum(s > 0.9 for s in similar) < 0.75 * len(similar)
    ):
        found.append(f"not the same sound: {[round(s, 2) for s in similar]}")
    return found


def test_the_comparison_tells_another_song_from_this_one() -> None:
    """What the live test compares, on renders: gaps do not count, another take of the song does."""
    sr = 44100
    ref = render(arrange(read_song(SONG), seed=0))
    silence = np.zeros((sr // 2, 2), np.float32)
    gaps = np.concatenate(
        [silence, ref[: 3 * sr], silence, silence, ref[3 * sr : 7 * sr], silence, ref[7 * sr :]]
    )
    assert differences(gaps, ref, sr) == []
    up = SONG.replace("[A]", "[Bb]").replace("[D]", "[Eb]").replace("[E]", "[F]")
    for other in (
        render(arrange(read_song(SONG), seed=1)),  # another take of the same song
        render(arrange(read_song(up), seed=0)),  # a semitone up
        render(arrange(read_song(SONG.replace("ballad", "rock")), seed=0)),  # another style
        np.concatenate([silence, ref[: len(ref) // 2]]),  # half of it
        np.concatenate([silence, ref[: 4 * sr], ref[: 4 * sr], ref[8 * sr :]]),  # a bar again, not the next
        np.zeros_like(ref),
    ):
        assert differences(other, ref, sr) != []


def test_a_song_played_on_the_server_sounds_on_the_laptop(sshd: Sshd, pulse: Pulse, laptop: dict) -> None:
    song = sshd.root / "two.cho"
    song.write_text(SONG)
    rec = pulse.record(sshd.root / "rec.wav")
    listen = Listen(laptop)
    try:
        assert listen.setup["env"] == {} and listen.setup["ssh"][0] == "-R"
        done = on_server(sshd, cowriter("play", str(song)), *listen.setup["ssh"])
    finally:
        pulse.finish(rec)
        err = listen.stop()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("playing Two Chords") and "on your laptop (via SSH)" in done.stdout
    assert done.stderr == "" and err == ""
    assert [e["event"] for e in listen.events][:2] == ["connected", "playing"]
    recorded, sr = read_wav(sshd.root / "rec.wav")
    assert sr == 44100
    assert differences(recorded, render(arrange(read_song(SONG), seed=0)), sr) == []


SEEK_STOP = """
import json, sys, time
from cowriter.core.arrange import arrange
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline
from cowriter.render import remote_find
from cowriter.render.remote_player import RemotePlayer
song = read_song(open(sys.argv[1]).read())
heard = []
player = RemotePlayer(arrange(song, seed=0), remote_find.connect(), timeline=timeline(song),
                      on_position=lambda p: heard.append((time.monotonic(), p.bar)))
t0 = time.monotonic(); player.start()
time.sleep(4.0); t1 = time.monotonic(); player.seek(int(sys.argv[2]))
time.sleep(2.0); t2 = time.monotonic(); player.stop()
print(json.dumps({"seek": t1 - t0, "stop": t2 - t0, "before": [b for t, b in heard if t <= t1],
                  "after": [b for t, b in heard if t1 < t <= t2]}))
"""


def key_ratio(x: np.ndarray, sr: int, start: float, end: float) -> float:
    """How much more F major (F, C) than A major (C#, E) sounds from `start` to `end` seconds: about 0.01
    while the song holds A, hundreds once it holds F."""
    seg = x[int(start * sr) : int(end * sr)].mean(axis=1).astype(np.float64)
    spec = np.abs(np.fft.rfft(seg * np.hanning(seg.size))) ** 2
    freqs = np.fft.rfftfreq(seg.size, 1 / sr)

    def energy(notes: list[float]) -> float:
        return float(sum(spec[(freqs > f * 0.985) & (freqs < f * 1.015)].sum() for f in notes))

    return energy([174.6, 349.2, 698.5, 261.6, 523.3]) / (energy([277.2, 554.4, 164.8, 329.6, 659.3]) + 1e-12)


def test_seek_and_stop_act_on_the_laptop(sshd: Sshd, pulse: Pulse, laptop: dict) -> None:
    song = sshd.root / "long.cho"
    song.write_text(LONG)
    script = sshd.root / "seek.py"
    script.write_text(SEEK_STOP)
    rec = pulse.record(sshd.root / "rec.wav")
    listen = Listen(laptop)
    try:
        done = on_server(sshd, f"{sys.executable} {script} {song} 5", *listen.setup["ssh"])
        time.sleep(0.5)
    finally:
        pulse.finish(rec)
        listen.stop()
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    # The play head the laptop reports (what its device is sounding) jumps to bar 5 before the stop,
    # straight from bar 1 or 2: never through bar 4, which the song would reach 4 s after the seek at the
    # earliest. (How soon, <= 150 ms, is measured in benchmarks/bench_listen.py.)
    before, after = run["before"], run["after"]
    assert before and max(before) <= 2 and 5 in after, run
    assert 4 not in after[: after.index(5)], run
    # Bars 1-4 hold A, bars 5-8 F: the seek to bar 5 is heard where F starts, the stop where the sound
    # ends. The recorder may start late, so the two are measured from each other: the seek-to-stop
    # interval in the recording against the one the server asked for. A starved machine can leave a
    # gap of up to 2 s in what reaches the sink (the local player too): the F heard, gaps included, then
    # lasts at least as long as asked (the seek was not late), and without them, no longer (the stop was
    # not late). On an idle machine the two are the same.
    x, sr = read_wav(sshd.root / "rec.wav")
    hop, width = 0.02, 0.3
    times = np.arange(0.0, len(x) / sr - width, hop)
    level = np.array([np.abs(x[int(t * sr) : int((t + width) * sr)]).max() for t in times])
    ratio = np.array([key_ratio(x, sr, t, t + width) for t in times])
    ratio[level < 0.1 * level.max()] = np.nan  # silence (and a gap a starved machine leaves) has no key
    on_a = int(np.flatnonzero(ratio < 0.1)[0])  # the song is playing A...
    heard_f = float(times[on_a + int(np.flatnonzero(ratio[on_a:] > 10.0)[0])])  # ... then F
    mono = np.abs(x).max(axis=1)
    heard_end = float(np.flatnonzero(mono > 0.01 * mono.max())[-1] / sr)
    assert heard_f - times[on_a] > 0.2  # A was heard first (a starved start may shorten it)
    asked = run["stop"] - run["seek"]
    f_part = x[int(heard_f * sr) : int(heard_end * sr)]
    assert heard_end - heard_f > asked - 0.5
    assert len(played(f_part)) / sr < asked + 0.5
    assert heard_end < len(x) / sr - 0.3  # silence after the stop


def test_others_are_refused(sshd: Sshd, laptop: dict, tmp_path: Path) -> None:
    listen = Listen({**laptop}, "--port", "0", "--audio", "wav", "--out", str(tmp_path))
    try:
        port = int(listen.setup["env"]["COWRITER_LISTEN"].rsplit(":", 1)[1])
        remote_port = port + 1 if port < 65000 else port - 1
        sshd.tunnel("-R", f"{remote_port}:localhost:{port}", "-R", f"{sshd.root}/cowriter-listen-%r.sock:"
                    f"{laptop['XDG_CACHE_HOME']}/cowriter/listen.sock")  # fmt: skip
        time.sleep(1.5)
        # Another user of the server cannot even open the forwarded socket (sshd made it 0600).
        sock = sshd.root / f"cowriter-listen-{sshd.user}.sock"
        assert sock.stat().st_mode & 0o777 == 0o600
        if os.getuid() == 0 and (setpriv := _which("setpriv")):
            sshd.root.chmod(0o711)  # others may pass through the folder, as through /tmp: the socket decides
            probe = "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])"
            nobody = [
                setpriv,
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-c",
                probe,
            ]
            other = subprocess.run([*nobody, str(sock)], capture_output=True, text=True)
            assert other.returncode != 0 and "PermissionError" in other.stderr, other.stderr
        # Through the forwarded TCP port, a client without the key is refused and told so.
        probe_key = (
            "from cowriter.render import remote_find as f\n"
            "try:\n    f.connect()\nexcept f.NoListener as e:\n    print('REFUSED', e)\n"
        )
        script = sshd.root / "probe.py"
        script.write_text(probe_key)
        named = f"env COWRITER_LISTEN=localhost:{remote_port}"
        refused = on_server(sshd, f"{named} COWRITER_LISTEN_KEY={'00' * 32} {sys.executable} {script}")
        assert "REFUSED the listener refused: wrong or missing key" in refused.stdout, refused.stderr
        assert listen.wait_for("refused")["reason"] == "wrong or missing key"
        key = listen.setup["env"]["COWRITER_LISTEN_KEY"]
        right = on_server(sshd, f"{named} COWRITER_LISTEN_KEY={key} {sys.executable} {script}")
        assert "REFUSED" not in right.stdout and right.returncode == 0, right.stderr
    finally:
        listen.stop()


def _which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


def test_the_tunnel_killed_mid_song_leaves_a_wav_and_one_line(
    sshd: Sshd, laptop: dict, tmp_path: Path
) -> None:
    song = sshd.root / "long.cho"
    song.write_text(LONG)
    listen = Listen(laptop, "--audio", "wav", "--out", str(tmp_path))
    try:
        tunnel = sshd.tunnel(*listen.setup["ssh"])  # the forward rides its own connection...
        time.sleep(1.5)
        out = sshd.root / "fallback.wav"
        command = remote(sshd, cowriter("play", str(song), "--out", str(out)))
        play = subprocess.Popen(  # ... and the command another one, which stays up
            sshd.ssh(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        listen.wait_for("playing")
        time.sleep(1.5)
        tunnel.kill()  # the laptop's end of the tunnel is gone mid-song
        stdout, stderr = play.communicate(timeout=90)
        assert play.returncode == 0, stderr
        assert "Traceback" not in stderr and stderr == ""
        lines = stdout.splitlines()
        assert lines[0].startswith("playing Long") and len(lines) == 2
        assert lines[1].startswith("the laptop's listener went away at bar ") and f"wrote {out}" in lines[1]
        x, sr = read_wav(out)
        assert abs(len(x) / sr - arrange(read_song(LONG), seed=0).seconds) < 3.0  # the whole take
        listen.wait_for("stopped")
        # The listener is still there and serves the next connection.
        short = sshd.root / "two.cho"
        short.write_text(SONG)
        again = on_server(sshd, cowriter("play", str(short)), *listen.setup["ssh"])
        assert again.returncode == 0 and "on your laptop (via SSH)" in again.stdout, again.stderr
        listen.wait_for("playing", count=2)
    finally:
        listen.stop()
