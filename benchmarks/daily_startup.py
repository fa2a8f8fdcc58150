"""Startup cost of the daily feature at scale: load N schedules and arm their jobs.

The requirement is 1,000 guilds loaded and scheduled in under a second. This
measures exactly what ``DailyCog.cog_load`` does (read every schedule, compute
each next post across DST, add one date job each) on a real SQLite file and a
running AsyncIOScheduler, plus the startup catch-up pass when nothing is due.
"""

from __future__ import annotations

import tempfile
import time as timer
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import FixedClock
from bot.content import load_content
from bot.daily.jobs import DailyJobs
from bot.daily.models import Schedule
from bot.daily.service import DailyService
from bot.daily.zones import COMMON_ZONES
from bot.render import RenderedMessage, Renderer
from bot.scheduling import Scheduling
from storage.daily import DailyRepository
from storage.db import Database


@dataclass(frozen=True)
class StartupTiming:
    guilds: int
    rebuild_seconds: float
    catch_up_seconds: float
    jobs: int

    def line(self) -> str:
        return (f"daily startup, {self.guilds} guilds: rebuild {self.rebuild_seconds * 1000:.0f} ms "
                f"({self.jobs} jobs), catch-up check {self.catch_up_seconds * 1000:.0f} ms")


class _NoPoster:
    """Nothing is due in the benchmark, so nothing may be sent."""

    async def send_message(self, channel_id: int, message: RenderedMessage, extras: object = None) -> int:
        raise AssertionError("the benchmark must not post")

    async def find_message(self, channel_id: int, marker: str) -> int | None:
        raise AssertionError("the benchmark must not post")

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        raise AssertionError("the benchmark must not post")


async def measure_startup(guilds: int = 1000) -> StartupTiming:
    """Seed ``guilds`` schedules across common zones, then time a cold rebuild."""
    # The scheduler runs on wall time, so the bot's clock must too; starting it paused
    # measures arming without firing anything, and a start date a week out keeps every
    # guild before its day 1, so the catch-up pass has nothing to post.
    now = datetime.now(UTC)
    start = (now + timedelta(days=7)).date()
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        await db.migrate()
        repo = DailyRepository(db)
        for guild_id in range(1, guilds + 1):
            zone = COMMON_ZONES[guild_id % len(COMMON_ZONES)]
            at = time(guild_id % 24, guild_id % 60)
            await repo.save_schedule(Schedule(guild_id, guild_id, at, zone, start), now)
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.start(paused=True)
        clock = FixedClock(now)
        service = DailyService(repo, load_content(), Renderer(), clock, _NoPoster())
        try:
            started = timer.perf_counter()
            armed = await DailyJobs(Scheduling(scheduler), service, clock).rebuild()
            rebuilt = timer.perf_counter()
            await service.run_due()
            checked = timer.perf_counter()
        finally:
            scheduler.shutdown(wait=False)
            await db.close()
    return StartupTiming(guilds, rebuilt - started, checked - rebuilt, armed)
