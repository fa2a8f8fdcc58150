"""FSRS grading and daily reminders at the member's local time, through the database."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FixedClock
from bot.errors import BotError
from bot.progress.drills import DrillReason
from bot.progress.grading import CardGrader
from bot.sharding import Ownership
from storage.db import Database
from storage.progress import CardRepository
from tests.test_progress_support import GUILD, NOW, add_review, daily_posts, items, reminder_service

MEMBER, BYSTANDER, STEADY, SHAKY = 11, 12, 13, 14
ALL_BUT_NUMBERS = ("customer_first", "failure_planning", "operations_ready", "team_ownership")
BERLIN = ZoneInfo("Europe/Berlin")

build = reminder_service


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


async def due_at(db: Database, user_id: int, item: str) -> datetime:
    return (await CardRepository(db).cards(GUILD, user_id))[item].due_at


async def test_outcomes_drive_the_schedule_good_later_than_hard_later_than_again(
    db: Database,
) -> None:
    """Same first review; then met (Good), met on weak evidence (Hard), or missed (Again)."""
    start = NOW - timedelta(days=10)
    for user in (MEMBER, STEADY, SHAKY):
        await add_review(db, user, start, items("numbers_always"))
    later = start + timedelta(days=2)
    await add_review(db, STEADY, later, items("numbers_always"))
    await add_review(db, SHAKY, later, items("numbers_always"), weak=("numbers_always",))
    await add_review(db, MEMBER, later, items())
    grader = CardGrader(CardRepository(db))
    assert await grader.grade_new_reviews() == 6
    assert await grader.grade_new_reviews() == 0  # the watermark moved: never twice
    good, hard, again = [await due_at(db, u, "numbers_always") for u in (STEADY, SHAKY, MEMBER)]
    assert good > hard > again == later + timedelta(days=1)
    # Met again and again, an item comes back ever later; a miss brings it back tomorrow.
    intervals, at = [], later
    for _ in range(3):
        at = await due_at(db, STEADY, "numbers_always")
        await add_review(db, STEADY, at, items("numbers_always"))
        await grader.grade_new_reviews()
        intervals.append(await due_at(db, STEADY, "numbers_always") - at)
    assert intervals == sorted(intervals) and intervals[0] < intervals[-1]
    lapse = await due_at(db, STEADY, "numbers_always")
    await add_review(db, STEADY, lapse, items())  # missed when it came back
    await grader.grade_new_reviews()
    relearn = await due_at(db, STEADY, "numbers_always") - lapse
    assert relearn < intervals[0], (relearn, intervals)


async def test_a_reminder_comes_at_the_members_local_time_with_the_number_due(
    db: Database, clock: FixedClock
) -> None:
    await daily_posts(db, [NOW.date()])
    service = build(db, clock)
    _, following = await service.set_reminders(GUILD, MEMBER, True, "dm", at="08:00",
                                               zone="Europe/Berlin")
    assert following == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 CET
    await add_review(db, MEMBER, NOW, items(*ALL_BUT_NUMBERS[:2]))  # 3 items missed
    await add_review(db, BYSTANDER, NOW, items())  # not opted in: never reminded
    clock.set(following)
    assert await build(db, clock).due_deliveries() == []  # missed items are due tomorrow
    clock.set(datetime(2026, 11, 25, 6, 59, tzinfo=UTC))  # 07:59 in Berlin, a day later
    assert await build(db, clock).due_deliveries() == []
    clock.advance(timedelta(minutes=1))
    [delivery] = await build(db, clock).due_deliveries()
    assert await build(db, clock).due_deliveries() == []  # claimed: never twice
    assert (delivery.user_id, delivery.delivery, delivery.due_count) == (MEMBER, "dm", 3)
    assert delivery.drill.choice.target.reason is DrillReason.OVERDUE
    assert delivery.drill.choice.target.item in {"numbers_always", "operations_ready",
                                                 "team_ownership"}


async def test_reminder_time_follows_the_wall_clock_across_a_dst_change(
    db: Database,
) -> None:
    """Berlin leaves summer time on 2026-10-25: 08:00 is 06:00 UTC before, 07:00 after."""
    clock = FixedClock(datetime(2026, 10, 23, 12, 0, tzinfo=UTC))
    service = build(db, clock)
    _, first = await service.set_reminders(GUILD, MEMBER, True, "thread", at="08:00",
                                           zone="Europe/Berlin")
    assert first == datetime(2026, 10, 24, 6, 0, tzinfo=UTC)
    await add_review(db, MEMBER, clock.now() - timedelta(days=1), items())  # all due today
    sent = []
    for _ in range(3):
        clock.set(await service.next_due_at())
        sent += [clock.now() for _ in await build(db, clock).due_deliveries()]
        await add_review(db, MEMBER, clock.now() - timedelta(seconds=1), items(),
                         prompt_id=str(len(sent)))
    assert [instant.astimezone(BERLIN).hour for instant in sent] == [8, 8, 8]
    assert [instant.hour for instant in sent] == [6, 7, 7]


async def test_nothing_due_means_no_reminder_that_day(db: Database, clock: FixedClock) -> None:
    service = build(db, clock)
    await service.set_reminders(GUILD, MEMBER, True, "thread", at="20:00", zone="UTC")
    clock.advance(timedelta(days=1))
    assert await build(db, clock).due_deliveries() == []  # no reviews, no cards, no reminder
    assert await service.next_due_at() > clock.now()  # the next day is still scheduled


@pytest.mark.parametrize(("at", "zone", "error"), [
    ("25:00", None, "not a time"), ("soon", None, "not a time"),
    (None, "Mars/Olympus", "not a time zone"),
])
async def test_bad_reminder_settings_get_a_clear_error(
    db: Database, clock: FixedClock, at: str | None, zone: str | None, error: str
) -> None:
    with pytest.raises(BotError, match=error):
        await build(db, clock).set_reminders(GUILD, MEMBER, True, "dm", at=at, zone=zone)


async def test_opting_out_stops_reminders_but_cards_keep_grading(
    db: Database, clock: FixedClock
) -> None:
    service = build(db, clock)
    await service.set_reminders(GUILD, MEMBER, True, "thread")
    preferences, following = await service.set_reminders(GUILD, MEMBER, False)
    assert not preferences.reminders and following is None
    assert await service.next_due_at() is None
    await add_review(db, MEMBER, NOW, items())
    clock.advance(timedelta(days=2))
    assert await build(db, clock).due_deliveries() == []
    assert await service.due_count(GUILD, MEMBER) == 5


async def test_a_reminder_found_hours_late_is_skipped_not_sent_at_an_odd_hour(
    db: Database, clock: FixedClock
) -> None:
    service = build(db, clock)
    _, following = await service.set_reminders(GUILD, MEMBER, True, "thread", at="08:00",
                                               zone="UTC")
    await add_review(db, MEMBER, NOW - timedelta(days=2), items())
    clock.set(following + timedelta(hours=3))  # the bot was down at 08:00
    assert await build(db, clock).due_deliveries() == []
    assert await service.next_due_at() == following + timedelta(days=1)


async def test_a_member_opted_in_before_the_migration_gets_a_timer_then_reminders(
    db: Database, clock: FixedClock
) -> None:
    """The migration leaves next_remind_at empty: the first round sets it, sending nothing."""
    await db.execute(
        "INSERT INTO progress_preferences (guild_id, user_id, reminders, delivery, updated_at) "
        "VALUES (?, ?, 1, 'dm', ?)", (GUILD, MEMBER, "2026-11-01T00:00:00.000000Z"),
    )
    await add_review(db, MEMBER, NOW - timedelta(days=3), items())
    assert await build(db, clock).due_deliveries() == []
    following = await build(db, clock).next_due_at()
    assert following is not None and following > NOW
    clock.set(following)
    [delivery] = await build(db, clock).due_deliveries()
    assert delivery.due_count == 5


async def test_only_the_shard_process_owning_the_server_sends_its_reminder(
    db: Database, clock: FixedClock
) -> None:
    await daily_posts(db, [NOW.date()])
    _, following = await build(db, clock).set_reminders(GUILD, MEMBER, True, "dm", at="08:00",
                                                        zone="Europe/Berlin")
    await add_review(db, MEMBER, NOW, items())
    other_process, owner = Ownership(2, (1,)), Ownership(2, (0,))  # GUILD is on shard 0 of 2
    clock.set(following)
    assert await build(db, clock, owner).due_deliveries() == []  # missed items: due tomorrow
    clock.advance(timedelta(days=1))
    assert await build(db, clock, other_process).due_deliveries() == []  # left unclaimed
    [delivery] = await build(db, clock, owner).due_deliveries()
    assert delivery.user_id == MEMBER
