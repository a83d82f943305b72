"""The synth's figures beside FluidSynth, measured in the same run:

- a 3-minute, 4-track song (piano, bass, drums and a lead melody) to a WAV, whole process: `cowriter render
  song.cho -o song.wav` against `fluidsynth -ni -F out.wav FluidR3_GM.sf2 song.mid` on the MIDI cowriter
  writes for the same arrangement (target: 0.5x FluidSynth's wall time or less, issue 16);
- play request to the first sample handed to the device (`Player.start()` until the output copies the
  first rendered block), on a PulseAudio null sink when pulseaudio is installed (target: 50 ms or less);
- peak memory (maxrss) rendering a 5-minute song to WAV, whole process, beside FluidSynth's (target:
  150 MB or less).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from common import PYTHON, Row, process_seconds

SF2 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
ROOT = Path(__file__).resolve().parent.parent
PROGRESSION = ["C", "Am7", "Dm7", "G7", "Cmaj7", "F", "Bb7", "E7/G#"]
PHRASES = ["c2 e2 g2 e2", "d2 f2 a3 g", "e4 d2 c2", "G2 A2 B2 d2", "c3 B A2 G2", "E2 G2 c4"]


def song_text(bars: int) -> str:
    """A grid song of `bars` bars at 120 bpm with an ABC melody over all of it (the lead track)."""
    rows = []
    for start in range(0, bars, 4):
        cells = " | ".join(f"{PROGRESSION[(start + i) % len(PROGRESSION)]} . . ." for i in range(4))
        rows.append(f"| {cells} |")
    tune = " | ".join(PHRASES[i % len(PHRASES)] for i in range(bars))
    return (
        "{title: Bench}\n{tempo: 120}\n{key: C}\n{x_style: pop}\n{start_of_grid}\n"
        + "\n".join(rows)
        + "\n{end_of_grid}\n{start_of_abc}\nX:1\nM:4/4\nL:1/8\nK:C\n"
        + tune
        + " |\n{end_of_abc}\n"
    )


def cowriter(*args: str) -> list[str]:
    return [PYTHON, "-m", "cowriter", *args]


def cpu_seconds(cmd: list[str], repeat: int = 3) -> float:
    """Median user+system CPU time of a whole process: steadier than wall time on a busy machine."""
    probe = (
        "import resource, subprocess, sys, json\n"
        "subprocess.run(json.loads(sys.argv[1]), check=True, capture_output=True)\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(r.ru_utime + r.ru_stime)\n"
    )
    runs = []
    for _ in range(repeat):
        args = [PYTHON, "-c", probe, json.dumps(cmd)]
        out = subprocess.run(args, check=True, capture_output=True, text=True)
        runs.append(float(out.stdout.strip()))
    return sorted(runs)[len(runs) // 2]


def maxrss_mb(cmd: list[str]) -> float:
    """Peak resident memory of one process (its children's maxrss, measured from a fresh parent)."""
    probe = (
        "import resource, subprocess, sys, json\n"
        "subprocess.run(json.loads(sys.argv[1]), check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([PYTHON, "-c", probe, json.dumps(cmd)], check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024.0


FIRST_SAMPLE = """
import json, statistics, sys
from cowriter.core.arrange import arrange
from cowriter.core.sheet import read_song
from cowriter.render.audio import open_output
from cowriter.render.player import Player
song = arrange(read_song(open(sys.argv[1]).read()), seed=1)
times, route = [], ""
for i in range(7):
    out, why = open_output(sys.argv[2])
    player = Player(song, out)
    route = player.route
    player.start(bar=1 + 4 * i)
    while not player._ring.first_copy_at:
        pass
    times.append(player._ring.first_copy_at - player.started_at)
    player.stop()
print(json.dumps({"median": statistics.median(times), "route": route}))
"""


def first_sample(song: Path, tmp: Path) -> tuple[float, str]:
    """Median seconds from `Player.start()` to the first block copied by the output."""
    env = dict(os.environ)
    mode = "none"
    daemon = False
    if shutil.which("pulseaudio") and shutil.which("pactl"):
        home, run = tmp / "home", tmp / "run"
        home.mkdir()
        run.mkdir(mode=0o700)
        env.update(HOME=str(home), XDG_RUNTIME_DIR=str(run))
        env.pop("SSH_CONNECTION", None)
        started = subprocess.run(
            ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n",
             "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=bench_null"],
            env=env, capture_output=True,
        )  # fmt: skip
        daemon = started.returncode == 0
        mode = "device" if daemon else "none"
    try:
        out = subprocess.run(
            [PYTHON, "-c", FIRST_SAMPLE, str(song), mode], env=env, check=True, capture_output=True, text=True
        )
        result = json.loads(out.stdout)
        route = "PulseAudio null sink" if mode == "device" else "null output (no pulseaudio)"
        return float(result["median"]), route
    finally:
        if daemon:
            subprocess.run(["pactl", "exit"], env=env, capture_output=True)


def rows() -> list[Row]:
    table: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cowriter-bench-") as name:
        tmp = Path(name)
        three = tmp / "three.cho"
        three.write_text(song_text(88))  # 88 bars at 120 bpm + count-in and ending: ~3 minutes
        midi = cowriter("render", str(three), "-o", str(tmp / "three.mid"), "--seed", "1")
        subprocess.run(midi, check=True, capture_output=True)
        ours_cmd = cowriter("render", str(three), "-o", str(tmp / "three.wav"), "--seed", "1")
        ours = process_seconds(ours_cmd, 3)
        if shutil.which("fluidsynth") and SF2.exists():
            peer_cmd = ["fluidsynth", "-ni", "-q", "-F", str(tmp / "f.wav"), str(SF2), str(tmp / "three.mid")]
            peer = process_seconds(peer_cmd, 3)
            ratio = ours / peer
            table.append(Row(
                "3-min 4-track song to WAV, whole process, wall (median of 3)", f"{ours:.2f} s",
                "fluidsynth -ni -F (FluidR3_GM)", f"{peer:.2f} s", "<= 0.5x FluidSynth",
                f"{ratio:.2f}x {'ok' if ratio <= 0.5 else 'MISSED'}",
            ))  # fmt: skip
            ours_cpu, peer_cpu = cpu_seconds(ours_cmd), cpu_seconds(peer_cmd)
            ratio = ours_cpu / peer_cpu
            table.append(Row(
                "same, CPU time user+sys (median of 3)", f"{ours_cpu:.2f} s", "fluidsynth",
                f"{peer_cpu:.2f} s",
                "<= 0.5x FluidSynth", f"{ratio:.2f}x {'ok' if ratio <= 0.5 else 'MISSED'}",
            ))  # fmt: skip
        else:
            table.append(Row("3-min 4-track song to WAV, whole process", f"{ours:.2f} s", target="<= 0.5x"))

        latency, route = first_sample(three, tmp)
        table.append(Row(
            f"play request -> first sample to the device ({route}, median of 7)", f"{latency * 1000:.1f} ms",
            target="<= 50 ms", verdict="ok" if latency <= 0.05 else "MISSED",
        ))  # fmt: skip

        five = tmp / "five.cho"
        five.write_text(song_text(148))  # ~5 minutes
        midi = cowriter("render", str(five), "-o", str(tmp / "five.mid"), "--seed", "1")
        subprocess.run(midi, check=True, capture_output=True)
        mem = maxrss_mb(cowriter("render", str(five), "-o", str(tmp / "five.wav"), "--seed", "1"))
        peer_mem = "-"
        if shutil.which("fluidsynth") and SF2.exists():
            peer_cmd = ["fluidsynth", "-ni", "-q", "-F", str(tmp / "f5.wav"), str(SF2), str(tmp / "five.mid")]
            fs = maxrss_mb(peer_cmd)
            peer_mem = f"{fs:.0f} MB"
        table.append(Row(
            "peak memory rendering a 5-min song to WAV (maxrss)", f"{mem:.0f} MB", "fluidsynth", peer_mem,
            "<= 150 MB", "ok" if mem <= 150 else "MISSED",
        ))  # fmt: skip
    return table
