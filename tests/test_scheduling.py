"""The one scheduling adapter on a real AsyncIOScheduler: stable ids, replace, rebuild, cancel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.scheduling import OneShot, Scheduling
from bot.sharding import Ownership
from bot.tasks import BackgroundTasks


@pytest.fixture
async def scheduling() -> AsyncIterator[Scheduling]:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    yield Scheduling(scheduler)
    scheduler.shutdown(wait=False)


def later(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


async def nothing(*_: object) -> None:
    """A job body that is never reached: these jobs are armed hours ahead."""


async def test_arming_an_id_again_replaces_its_job(scheduling: Scheduling) -> None:
    scheduling.once("daily:1", later(1), nothing, 1, misfire_grace=60)
    scheduling.once("daily:1", later(2), nothing, 1, misfire_grace=60)
    assert scheduling.job_ids("daily:") == {"daily:1"}
    next_run = scheduling.next_run("daily:1")
    assert next_run is not None and next_run > later(1.9)


async def test_a_job_runs_with_its_arguments(scheduling: Scheduling) -> None:
    ran: asyncio.Queue[int] = asyncio.Queue()

    async def job(value: int) -> None:
        await ran.put(value)

    scheduling.once("mock:7:tick", datetime.now(UTC), job, 7, misfire_grace=None)
    async with asyncio.timeout(5):
        assert await ran.get() == 7
    assert scheduling.next_run("mock:7:tick") is None


async def test_rebuild_arms_what_the_database_wants_and_drops_the_rest(scheduling: Scheduling) -> None:
    scheduling.once("daily:1", later(1), nothing, misfire_grace=60)
    scheduling.once("daily:2", later(1), nothing, misfire_grace=60)
    scheduling.once("mock:1:tick", later(1), nothing, misfire_grace=None)
    armed = scheduling.rebuild("daily:", {"daily:2": OneShot(later(3), nothing),
                                          "daily:3": OneShot(later(4), nothing)}, misfire_grace=60)
    assert armed == 2
    assert scheduling.job_ids("daily:") == {"daily:2", "daily:3"}
    assert scheduling.job_ids("mock:") == {"mock:1:tick"}  # another feature's jobs are untouched


async def test_cancel_says_whether_there_was_a_job(scheduling: Scheduling) -> None:
    scheduling.once("mock:1:tick", later(1), nothing, misfire_grace=None)
    scheduling.every("progress:tick", 60, nothing, misfire_grace=30)
    assert scheduling.cancel("mock:1:tick") is True
    assert scheduling.cancel("mock:1:tick") is False
    assert scheduling.cancel_all("progress:") == 1
    assert scheduling.job_ids("") == set()


async def test_rebuild_leaves_other_shard_processes_servers_alone() -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    try:
        scheduling = Scheduling(scheduler, Ownership(2, (1,)))
        mine, theirs = (3 << 22) | 5, (4 << 22) | 5  # shards 1 and 0 of 2
        scheduling.once("daily:old", later(1), nothing, misfire_grace=60)
        armed = scheduling.rebuild("daily:", {
            "daily:mine": OneShot(later(1), nothing, guild_id=mine),
            "daily:theirs": OneShot(later(1), nothing, guild_id=theirs),
            "daily:everyone": OneShot(later(1), nothing),  # process-wide work
        }, misfire_grace=60)
        assert armed == 2 and scheduling.skipped_unowned == 1
        assert scheduling.job_ids("daily:") == {"daily:mine", "daily:everyone"}
    finally:
        scheduler.shutdown(wait=False)


async def test_a_job_running_at_shutdown_finishes_within_the_in_flight_grace() -> None:
    """APScheduler's shutdown cancels the jobs it is running (it once cut a booking's
    check-in off mid-commit); held in the bot's tasks, the work finishes instead."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    tasks = BackgroundTasks()
    started, release, finished = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def check_in(booking_id: int) -> None:
        started.set()
        await release.wait()  # a commit in flight
        finished.set()

    Scheduling(scheduler, tasks=tasks).once("booking:1:check", datetime.now(UTC), check_in, 1,
                                            misfire_grace=None)
    async with asyncio.timeout(5):
        await started.wait()
    scheduler.shutdown(wait=False)
    asyncio.get_running_loop().call_later(0.05, release.set)
    await tasks.close(grace_seconds=5)
    assert finished.is_set()


async def test_a_held_job_that_fails_is_reported_to_the_scheduler_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    failures: asyncio.Queue[BaseException | None] = asyncio.Queue()
    scheduler.add_listener(lambda event: failures.put_nowait(event.exception), EVENT_JOB_ERROR)
    scheduler.start()

    async def broken() -> None:
        raise ValueError("the database is read-only")

    Scheduling(scheduler, tasks=BackgroundTasks()).once("outbox:5", datetime.now(UTC), broken,
                                                        misfire_grace=None)
    async with asyncio.timeout(5):
        error = await failures.get()
    scheduler.shutdown(wait=False)
    assert isinstance(error, ValueError)
    assert not [r for r in caplog.records if "background task" in r.getMessage()]


async def test_a_held_job_failing_after_the_shutdown_is_still_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    tasks = BackgroundTasks()
    started = asyncio.Event()

    async def check_in() -> None:
        started.set()
        await asyncio.sleep(0.05)
        raise ValueError("the commit failed")

    Scheduling(scheduler, tasks=tasks).once("booking:1:check", datetime.now(UTC), check_in,
                                            misfire_grace=None)
    async with asyncio.timeout(5):
        await started.wait()
    scheduler.shutdown(wait=False)  # nobody awaits the work any more
    await tasks.close(grace_seconds=5)
    assert [r for r in caplog.records if "job booking:1:check failed" in r.getMessage()]
