"""Round timers as APScheduler date jobs, one per round.

Each round has at most one pending job, ``mock:<session_id>:tick``, armed for
the next instant that matters (a probe, a warning, a deadline, going idle).
The job only calls ``MockService.tick(session_id)``, which recomputes
everything from the database, so a job firing late, twice, or after a restart
does no harm: that is why no job store is needed and the grace time is
unlimited.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger

log = logging.getLogger(__name__)

JOB_PREFIX = "mock:"
MAX_OVERLAPPING_TICKS = 100


def job_id(session_id: int) -> str:
    return f"{JOB_PREFIX}{session_id}:tick"


class SchedulerTimers:
    """``Timers`` for ``MockService`` on the bot's shared scheduler."""

    def __init__(
        self, scheduler: BaseScheduler, callback: Callable[[int], Awaitable[None]]
    ) -> None:
        self._scheduler = scheduler
        self._callback = callback

    def arm(self, session_id: int, at: datetime) -> None:
        self._scheduler.add_job(
            self._callback,
            trigger=DateTrigger(run_date=at),
            args=[session_id],
            id=job_id(session_id),
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=None,
            # A tick re-arms this same job while it is still running; with APScheduler's
            # default of one instance the new run would be *skipped* under load and the
            # round would stall. Ticks are idempotent and serialised per round, so
            # overlapping instances are safe.
            max_instances=MAX_OVERLAPPING_TICKS,
        )

    def cancel(self, session_id: int) -> None:
        # Already fired or never armed: nothing to cancel.
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(job_id(session_id))

    def cancel_all(self) -> int:
        """Remove every round's job (on cog unload); returns how many were pending."""
        jobs = [job for job in self._scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)]
        for job in jobs:
            job.remove()
        log.info("cancelled %d mock timers", len(jobs))
        return len(jobs)
