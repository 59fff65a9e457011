"""Shared by the benchmarks: the best of several timed rounds."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(rounds: int, func: Callable[[], object]) -> float:
    """The fastest of ``rounds`` runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)
