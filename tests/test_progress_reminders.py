"""Spaced-repetition reminders end to end through the database: no loss, no repeats."""

from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.progress.drills import DrillReason
from storage.db import Database
from storage.progress import ProgressRepository
from tests.test_progress_support import GUILD, NOW, add_review, items, reminder_service

MEMBER, BYSTANDER = 11, 12
ALL_BUT_NUMBERS = ("customer_first", "failure_planning", "operations_ready", "team_ownership")


build = reminder_service


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def test_reviews_before_opting_in_are_not_replayed(db: Database, clock: FixedClock) -> None:
    await add_review(db, MEMBER, NOW - timedelta(days=3), items())
    service = build(db, clock)
    await service.set_reminders(GUILD, MEMBER, True, "dm")
    assert await service.apply_new_reviews() == 0
    assert await service.next_due_at() is None


async def test_a_missed_item_climbs_the_ladder_and_survives_restarts(
    db: Database, clock: FixedClock
) -> None:
    await build(db, clock).set_reminders(GUILD, MEMBER, True, "thread")
    await add_review(db, MEMBER, NOW, items(*ALL_BUT_NUMBERS))
    await add_review(db, BYSTANDER, NOW, items())  # not opted in: ignored
    assert await build(db, clock).apply_new_reviews() == 1
    assert await build(db, clock).apply_new_reviews() == 0  # the watermark moved

    rungs = []
    for days in (1, 3, 7, 14):
        clock.advance(timedelta(days=days) - timedelta(minutes=1))
        assert await build(db, clock).due_deliveries() == []
        clock.advance(timedelta(minutes=1))
        [delivery] = await build(db, clock).due_deliveries()
        assert await build(db, clock).due_deliveries() == []  # claimed: never twice
        rungs.append(delivery.rung)
        assert delivery.item == "numbers_always" and delivery.delivery == "thread"
        assert delivery.drill.choice.target.reason is DrillReason.REMINDER
        assert "numbers_always" in delivery.drill.choice.prompt.stresses
    assert rungs == [1, 2, 3, 4]


async def test_meeting_the_item_twice_in_a_row_ends_its_reminders(
    db: Database, clock: FixedClock
) -> None:
    service = build(db, clock)
    await service.set_reminders(GUILD, MEMBER, True, "dm")
    await add_review(db, MEMBER, NOW, items(*ALL_BUT_NUMBERS))
    await add_review(db, MEMBER, NOW + timedelta(hours=1), items("numbers_always"))
    await service.apply_new_reviews()
    reminders = await ProgressRepository(db).reminders(GUILD, MEMBER)
    # numbers_always met once; the other four were just missed
    assert reminders["numbers_always"].reminder.consecutive_hits == 1
    assert set(reminders) == set(items())
    await add_review(db, MEMBER, NOW + timedelta(hours=2), items("numbers_always"))
    await service.apply_new_reviews()
    assert "numbers_always" not in await ProgressRepository(db).reminders(GUILD, MEMBER)


async def test_changing_delivery_keeps_reminders_and_the_watermark(
    db: Database, clock: FixedClock
) -> None:
    service = build(db, clock)
    await service.set_reminders(GUILD, MEMBER, True, "thread")
    await add_review(db, MEMBER, NOW, items(*ALL_BUT_NUMBERS))
    await service.apply_new_reviews()
    preferences = await service.set_reminders(GUILD, MEMBER, None, "dm")
    assert preferences.reminders and preferences.delivery == "dm"
    stored = await ProgressRepository(db).reminders(GUILD, MEMBER)
    assert stored["numbers_always"].delivery == "dm"
