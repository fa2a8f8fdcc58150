"""Restart: 1,000 guilds and 200 live mock rounds in the database, READY → ready and rescheduled.

The database is what a running deployment leaves behind: every guild welcomed
and scheduled for a daily post, 200 rounds mid-phase. The real bot starts
against the stand-in; the figure is the time from the stand-in dispatching
READY until both hold: the bot is ready and every daily and mock job is armed
again in its scheduler.
"""

from __future__ import annotations

import asyncio
import time as clock
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.events import EVENT_JOB_ADDED, EVENT_JOB_MODIFIED

from benchmarks.model import Check, Measurement, RunConfig, Target
from benchmarks.seed import Placement, migrated, seed_deployment
from benchmarks.stats import median, repeat
from benchmarks.world import GatewayClock, add_guilds, bench_env, channel_named, running_standin

if TYPE_CHECKING:
    from bot.app import BarRaiser

TARGET_SECONDS = 3.0
SETTLE_SECONDS = 1.0


def armed(bot: BarRaiser, prefix: str) -> int:
    return sum(job.id.startswith(prefix) for job in bot.scheduler.get_jobs())


async def until_rescheduled(bot: BarRaiser, daily: int, mock: int, within: float) -> float:
    """Monotonic instant at which the scheduler first holds ``daily`` and ``mock`` jobs.

    A scheduler listener notes the instant the last job is added, so no polling
    interval blurs the figure.
    """
    reached: list[float] = []
    done = asyncio.Event()

    def check(_: object = None) -> None:
        if not done.is_set() and armed(bot, "daily:") >= daily and armed(bot, "mock:") >= mock:
            reached.append(clock.monotonic())
            done.set()

    bot.scheduler.add_listener(check, EVENT_JOB_ADDED | EVENT_JOB_MODIFIED)
    try:
        check()
        async with asyncio.timeout(within):
            await done.wait()
    finally:
        bot.scheduler.remove_listener(check)
    return reached[0]


async def one_run(config: RunConfig, guild_count: int, sessions: int) -> dict[str, float]:
    from standin.harness import run_bot

    async with running_standin() as standin:
        guilds = add_guilds(standin, guild_count, channels=("general", "daily"))
        path = config.fresh_path("restart")
        async with migrated(path) as db:
            await seed_deployment(db, [Placement(g.id, channel_named(g, "daily")) for g in guilds],
                                  [g.name for g in guilds], datetime.now(UTC), live_rounds=sessions)
        gateway = GatewayClock(standin)
        started = clock.monotonic()
        async with run_bot(bench_env(standin, path), ready_within=60) as bot:
            ready = clock.monotonic()
            jobs = await until_rescheduled(bot, guild_count, sessions, within=30)
            # Other on_ready listeners may still be at work; closing the database under
            # them would log errors that have nothing to do with the figure.
            await asyncio.sleep(SETTLE_SECONDS)
        ready_dispatched = gateway.first["READY"]
    return {"ready_after": ready - ready_dispatched, "rescheduled_after": jobs - ready_dispatched,
            "connect": ready_dispatched - started}


async def measure(config: RunConfig) -> Measurement:
    guild_count, sessions = config.size(1_000, 20), config.size(200, 20)

    async def run() -> dict[str, float]:
        return await one_run(config, guild_count, sessions)

    runs = await repeat(run, warmups=0, repetitions=config.repetitions)
    samples = [max(r["ready_after"], r["rescheduled_after"]) for r in runs]
    value = median(samples)
    return Measurement(
        value=value, unit="s", samples=tuple(samples),
        checks=(Check("READY → ready and rescheduled", value, Target("<", TARGET_SECONDS, " s")),),
        details={"guilds": guild_count, "live_sessions": sessions, "runs": runs},
    )
