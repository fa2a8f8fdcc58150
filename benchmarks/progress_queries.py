"""Benchmark of the progress queries at the target scale (the benchmark command calls ``measure``).

The target: /progress and /leaderboard under 50 ms each with 100,000 reviews by
1,000 members in one guild. The data is written straight into a fresh, fully
migrated database in a temporary folder, then each query is timed several
times; the result is a plain dict of milliseconds so the CLI can print it or
dump it as JSON. Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.daily.models import Schedule
from bot.progress.model import CHECKLIST_ITEMS
from bot.progress.service import Period, ProgressService
from storage.daily import DailyRepository
from storage.db import Database, to_db
from storage.progress import ActivityReader, ProgressRepository

GUILD = 1
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
HISTORY_DAYS = 84
BATCH = 5_000


def measure(
    members: int = 1_000, reviews: int = 100_000, repeats: int = 20, path: Path | None = None
) -> dict[str, Any]:
    """Seed a database at the given scale and time the progress queries (synchronous)."""
    return asyncio.run(measure_async(members, reviews, repeats, path))


async def measure_async(
    members: int = 1_000, reviews: int = 100_000, repeats: int = 20,
    path: Path | str | None = None, schema: str | None = None,
) -> dict[str, Any]:
    """``path`` is a SQLite file or a PostgreSQL URL (then ``schema`` is an empty schema)."""
    with tempfile.TemporaryDirectory(prefix="progress-bench-") as folder:
        db = await Database.open(path or Path(folder) / "bench.db", schema=schema)
        try:
            await db.migrate()
            content = load_content()
            seeded = await _seed(db, content, members, reviews)
            service = ProgressService(
                ProgressRepository(db), ActivityReader(db), DailyRepository(db), content,
                FixedClock(NOW),
            )
            return {"scale": seeded, **await _time_queries(service, members, repeats)}
        finally:
            await db.close()


async def _time_queries(service: ProgressService, members: int, repeats: int) -> dict[str, Any]:
    """Timed with what is loaded frozen out of the cyclic collector's walks, as the bot does
    after start-up (``BarRaiser.setup_hook``), and unfrozen after."""
    gc.freeze()
    try:
        return await _time_each(service, members, repeats)
    finally:
        gc.unfreeze()


async def _time_each(service: ProgressService, members: int, repeats: int) -> dict[str, Any]:
    sample = [1 + (n * 7919) % members for n in range(repeats)]  # spread over the members
    progress_ms = await _timings(lambda n: service.member_progress(GUILD, sample[n]), repeats)
    week_ms = await _timings(lambda n: service.leaderboard(GUILD, sample[n], Period.WEEK), repeats)
    all_ms = await _timings(lambda n: service.leaderboard(GUILD, sample[n], Period.ALL), repeats)
    report = await service.member_progress(GUILD, sample[0])
    chart_ms = await _timings(lambda _: asyncio.to_thread(service.chart, report), repeats)
    return {
        "progress_ms": progress_ms,
        "leaderboard_week_ms": week_ms,
        "leaderboard_all_ms": all_ms,
        "chart_ms": chart_ms,
        "target_ms": {"progress": 50, "leaderboard": 50, "chart": 300},
    }


async def _timings(call: Callable[[int], Awaitable[object]], repeats: int) -> dict[str, float]:
    await call(0)  # warm SQLite's page cache and the statement cache once
    samples = []
    for n in range(repeats):
        started = time.perf_counter()
        await call(n)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50": round(statistics.median(samples), 2),
        "p95": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "max": round(samples[-1], 2),
    }


async def _seed(db: Database, content: Content, members: int, reviews: int) -> dict[str, int]:
    """A guild 84 days into its cohort: daily posts, answers, reviews and mock sessions."""
    start = NOW.date() - timedelta(days=HISTORY_DAYS - 1)
    daily = DailyRepository(db)
    await daily.save_schedule(Schedule(GUILD, 10, NOW.time(), "UTC", start), NOW)
    days = [start + timedelta(days=n) for n in range(HISTORY_DAYS)]
    await db.executemany(
        "INSERT INTO daily_posts (guild_id, epoch, cohort_day, local_date, kind, channel_id, "
        "thread_id, claimed_at) VALUES (?, 1, ?, ?, 'prompt', 10, ?, ?)",
        [(GUILD, n + 1, day.isoformat(), 10_000 + n, to_db(NOW)) for n, day in enumerate(days)],
    )
    answers = await _seed_answers(db, members, days)
    await _seed_reviews(db, content, members, reviews)
    sessions = await _seed_mocks(db, members)
    await _settle(db)
    return {"members": members, "reviews": reviews, "answers": answers, "mock_sessions": sessions}


async def _seed_answers(db: Database, members: int, days: list[date]) -> int:
    rows = [
        (GUILD, user, day.isoformat(), 10_000 + n, user * 1_000 + n, None, to_db(NOW))
        for user in range(1, members + 1)
        for n, day in enumerate(days)
        if (user + n) % 3  # two days in three: streaks of every length
    ]
    for chunk in range(0, len(rows), BATCH):
        await db.executemany(
            "INSERT INTO progress_answers (guild_id, user_id, local_date, thread_id, message_id, "
            "prompt_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows[chunk:chunk + BATCH],
        )
    return len(rows)


async def _seed_reviews(db: Database, content: Content, members: int, reviews: int) -> None:
    prompts = [p.id for p in content.roadmap.all_prompts()]
    for first in range(0, reviews, BATCH):
        batch = range(first, min(first + BATCH, reviews))
        await db.executemany(
            "INSERT INTO reviews (id, guild_id, user_id, source, prompt_id, phase, score, "
            "failure_count, created_at) VALUES (?, ?, ?, 'check', ?, NULL, ?, 0, ?)",
            [(n + 1, GUILD, 1 + n % members, prompts[n % len(prompts)], _met_count(n),
              to_db(NOW - timedelta(minutes=(n * 37) % (HISTORY_DAYS * 1440))))
             for n in batch],
        )
        await db.executemany(
            "INSERT INTO review_labels (review_id, label, value) VALUES (?, ?, ?)",
            [(n + 1, item, int(_met(n, index))) for n in batch
             for index, item in enumerate(CHECKLIST_ITEMS)],
        )


async def _settle(db: Database) -> None:
    """PostgreSQL: what autovacuum does soon after a bulk load, so the queries are timed on
    the steady state: planner statistics, and the visibility map that lets an index-only
    scan skip the table (right after the load every row would be checked in the heap)."""
    if db.dialect != "postgresql":
        return
    async with db.engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in await db.tables():  # this schema's tables only, not the whole server
            await autocommit.exec_driver_sql(f'VACUUM ANALYZE "{table}"')


def _met(review: int, item_index: int) -> bool:
    """Deterministic, uneven hit rates: later checklist items are met less often."""
    return (review * 31 + item_index * 17) % 10 >= 2 + item_index


def _met_count(review: int) -> int:
    return sum(_met(review, index) for index in range(len(CHECKLIST_ITEMS)))


async def _seed_mocks(db: Database, members: int) -> int:
    sessions = members // 4
    await db.executemany(
        "INSERT INTO mock_sessions (session_id, guild_id, channel_id, question_id, "
        "length_minutes, minute_seconds, host_user_id, status, created_at, last_activity_at, "
        "started_at) VALUES (?, ?, 10, 'shopping_cart', 45, 60, ?, 'ended', ?, ?, ?)",
        [(s, GUILD, 1 + (s * 4) % members, to_db(NOW), to_db(NOW),
          to_db(NOW - timedelta(days=s % HISTORY_DAYS))) for s in range(1, sessions + 1)],
    )
    roles = ("candidate", "interviewer", "bar_raiser", "observer")
    await db.executemany(
        "INSERT INTO mock_participants (session_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)",
        [(s, 1 + (s * 4 + offset) % members, role, to_db(NOW))
         for s in range(1, sessions + 1) for offset, role in enumerate(roles)],
    )
    return sessions
