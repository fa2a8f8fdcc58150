"""Runs the selected figures one after another and turns each outcome into a result.

Figures run sequentially in one event loop so they never compete for the CPU.
A figure that raises ``NotMeasuredError`` (a piece it measures does not exist
yet) is reported with its reason; any other exception is an ``error`` with the
exception's text, and the traceback goes to the log. Nothing is retried or
smoothed over: a timeout is a result too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from benchmarks.model import Figure, FigureResult, NotMeasuredError, RunConfig, Status, judge

log = logging.getLogger(__name__)


class UnknownFigureError(ValueError):
    """``--only`` named a figure that does not exist."""


def select(figures: Sequence[Figure], only: Sequence[str] | None) -> list[Figure]:
    """The figures named in ``only`` (in registry order), or all of them."""
    if not only:
        return list(figures)
    known = {f.name for f in figures}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise UnknownFigureError(
            f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(sorted(known))}")
    return [f for f in figures if f.name in only]


async def run_figure(figure: Figure, config: RunConfig) -> FigureResult:
    """Measure one figure within its time limit and judge it against its target."""
    started = time.perf_counter()

    def result(status: Status, reason: str) -> FigureResult:
        return FigureResult(figure, status, reason=reason, seconds=time.perf_counter() - started)

    limit = asyncio.timeout(figure.timeout_seconds)
    try:
        async with limit:
            measurement = await figure.measure(config)
    except NotMeasuredError as why:
        return result(Status.NOT_MEASURED, str(why))
    except TimeoutError as error:
        if limit.expired():
            return result(Status.ERROR, f"did not finish within {figure.timeout_seconds:.0f} s")
        log.exception("figure %s timed out waiting inside", figure.name)
        return result(Status.ERROR, f"timed out inside the figure: {error or 'TimeoutError'}")
    except Exception as error:
        log.exception("figure %s failed", figure.name)
        return result(Status.ERROR, f"{type(error).__name__}: {error}")
    return judge(figure, measurement, time.perf_counter() - started)


async def run_all(figures: Sequence[Figure], config: RunConfig,
                  progress: Callable[[str], None] = lambda _: None) -> list[FigureResult]:
    """Run ``figures`` in order, reporting each start and outcome through ``progress``."""
    results = []
    for figure in figures:
        progress(f"bench: {figure.name} …")
        outcome = await run_figure(figure, config)
        progress(f"bench: {figure.name}: {outcome.status} ({outcome.seconds:.1f} s)"
                 + (f" {outcome.reason}" if outcome.reason else ""))
        results.append(outcome)
    return results
