"""Measures the relay for `bench_listen.py`, in a process of its own (its PulseAudio, its sshd): run as
`python benchmarks/listen_probe.py TMPDIR`, prints one JSON object.

Everything real: an sshd on 127.0.0.1 with throwaway keys, `ssh -N -R` from the server's socket path to
the laptop's, the listener (in this process, so its device ring can be watched; for the CPU figure, a
`cowriter listen` process of its own) playing into a PulseAudio null sink. The local player on the same
sink is measured the same way in the same run, as the peer.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

TMP = Path(sys.argv[1])
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sshd() -> tuple[subprocess.Popen[bytes], list[str]]:
    """An sshd on a free port; the `ssh` command line (up to the host) that logs in to it."""
    d = TMP / "ssh"
    d.mkdir()
    for name in ("host_key", "user_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True)
    shutil.copy(d / "user_key.pub", d / "authorized_keys")
    port = free_port()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host_key'}\nPidFile {d / 'pid'}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\nStrictModes no\nUsePAM no\n"
        "PasswordAuthentication no\nAllowStreamLocalForwarding yes\nPermitRootLogin prohibit-password\n"
    )
    if os.getuid() == 0:
        Path("/run/sshd").mkdir(exist_ok=True)
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", str(d / "sshd_config")], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    user = os.environ.get("USER") or "root"
    ssh = ["ssh", "-F", "/dev/null", "-i", str(d / "user_key"), "-p", str(port), "-o", "BatchMode=yes",
           "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
           "-o", "ExitOnForwardFailure=yes", f"{user}@127.0.0.1"]  # fmt: skip
    return proc, ssh


def tunnel(ssh: list[str], server: Path, laptop: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([*ssh[:-1], "-N", "-R", f"{server}:{laptop}", ssh[-1]], stderr=subprocess.DEVNULL)
    for _ in range(200):
        if server.exists():
            return proc
        time.sleep(0.02)
    raise SystemExit("the tunnel did not come up")


def song(bars: int) -> Any:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_synth import song_text

    from cowriter.core.arrange import arrange
    from cowriter.core.sheet import read_song
    from cowriter.core.timing import timeline

    parsed = read_song(song_text(bars))
    return arrange(parsed, seed=1), timeline(parsed)


def idle(listener: Any) -> None:
    """Wait until the in-process listener has closed its take's stream: PortAudio must not open or close
    two streams at once from two threads (it hangs), as the local player's would here."""
    for _ in range(500):
        if not listener.sessions:
            return
        time.sleep(0.01)


def wait_first(ring_of: Any, timeout: float = 5.0) -> float:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        ring = ring_of()
        if ring is not None and ring.first_copy_at:
            return float(ring.first_copy_at)
        time.sleep(0.0002)
    raise SystemExit("no first sample")


def effect_time(ring: Any, start: int, done: Any, timeout: float = 5.0) -> float:
    """How much sound the device still plays after a command, before the first block for which
    `done(ring, slot)` holds: counted in blocks handed to the device since the ring's read count was
    `start` (when the command was given), half a block for the one playing then, so a device that
    stalls as it starts (PulseAudio's prebuffer) does not count as the command's delay."""
    end = time.perf_counter() + timeout
    seen = start
    while time.perf_counter() < end:
        r = ring.read
        for n in range(seen + 1, r + 1):
            if done(ring, (n - 1) % ring.slots):
                return (n - start - 1.5) * ring.block / 44100 if n - start > 1 else 0.0
        seen = r
        time.sleep(0.0002)
    return float("nan")


