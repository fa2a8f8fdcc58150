"""APScheduler wiring: one date job per guild, armed for its next post and re-armed after.

Why date jobs and not CronTrigger: see ``bot.daily.timing``; in short, the next
instant is computed by our own DST rules (a missing time posts at the first valid
minute after, a repeated one posts once) instead of cron's field matching.
The database is the only source of truth: jobs are in memory, rebuilt from the
schedules at startup and re-armed on every change.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler

from bot.clock import Clock
from bot.daily.models import Schedule
from bot.daily.service import DailyService
from bot.daily.timing import next_post_at

log = logging.getLogger(__name__)

# A fire that comes late still does the right thing (run_guild re-checks "same local
# day, not yet posted"), while a date job dropped as misfired would silently end the
# guild's schedule. So the grace covers a whole day.
MISFIRE_GRACE_SECONDS = 23 * 3600


def job_id(guild_id: int) -> str:
    return f"daily:{guild_id}"


class DailyJobs:
    """Keeps exactly one pending job per active schedule."""

    def __init__(
        self,
        scheduler: BaseScheduler,
        service: DailyService,
        clock: Clock,
        observe: Callable[[str], None] | None = None,
    ) -> None:
        """``observe`` hears "ok" or "error" after each run (the cog counts them in metrics)."""
        self._scheduler = scheduler
        self._service = service
        self._clock = clock
        self._observe = observe or (lambda outcome: None)

    async def rebuild(self) -> int:
        """Arm every active schedule and drop jobs of removed ones; returns jobs armed."""
        schedules = await self._service.schedules()
        wanted = {job_id(s.guild_id) for s in schedules if not s.stopped}
        for job in self._scheduler.get_jobs():
            if job.id.startswith("daily:") and job.id not in wanted:
                job.remove()
        for schedule in schedules:
            self.arm(schedule)
        return len(wanted)

    def arm(self, schedule: Schedule, after: datetime | None = None) -> datetime | None:
        """Schedule the next post after ``after`` (default now); a stopped schedule is disarmed."""
        if schedule.stopped:
            self.disarm(schedule.guild_id)
            return None
        run_at = next_post_at(schedule, after or self._clock.now())
        self._scheduler.add_job(
            self.fire,
            "date",
            run_date=run_at,
            args=[schedule.guild_id, run_at],
            id=job_id(schedule.guild_id),
            name=f"daily post for guild {schedule.guild_id}",
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
        )
        return run_at

    def disarm(self, guild_id: int) -> None:
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(job_id(guild_id))

    def disarm_all(self) -> None:
        for job in self._scheduler.get_jobs():
            if job.id.startswith("daily:"):
                job.remove()

    def next_run(self, guild_id: int) -> datetime | None:
        job = self._scheduler.get_job(job_id(guild_id))
        return job.next_run_time if job else None

    async def fire(self, guild_id: int, armed_for: datetime) -> None:
        """The job: post if due, then re-arm from the fresh schedule, whatever happened.

        Re-arming strictly after ``armed_for`` means a fire that arrives a moment
        early (clock skew) cannot re-arm for the same instant and spin.
        """
        try:
            await self._service.run_guild(guild_id)
            self._observe("ok")
        except Exception:
            self._observe("error")
            log.exception("daily job for guild %s failed", guild_id)
        finally:
            schedule = await self._service.schedule(guild_id)
            if schedule is not None:
                self.arm(schedule, after=max(self._clock.now(), armed_for))
