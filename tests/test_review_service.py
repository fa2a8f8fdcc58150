"""ReviewService with real SQLite, real content and a FixedClock: cooldown, storage, auto-review."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.errors import BotError
from bot.review import Reviewer
from bot.review.cooldown import Cooldown
from bot.review.service import AnswerSource, ReviewService
from storage.daily import DailyRepository
from storage.db import Database, to_db
from storage.guilds import GuildRepository
from storage.reviews import ReviewRepository

GUILD, ADA, BOB, THREAD = 10, 1, 2, 900
ANSWER = "Assume 20M DAU → ~500 writes/s. If DynamoDB throttles, the SDK retries with backoff."
# Over bot.answers.MIN_WORDS: auto-review only looks at substantive answers.
LONG_ANSWER = ANSWER + (
    " The design keeps one table for carts and one for orders, with a small service in front"
    " of each, and the same layout in both regions so the setup stays simple to follow and"
    " easy to explain to a new reader."
)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
def service(db: Database, content: Content, clock: FixedClock) -> ReviewService:
    return ReviewService(
        Reviewer(content.rubric, content.questions), ReviewRepository(db), GuildRepository(db),
        DailyRepository(db), content, clock,
    )


async def _count(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) AS n FROM reviews")
    return row["n"] if row else 0


async def _daily_thread(db: Database, clock: FixedClock, kind: str = "prompt") -> None:
    await db.execute(
        "INSERT INTO daily_posts (guild_id, epoch, cohort_day, local_date, kind, channel_id, "
        "thread_id, claimed_at) VALUES (?, 1, 1, '2026-11-23', ?, 5, ?, ?)",
        (GUILD, kind, THREAD, to_db(clock.now())),
    )


def test_cooldown_allows_the_limit_then_says_how_long_to_wait(clock: FixedClock) -> None:
    cooldown = Cooldown(clock, limit=5, window=timedelta(seconds=60))
    assert [cooldown.hit(ADA) for _ in range(5)] == [0] * 5
    clock.advance(20)
    assert cooldown.hit(ADA) == 40
    assert cooldown.hit(BOB) == 0  # per member
    clock.advance(39.5)
    assert cooldown.wait_for(ADA) == 1  # rounds up, never says 0 while blocked
    clock.advance(0.5)
    assert cooldown.hit(ADA) == 0


def test_cooldown_forgets_idle_members(clock: FixedClock) -> None:
    cooldown = Cooldown(clock, limit=1)
    cooldown.hit(ADA)
    clock.advance(61)
    assert cooldown.wait_for(ADA) == 0
    assert cooldown._hits == {}


async def test_check_stores_the_review_for_progress(service: ReviewService, db: Database) -> None:
    review = await service.check(AnswerSource(ADA, GUILD, "check"), ANSWER, "scale")
    assert review.score == 2
    row = await db.fetchone("SELECT user_id, source, phase, score FROM reviews")
    assert row is not None and tuple(row) == (ADA, "check", "scale", 2)


async def test_nothing_to_review_is_answered_but_not_stored(
    service: ReviewService, db: Database
) -> None:
    review = await service.check(AnswerSource(ADA, GUILD, "context_menu", 77), "")
    assert review.problem is not None
    assert await _count(db) == 0


async def test_sixth_review_in_a_minute_is_refused_with_the_wait(
    service: ReviewService, clock: FixedClock
) -> None:
    for _ in range(5):
        await service.check(AnswerSource(ADA, GUILD, "check"), ANSWER)
    clock.advance(15)
    with pytest.raises(BotError, match=r"Try again in 45 s"):
        await service.check(AnswerSource(ADA, GUILD, "check"), ANSWER)


async def test_context_menu_counts_against_the_asker_and_stores_for_the_author(
    service: ReviewService, db: Database
) -> None:
    for message_id in range(5):
        origin = AnswerSource(BOB, GUILD, "context_menu", message_id)
        await service.check(origin, ANSWER, cooldown_user_id=ADA)
    with pytest.raises(BotError, match="Slow down"):
        await service.check(AnswerSource(ADA, GUILD, "check"), ANSWER)
    assert (await service.check(AnswerSource(BOB, GUILD, "check"), ANSWER)).score == 2
    rows = await db.fetchall("SELECT DISTINCT user_id FROM reviews WHERE source = 'context_menu'")
    assert [row["user_id"] for row in rows] == [BOB]


async def test_auto_review_only_when_enabled_and_in_a_prompt_thread(
    service: ReviewService, db: Database, clock: FixedClock
) -> None:
    origin = AnswerSource(ADA, GUILD, "auto", message_id=1234)
    await _daily_thread(db, clock)
    assert await service.auto_review(origin, THREAD, LONG_ANSWER) is None  # off by default
    await GuildRepository(db).set_auto_review(GUILD, True, clock.now())
    assert await service.auto_review(origin, THREAD + 1, LONG_ANSWER) is None  # not daily
    assert await service.auto_review(origin, THREAD, ANSWER) is None  # a one-liner: chat
    assert await service.auto_review(origin, THREAD, LONG_ANSWER, True) is None  # a reply
    review = await service.auto_review(origin, THREAD, LONG_ANSWER)
    assert review is not None and review.score == 2
    row = await db.fetchone("SELECT source, prompt_id, message_id FROM reviews")
    assert row is not None and row["source"] == "auto" and row["message_id"] == 1234
    assert row["prompt_id"] is not None
    assert await service.auto_review(origin, THREAD, LONG_ANSWER) is None  # redelivered: once
    assert await _count(db) == 1


async def test_auto_review_skips_empty_messages_and_cooling_members(
    service: ReviewService, db: Database, clock: FixedClock
) -> None:
    await _daily_thread(db, clock)
    await GuildRepository(db).set_auto_review(GUILD, True, clock.now())
    assert await service.auto_review(AnswerSource(ADA, GUILD, "auto", 1), THREAD, "🔥") is None
    for _ in range(5):
        service.cooldown.hit(ADA)
    assert await service.auto_review(
        AnswerSource(ADA, GUILD, "auto", 2), THREAD, LONG_ANSWER
    ) is None
    assert await _count(db) == 0
