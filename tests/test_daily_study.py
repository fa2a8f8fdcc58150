"""/prompt, /roadmap and /guide resolution against a guild's schedule on real SQLite."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.daily.models import Schedule
from bot.daily.study import StudyService
from bot.errors import BotError
from storage.daily import DailyRepository
from storage.db import Database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
async def study(db: Database, content: Content) -> StudyService:
    repo = DailyRepository(db)
    # day 40 (week 6, day 5) for guild 1; guild 2 starts next week; guild 3 graduated
    for guild, start in ((1, date(2026, 10, 15)), (2, date(2026, 11, 30)),
                         (3, date(2026, 6, 1))):
        await repo.save_schedule(Schedule(guild, 10, time(9), "UTC", start), NOW)
    return StudyService(repo, content, FixedClock(NOW))


async def test_default_prompt_is_todays_for_the_guild(study: StudyService,
                                                      content: Content) -> None:
    assert await study.cohort_day(1) == 40
    assert (await study.prompt(1, None, None)) == content.roadmap.prompt(6, 5)
    assert (await study.prompt(1, None, 2)) == content.roadmap.prompt(6, 2)
    assert (await study.prompt(1, 3, None)) == content.roadmap.prompt(3, 1)
    assert (await study.prompt(1, 12, 7)) == content.roadmap.prompt(12, 7)


async def test_without_a_running_schedule_it_is_week_1_day_1(study: StudyService,
                                                             content: Content) -> None:
    for guild in (2, 99, None):
        assert (await study.prompt(guild, None, None)) == content.roadmap.prompt(1, 1)
        assert (await study.prompt(guild, None, 4)) == content.roadmap.prompt(1, 4)


async def test_after_graduation_today_is_the_review_cycles_must_prompt(
    study: StudyService,
) -> None:
    day = await study.cohort_day(3)
    assert day > 85
    assert (await study.prompt(3, None, None)).tier == "must"
    view = await study.roadmap(3)
    assert (view.current_week, view.focus.number, view.day) == (None, 12, day)


async def test_roadmap_marks_the_current_week(study: StudyService) -> None:
    view = await study.roadmap(1)
    assert (view.current_week, view.focus.number, view.day) == (6, 6, 40)
    unscheduled = await study.roadmap(None)
    assert (unscheduled.current_week, unscheduled.focus.number) == (None, 1)


async def test_out_of_range_values_are_explained(study: StudyService) -> None:
    with pytest.raises(BotError, match="week must be between 1 and 12, not 13"):
        await study.prompt(1, 13, 1)


def test_every_guide_topic_is_reachable_by_autocomplete_and_by_name(
    study: StudyService, content: Content
) -> None:
    topics = content.guide_topics()
    kinds = {t.kind for t in topics}
    assert {"pattern", "technology", "concept", "comparison"} <= kinds
    for topic in topics:
        assert topic in study.guide_choices(topic.name)
        assert study.guide_topic(topic.id) == topic
        assert study.guide_topic(topic.name.upper()) == topic
    assert study.guide_choices("shuffle")[0].id == "shuffle_sharding"


def test_an_unknown_guide_topic_offers_the_closest(study: StudyService) -> None:
    with pytest.raises(BotError, match=r"no guide topic `circuit`.*Circuit Breaker"):
        study.guide_topic("circuit")
