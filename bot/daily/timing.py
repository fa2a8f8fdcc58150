"""When, in UTC, a guild's local posting time falls, DST transitions included.

Why not APScheduler's CronTrigger: it evaluates wall-clock fields, and a wall time
that does not exist on a spring-forward day or exists twice on a fall-back day
is exactly where cron semantics are vague (skipped, shifted by the gap, or fired
twice depending on version and zone). The daily job is therefore a date job per
guild armed for the instant computed here and re-armed after each run; the
rules are ours and tested: a missing time posts at the first valid minute after
it, a repeated time posts once, at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.daily.cohort import local_date
from bot.daily.models import PostRecord, Schedule

_MAX_GAP_MINUTES = 24 * 60


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """A wall time exists when converting to UTC and back returns it unchanged."""
    round_trip = wall.astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == wall.replace(tzinfo=None)


def post_instant(on: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall time ``at`` on local date ``on``.

    ``fold=0`` picks the first of two occurrences; a time inside a gap moves
    forward minute by minute to the first that exists (the end of the gap,
    whatever its size: 60 minutes in New York, 30 on Lord Howe Island).
    """
    wall = datetime.combine(on, at.replace(second=0, microsecond=0, tzinfo=zone, fold=0))
    for _ in range(_MAX_GAP_MINUTES):
        if _exists(wall, zone):
            return wall.astimezone(UTC)
        wall = (wall.replace(tzinfo=None) + timedelta(minutes=1)).replace(tzinfo=zone)
    raise ValueError(f"no valid wall time after {at} on {on} in {zone.key}")


def today_instant(schedule: Schedule, now: datetime) -> datetime:
    """This local day's posting instant (possibly already past)."""
    return post_instant(local_date(schedule, now), schedule.post_time, schedule.zone)


def next_post_at(schedule: Schedule, after: datetime) -> datetime:
    """The first posting instant strictly after ``after``."""
    today = local_date(schedule, after)
    for offset in range(3):
        candidate = post_instant(today + timedelta(days=offset), schedule.post_time, schedule.zone)
        if candidate > after:
            return candidate
    raise AssertionError("a daily time always recurs within two days")


def upcoming_post(schedule: Schedule, last_post: PostRecord | None, now: datetime) -> datetime | None:
    """When the next prompt will really go out: None while stopped, tomorrow once today's is done.

    ``/daily now`` can post the day's prompt before its scheduled time; the job at
    that time then has nothing to do, so telling members "today 07:30" would be wrong.
    """
    if schedule.stopped:
        return None
    today = local_date(schedule, now)
    if last_post is not None and last_post.local_date == today and last_post.completed:
        return next_post_at(schedule, max(now, today_instant(schedule, now)))
    return next_post_at(schedule, now)
