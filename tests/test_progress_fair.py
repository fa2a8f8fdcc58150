"""Fair points and streak freezes, through the real review and progress services, a real
database and a FixedClock: re-pasted answers, best review of the day, chat one-liners,
and freezes earned, capped and used across a DST change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.answers import is_substantive
from bot.clock import FixedClock
from bot.progress.points import PointsRules
from bot.progress.service import Period, ProgressService
from bot.progress.streaks import FREEZE_BANK, Streaks, compute_streaks
from bot.review import Reviewer
from bot.review.cooldown import Cooldown
from bot.review.service import AnswerSource, ReviewService
from storage.daily import DailyRepository
from storage.db import Database
from storage.guilds import GuildRepository
from storage.progress import ProgressRepository
from storage.reviews import ReviewRepository
from tests.test_progress_support import (
    GUILD,
    NOW,
    add_mock,
    content,
    daily_posts,
    progress_service,
    thread_id,
)

MEMBER, OTHER = 11, 12
LA = ZoneInfo("America/Los_Angeles")
RULES = PointsRules()
# Two different answers: a weaker one (2 items) and a stronger one (more items).
WEAK = "Assume 20M DAU → ~500 writes/s. If DynamoDB throttles, the SDK retries with backoff."
STRONG = (
    "Shoppers see add-to-cart return in < 100 ms p99. Assume 20M DAU → ~500 writes/s. "
    "If DynamoDB throttles, the SDK retries with backoff and then queues the write. "
    "We alert on p99 latency and error rate with a runbook; the cart team owns the on-call."
)
REAL_ANSWER = " ".join(["We shard carts by customer id and size each shard for peak load."] * 4)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def reviews(db: Database, clock: FixedClock) -> ReviewService:
    return ReviewService(
        Reviewer(content().rubric, content().questions), ReviewRepository(db),
        GuildRepository(db), DailyRepository(db), content(), clock,
        cooldown=Cooldown(clock, limit=1000),
    )


async def points(service: ProgressService, user_id: int = MEMBER) -> int:
    board = await service.leaderboard(GUILD, user_id, Period.ALL)
    week = await service.leaderboard(GUILD, user_id, Period.WEEK)
    mine = board.invoker.points if board.invoker else 0
    assert mine == (week.invoker.points if week.invoker else 0)  # both periods agree
    return mine


async def check(reviews: ReviewService, text: str, user_id: int = MEMBER) -> int:
    return (await reviews.check(AnswerSource(user_id, GUILD, "check"), text)).score


async def test_the_same_text_again_adds_nothing_and_only_a_salted_hash_is_stored(
    db: Database, clock: FixedClock, reviews: ReviewService
) -> None:
    await daily_posts(db, [NOW.date()])
    progress = progress_service(db, clock)
    score = await check(reviews, STRONG)
    clock.advance(timedelta(days=1))  # a new day: best-of-day would allow it; the hash not
    await check(reviews, STRONG)
    await check(reviews, "  " + STRONG.upper().replace(" ", "\n  ") + " ")  # same, re-spaced
    assert await points(progress) == RULES.for_review(score)
    rows = await db.fetchall("SELECT * FROM reviews WHERE user_id = ?", (MEMBER,))
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert "DynamoDB" not in stored and "shoppers" not in stored.lower()
    await check(reviews, STRONG, OTHER)  # another member's identical text is theirs to score
    other = await db.fetchone("SELECT answer_hash FROM reviews WHERE user_id = ?", (OTHER,))
    assert other["answer_hash"] != rows[0]["answer_hash"]  # salted per member


async def test_only_the_best_review_of_each_prompt_each_local_day_earns_points(
    db: Database, clock: FixedClock, reviews: ReviewService
) -> None:
    await daily_posts(db, [NOW.date()])  # the guild's zone: Los Angeles
    progress = progress_service(db, clock)
    clock.set(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))  # 09:00 local
    strong = await check(reviews, STRONG)
    clock.advance(timedelta(hours=1))
    weak = await check(reviews, WEAK)
    assert strong > weak
    assert await points(progress) == RULES.for_review(strong)  # the weaker one added nothing
    clock.set(datetime(2026, 11, 25, 7, 30, tzinfo=UTC))  # 23:30 local: still the same day
    await check(reviews, WEAK + " Then it is stored.")
    assert await points(progress) == RULES.for_review(strong)
    clock.set(datetime(2026, 11, 25, 8, 30, tzinfo=UTC))  # 00:30 local: the next day
    next_day = await check(reviews, WEAK + " Later.")
    assert await points(progress) == RULES.for_review(strong) + RULES.for_review(next_day)
    hit_rate_reviews = await db.fetchone("SELECT COUNT(*) FROM reviews WHERE user_id = ?",
                                         (MEMBER,))
    assert hit_rate_reviews[0] == 4  # every review still counts for hit rates and drills


async def test_a_better_review_later_the_same_day_replaces_the_days_points(
    db: Database, clock: FixedClock, reviews: ReviewService
) -> None:
    await daily_posts(db, [NOW.date()])
    progress = progress_service(db, clock)
    weak = await check(reviews, WEAK)
    clock.advance(timedelta(minutes=5))
    strong = await check(reviews, STRONG)
    assert await points(progress) == RULES.for_review(strong) != RULES.for_review(weak)


@pytest.mark.parametrize(("text", "reply", "earns"), [
    ("lol nice meme", False, False),  # a chat one-liner
    (REAL_ANSWER, True, False),  # a reply to another member's message
    ("What shard key? Hash of the id? " * 8, False, False),  # mostly questions
    (REAL_ANSWER + " But what about hot keys?", False, True),  # an answer may end asking
    (REAL_ANSWER, False, True),
])
async def test_daily_points_need_a_substantive_answer(
    db: Database, clock: FixedClock, text: str, reply: bool, earns: bool
) -> None:
    """Chat is not an answer at all: no points, and not a day answered (issue 18)."""
    await daily_posts(db, [NOW.date()])
    service = progress_service(db, clock)
    sent = NOW - timedelta(minutes=5)
    assert await service.record_answer(thread_id(NOW.date()), MEMBER, 1, sent, text, reply) is earns
    assert is_substantive(text, reply) is earns  # the one rule auto-review uses too
    assert await points(service) == (RULES.daily_answer if earns else 0)
    progress = await service.member_progress(GUILD, MEMBER)
    assert progress.days_answered == int(earns) and progress.streaks.current == int(earns)


async def test_without_the_message_content_intent_a_blank_message_counts_for_the_streak_only(
    db: Database, clock: FixedClock
) -> None:
    """Discord blanks the text without the intent: the day counts, but earns no points."""
    await daily_posts(db, [NOW.date()])
    service = progress_service(db, clock)
    assert await service.record_answer(thread_id(NOW.date()), MEMBER, 1, NOW - timedelta(minutes=5), "")
    assert await points(service) == 0
    assert (await service.member_progress(GUILD, MEMBER)).streaks.current == 1


async def test_a_real_answer_after_a_one_liner_upgrades_the_day_once(
    db: Database, clock: FixedClock
) -> None:
    await daily_posts(db, [NOW.date()])
    service = progress_service(db, clock)
    thread, sent = thread_id(NOW.date()), NOW - timedelta(minutes=5)
    assert await service.record_answer(thread, MEMBER, 1, sent, "")  # blank: no intent
    assert await service.record_answer(thread, MEMBER, 2, sent, REAL_ANSWER)  # upgraded
    assert not await service.record_answer(thread, MEMBER, 3, sent, REAL_ANSWER + " more")
    assert await points(service) == RULES.daily_answer


# -- streak freezes ---------------------------------------------------------------------

TODAY = date(2026, 11, 23)


def run(*offsets: int) -> list[date]:
    return [TODAY - timedelta(days=n) for n in offsets]


def test_a_seven_day_streak_earns_a_freeze_and_the_bank_holds_two() -> None:
    assert compute_streaks(run(*range(6)), TODAY).freezes == 0
    assert compute_streaks(run(*range(7)), TODAY).freezes == 1
    assert compute_streaks(run(*range(14)), TODAY).freezes == 2
    assert compute_streaks(run(*range(28)), TODAY).freezes == FREEZE_BANK  # capped
    mocks = run(40, 40, 40)  # three rounds long ago, before any answer
    assert compute_streaks(run(0), TODAY, earned=mocks).freezes == FREEZE_BANK


def test_a_missed_day_uses_a_banked_freeze_and_the_streak_goes_on() -> None:
    answered = run(*range(2, 9), 0)  # 7 days, a miss yesterday, an answer today
    assert compute_streaks(answered, TODAY) == Streaks(8, 8, 0, 1)
    assert compute_streaks(run(*range(2, 8), 0), TODAY) == Streaks(1, 6, 0, 0)  # no freeze
    # Two banked: two missed days in a row are both bridged; a third breaks it.
    fourteen = run(*range(4, 18))
    assert compute_streaks(fourteen + run(1, 0), TODAY) == Streaks(16, 16, 0, 2)
    assert compute_streaks(fourteen + run(0), TODAY) == Streaks(1, 14, 0, 2)


def test_a_freeze_is_not_spent_before_a_streak_or_on_paused_days() -> None:
    streaks = compute_streaks(run(0), TODAY, earned=run(5))  # earned 5 days ago, no streak yet
    assert (streaks.freezes, streaks.days_saved) == (1, 0)
    paused = compute_streaks(run(3, 0), TODAY, paused=run(2, 1), earned=run(3))
    assert (paused.current, paused.freezes, paused.days_saved) == (2, 1, 0)


async def test_freezes_from_mock_rounds_cover_a_missed_day_across_the_dst_change(
    db: Database,
) -> None:
    """Los Angeles leaves daylight time on Sunday 2026-11-01 (a 25-hour day). The member
    answers every evening from Oct 29, misses Nov 1, answers Nov 2; a mock round as
    candidate on Oct 30 banked a freeze, an observer round banked none."""
    days = [date(2026, 10, 29) + timedelta(days=n) for n in range(6)]
    await daily_posts(db, days, start=days[0])
    clock = FixedClock(datetime(2026, 11, 4, 12, 0, tzinfo=UTC))  # 04:00 local, Nov 4
    service = progress_service(db, clock)
    for day in days:
        if day == date(2026, 11, 1):
            continue
        # 23:30 local: PDT (UTC-7) before the change, PST (UTC-8) after it.
        local = datetime(day.year, day.month, day.day, 23, 30, tzinfo=LA)
        assert await service.record_answer(thread_id(day), MEMBER, 1, local.astimezone(UTC),
                                           REAL_ANSWER)
    assert await service.record_answer(thread_id(days[3]), OTHER, 1,
                                       datetime(2026, 11, 2, 7, 30, tzinfo=UTC))  # Nov 1
    await add_mock(db, OTHER, {MEMBER: "observer"}, datetime(2026, 10, 29, 18, tzinfo=UTC))
    without = (await service.member_progress(GUILD, MEMBER)).streaks
    assert without == Streaks(current=2, longest=3, freezes=0, days_saved=0)
    await add_mock(db, OTHER, {MEMBER: "candidate"}, datetime(2026, 10, 30, 18, tzinfo=UTC))
    progress = await service.member_progress(GUILD, MEMBER)
    assert progress.streaks == Streaks(current=5, longest=5, freezes=0, days_saved=1)
    # 07:30 UTC on Nov 2 is 23:30 on Nov 1 in PST: the missed day was a day with a post.
    assert (await service.member_progress(GUILD, OTHER)).streaks.longest == 1
    other_days = await ProgressRepository(db).answer_dates(GUILD, OTHER)
    assert other_days == [date(2026, 11, 1)]
