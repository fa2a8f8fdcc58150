"""Mock timers: 200 concurrent rounds, how late each phase ends after its deadline (p99 ≤ 1 s).

The mock service runs as the bot runs it: a real SQLite database, the real
``SchedulerTimers`` on an ``AsyncIOScheduler`` and the wall clock. Session
minutes are shortened to one second (0.05 s with ``--quick``) so a round of five
5-minute phases takes 25 s. All rounds start together, so at every deadline 200
phase ends fall due at once (the worst case), while the probes and warnings in
between stay seconds apart as they would in a real round, not piled onto the
deadlines by a harder squeeze.
The announcer records when the service hands over each phase-end message: the
next phase's start, or the scorecard after the last phase. That instant minus
the phase's deadline is the lateness; Discord's HTTP is left out on purpose,
since posting under the global rate limit is what the fan-out figure measures.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from benchmarks.model import Check, Measurement, NotMeasuredError, RunConfig, Target
from benchmarks.seed import MOCK_MINUTES_EACH, Placement, migrated, mock_service, start_rounds
from benchmarks.stats import median, percentile, repeat
from bot.clock import SystemClock

if TYPE_CHECKING:
    from bot.mock.model import MockSession
    from bot.mock.posts import Post
    from bot.outbox.model import Envelope

TARGET_SECONDS = 1.0


@dataclass
class PhaseEndRecorder:
    """The ``Announcer``: lateness of every phase end, in seconds, per session."""

    clock: SystemClock
    expected_sessions: int
    late: list[float] = field(default_factory=list)
    scorecards: int = 0
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    async def prepare(self, session: MockSession, post: Post, key: str) -> Envelope | None:
        """Times each post as the service hands it over; nothing is queued for Discord."""
        deadline = phase_end_deadline(session, post)
        if deadline is not None:
            self.late.append((self.clock.now() - deadline).total_seconds())
        if post.kind == "scorecard":
            self.scorecards += 1
            if self.scorecards >= self.expected_sessions:
                self.finished.set()
        return None

    def closing(self, session: MockSession, key: str) -> Envelope | None:
        return None

    def kick(self) -> None:
        return None


def phase_end_deadline(session: MockSession, post: Post) -> datetime | None:
    """The deadline a post marks the end of: the previous phase's, or the last one's."""
    phases = session.state.phases
    if post.kind == "phase":
        number = int(post.variables.get("number", 1))  # type: ignore[call-overload]
        return phases[number - 1].started_at if number >= 2 else None
    if post.kind == "scorecard":
        return phases[-1].deadline
    return None


async def one_run(config: RunConfig, sessions: int,
                  minute_seconds: float) -> tuple[list[float], int]:
    """Start ``sessions`` rounds together; the lateness of every phase end, and how many never came."""
    try:
        from bot.mock.timers import SchedulerTimers
        from bot.scheduling import Scheduling
    except ImportError as error:
        raise NotMeasuredError(f"bot.mock.timers is not importable ({error})") from None
    clock = SystemClock()
    recorder = PhaseEndRecorder(clock, sessions)
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    try:
        async with migrated(config.fresh_path("timers")) as db:
            async def tick(session_id: int) -> None:
                # A coroutine function, so APScheduler awaits it on the loop (a lambda
                # returning a coroutine would be sent to a thread and never awaited).
                await service.tick(session_id)

            timers = SchedulerTimers(Scheduling(scheduler), tick)
            service = mock_service(db, clock, minute_seconds, announcer=recorder, timers=timers)
            places = [Placement(1 + n // 10, 1_000 + n) for n in range(sessions)]
            await start_rounds(service, places)
            phases = len(service.content.rubric.phases)
            round_seconds = phases * MOCK_MINUTES_EACH * minute_seconds
            async with asyncio.timeout(round_seconds * 3 + 30):
                await recorder.finished.wait()
    finally:
        scheduler.shutdown(wait=False)
    return recorder.late, sessions * phases - len(recorder.late)


async def measure(config: RunConfig) -> Measurement:
    sessions, minute_seconds = config.size(200, 20), 0.05 if config.quick else 1.0
    details: list[dict[str, float]] = []

    async def run() -> float:
        late, missing = await one_run(config, sessions, minute_seconds)
        details.append({"p50": percentile(late, 50), "p99": percentile(late, 99), "max": max(late),
                        "phase_ends": len(late), "missing": missing})
        return percentile(late, 99)

    # No warm-up round: each repetition is a fresh database and scheduler anyway.
    samples = await repeat(run, warmups=0, repetitions=config.repetitions)
    value = median(samples)
    return Measurement(
        value=value, unit="s p99 late", samples=tuple(samples),
        checks=(Check("p99 after deadline", value, Target("<=", TARGET_SECONDS, " s")),
                Check("phase ends never announced", max(d["missing"] for d in details[-len(samples):]),
                      Target("==", 0))),
        details={"sessions": sessions, "minute_seconds": minute_seconds, "runs": details},
    )
