"""APScheduler wiring: one date job per guild, armed for its next post and re-armed after.

Why date jobs and not CronTrigger: see ``bot.daily.timing``; in short, the next
instant is computed by our own DST rules (a missing time posts at the first valid
minute after, a repeated one posts once) instead of cron's field matching.
The database is the only source of truth: jobs are in memory, rebuilt from the
schedules at startup and re-armed on every change.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import DBAPIError

from bot.clock import Clock
from bot.daily.delivery import Outcome
from bot.daily.models import Schedule
from bot.daily.service import DailyService
from bot.daily.timing import next_post_at
from bot.outbox.model import Backoff
from bot.scheduling import OneShot, Scheduling
from storage.retry import storage_problem

log = logging.getLogger(__name__)

# A fire that comes late still does the right thing (run_guild re-checks "same local
# day, not yet posted"), while a date job dropped as misfired would silently end the
# guild's schedule. So the grace covers a whole day.
MISFIRE_GRACE_SECONDS = 23 * 3600
# A post that could not be made is retried the same day: 30 s, 1 min, 2 min, … every 15 min.
RETRY_BACKOFF = Backoff(base_seconds=30.0, cap_seconds=900.0, give_up=timedelta(days=1))


@dataclass(frozen=True)
class Problem:
    """Why a due post is waiting, since when, and when the job tries again."""

    reason: str
    since: datetime
    retry_at: datetime
    failures: int


JOB_PREFIX = "daily:"


def job_id(guild_id: int) -> str:
    return f"{JOB_PREFIX}{guild_id}"


class DailyJobs:
    """Keeps exactly one pending job per active schedule."""

    def __init__(
        self,
        scheduling: Scheduling,
        service: DailyService,
        clock: Clock,
        observe: Callable[[str], None] | None = None,
    ) -> None:
        """``observe`` hears "ok" or "error" after each run (the cog counts them in metrics)."""
        self._scheduling = scheduling
        self._service = service
        self._clock = clock
        self._observe = observe or (lambda outcome: None)
        self._problems: dict[int, Problem] = {}

    async def catch_up(self) -> int:
        """Fire, now, every active schedule of this process's servers; returns how many.

        Through the job itself, so a catch-up that fails (storage full, Discord down)
        is retried today like a scheduled post instead of waiting for tomorrow. The
        job posts only what is still due today, so firing an up-to-date schedule is
        harmless.
        """
        now = self._clock.now()
        owns = self._scheduling.ownership.owns
        schedules = [s for s in await self._service.schedules()
                     if not s.stopped and owns(s.guild_id)]
        await asyncio.gather(*(self.fire(s.guild_id, now) for s in schedules))
        return len(schedules)

    async def rebuild(self) -> int:
        """Arm every active schedule and drop jobs of removed ones; returns jobs armed."""
        now = self._clock.now()
        wanted = {}
        for schedule in await self._service.schedules():
            if not schedule.stopped:
                run_at = next_post_at(schedule, now)
                wanted[job_id(schedule.guild_id)] = OneShot(run_at, self.fire, (schedule.guild_id, run_at),
                                                          guild_id=schedule.guild_id)
        return self._scheduling.rebuild(JOB_PREFIX, wanted, misfire_grace=MISFIRE_GRACE_SECONDS)

    def arm(self, schedule: Schedule, after: datetime | None = None) -> datetime | None:
        """Schedule the next post after ``after`` (default now); a stopped schedule is disarmed."""
        if schedule.stopped:
            self.disarm(schedule.guild_id)
            return None
        run_at = next_post_at(schedule, after or self._clock.now())
        self._scheduling.once(job_id(schedule.guild_id), run_at, self.fire, schedule.guild_id, run_at,
                              misfire_grace=MISFIRE_GRACE_SECONDS)
        return run_at

    def disarm(self, guild_id: int) -> None:
        self._scheduling.cancel(job_id(guild_id))

    def disarm_all(self) -> None:
        self._scheduling.cancel_all(JOB_PREFIX)

    def next_run(self, guild_id: int) -> datetime | None:
        return self._scheduling.next_run(job_id(guild_id))

    def problem(self, guild_id: int) -> Problem | None:
        """Why today's post is still waiting, while the job retries it (for ``/daily status``)."""
        return self._problems.get(guild_id)

    async def fire(self, guild_id: int, armed_for: datetime) -> None:
        """The job: post if due, then re-arm, whatever happened.

        A post that could not be made (the database can't be written, Discord kept
        failing) is retried with backoff the same day instead of waiting for
        tomorrow, and ``problem`` says why meanwhile. Re-arming strictly after
        ``armed_for`` means a fire that arrives a moment early (clock skew) cannot
        re-arm for the same instant and spin.
        """
        failure: str | None = None
        try:
            result = await self._service.run_guild(guild_id)
            if result is not None and result.outcome is Outcome.FAILED:
                failure = result.record.last_error or "the post did not go out"
            self._observe("ok" if failure is None else "error")
        except Exception as error:
            self._observe("error")
            log.exception("daily job for guild %s failed", guild_id)
            failure = describe_failure(error)
        try:
            schedule = await self._service.schedule(guild_id)
        except Exception:
            log.exception("daily job for guild %s: cannot read its schedule", guild_id)
            schedule, failure = None, failure or "the database can't be read"
            self._retry(guild_id, armed_for, failure)
            return
        if schedule is None:
            self._problems.pop(guild_id, None)
        elif failure is not None and schedule.attention is None and not schedule.stopped:
            self._retry(guild_id, armed_for, failure)
        else:
            self._problems.pop(guild_id, None)
            self.arm(schedule, after=max(self._clock.now(), armed_for))

    def _retry(self, guild_id: int, armed_for: datetime, failure: str) -> None:
        """Try today's post again soon; a retry that finds the day over just re-arms."""
        now = self._clock.now()
        earlier = self._problems.get(guild_id)
        failures = earlier.failures + 1 if earlier else 1
        retry_at = now + RETRY_BACKOFF.delay(failures)
        self._problems[guild_id] = Problem(failure, earlier.since if earlier else now,
                                           retry_at, failures)
        log.warning("daily post for guild %s not made (%s); retrying at %s",
                    guild_id, failure, retry_at.isoformat())
        self._scheduling.once(job_id(guild_id), retry_at, self.fire, guild_id, armed_for,
                              misfire_grace=MISFIRE_GRACE_SECONDS)


def describe_failure(error: BaseException) -> str:
    """What an organiser reads in ``/daily status`` while the post waits.

    The storage failure is classified in one place, for both engines
    (``storage_problem`` reads through the error's causes: SQLite rolls a
    transaction back itself on a full disk, so what surfaces can be the failed
    ROLLBACK).
    """
    problem = storage_problem(error)
    if problem in STORAGE_FAILURES:
        return STORAGE_FAILURES[problem]
    if isinstance(error, OSError | sqlite3.Error | DBAPIError):
        return f"the database can't be written ({type(error).__name__})"
    return f"an unexpected error ({type(error).__name__})"


STORAGE_FAILURES = {
    "full": "the bot's storage is full, so the post can't be recorded",
    "readonly": "the database can't be written (read-only)",
    "locked": "the database is busy",
    "unreachable": "the database server can't be reached",
}
