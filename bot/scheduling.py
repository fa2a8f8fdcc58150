"""The one adapter over the bot's APScheduler: every timed job of every feature goes through here.

APScheduler 3.x keeps jobs in memory only, which is what we want: the database
is the truth for time, and each feature rebuilds its jobs from its rows at
start-up (``rebuild``). So every job has a stable id (``<feature>:<key>``), is
replaced rather than duplicated when armed again, coalesces missed runs into
one, and states how late it may still run (``misfire_grace``: ``None`` means
"however late", for jobs that recompute what is due from the database).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.sharding import Ownership
from bot.tasks import BackgroundTasks

log = logging.getLogger(__name__)

JobFunction = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class OneShot:
    """A job that runs once at ``when``: what ``rebuild`` arms for one database row."""

    when: datetime
    func: JobFunction
    args: tuple[Any, ...] = ()
    guild_id: int | None = None  # None: process-wide work, armed by every process


class Scheduling:
    """Stable ids, replace-on-arm, coalescing and an explicit misfire grace, for every feature.

    With several shard processes, ``ownership`` keeps each process to its own
    servers: ``rebuild`` (the start-up path, which reads every server's rows)
    arms only the jobs of servers this process owns, so two processes never both
    post, and a server's work runs where its interactions are answered.

    With ``tasks``, a running job's work is one of the bot's in-flight tasks: shutting
    the scheduler down cancels the jobs it is running (APScheduler's asyncio executor
    cannot wait for them), which cut a booking's check-in off mid-commit; the work
    instead finishes within ``BackgroundTasks.close``'s grace, like any in-flight work.
    """

    def __init__(self, scheduler: BaseScheduler, ownership: Ownership | None = None,
                 tasks: BackgroundTasks | None = None) -> None:
        self._scheduler = scheduler
        self.ownership = ownership or Ownership()
        self._tasks = tasks
        self.skipped_unowned = 0  # jobs ``rebuild`` left to other processes, for metrics and logs

    def _held(self, job_id: str, func: JobFunction) -> JobFunction:
        """``func`` with its work held in ``tasks`` (unchanged without them). The job
        awaits the work and fails with it, so the scheduler still sees every outcome."""
        tasks = self._tasks
        if tasks is None:
            return func

        async def work(*args: Any) -> None:
            await func(*args)

        async def job(*args: Any) -> None:
            held = tasks.spawn(work(*args), name=f"job {job_id}", awaited=True)
            try:
                await asyncio.shield(held)
            except asyncio.CancelledError:
                tasks.abandoned(held)  # the scheduler shut down: a failure now is logged there
                raise

        return job

    def once(self, job_id: str, when: datetime, func: JobFunction, *args: Any,
             misfire_grace: float | None, overlapping: int = 1) -> None:
        """Run ``func(*args)`` at ``when``, replacing any job with this id.

        ``overlapping`` > 1 lets a job re-arm itself while still running: with
        APScheduler's default of one instance, the new run would be skipped under
        load. Only idempotent jobs may overlap.
        """
        self._scheduler.add_job(
            self._held(job_id, func), trigger=DateTrigger(run_date=when), args=list(args),
            id=job_id, name=job_id,
            replace_existing=True, coalesce=True, misfire_grace_time=misfire_grace,
            max_instances=overlapping,
        )

    def every(self, job_id: str, seconds: float, func: JobFunction, *args: Any,
              misfire_grace: float | None) -> None:
        """Run ``func(*args)`` every ``seconds``, one run at a time, replacing any job with this id."""
        self._scheduler.add_job(
            self._held(job_id, func), trigger=IntervalTrigger(seconds=seconds), args=list(args),
            id=job_id, name=job_id,
            replace_existing=True, coalesce=True, misfire_grace_time=misfire_grace, max_instances=1,
        )

    def cancel(self, job_id: str) -> bool:
        """Remove the job; False when it had already run or was never armed."""
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(job_id)
            return True
        return False

    def cancel_all(self, prefix: str) -> int:
        """Remove every job whose id starts with ``prefix`` (a feature unloading); returns how many."""
        ids = self.job_ids(prefix)
        for job_id in ids:
            self.cancel(job_id)
        return len(ids)

    def next_run(self, job_id: str) -> datetime | None:
        job = self._scheduler.get_job(job_id)
        return job.next_run_time if job else None

    def job_ids(self, prefix: str) -> set[str]:
        return {job.id for job in self._scheduler.get_jobs() if job.id.startswith(prefix)}

    def rebuild(self, prefix: str, wanted: Mapping[str, OneShot], *,
                misfire_grace: float | None, overlapping: int = 1) -> int:
        """Make the jobs under ``prefix`` exactly ``wanted`` (built from the database), keeping
        only servers this process owns; returns how many were armed."""
        owned = {job_id: shot for job_id, shot in wanted.items()
                 if shot.guild_id is None or self.ownership.owns(shot.guild_id)}
        skipped = len(wanted) - len(owned)
        self.skipped_unowned += skipped
        self._drop(self.job_ids(prefix) - set(owned))
        for job_id, shot in owned.items():
            self.once(job_id, shot.when, shot.func, *shot.args, misfire_grace=misfire_grace,
                      overlapping=overlapping)
        if skipped:
            log.info("armed %d %s jobs; %d belong to other shard processes (%s)",
                     len(owned), prefix.rstrip(":"), skipped, self.ownership.label())
        else:
            log.info("armed %d %s jobs", len(owned), prefix.rstrip(":"))
        return len(owned)

    def _drop(self, ids: Iterable[str]) -> None:
        for job_id in ids:
            self.cancel(job_id)
