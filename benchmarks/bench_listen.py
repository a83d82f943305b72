"""Live sound over SSH (`cowriter listen`), beside local playback on the same device in the same run:

- play pressed to the first sample at the laptop, over a real `ssh -R` on 127.0.0.1 (connect, handshake,
  the arrangement sent, the laptop's synth renders its first block), against the local player from the
  arrangement to its first sample (target: 100 ms or less);
- seek and stop taking effect: until the device is handed the new bar's block, or a block fading out
  (target: 150 ms or less);
- bytes sent per minute of music: events (the arrangement, pings) against the PCM fallback;
- the listener's CPU while a 4-track song plays (a `cowriter listen` process), against the local player's.

Needs sshd/ssh (openssh-server) and, for a clocked device, pulseaudio; run: `python benchmarks/run.py listen`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from common import PYTHON, Row

HERE = Path(__file__).resolve().parent


def _ok(value: float, limit: float) -> str:
    return "ok" if value <= limit else "MISSED"


def rows() -> list[Row]:
    if not (shutil.which("ssh") and (shutil.which("sshd") or Path("/usr/sbin/sshd").exists())):
        return [Row("live sound over SSH", "skipped: openssh-server/openssh-client not installed")]
    if not (shutil.which("pulseaudio") and shutil.which("pactl")):
        return [Row("live sound over SSH", "skipped: pulseaudio not installed (no clocked device)")]
    with tempfile.TemporaryDirectory(prefix="cw-bl-", dir="/tmp") as name:
        tmp = Path(name)
        home, run = tmp / "home", tmp / "run"
        home.mkdir()
        run.mkdir(mode=0o700)
        drop = ("SSH_CONNECTION", "COWRITER_AUDIO", "PULSE_SERVER", "COWRITER_LISTEN")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(HOME=str(home), XDG_RUNTIME_DIR=str(run), PULSE_RUNTIME_PATH=str(run / "pulse"))
        started = subprocess.run(
            ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n",
             "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=bench_listen"],
            env=env, capture_output=True,
        )  # fmt: skip
        if started.returncode != 0:
            return [Row("live sound over SSH", "skipped: pulseaudio would not start")]
        try:
            done = subprocess.run([PYTHON, str(HERE / "listen_probe.py"), str(tmp)], env=env,
                                  capture_output=True, text=True, timeout=900)  # fmt: skip
        finally:
            subprocess.run(["pactl", "exit"], env=env, capture_output=True)
    if done.returncode != 0:
        return [Row("live sound over SSH", f"failed: {done.stderr.strip().splitlines()[-1:]}")]
    r = json.loads(done.stdout)
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    local = "local player, same sink"
    return [
        Row("play pressed -> first sample at the laptop, ssh -R loopback (median of 7)",
            ms(r["first_remote"]), local, ms(r["first_local"]), "<= 100 ms", _ok(r["first_remote"], 0.1)),
        Row("seek takes effect at the laptop's device (median of 5)", ms(r["seek_remote"]), local,
            ms(r["seek_local"]), "<= 150 ms", _ok(r["seek_remote"], 0.15)),
        Row("stop takes effect (fading) at the laptop's device (median of 5)", ms(r["stop_remote"]), local,
            ms(r["stop_local"]), "<= 150 ms", _ok(r["stop_remote"], 0.15)),
        Row("bytes sent per minute of music: events (3-min 4-track song)",
            f"{r['events_bytes_per_minute'] / 1000:.1f} KB", "PCM fallback (16-bit stereo)",
            f"{r['pcm_bytes_per_minute'] / 1e6:.2f} MB", "kilobytes"),
        Row(f"listener CPU while a {r['tracks']}-track song plays (CPU s per s)",
            f"{r['cpu_listener'] * 100:.1f}%", "local player, same song", f"{r['cpu_local'] * 100:.1f}%"),
    ]  # fmt: skip
