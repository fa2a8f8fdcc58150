"""Databases in the state a figure needs, written through the features' own services.

Seeding through ``DailyService`` and ``MockService`` (not raw SQL) keeps the
bench honest when a schema changes: the rows are exactly what the bot writes.
A missing migration or repository turns into ``NotMeasuredError`` with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.model import NotMeasuredError
from bot.clock import Clock, SystemClock
from storage.db import Database

if TYPE_CHECKING:
    from bot.mock.model import MockSession
    from bot.mock.posts import Post
    from bot.mock.service import MockService
    from bot.outbox.model import Envelope

MOCK_MINUTES_EACH = 5
"""Every phase is 5 session minutes: a round (25 minutes) ends before its 30-minute idle pause."""
LIVE_MINUTE_SECONDS = 60.0
"""Seeded live rounds run real minutes, so none moves on while a figure runs."""


@dataclass(frozen=True)
class Placement:
    """Where a guild's bot output goes: its id and a text channel (or thread) id."""

    guild_id: int
    channel_id: int


@contextlib.asynccontextmanager
async def migrated(path: Path) -> AsyncIterator[Database]:
    """The bot's database at ``path``, migrated to the current schema, closed after."""
    db = await Database.open(path)
    try:
        await db.migrate()
        yield db
    finally:
        await db.close()


async def seed_daily(db: Database, placements: Sequence[Placement], post_time: time,
                     start: date, now: datetime) -> None:
    """One daily schedule per placement, all at ``post_time`` UTC, day 1 on ``start``."""
    try:
        from bot.daily.models import Schedule
        from storage.daily import DailyRepository
    except ImportError as error:
        raise NotMeasuredError(f"the daily feature is not importable ({error})") from None
    repo = DailyRepository(db)
    for place in placements:
        await repo.save_schedule(Schedule(place.guild_id, place.channel_id, post_time, "UTC", start),
                                 now)


async def seed_welcomed(db: Database, guilds: Sequence[tuple[int, str]], now: datetime) -> None:
    """Mark every guild as welcomed long ago: a restart of an existing deployment posts none."""
    from storage.guilds import GuildRepository

    repo = GuildRepository(db)
    for guild_id, name in guilds:
        await repo.claim_welcome(guild_id, name, now)


async def seed_deployment(db: Database, placements: Sequence[Placement], names: Sequence[str],
                          now: datetime, *, live_rounds: int = 0) -> None:
    """What a long-running deployment leaves behind: every guild welcomed a month ago,
    scheduled for a daily post 12 hours away (nothing falls due during a run, every
    guild has a pending job) and, in the first ``live_rounds`` guilds, a round mid-phase.
    """
    await seed_welcomed(db, [(p.guild_id, name) for p, name in zip(placements, names, strict=True)],
                        now - timedelta(days=30))
    later = now + timedelta(hours=12)
    await seed_daily(db, placements, time(later.hour, later.minute), now.date(), now)
    if live_rounds:
        service = mock_service(db, SystemClock(), LIVE_MINUTE_SECONDS,
                               announcer=SilentAnnouncer(), timers=NoTimers())
        await start_rounds(service, placements[:live_rounds])


class SilentAnnouncer:
    """Announcer for seeding: the rounds' brief goes nowhere, nothing is timed."""

    async def prepare(self, session: MockSession, post: Post, key: str) -> Envelope | None:
        return None

    def closing(self, session: MockSession, key: str) -> Envelope | None:
        return None

    def kick(self) -> None:
        return None


class NoTimers:
    """Timers for seeding: the bot under test re-arms every round itself at startup."""

    def arm(self, session_id: int, at: datetime) -> None:
        return None

    def cancel(self, session_id: int) -> None:
        return None


def mock_service(db: Database, clock: Clock, minute_seconds: float, *, announcer: object,
                 timers: object) -> MockService:
    """A ``MockService`` on ``db`` with the shipped content; NotMeasured if mock is missing."""
    try:
        from bot.content import load_content
        from bot.mock.ports import MockConfig
        from bot.mock.service import MockService
        from storage.mock import MockRepository
    except ImportError as error:
        raise NotMeasuredError(f"the mock feature is not importable ({error})") from None
    return MockService(MockRepository(db), load_content(), clock,
                       MockConfig(minute_seconds=minute_seconds, max_per_guild=50),
                       announcer=announcer, timers=timers)  # type: ignore[arg-type]


async def start_round(service: MockService, place: Placement, host: int, candidate: int) -> int:
    """Open, attach to its thread, seat a candidate and start: a live round; returns its id."""
    from bot.mock.model import Role

    minutes = ",".join([str(MOCK_MINUTES_EACH)] * len(service.content.rubric.phases))
    session = await service.open(guild_id=place.guild_id, channel_id=place.channel_id,
                                 host_user_id=host, question_id=None, length=45, minutes=minutes)
    await service.attach(session.session_id, place.channel_id)
    await service.join(session.session_id, candidate, Role.CANDIDATE)
    await service.start(session.session_id, host)
    return session.session_id


async def start_rounds(service: MockService, placements: Sequence[Placement]) -> list[int]:
    """One live round per placement, started together as a burst of groups would."""
    try:
        return list(await asyncio.gather(*(
            start_round(service, place, host=10_000 + n, candidate=20_000 + n)
            for n, place in enumerate(placements))))
    except sqlite3.OperationalError as error:
        raise NotMeasuredError(f"the mock tables are not migrated yet ({error})") from None
