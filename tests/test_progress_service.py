"""ProgressService over a real database, the shipped content and a FixedClock."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FixedClock
from bot.progress.drills import DrillReason
from bot.progress.service import Period, ProgressService
from bot.progress.streaks import Streaks
from storage.db import Database
from storage.progress import ProgressRepository
from tests.test_progress_support import (
    GUILD,
    NOW,
    TODAY,
    add_mock,
    add_review,
    content,
    daily_posts,
    days_before,
    items,
    progress_service,
    thread_id,
)

MEMBER, OTHER, THIRD = 11, 12, 13
# A substantive answer (bot.answers.is_substantive): 40+ words, not a question.
REAL_ANSWER = " ".join(["We shard carts by customer id and size each shard for peak load."] * 4)


@pytest.fixture
def service(db: Database) -> ProgressService:
    return progress_service(db, FixedClock(NOW))


async def answer_on(service: ProgressService, user_id: int, *offsets: int) -> None:
    """Answer in each day's thread at 20:00 local (04:00 UTC the next day)."""
    for day in days_before(TODAY, *offsets):
        sent = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=28)
        assert await service.record_answer(thread_id(day), user_id, 1, sent, REAL_ANSWER)


async def test_answers_count_on_the_guilds_local_day(db: Database, service: ProgressService) -> None:
    await daily_posts(db, [TODAY])
    late_evening_local = datetime(2026, 11, 24, 7, 59, tzinfo=UTC)  # 23:59 in Los Angeles
    assert await service.record_answer(thread_id(TODAY), MEMBER, 1, late_evening_local)
    assert not await service.record_answer(thread_id(TODAY), MEMBER, 2, late_evening_local)
    assert not await service.record_answer(999, MEMBER, 3, late_evening_local)  # not daily
    assert await ProgressRepository(db).answer_dates(GUILD, MEMBER) == [TODAY]


async def test_days_without_a_post_do_not_break_a_streak(
    db: Database, service: ProgressService
) -> None:
    # Posts every day but 2 and 3 days ago (paused); the member answered all posted days
    # except 6 days ago.
    await daily_posts(db, days_before(TODAY, 0, 1, 4, 5, 6, 7))
    await answer_on(service, MEMBER, 0, 1, 4, 5, 7)
    progress = await service.member_progress(GUILD, MEMBER)
    assert progress.days_answered == 5
    assert progress.streaks == Streaks(current=4, longest=4)


async def test_progress_reports_hit_rates_weakest_item_with_tip_and_mock_roles(
    db: Database, service: ProgressService
) -> None:
    await daily_posts(db, [TODAY])
    reviewed = NOW - timedelta(days=2)
    for met in (items("customer_first", "numbers_always"), items("customer_first", "team_ownership"),
                items("customer_first", "numbers_always", "failure_planning", "operations_ready")):
        await add_review(db, MEMBER, reviewed, met)
    await add_mock(db, OTHER, {MEMBER: "candidate", OTHER: "interviewer"}, NOW)
    await add_mock(db, MEMBER, {MEMBER: "observer"}, NOW)
    await add_mock(db, MEMBER, {MEMBER: "candidate"}, None)  # never started: not counted
    progress = await service.member_progress(GUILD, MEMBER)
    rates = {t.item: t.hit_rate for t in progress.tallies}
    assert progress.reviews == 3
    assert rates["customer_first"] == 1.0 and rates["failure_planning"] == pytest.approx(1 / 3)
    assert progress.weakest is not None and progress.weakest.item == "failure_planning"
    assert progress.weakest_tip == content().rubric.item("failure_planning").tip
    assert progress.mock_roles == {"candidate": 1, "observer": 1}
    assert progress.activity[TODAY - timedelta(days=2)] == 3  # 18:30 local, two days back


async def test_chart_is_drawn_from_the_report(db: Database, service: ProgressService) -> None:
    await add_review(db, MEMBER, NOW, items("customer_first"))
    png = service.chart(await service.member_progress(GUILD, MEMBER))
    assert png.startswith(b"\x89PNG")


async def test_leaderboard_applies_the_points_rules_and_the_week_window(
    db: Database, service: ProgressService
) -> None:
    await daily_posts(db, days_before(TODAY, 0, 1, 10))
    await answer_on(service, MEMBER, 0, 1)  # 2 answers: 20
    await answer_on(service, OTHER, 10)  # 10 days ago: all time only
    await add_review(db, OTHER, NOW, items("customer_first", "numbers_always"))  # 2 + 2
    await add_review(db, THIRD, NOW - timedelta(days=30), items())  # old: all time only
    await add_mock(db, OTHER, {OTHER: "candidate"}, NOW)  # 15
    week = await service.leaderboard(GUILD, THIRD, Period.WEEK)
    assert [(s.user_id, s.points) for s in week.top] == [(MEMBER, 20), (OTHER, 19)]
    assert week.invoker is None
    everything = await service.leaderboard(GUILD, THIRD, Period.ALL)
    expected = [(OTHER, 29), (MEMBER, 20), (THIRD, 2)]
    assert [(s.user_id, s.points) for s in everything.top] == expected
    assert everything.invoker is not None and everything.invoker.rank == 3


async def test_drill_targets_the_weakest_item_and_skips_recent_prompts(
    db: Database, service: ProgressService
) -> None:
    roadmap = content().roadmap
    stressing = [p for p in roadmap.all_prompts() if "team_ownership" in p.stresses]
    await daily_posts(db, [TODAY])  # the cohort is on day 8: weeks 1 and 2 reached
    await add_review(db, MEMBER, NOW - timedelta(hours=2),
                     items("customer_first", "numbers_always", "failure_planning",
                           "operations_ready"), prompt_id=stressing[0].id)
    first = await service.drill(GUILD, MEMBER)
    assert first.choice.target.item == "team_ownership"
    # Missed two hours ago: graded Again, due tomorrow, so not overdue yet: the weakest.
    assert first.choice.target.reason is DrillReason.WEAKEST
    assert first.choice.prompt.week <= 2
    assert "team_ownership" in first.choice.prompt.stresses
    assert first.choice.prompt.id != stressing[0].id
    assert first.tip == content().rubric.item("team_ownership").tip
