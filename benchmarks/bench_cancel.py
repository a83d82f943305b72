"""Cancelling while the model reads a long prompt (Esc, or ctrl+q on the way out): how long until the
stream has ended, with llama.cpp's abort switch (cowriter) and without it (the stream ends at the next
step, once the prompt is read: how cowriter behaved before issue 14), in the same run, on the real default
model, the prompt a song and a request the size of the co-writer's."""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

from common import Row, fmt_ms

from cowriter.model.backend import GenerationCancelled, Message
from cowriter.model.llama import LlamaBackend
from cowriter.model.locate import default_model_path

ROOT = Path(__file__).resolve().parent.parent

PROMPT = [
    Message("user", "Here is my song so far:\n" + "[G]Rain on the glass and the [C]last bus home\n" * 120)
]
RUNS = 3
AFTER = 0.3  # seconds into the read when the writer cancels


def _cancel_once(backend: LlamaBackend, *, switch: bool) -> float:
    """Seconds from `cancel()` to the stream's end, cancelling `AFTER` seconds into the prompt's read."""
    saved = backend._abort
    if saved is not None:
        saved.clear()
    backend._abort = saved if switch else None  # without the switch: the step in flight runs to its end
    sys.path.insert(0, str(ROOT))
    from tests.model.fixtures import reading  # the test's own watch on the prompt's read

    llm, started = reading(backend)
    ended = threading.Event()

    def stream() -> None:
        try:
            for _ in backend.stream(PROMPT, max_tokens=8, seed=1):
                pass
        except GenerationCancelled:
            pass
        finally:
            ended.set()

    worker = threading.Thread(target=stream, daemon=True)
    try:
        llm.reset()  # nothing of the prompt cached from the run before
        worker.start()
        started.wait(300)
        time.sleep(AFTER)
        t0 = time.perf_counter()
        backend.cancel()
        ended.wait(600)
        return time.perf_counter() - t0
    finally:
        worker.join(600)
        del llm._ctx.decode  # the class's own again
        backend._abort = saved


def rows() -> list[Row]:
    path = default_model_path()
    if path is None:
        return [Row("cancel while the model reads a long prompt", "skipped: no default model")]
    backend = LlamaBackend(path)
    backend.load()
    try:
        tokens = backend.count_tokens(PROMPT[0].content)
        ours = [_cancel_once(backend, switch=True) for _ in range(RUNS)]
        before = [_cancel_once(backend, switch=False) for _ in range(RUNS)]
    finally:
        backend.close()
    load = os.getloadavg()[0]
    median, peer = statistics.median(ours), statistics.median(before)
    return [
        Row(
            f"cancel {AFTER:g} s into reading a {tokens}-token prompt: until the stream ends "
            f"(load {load:.1f}, {backend.threads} thread{'s' * (backend.threads != 1)}), median of {RUNS}",
            fmt_ms(median),
            "the same backend without the abort switch (before issue 14)",
            fmt_ms(peer),
            "<= 100 ms",
            "ok" if median <= 0.1 else "MISSED",
        )
    ]
