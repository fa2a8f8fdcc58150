"""The weekly digest: due on a week's first day at the posting time, exactly once."""

from datetime import date, timedelta

from bot.clock import FixedClock
from bot.sharding import Ownership
from storage.db import Database
from storage.progress import Answer, ProgressRepository
from tests.test_progress_support import (
    GUILD,
    NOW,
    START,
    TODAY,
    add_review,
    content,
    daily_posts,
    days_before,
    digest_service,
    items,
)
from tests.test_progress_support import thread_id as thread_of

ALICE, BOB = 11, 12


build = digest_service


async def answer(db: Database, user_id: int, day: date) -> None:
    await ProgressRepository(db).record_answer(
        Answer(GUILD, user_id, day, thread_of(day), 1, None, NOW)
    )


async def test_digest_is_due_once_on_day_eight_after_posting_time(db: Database) -> None:
    await daily_posts(db, days_before(TODAY, *range(8)))
    for day in days_before(TODAY, 1, 2, 3):
        await answer(db, ALICE, day)
    await answer(db, BOB, TODAY - timedelta(days=1))
    await add_review(db, ALICE, NOW - timedelta(days=2), items("customer_first"))
    await add_review(db, BOB, NOW - timedelta(days=3), items("customer_first", "team_ownership"))

    clock = FixedClock(NOW - timedelta(hours=1))  # 17:30 local: before the posting time
    assert await build(db, clock).claim_due() == []
    clock.set(NOW)
    [due] = await build(db, clock).claim_due()
    assert (due.guild_id, due.week) == (GUILD, 1)
    digest = due.digest
    assert digest.participation.members == 2
    assert (digest.participation.answers, digest.participation.reviews) == (4, 2)
    assert digest.streak_leaders == ((ALICE, 3), (BOB, 1))
    assert digest.most_missed is not None and digest.most_missed.item == "numbers_always"
    assert digest.tip == content().rubric.item("numbers_always").tip
    assert digest.next_week is not None and digest.next_week.week == 2
    assert digest.next_week.must == content().roadmap.week(2).must

    [resumed] = await build(db, clock).claim_due()  # claimed but not yet sent: resumable
    assert resumed.week == 1
    await build(db, clock).complete(resumed, message_id=42)
    assert await build(db, clock).claim_due() == []


async def test_no_digest_on_other_days_or_in_the_first_week(db: Database) -> None:
    await daily_posts(db, [TODAY], start=START + timedelta(days=1))  # today is day 7
    assert await build(db, FixedClock(NOW)).claim_due() == []


async def test_only_the_shard_process_owning_the_server_claims_its_digest(db: Database) -> None:
    await daily_posts(db, days_before(TODAY, *range(8)))
    clock = FixedClock(NOW)
    other_process, owner = Ownership(2, (1,)), Ownership(2, (0,))  # GUILD is on shard 0 of 2
    assert await build(db, clock, other_process).claim_due() == []
    [due] = await build(db, clock, owner).claim_due()
    assert due.guild_id == GUILD
