"""Builders shared by the progress tests (no tests here): a guild with daily posts,
reviews and mock sessions written into a real migrated database.

Reviews and mock sessions belong to other features; they are written with plain
SQL here so that progress's reads are tested against their real schema.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.content import Content, load_content
from bot.daily.models import PostKind, Schedule
from bot.progress.reminders import ReminderService
from bot.progress.service import ProgressService
from bot.progress.weekly import DigestService
from bot.sharding import Ownership
from storage.daily import DailyRepository
from storage.db import Database, to_db
from storage.progress import ActivityReader, CardRepository, ProgressRepository

GUILD = 1000
CHANNEL = 2000
ZONE = "America/Los_Angeles"
# Day 8 of the cohort (the first day of week 2) at 18:00 local (02:00 UTC next day).
START = date(2026, 11, 16)
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # 18:30 on 2026-11-23 in Los Angeles
POST_TIME = time(18, 0)

@cache
def content() -> Content:
    """The shipped content, loaded once per test session."""
    return load_content()


def progress_service(db: Database, clock: Clock) -> ProgressService:
    return ProgressService(
        ProgressRepository(db), ActivityReader(db), DailyRepository(db), content(), clock
    )


def reminder_service(db: Database, clock: Clock,
                     ownership: Ownership | None = None) -> ReminderService:
    """A fresh service, as after a restart: all its state comes from the database."""
    return ReminderService(
        ProgressRepository(db), CardRepository(db), DailyRepository(db),
        progress_service(db, clock), clock, ownership=ownership,
    )


def digest_service(db: Database, clock: Clock,
                   ownership: Ownership | None = None) -> DigestService:
    return DigestService(
        ProgressRepository(db), ActivityReader(db), DailyRepository(db), content(), clock,
        ownership=ownership,
    )


def schedule(guild_id: int = GUILD, start: date = START) -> Schedule:
    return Schedule(guild_id, CHANNEL, POST_TIME, ZONE, start)


def thread_id(day: date, guild_id: int = GUILD) -> int:
    """A recognisable thread id per guild and local day."""
    return guild_id * 100_000 + int(day.strftime("%y%m%d")) % 100_000


async def daily_posts(
    db: Database, days: list[date], guild_id: int = GUILD, start: date = START
) -> DailyRepository:
    """A schedule plus a completed daily post (with its thread) on each local day."""
    daily = DailyRepository(db)
    plan = schedule(guild_id, start)
    await daily.save_schedule(plan, NOW)
    for day in days:
        record = await daily.claim(plan, (day - start).days + 1, day, PostKind.PROMPT, NOW)
        await daily.record_message(record.id, thread_id(day, guild_id) + 1)
        await daily.record_thread(record.id, thread_id(day, guild_id))
        await daily.complete(record.id, NOW)
    return daily


async def add_review(
    db: Database, user_id: int, at: datetime, met: Mapping[str, bool],
    guild_id: int = GUILD, prompt_id: str | None = None, weak: Collection[str] = (),
) -> int:
    """One stored review with per-item results (``weak``: met on weak evidence), on the
    local day of ``at`` in the test guild's zone; returns its id."""
    [(review_id,)] = await db.execute_returning(
        "INSERT INTO reviews (guild_id, user_id, source, prompt_id, phase, score, "
        "failure_count, created_at, local_date) VALUES (?, ?, 'check', ?, NULL, ?, 0, ?, ?) "
        "RETURNING id",
        (guild_id, user_id, prompt_id, sum(met.values()), to_db(at),
         at.astimezone(ZoneInfo(ZONE)).date().isoformat()),
    )
    await db.executemany(
        "INSERT INTO review_labels (review_id, label, value, weak) VALUES (?, ?, ?, ?)",
        [(review_id, item, int(value), int(value and item in weak))
         for item, value in met.items()],
    )
    return review_id


async def add_mock(
    db: Database, host: int, roles: Mapping[int, str], started: datetime | None,
    guild_id: int = GUILD,
) -> int:
    """A mock session with participants by role; ``started`` None for one that never ran."""
    [(session_id,)] = await db.execute_returning(
        "INSERT INTO mock_sessions (guild_id, channel_id, question_id, length_minutes, "
        "minute_seconds, host_user_id, status, created_at, last_activity_at, started_at) "
        "VALUES (?, ?, 'shopping_cart', 45, 60, ?, 'ended', ?, ?, ?) RETURNING session_id",
        (guild_id, CHANNEL, host, to_db(NOW), to_db(NOW), to_db(started) if started else None),
    )
    await db.executemany(
        "INSERT INTO mock_participants (session_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)",
        [(session_id, user, role, to_db(NOW)) for user, role in roles.items()],
    )
    return session_id


def items(*met: str) -> dict[str, bool]:
    """Per-item results: the named items met, the other checklist items missed."""
    return {item.id: item.id in met for item in content().rubric.checklist}


def days_before(day: date, *offsets: int) -> list[date]:
    return [day - timedelta(days=n) for n in offsets]
