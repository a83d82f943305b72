"""Helpers shared by the benchmark modules: timing and the Row type."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from run import Row

__all__ = ["Row", "best_of", "fmt_ms", "process_seconds"]


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """The best wall time of `repeat` calls, in seconds (the least disturbed run)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def process_seconds(cmd: Sequence[str], repeat: int = 5) -> float:
    """Median wall time of a whole process, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


PYTHON = sys.executable
