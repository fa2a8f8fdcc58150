"""Percentiles, medians and repetition: measuring every figure the same way, every run.

Timings are only comparable within one run on one machine, so each figure
does a warm-up (not recorded) and several repetitions, and reports the median
with the lowest and highest repetition beside it.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile with linear interpolation (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be within 0..100, got {pct}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


async def repeat(run: Callable[[], Awaitable[T]], *, warmups: int, repetitions: int) -> list[T]:
    """Run ``warmups`` unrecorded times, then return the results of ``repetitions`` runs."""
    for _ in range(warmups):
        await run()
    return [await run() for _ in range(repetitions)]


def rate(count: int, run: Callable[[], object], *, min_seconds: float = 0.2) -> float:
    """Calls per second of ``run``, repeating it until at least ``min_seconds`` have passed.

    ``count`` is how many items one call handles, so the result is items/s.
    """
    calls, started = 0, time.perf_counter()
    while True:
        run()
        calls += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return calls * count / elapsed
