"""Round timers: one job per round on the bot's one scheduling adapter.

Each round has at most one pending job, ``mock:<session_id>:tick``, armed for
the next instant that matters (a probe, a warning, a deadline, going idle).
The job only calls ``MockService.tick(session_id)``, which recomputes
everything from the database, so a job firing late, twice, or after a restart
does no harm: that is why no job store is needed and the grace time is
unlimited.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.scheduling import Scheduling

log = logging.getLogger(__name__)

JOB_PREFIX = "mock:"
# A tick re-arms its own job while still running; ticks are idempotent and
# serialised per round, so overlapping runs are safe (see Scheduling.once).
MAX_OVERLAPPING_TICKS = 100


def job_id(session_id: int) -> str:
    return f"{JOB_PREFIX}{session_id}:tick"


class SchedulerTimers:
    """``Timers`` for ``MockService`` on the bot's shared scheduler."""

    def __init__(self, scheduling: Scheduling, callback: Callable[[int], Awaitable[None]]) -> None:
        self._scheduling = scheduling
        self._callback = callback

    def arm(self, session_id: int, at: datetime) -> None:
        self._scheduling.once(job_id(session_id), at, self._callback, session_id,
                              misfire_grace=None, overlapping=MAX_OVERLAPPING_TICKS)

    def cancel(self, session_id: int) -> None:
        self._scheduling.cancel(job_id(session_id))

    def cancel_all(self) -> int:
        """Remove every round's job (on cog unload); returns how many were pending."""
        cancelled = self._scheduling.cancel_all(JOB_PREFIX)
        log.info("cancelled %d mock timers", cancelled)
        return cancelled
