"""Cohort day/week arithmetic, pause/resume arithmetic and the post-graduation plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.content import Roadmap, load_content
from bot.daily.cohort import (
    GRADUATION_DAY,
    cohort_day,
    frozen_day,
    local_date,
    must_prompts,
    paused_days_after_resume,
    plan_for_day,
    week_of,
)
from bot.daily.models import PostKind, Schedule


def schedule(**changes) -> Schedule:
    base = Schedule(1, 10, time(9, 0), "America/New_York", date(2026, 11, 1))
    return Schedule(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})


@pytest.fixture(scope="module")
def roadmap() -> Roadmap:
    return load_content().roadmap


def test_start_date_is_day_one_and_counts_local_calendar_days() -> None:
    s = schedule()
    assert cohort_day(s, date(2026, 11, 1)) == 1
    assert cohort_day(s, date(2026, 11, 8)) == 8
    assert cohort_day(s, date(2026, 10, 31)) == 0


@pytest.mark.parametrize(("day", "week"), [(1, 1), (7, 1), (8, 2), (84, 12), (85, 13)])
def test_week_of_day(day: int, week: int) -> None:
    assert week_of(day) == week


def test_local_date_uses_the_guild_zone_not_utc() -> None:
    instant = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # 22:00 on Nov 1 in New York
    assert local_date(schedule(), instant) == date(2026, 11, 1)
    assert local_date(schedule(timezone="Asia/Kolkata"), instant) == date(2026, 11, 2)


def test_paused_days_are_subtracted() -> None:
    assert cohort_day(schedule(paused_days=3), date(2026, 11, 10)) == 7


def test_pause_freezes_the_day_whatever_the_date() -> None:
    paused = schedule(paused_at_day=5)
    assert cohort_day(paused, date(2026, 11, 20)) == 5
    assert cohort_day(paused, date(2027, 1, 1)) == 5


def test_pause_after_todays_post_freezes_at_tomorrows_day() -> None:
    s = schedule()
    today = date(2026, 11, 10)  # day 10
    assert frozen_day(s, today, today_done=True) == 11
    assert frozen_day(s, today, today_done=False) == 10


def test_resume_continues_where_the_group_left_off() -> None:
    s = schedule()
    paused = schedule(paused_at_day=frozen_day(s, date(2026, 11, 10), today_done=True))
    resume_on = date(2026, 11, 20)
    resumed = schedule(paused_days=paused_days_after_resume(paused, resume_on))
    assert resumed.paused_days == 9  # Nov 11-19 were never given a prompt
    assert cohort_day(resumed, resume_on) == 11
    assert cohort_day(resumed, date(2026, 11, 21)) == 12


def test_pause_and_resume_the_same_day_changes_nothing() -> None:
    s = schedule(paused_days=2)
    today = date(2026, 11, 10)
    paused = schedule(paused_days=2, paused_at_day=frozen_day(s, today, today_done=True))
    assert paused_days_after_resume(paused, today) == 2


def test_resume_before_the_start_keeps_the_start_date() -> None:
    s = schedule(start_date=date(2026, 12, 1))
    paused = schedule(start_date=date(2026, 12, 1),
                      paused_at_day=frozen_day(s, date(2026, 11, 20), today_done=False))
    assert paused.paused_at_day == 1
    days = paused_days_after_resume(paused, date(2026, 11, 25))
    assert days == 0
    assert cohort_day(schedule(start_date=date(2026, 12, 1), paused_days=days),
                      date(2026, 12, 1)) == 1


def test_days_1_to_84_follow_the_roadmap(roadmap: Roadmap) -> None:
    plans = [plan_for_day(roadmap, day) for day in range(1, 85)]
    assert [p.prompt.id for p in plans] == [p.id for p in roadmap.all_prompts()]
    assert plan_for_day(roadmap, 0) is None
    assert plan_for_day(roadmap, 12).thread_name.startswith("Day 12 · ")


def test_day_85_is_the_one_graduation_then_musts_come_back_with_new_angles(
    roadmap: Roadmap,
) -> None:
    graduation = plan_for_day(roadmap, GRADUATION_DAY)
    assert graduation.kind is PostKind.GRADUATION
    assert graduation.thread_name is None
    musts = must_prompts(roadmap)
    first_lap = [plan_for_day(roadmap, GRADUATION_DAY + 1 + i) for i in range(len(musts))]
    second = plan_for_day(roadmap, GRADUATION_DAY + 1 + len(musts))
    assert all(p.kind is PostKind.REVIEW for p in first_lap)
    assert [p.prompt for p in first_lap] == list(musts)
    assert first_lap[0].angle == musts[0].probes[0]
    assert second.prompt == musts[0]
    assert second.angle == musts[0].probes[1]
    assert second.review_round == 2
    assert all(p.tier == "must" for p in musts)


def test_thread_names_fit_discords_100_characters(roadmap: Roadmap) -> None:
    for day in range(1, 200):
        name = plan_for_day(roadmap, day).thread_name
        assert name is None or len(name) <= 100
