"""The date-job wiring on a real AsyncIOScheduler: rebuilt from the database, re-armed after runs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from benchmarks.daily_startup import measure_startup
from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.daily.jobs import MISFIRE_GRACE_SECONDS, DailyJobs, job_id
from bot.daily.service import DailyService
from bot.render import Renderer
from bot.scheduling import Scheduling
from storage.daily import DailyRepository
from storage.db import Database
from tests.storage_fill import fill_daily_posts_until_full, free
from tests.test_daily_service import FakeDiscord, FakePoster

NOW = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # the day before New York springs forward


@pytest.fixture
async def scheduler() -> AsyncIterator[AsyncIOScheduler]:
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start(paused=True)  # jobs are inspected, and fired by hand, never by time
    yield scheduler
    scheduler.shutdown(wait=False)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
def service(db: Database, clock: FixedClock, content: Content) -> DailyService:
    return DailyService(DailyRepository(db), content, Renderer(), clock,
                        FakePoster(FakeDiscord()))


async def armed(
    service: DailyService, scheduler: AsyncIOScheduler, clock: FixedClock, at: str = "09:00",
    zone: str = "Europe/London", observe: Callable[[str], None] | None = None,
) -> DailyJobs:
    """Guild 1 posting at ``at`` in ``zone`` from 1 March 2026, its job armed by a rebuild."""
    await service.configure(1, 11, at, zone, "2026-03-01")
    jobs = DailyJobs(Scheduling(scheduler), service, clock, observe=observe)
    await jobs.rebuild()
    return jobs


async def test_rebuild_arms_one_job_per_active_schedule_with_exact_next_runs(
    service: DailyService, scheduler: AsyncIOScheduler, clock: FixedClock
) -> None:
    await service.configure(1, 11, "02:30", "America/New_York", "2026-03-01")
    await service.configure(2, 22, "09:00", "Asia/Kolkata", "2026-03-01")
    await service.configure(3, 33, "09:00", "Europe/London", "2026-03-01")
    await service.pause(3)
    jobs = DailyJobs(Scheduling(scheduler), service, clock)
    assert await jobs.rebuild() == 2
    assert sorted(job.id for job in scheduler.get_jobs()) == [job_id(1), job_id(2)]
    # 02:30 on 8 March does not exist in New York: the job is armed for 03:00 EDT.
    assert jobs.next_run(1) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert jobs.next_run(2) == datetime(2026, 3, 8, 3, 30, tzinfo=UTC)
    job = scheduler.get_job(job_id(1))
    assert job.coalesce is True and job.misfire_grace_time == MISFIRE_GRACE_SECONDS


async def test_rebuild_drops_jobs_of_schedules_that_are_gone(
    service: DailyService, scheduler: AsyncIOScheduler, clock: FixedClock
) -> None:
    jobs = await armed(service, scheduler, clock)
    await service.forget_guild(1)
    assert await jobs.rebuild() == 0
    assert scheduler.get_jobs() == []


async def test_rebuild_of_a_changed_schedule_replaces_its_job_in_place(
    service: DailyService, scheduler: AsyncIOScheduler, clock: FixedClock
) -> None:
    jobs = await armed(service, scheduler, clock)
    jobs.arm(await service.configure(1, 11, "18:30", "Europe/London"))
    assert len(scheduler.get_jobs()) == 1
    assert jobs.next_run(1) == datetime(2026, 3, 7, 18, 30, tzinfo=UTC)


async def test_firing_posts_and_re_arms_for_the_next_local_day(
    service: DailyService, scheduler: AsyncIOScheduler, clock: FixedClock
) -> None:
    runs: list[str] = []
    jobs = await armed(service, scheduler, clock, "02:30", "America/New_York", observe=runs.append)
    armed_for = jobs.next_run(1)
    clock.set(armed_for)
    job = scheduler.get_job(job_id(1))
    await job.func(*job.args)
    assert (await service.last_post(1)).cohort_day == 8
    assert runs == ["ok"]
    # back to 02:30 on 9 March, which exists again (EDT): 06:30 UTC
    assert jobs.next_run(1) == datetime(2026, 3, 9, 6, 30, tzinfo=UTC)


async def test_a_fire_that_comes_early_does_not_re_arm_for_the_same_instant(
    service: DailyService, scheduler: AsyncIOScheduler, clock: FixedClock
) -> None:
    jobs = await armed(service, scheduler, clock)
    armed_for = jobs.next_run(1)
    clock.set(armed_for - timedelta(milliseconds=5))
    await jobs.fire(1, armed_for)
    assert await service.last_post(1) is None
    assert jobs.next_run(1) == armed_for + timedelta(days=1)


async def test_stopped_schedules_are_disarmed_and_leaving_removes_the_job(
    service: DailyService, scheduler: AsyncIOScheduler, clock: FixedClock
) -> None:
    jobs = await armed(service, scheduler, clock)
    assert jobs.arm(await service.pause(1)) is None
    assert scheduler.get_jobs() == []
    assert jobs.arm(await service.resume(1)) == datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
    await service.channel_deleted(1, 11)
    jobs.arm(await service.require(1))
    assert scheduler.get_jobs() == []
    jobs.disarm(1)  # idempotent
    jobs.disarm_all()


async def test_the_startup_benchmark_arms_every_guild_and_posts_nothing() -> None:
    """Keeps ``benchmarks.daily_startup`` runnable; its timings are read by people, not asserted."""
    timing = await measure_startup(guilds=40)
    assert (timing.guilds, timing.jobs) == (40, 40)
    assert "40 guilds" in timing.line()


@pytest.mark.sqlite_only  # a full SQLite file (tests/storage_fill.py)
async def test_a_post_due_while_storage_is_full_is_retried_today_and_reported(
    service: DailyService, scheduler: AsyncIOScheduler, clock: FixedClock, db: Database
) -> None:
    runs: list[str] = []
    jobs = await armed(service, scheduler, clock, observe=runs.append)
    armed_for = jobs.next_run(1)
    clock.set(armed_for)
    await fill_daily_posts_until_full(db, 1)
    await jobs.fire(1, armed_for)
    assert await service.last_post(1) is None and runs == ["error"]
    problem = jobs.problem(1)
    assert problem is not None and "storage is full" in problem.reason
    assert problem.since == armed_for and problem.failures == 1
    # retried in 30 s, not tomorrow
    assert jobs.next_run(1) == armed_for + timedelta(seconds=30) == problem.retry_at

    clock.advance(30)
    await jobs.fire(1, armed_for)  # still full: the next retry backs off
    assert jobs.next_run(1) == clock.now() + timedelta(seconds=60)
    assert jobs.problem(1).failures == 2 and jobs.problem(1).since == armed_for

    await free(db)  # space again
    clock.advance(60)
    await jobs.fire(1, armed_for)
    assert (await service.last_post(1)).completed
    assert jobs.problem(1) is None
    assert jobs.next_run(1) == armed_for + timedelta(days=1)