def main() -> None:
    import numpy as np

    from cowriter.render import remote_find
    from cowriter.render.audio import DeviceOutput
    from cowriter.render.player import Player
    from cowriter.render.remote_listener import Listener
    from cowriter.render.remote_player import RemotePlayer

    out: dict[str, Any] = {}
    sshd, ssh = start_sshd()
    try:
        laptop_sock, server_sock = TMP / "laptop.sock", TMP / "server.sock"
        listener = Listener(audio="device", socket_path=laptop_sock, key_path=TMP / "key")
        listener.open()
        threading.Thread(target=listener.serve, daemon=True).start()
        link = tunnel(ssh, server_sock, laptop_sock)
        env = {"COWRITER_LISTEN": str(server_sock)}
        arrangement, timed = song(32)

        def session_ring() -> Any:
            sessions = list(listener.sessions.values())
            player = sessions[-1].player if sessions else None
            return getattr(player, "_ring", None)

        # 1. play pressed -> first sample at the laptop, beside the local player's on the same sink
        remote, local = [], []
        for i in range(7):
            t0 = time.perf_counter()
            player = RemotePlayer(arrangement, remote_find.connect(env), timeline=timed)
            player.start(bar=1 + 2 * i)
            remote.append(wait_first(session_ring) - t0)
            player.stop()
            idle(listener)
            t0 = time.perf_counter()
            here = Player(arrangement, DeviceOutput(44100, 1024), timeline=timed)
            here.start(bar=1 + 2 * i)
            local.append(wait_first(lambda here=here: here._ring) - t0)
            here.stop(fade=False)
        out["first_remote"], out["first_local"] = statistics.median(remote), statistics.median(local)
        say("first sample", out)

        # 2. seek and stop: until the device is handed the new bar's block / a faded block
        def seek_and_stop(make: Any, ring_of: Any) -> tuple[float, float]:
            seeks, stops = [], []
            for i in range(5):
                player = make()
                player.start(bar=2)
                wait_first(ring_of)
                ring = ring_of()  # kept: the laptop drops its player as it stops
                time.sleep(1.5)  # past the device's start
                target = player.clock.bar_start(20 + i)
                start = ring.read
                player.seek_beat(target)

                def there(ring: Any, slot: int, target: float = target) -> bool:
                    return abs(ring.beats[slot] - target) < 1.0

                seeks.append(effect_time(ring, start, there))
                time.sleep(0.5)
                loud = float(np.sqrt(np.mean(ring.data[(ring.read - 1) % ring.slots] ** 2)))
                start = ring.read
                stopper = threading.Thread(target=player.stop)
                stopper.start()

                def quiet(ring: Any, slot: int, loud: float = loud) -> bool:
                    return float(np.sqrt(np.mean(ring.data[slot] ** 2))) < 0.5 * loud

                stops.append(effect_time(ring, start, quiet))
                stopper.join()
                idle(listener)
            return statistics.median(seeks), statistics.median(stops)

        out["seek_remote"], out["stop_remote"] = seek_and_stop(
            lambda: RemotePlayer(arrangement, remote_find.connect(env), timeline=timed), session_ring
        )
        box: dict[str, Any] = {}

        def make_local() -> Any:
            box["p"] = Player(arrangement, DeviceOutput(44100, 1024), timeline=timed)
            return box["p"]

        out["seek_local"], out["stop_local"] = seek_and_stop(make_local, lambda: box["p"]._ring)
        say("seek and stop", out)

        # 3. bytes per minute of music: events (a 3-minute song, whole), PCM (a 5 s take)
        three, three_timed = song(88)
        player = RemotePlayer(three, remote_find.connect(env), timeline=three_timed)
        player.start()
        time.sleep(2.0)
        player.stop()
        out["events_bytes_per_minute"] = player.bytes_sent / (three.seconds / 60)
        player = RemotePlayer(arrangement, remote_find.connect(env, version=0), timeline=timed)
        assert player.mode == "pcm"
        player.start()
        time.sleep(5.0)
        played = (player._pcm.played if player._pcm else 0) / 44100
        sent = player.bytes_sent
        player.stop()
        out["pcm_bytes_per_minute"] = sent / max(played, 1e-9) * 60
        say("bytes", out)
        listener.close()
        link.terminate()

        # 4. the listener's CPU (a process of its own) while a 4-track song plays, beside the same song
        #    played by a local player in this process (CPU seconds per second of music)
        cpu_env = {**os.environ, "XDG_CACHE_HOME": str(TMP / "c"), "XDG_CONFIG_HOME": str(TMP / "k")}
        proc = subprocess.Popen([sys.executable, "-m", "cowriter", "listen", "--json"], env=cpu_env,
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout is not None
        proc.stdout.readline()
        server2 = TMP / "server2.sock"
        link = tunnel(ssh, server2, TMP / "c" / "cowriter" / "listen.sock")
        four, four_timed = song(16)
        seconds = min(four.seconds, 30.0)
        opened = remote_find.connect({"COWRITER_LISTEN": str(server2)})
        player = RemotePlayer(four, opened, timeline=four_timed)
        player.start()
        time.sleep(1.0)
        before = _cpu(proc.pid)
        time.sleep(seconds - 2.0)
        out["cpu_listener"] = (_cpu(proc.pid) - before) / (seconds - 2.0)
        player.stop()
        proc.terminate()
        proc.wait()
        link.terminate()
        here = Player(four, DeviceOutput(44100, 1024), timeline=four_timed)
        here.start()
        time.sleep(1.0)
        before = time.process_time()
        time.sleep(seconds - 2.0)
        out["cpu_local"] = (time.process_time() - before) / (seconds - 2.0)
        here.stop()
        out["tracks"] = len(four.tracks)
    finally:
        sshd.terminate()
        sshd.wait()
    print(json.dumps(out), flush=True)
    os._exit(0)  # PortAudio's exit handler can hang on a stream another thread closed


def say(what: str, out: dict[str, Any]) -> None:
    print(f"{what}: done {json.dumps(out)}", file=sys.stderr, flush=True)


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
