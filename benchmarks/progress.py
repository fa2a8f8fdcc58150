"""Progress and leaderboard queries at 100,000 reviews by 1,000 members: each under 50 ms.

The progress engineer's ``benchmarks.progress_queries.measure_async`` seeds a fresh
database and times each query after a warm-up; this figure holds the slowest
query's p95 against the target and checks every query on its own.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from benchmarks.model import Check, Measurement, NotMeasuredError, RunConfig, Target

TARGET_MS = 50.0
QUERIES = {"progress_ms": "/progress", "leaderboard_week_ms": "/leaderboard week",
           "leaderboard_all_ms": "/leaderboard all"}


async def _timings(config: RunConfig) -> dict[str, Any]:
    try:
        from benchmarks.progress_queries import measure_async
    except ImportError as error:
        raise NotMeasuredError(f"benchmarks.progress_queries is not importable ({error})") from None
    try:
        return await measure_async(members=config.size(1_000, 50),
                                   reviews=config.size(100_000, 2_000),
                                   repeats=config.size(20, 3))
    except sqlite3.OperationalError as error:
        raise NotMeasuredError(f"the progress tables are not all migrated yet ({error})") from None


async def measure(config: RunConfig) -> Measurement:
    return _measurement(await _timings(config))


async def measure_postgres(config: RunConfig) -> Measurement:
    """The same queries on PostgreSQL (``BENCH_DATABASE_URL``, else ``TEST_DATABASE_URL``),
    in a schema of its own that is dropped afterwards."""
    from benchmarks.fleet import database_url, fresh_schema
    from benchmarks.progress_queries import measure_async

    url = database_url()
    async with fresh_schema(url) as schema:
        return _measurement(await measure_async(
            members=config.size(1_000, 50), reviews=config.size(100_000, 2_000),
            repeats=config.size(20, 3), path=url, schema=schema))


def _measurement(timings: dict[str, Any]) -> Measurement:
    target = Target("<", TARGET_MS, " ms")
    checks = tuple(Check(f"{label} p95", timings[key]["p95"], target) for key, label in QUERIES.items())
    slowest = max(QUERIES, key=lambda key: timings[key]["p95"])
    worst = timings[slowest]
    return Measurement(
        value=worst["p95"], unit="ms p95", samples=(worst["p50"], worst["max"]), checks=checks,
        details={"slowest": QUERIES[slowest], **timings},
    )
