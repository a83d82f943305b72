"""Closing the llama-cpp-python backend while another thread generates: the stream ends as cancelled, the
model is freed only once llama.cpp is idle, and nothing crashes (before the fix: a segfault or an abort
in C, the TUI's quit while the co-writer answered)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cowriter.model.backend import GenerationCancelled, Message, ModelError
from cowriter.model.llama import LlamaBackend
from tests.model.fixtures import model_path  # noqa: F401

LONG = [Message("user", "Write a long song about trains, verse after verse.")]

pytestmark = pytest.mark.model


@pytest.fixture
def backend(model_path: Path) -> Iterator[LlamaBackend]:  # noqa: F811
    """A backend of its own, loaded (closing is final, so not the session-wide one)."""
    b = LlamaBackend(model_path)
    b.load()
    yield b
    b.close()


class Streamer(threading.Thread):
    """Streams in a thread of its own, keeping the pieces and how the stream ended."""

    def __init__(self, backend: LlamaBackend, max_tokens: int = 400) -> None:
        super().__init__(daemon=True)
        self.backend = backend
        self.max_tokens = max_tokens
        self.pieces: list[str] = []
        self.first = threading.Event()
        self.outcome: BaseException | None = None

    def run(self) -> None:
        try:
            for piece in self.backend.stream(LONG, max_tokens=self.max_tokens, seed=3):
                self.pieces.append(piece)
                self.first.set()
        except BaseException as exc:  # recorded for the test to look at
            self.outcome = exc
        finally:
            self.first.set()


def closed_from(backend: LlamaBackend) -> threading.Thread:
    """close() from another thread (a close that hangs shows as a thread still alive)."""
    closer = threading.Thread(target=backend.close, daemon=True)
    closer.start()
    closer.join(60)
    return closer


def test_close_mid_stream_cancels_the_stream_then_frees_the_model(backend: LlamaBackend) -> None:
    streamer = Streamer(backend)
    streamer.start()
    assert streamer.first.wait(60) and streamer.pieces, "the model started answering"
    backend.close()  # from the main thread, while the streamer is inside llama.cpp or about to be
    at_close = len(streamer.pieces)
    streamer.join(60)
    assert not streamer.is_alive()
    assert isinstance(streamer.outcome, GenerationCancelled)
    assert len(streamer.pieces) <= at_close + 1, "at most the token already in flight"
    assert not backend.loaded


def test_close_waits_for_nothing_when_a_stream_is_left_suspended(backend: LlamaBackend) -> None:
    stream = backend.stream(LONG, max_tokens=200, seed=1)
    taken = [next(stream), next(stream)]
    assert all(isinstance(p, str) for p in taken)
    assert not closed_from(backend).is_alive(), "a suspended stream holds no lock"
    with pytest.raises(GenerationCancelled):
        next(stream)  # the model is gone: the stream ends instead of reaching freed memory


@pytest.mark.parametrize(
    ("call", "args"),
    [("stream", (LONG,)), ("count_tokens", ("a line",)), ("check_grammar", ('root ::= "a"',))],
)
def test_a_closed_backend_does_not_load_again(backend: LlamaBackend, call: str, args: tuple[object]) -> None:
    backend.close()
    backend.close()  # twice is fine
    with pytest.raises(ModelError, match="closed"):
        result = getattr(backend, call)(*args)
        if call == "stream":
            next(result)
    assert not backend.loaded


# A fresh process, so that a crash is a failed test rather than a dead test run. `close()` lands before the
# stream starts, during the prompt, and between tokens; a third thread counts tokens meanwhile.
RACE = r"""
import json, sys, threading, time
from cowriter.model.backend import Message
from cowriter.model.llama import LlamaBackend

prompt = [Message("user", "Write a long song about trains, verse after verse.")]
results = []
for delay in json.loads(sys.argv[2]):
    backend = LlamaBackend(sys.argv[1])
    backend.load()
    ended, counted, first = [], [], threading.Event()

    def stream():
        try:
            for _ in backend.stream(prompt, max_tokens=300, seed=1):
                first.set()
            ended.append("finished")
        except Exception as exc:
            ended.append(type(exc).__name__)
        first.set()

    def count():
        try:
            while True:
                counted.append(backend.count_tokens("Streetlights hum on Woodward Avenue"))
                time.sleep(0.001)
        except Exception as exc:
            counted.append(type(exc).__name__)

    threads = [threading.Thread(target=stream), threading.Thread(target=count)]
    for t in threads:
        t.start()
    if delay < 0:
        first.wait(60)
    else:
        time.sleep(delay)
    backend.close()
    for t in threads:
        t.join(60)
    results.append({"delay": delay, "stream": ended, "count": counted[-1], "loaded": backend.loaded})
print(json.dumps(results))
"""


@pytest.mark.slow
def test_close_at_any_moment_never_crashes(model_path: Path, tmp_path: Path) -> None:  # noqa: F811
    delays = [0.0, 0.002, 0.02, 0.1, -1.0]  # -1: right after the first token
    done = subprocess.run(
        [sys.executable, "-c", RACE, str(model_path), json.dumps(delays)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert [r["delay"] for r in results] == delays
    for r in results:
        # cancelled mid-way, or refused when close() came first; never finished with 300 tokens to go
        assert r["stream"] in (["GenerationCancelled"], ["ModelError"]), r
        assert r["count"] == "ModelError", r  # the counting stopped once the model was closed
        assert r["loaded"] is False
    assert results[-1]["stream"] == ["GenerationCancelled"]
