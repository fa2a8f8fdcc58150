"""Posting instants in local wall-clock time across DST, in four kinds of zone.

New York and London shift by an hour on different dates, Lord Howe Island by
30 minutes, and Kolkata never shifts. Expected instants are worked out by hand
from the zones' published rules for 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.daily.models import Schedule
from bot.daily.timing import next_post_at, post_instant, today_instant


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def schedule(zone: str, at: time) -> Schedule:
    return Schedule(1, 10, at, zone, date(2026, 1, 1))


@pytest.mark.parametrize(
    ("zone", "on", "at", "expected"),
    [
        # ordinary days either side of the change
        ("America/New_York", date(2026, 3, 7), time(9, 0), utc(2026, 3, 7, 14, 0)),
        ("America/New_York", date(2026, 3, 8), time(9, 0), utc(2026, 3, 8, 13, 0)),
        ("America/New_York", date(2026, 11, 1), time(9, 0), utc(2026, 11, 1, 14, 0)),
        ("Europe/London", date(2026, 3, 29), time(7, 30), utc(2026, 3, 29, 6, 30)),
        ("Europe/London", date(2026, 10, 25), time(7, 30), utc(2026, 10, 25, 7, 30)),
        ("Asia/Kolkata", date(2026, 3, 8), time(9, 0), utc(2026, 3, 8, 3, 30)),
        ("Asia/Kolkata", date(2026, 11, 1), time(9, 0), utc(2026, 11, 1, 3, 30)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(9, 0), utc(2026, 10, 3, 22, 0)),
        ("Australia/Lord_Howe", date(2026, 10, 3), time(9, 0), utc(2026, 10, 2, 22, 30)),
    ],
)
def test_configured_wall_time_on_transition_days(
    zone: str, on: date, at: time, expected: datetime
) -> None:
    assert post_instant(on, at, schedule(zone, at).zone) == expected


@pytest.mark.parametrize(
    ("zone", "on", "at", "expected"),
    [
        # 02:30 does not exist in New York on 8 March: first valid minute is 03:00 EDT
        ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0)),
        # 01:15 does not exist in London on 29 March: 02:00 BST
        ("Europe/London", date(2026, 3, 29), time(1, 15), utc(2026, 3, 29, 1, 0)),
        # Lord Howe jumps 02:00 -> 02:30 on 4 October: 02:10 posts at 02:30 (+11)
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 10), utc(2026, 10, 3, 15, 30)),
    ],
)
def test_a_missing_time_posts_at_the_first_valid_minute_after(
    zone: str, on: date, at: time, expected: datetime
) -> None:
    instant = post_instant(on, at, schedule(zone, at).zone)
    assert instant == expected
    local = instant.astimezone(schedule(zone, at).zone)
    assert local.date() == on


@pytest.mark.parametrize(
    ("zone", "on", "at", "first", "second"),
    [
        # 01:30 happens twice in New York on 1 November (EDT, then EST)
        ("America/New_York", date(2026, 11, 1), time(1, 30),
         utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)),
        ("Europe/London", date(2026, 10, 25), time(1, 30),
         utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)),
        # Lord Howe falls back 02:00 -> 01:30 on 5 April: 01:45 happens twice, 30 min apart
        ("Australia/Lord_Howe", date(2026, 4, 5), time(1, 45),
         utc(2026, 4, 4, 14, 45), utc(2026, 4, 4, 15, 15)),
    ],
)
def test_a_repeated_time_posts_once_at_its_first_occurrence(
    zone: str, on: date, at: time, first: datetime, second: datetime
) -> None:
    s = schedule(zone, at)
    assert post_instant(on, at, s.zone) == first
    # At the first occurrence the next post is tomorrow, not the repeat 30-60 minutes later.
    following = next_post_at(s, first)
    assert following > second
    assert following.astimezone(s.zone).date() == on + timedelta(days=1)
    assert next_post_at(s, second) == following


@pytest.mark.parametrize(
    ("zone", "at", "shifted"),
    [
        ("America/New_York", time(2, 30), {date(2026, 3, 8): time(3, 0)}),
        ("America/New_York", time(1, 30), {}),
        ("Europe/London", time(1, 30), {date(2026, 3, 29): time(2, 0)}),
        ("Australia/Lord_Howe", time(2, 15), {date(2026, 10, 4): time(2, 30)}),
        ("Australia/Lord_Howe", time(1, 45), {}),
        ("Asia/Kolkata", time(0, 0), {}),
    ],
)
def test_a_whole_year_of_runs_posts_once_per_local_day(
    zone: str, at: time, shifted: dict[date, time]
) -> None:
    """Chaining next_post_at as the re-armed job does: one post per local date, at the set time."""
    s = schedule(zone, at)
    instant = utc(2026, 1, 1, 0, 0)
    posts: dict[date, time] = {}
    for _ in range(365):
        instant = next_post_at(s, instant)
        local = instant.astimezone(s.zone)
        assert local.date() not in posts
        posts[local.date()] = local.time()
    first = min(posts)
    assert sorted(posts) == [first + timedelta(days=i) for i in range(365)]
    assert {d: t for d, t in posts.items() if t != at} == shifted


def test_next_post_is_today_before_the_time_and_tomorrow_after_it() -> None:
    s = schedule("Europe/London", time(18, 0))
    assert next_post_at(s, utc(2026, 6, 1, 16, 59)) == utc(2026, 6, 1, 17, 0)
    assert next_post_at(s, utc(2026, 6, 1, 17, 0)) == utc(2026, 6, 2, 17, 0)
    assert today_instant(s, utc(2026, 6, 1, 20, 0)) == utc(2026, 6, 1, 17, 0)


def test_upcoming_post_skips_a_day_already_posted_early():
    from datetime import UTC, date, datetime, time

    from bot.daily.models import PostKind, PostRecord, Schedule
    from bot.daily.timing import upcoming_post

    schedule = Schedule(1, 2, time(7, 30), "Europe/London", date(2026, 11, 1))
    now = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)  # 01:00 London, before 07:30
    assert upcoming_post(schedule, None, now) == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    posted = PostRecord(9, 1, 1, 24, date(2026, 11, 24), PostKind.PROMPT, 2, now, completed_at=now)
    assert upcoming_post(schedule, posted, now) == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    half_done = PostRecord(9, 1, 1, 24, date(2026, 11, 24), PostKind.PROMPT, 2, now)
    assert upcoming_post(schedule, half_done, now) == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
