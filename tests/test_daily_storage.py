"""The daily repository on a real migrated SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from bot.daily.models import Attention, PostKind, Schedule
from storage.daily import DailyRepository
from storage.db import Database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def schedule(**changes) -> Schedule:
    base = Schedule(42, 100, time(9, 0), "Europe/London", date(2026, 11, 1))
    return Schedule(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})


async def test_schedule_round_trips_and_setup_updates_in_place(db: Database) -> None:
    repo = DailyRepository(db)
    await repo.save_schedule(schedule(), NOW)
    assert await repo.schedule(42) == schedule()
    await repo.save_schedule(schedule(channel_id=200, post_time=time(18, 30),
                                      timezone="Asia/Kolkata"), NOW)
    assert await repo.schedule(42) == schedule(channel_id=200, post_time=time(18, 30),
                                               timezone="Asia/Kolkata")
    assert [s.guild_id for s in await repo.all_schedules()] == [42]


async def test_the_ping_role_is_saved_with_the_schedule_and_kept_when_not_given(
    db: Database,
) -> None:
    """One write: a post that falls due as setup saves must already see its ping role."""
    repo = DailyRepository(db)
    await repo.save_schedule(schedule(ping_role_id=7), NOW)
    assert (await repo.schedule(42)).ping_role_id == 7
    await repo.save_schedule(schedule(post_time=time(10, 0)), NOW)  # no role given: kept
    assert (await repo.schedule(42)).ping_role_id == 7
    await repo.save_schedule(schedule(ping_role_id=8), NOW)
    assert (await repo.schedule(42)).ping_role_id == 8


async def test_a_new_start_date_starts_a_new_epoch_and_clears_pauses(db: Database) -> None:
    repo = DailyRepository(db)
    await repo.save_schedule(schedule(), NOW)
    await repo.set_pause(42, 9, 3, NOW)
    await repo.save_schedule(schedule(), NOW)
    kept = await repo.schedule(42)
    assert (kept.epoch, kept.paused_at_day, kept.paused_days) == (1, 9, 3)
    await repo.save_schedule(schedule(start_date=date(2026, 12, 1)), NOW)
    restarted = await repo.schedule(42)
    assert (restarted.epoch, restarted.paused_at_day, restarted.paused_days) == (2, None, 0)


async def test_claim_is_one_row_per_day_and_counts_attempts(db: Database) -> None:
    repo = DailyRepository(db)
    s = schedule()
    claims = await asyncio.gather(
        *(repo.claim(s, 5, date(2026, 11, 5), PostKind.PROMPT, NOW) for _ in range(5))
    )
    assert len({c.id for c in claims}) == 1
    assert sorted(c.attempts for c in claims) == [1, 2, 3, 4, 5]
    await repo.record_message(claims[0].id, 7001)
    await repo.record_thread(claims[0].id, 7002)
    await repo.record_opener(claims[0].id)
    await repo.complete(claims[0].id, NOW)
    again = await repo.claim(s, 5, date(2026, 11, 5), PostKind.PROMPT, NOW + timedelta(hours=1))
    assert (again.message_id, again.thread_id, again.opener_sent) == (7001, 7002, True)
    assert again.completed and again.attempts == 5
    assert await repo.post_by_thread(7002) == again
    assert await repo.post_by_thread(9999) is None


async def test_another_epoch_may_post_the_same_day_number(db: Database) -> None:
    repo = DailyRepository(db)
    first = await repo.claim(schedule(), 1, date(2026, 11, 1), PostKind.PROMPT, NOW)
    second = await repo.claim(schedule(epoch=2), 1, date(2026, 12, 1), PostKind.PROMPT,
                              NOW + timedelta(days=30))
    assert first.id != second.id
    assert (await repo.last_post(42)).id == second.id


async def test_attention_keeps_the_first_time_the_same_problem_was_seen(db: Database) -> None:
    repo = DailyRepository(db)
    await repo.save_schedule(schedule(), NOW)
    later = NOW + timedelta(days=1)
    await repo.set_attention(42, Attention.MISSING_PERMISSIONS, "Create Public Threads", NOW)
    await repo.set_attention(42, Attention.MISSING_PERMISSIONS, "Create Public Threads", later)
    flagged = await repo.schedule(42)
    assert (flagged.attention, flagged.attention_since) == (Attention.MISSING_PERMISSIONS, NOW)
    await repo.set_attention(42, Attention.CHANNEL_GONE, "the channel was deleted", later)
    gone = await repo.schedule(42)
    assert (gone.attention, gone.attention_since, gone.stopped) == (
        Attention.CHANNEL_GONE, later, True)
    await repo.clear_attention(42, later)
    assert (await repo.schedule(42)).attention is None


async def test_forgetting_a_guild_keeps_its_post_history(db: Database) -> None:
    repo = DailyRepository(db)
    await repo.save_schedule(schedule(), NOW)
    await repo.claim(schedule(), 1, date(2026, 11, 1), PostKind.PROMPT, NOW)
    await repo.delete_schedule(42)
    assert await repo.schedule(42) is None
    assert await repo.last_post(42) is not None
