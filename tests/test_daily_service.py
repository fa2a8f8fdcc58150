"""The daily service against a real SQLite file, real templates and a fake Discord.

``FakeDiscord`` is what Discord would hold (messages per channel, a thread per
message); ``FakePoster`` talks to it and can die before or after any step, the
way a SIGKILL would: ``Crash`` is a BaseException, so nothing in the service can
swallow it. A "restart" is a new service over the same database file.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.daily.models import PostRecord
from bot.daily.poster import ChannelGoneError, MissingPermissionsError, TransientPostError
from bot.daily.service import DailyService, Outcome, RetryPolicy
from bot.errors import BotError
from bot.render import RenderedMessage, Renderer
from storage.daily import DailyRepository
from storage.db import Database

GUILD, CHANNEL = 1, 100
# 2026-11-23 is a Monday; 09:00 in London is 09:00 UTC in November.
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
POST_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Crash(BaseException):
    """The process died here."""


@dataclass
class FakeDiscord:
    messages: dict[int, list[tuple[int, RenderedMessage]]] = field(default_factory=dict)
    threads: dict[int, tuple[int, str]] = field(default_factory=dict)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1000))

    def texts(self, channel_id: int) -> list[str]:
        return [m.as_text() for _, m in self.messages.get(channel_id, [])]


class FakePoster:
    """A poster over FakeDiscord; ``crash_at`` like "send:after" kills the process there."""

    def __init__(self, discord: FakeDiscord, crash_at: str | None = None) -> None:
        self.discord = discord
        self.crash_at = crash_at
        self.failures: list[Exception] = []  # raised (once each) before the next call's effect
        self.extras: list[tuple[int, object]] = []  # (channel, PostExtras) of every send

    def _maybe(self, step: str, when: str) -> None:
        if self.crash_at == f"{step}:{when}":
            raise Crash(self.crash_at)

    async def send_message(self, channel_id: int, message: RenderedMessage,
                           nonce: str | None = None, extras: object = None) -> int:
        self.extras.append((channel_id, extras))
        threads = {thread_id for thread_id, _ in self.discord.threads.values()}
        step = "opener" if channel_id in threads else "send"
        if self.failures:
            raise self.failures.pop(0)
        self._maybe(step, "before")
        message_id = next(self.discord.ids)
        self.discord.messages.setdefault(channel_id, []).append((message_id, message))
        self._maybe(step, "after")
        return message_id

    async def find_message(self, channel_id: int, marker: str) -> int | None:
        for message_id, message in self.discord.messages.get(channel_id, []):
            if marker in message.as_text():
                return message_id
        return None

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        if self.failures:
            raise self.failures.pop(0)
        self._maybe("thread", "before")
        if message_id not in self.discord.threads:
            self.discord.threads[message_id] = (next(self.discord.ids), name)
        self._maybe("thread", "after")
        return self.discord.threads[message_id][0]


class CrashOnComplete(DailyRepository):
    async def complete(self, post_id: int, now: datetime) -> None:
        raise Crash("complete:before")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def discord() -> FakeDiscord:
    return FakeDiscord()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_service(db: Database, content: Content, clock: FixedClock, sleeps: list[float]):
    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def make(poster: FakePoster, repo_class: type[DailyRepository] = DailyRepository,
             **kwargs) -> DailyService:
        return DailyService(repo_class(db), content, Renderer(), clock, poster,
                            sleep=record_sleep, **kwargs)

    return make


async def configured(service: DailyService, guild: int = GUILD, channel: int = CHANNEL,
                     start: str | None = "2026-11-23") -> None:
    await service.configure(guild, channel, "09:00", "Europe/London", start)


async def failing_at_post_time(
    make_service, clock: FixedClock, discord: FakeDiscord, failures: list[Exception], **kwargs
) -> DailyService:
    """A configured guild at its post time, whose next sends fail with ``failures`` in order."""
    poster = FakePoster(discord)
    service = make_service(poster, **kwargs)
    await configured(service)
    clock.set(POST_TIME)
    poster.failures = failures
    return service


def assert_posted_once(discord: FakeDiscord, day: int, on: date) -> None:
    marker = f"Day {day} · {on.isoformat()}"
    posts = [(i, m) for i, m in discord.messages[CHANNEL] if marker in m.as_text()]
    assert len(posts) == 1
    thread_id, name = discord.threads[posts[0][0]]
    assert name.startswith(f"Day {day} · ")
    assert len(discord.messages[thread_id]) == 1
    assert marker in discord.texts(thread_id)[0]


async def test_nothing_before_the_time_then_one_post_with_thread_and_opener(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    service = make_service(FakePoster(discord))
    await configured(service)
    assert await service.run_due() == []
    clock.set(POST_TIME)
    [result] = await service.run_due()
    assert result.outcome is Outcome.POSTED
    assert result.record.completed and result.record.cohort_day == 1
    assert_posted_once(discord, 1, date(2026, 11, 23))
    assert await service.run_due() == []
    assert (await service.run_guild(GUILD)) is None
    assert (await service.post_now(GUILD)).outcome is Outcome.ALREADY
    assert_posted_once(discord, 1, date(2026, 11, 23))


@pytest.mark.parametrize(
    "crash_at",
    ["send:before", "send:after", "thread:before", "thread:after", "opener:before",
     "opener:after", "complete:before"],
)
async def test_a_crash_at_any_step_then_restart_posts_exactly_once(
    make_service, clock: FixedClock, discord: FakeDiscord, crash_at: str
) -> None:
    clock.set(POST_TIME)
    repo_class = CrashOnComplete if crash_at == "complete:before" else DailyRepository
    doomed = make_service(FakePoster(discord, crash_at), repo_class)
    await configured(doomed)
    with pytest.raises(Crash):
        await doomed.run_guild(GUILD)

    clock.advance(timedelta(minutes=3))
    restarted = make_service(FakePoster(discord))
    [result] = await restarted.run_due()  # startup catch-up
    assert result.outcome is Outcome.POSTED
    assert result.record.attempts == 2
    assert_posted_once(discord, 1, date(2026, 11, 23))
    assert await restarted.run_due() == []


async def test_catch_up_posts_the_same_local_day_but_never_back_fills(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    service = make_service(FakePoster(discord))
    await configured(service)
    clock.set(POST_TIME + timedelta(hours=14))  # 23:00 the same day: still day 1
    [result] = await service.run_due()
    assert result.record.cohort_day == 1
    clock.set(POST_TIME + timedelta(days=3, hours=5))  # down for days 2 and 3
    [result] = await service.run_due()
    assert result.record.cohort_day == 4
    assert len(discord.messages[CHANNEL]) == 2


async def test_transient_failures_retry_with_backoff_and_resume(
    make_service, clock: FixedClock, discord: FakeDiscord, sleeps: list[float]
) -> None:
    service = await failing_at_post_time(
        make_service, clock, discord, [TransientPostError("503"), TransientPostError("429")])
    [result] = await service.run_due()
    assert result.outcome is Outcome.POSTED
    assert sleeps == [5.0, 10.0]
    assert_posted_once(discord, 1, date(2026, 11, 23))


async def test_transient_failures_give_up_after_the_policy(
    make_service, clock: FixedClock, discord: FakeDiscord, sleeps: list[float]
) -> None:
    service = await failing_at_post_time(
        make_service, clock, discord, [TransientPostError("502")] * 5,
        retry=RetryPolicy(attempts=3, base_seconds=1, cap_seconds=2))
    [result] = await service.run_due()
    assert result.outcome is Outcome.FAILED
    assert "502" in result.record.last_error
    assert sleeps == [1, 2]
    [again] = await service.run_due()  # a later run the same day resumes the claim
    assert again.outcome is Outcome.POSTED


async def test_lost_permission_needs_attention_and_is_not_retried(
    make_service, clock: FixedClock, discord: FakeDiscord, sleeps: list[float]
) -> None:
    service = await failing_at_post_time(
        make_service, clock, discord, [MissingPermissionsError(["Create Public Threads"])])
    [result] = await service.run_due()
    assert result.outcome is Outcome.FAILED and sleeps == []
    schedule = await service.require(GUILD)
    assert schedule.attention_detail == "Create Public Threads"
    assert schedule.attention_since == POST_TIME
    assert not schedule.stopped  # permissions can come back: tomorrow tries again
    [fixed] = await service.run_due()
    assert fixed.outcome is Outcome.POSTED
    assert (await service.require(GUILD)).attention is None
    assert_posted_once(discord, 1, date(2026, 11, 23))


async def test_a_deleted_channel_stops_the_schedule_until_setup(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    service = await failing_at_post_time(make_service, clock, discord, [ChannelGoneError("404")])
    await service.run_due()
    assert (await service.require(GUILD)).stopped
    assert await service.run_due() == []
    with pytest.raises(BotError, match="channel is gone"):
        await service.post_now(GUILD)
    await service.configure(GUILD, 200, "09:00", "Europe/London")
    assert not (await service.require(GUILD)).stopped


async def test_many_guilds_post_concurrently_bounded_and_one_failure_stops_none(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    guilds = 40
    in_flight, peak, claimed = 0, 0, 0
    four_in_flight, all_claimed, release = asyncio.Event(), asyncio.Event(), asyncio.Event()

    class CountingRepository(DailyRepository):
        """Tells the test when every guild has claimed its day: from then on nothing but
        the bound stands between the claims and the poster (no I/O in between), so an
        unbounded service would have every send in flight once the loop has turned."""

        async def claim(self, *args: Any, **kwargs: Any) -> PostRecord:
            nonlocal claimed
            record = await super().claim(*args, **kwargs)
            claimed += 1
            if claimed == guilds:
                all_claimed.set()
            return record

    class GatedPoster(FakePoster):
        """Holds sends until the test releases them, so it can count how many pile up."""

        async def send_message(self, channel_id: int, message: RenderedMessage,
                               nonce: str | None = None, extras: object = None) -> int:
            nonlocal in_flight, peak
            if channel_id == 113:
                raise ChannelGoneError("404")
            in_flight += 1
            peak = max(peak, in_flight)
            if in_flight == 4:
                four_in_flight.set()
            await release.wait()
            in_flight -= 1
            return await super().send_message(channel_id, message)

    service = make_service(GatedPoster(discord), CountingRepository, max_concurrent_posts=4)
    for guild in range(1, guilds + 1):
        await configured(service, guild, 100 + guild)
    clock.set(POST_TIME)
    async with asyncio.timeout(10):
        running = asyncio.create_task(service.run_due())
        await four_in_flight.wait()
        await all_claimed.wait()
        for _ in range(guilds):  # let every claimed guild go as far as it may without I/O
            await asyncio.sleep(0)
        assert in_flight == 4
        release.set()
        results = await running
    outcomes = {r.guild_id: r.outcome for r in results}
    assert outcomes.pop(13) is Outcome.FAILED
    assert set(outcomes.values()) == {Outcome.POSTED} and len(outcomes) == 39
    assert peak == 4


async def test_pause_freezes_and_resume_continues_without_skipping(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    service = make_service(FakePoster(discord))
    await configured(service)
    clock.set(POST_TIME)
    await service.run_due()  # day 1 posted
    paused = await service.pause(GUILD)
    assert paused.paused_at_day == 2
    with pytest.raises(BotError, match="Already paused"):
        await service.pause(GUILD)
    clock.advance(timedelta(days=5))
    assert await service.run_due() == []
    with pytest.raises(BotError, match="paused"):
        await service.post_now(GUILD)
    resumed = await service.resume(GUILD)
    assert service.plan_today(resumed).day == 2
    [result] = await service.run_due()
    assert result.record.cohort_day == 2
    clock.advance(timedelta(days=1))
    [result] = await service.run_due()
    assert result.record.cohort_day == 3


async def test_post_now_posts_before_the_scheduled_time_and_the_job_then_skips(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    service = make_service(FakePoster(discord))
    await configured(service)
    assert (await service.post_now(GUILD)).outcome is Outcome.POSTED
    clock.set(POST_TIME)
    assert await service.run_due() == []
    assert len(discord.messages[CHANNEL]) == 1


async def test_before_the_start_date_nothing_is_posted(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    service = make_service(FakePoster(discord))
    await configured(service, start="2026-12-01")
    clock.set(POST_TIME)
    assert await service.run_due() == []
    with pytest.raises(BotError, match="starts on 2026-12-01"):
        await service.post_now(GUILD)


async def test_re_running_setup_keeps_the_cohort_unless_a_new_start_is_given(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    service = make_service(FakePoster(discord))
    await configured(service, start="2026-11-01")
    clock.set(POST_TIME)
    await service.configure(GUILD, 300, "18:30", "Asia/Kolkata")
    kept = await service.require(GUILD)
    assert (kept.start_date, kept.channel_id, kept.epoch) == (date(2026, 11, 1), 300, 1)
    assert service.plan_today(kept).day == 23
    await service.configure(GUILD, 300, "18:30", "Asia/Kolkata", "2026-11-23")
    assert (await service.require(GUILD)).epoch == 2


async def test_graduation_day_posts_without_a_thread(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    service = make_service(FakePoster(discord))
    await configured(service, start="2026-08-30")  # 2026-11-22 is day 85
    clock.set(POST_TIME - timedelta(days=1))
    [result] = await service.run_due()
    assert result.record.cohort_day == 85 and result.record.thread_id is None
    assert "You finished" in discord.texts(CHANNEL)[0]
    clock.set(POST_TIME)
    [review] = await service.run_due()
    assert review.record.kind == "review" and review.record.thread_id is not None


async def test_a_replacement_channel_gets_the_day_the_deleted_one_never_did(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    service = await failing_at_post_time(make_service, clock, discord, [ChannelGoneError("404")])
    [failed] = await service.run_due()
    assert failed.outcome is Outcome.FAILED
    await service.configure(GUILD, 200, "09:00", "Europe/London")
    [result] = await service.run_due()
    assert (result.outcome, result.record.channel_id) == (Outcome.POSTED, 200)
    assert len(discord.messages[200]) == 1 and CHANNEL not in discord.messages


async def test_the_ping_role_goes_with_the_post_only_and_old_buttons_are_refused(
    make_service, clock: FixedClock, discord: FakeDiscord
) -> None:
    poster = FakePoster(discord)
    service = make_service(poster)
    await configured(service)
    with pytest.raises(BotError, match="Daily pings are off"):
        await service.subscription_role(GUILD, 77)
    schedule = await service.set_ping_role(GUILD, 77)
    assert schedule.ping_role_id == 77
    assert await service.subscription_role(GUILD, 77) == 77
    clock.set(POST_TIME)
    await service.run_due()
    post, opener = poster.extras
    assert post[0] == CHANNEL and post[1].ping_role_id == 77 and post[1].what_counts
    assert opener[1] is None  # the thread opener pings no one and has no buttons
    assert discord.messages[CHANNEL][0][1].content == "<@&77>"
    await service.set_ping_role(GUILD, 88)  # an organiser switched roles
    with pytest.raises(BotError, match="no longer used: the daily ping now goes to <@&88>"):
        await service.subscription_role(GUILD, 77)
    await configured(service)  # re-running setup without ping_role keeps it
    assert (await service.require(GUILD)).ping_role_id == 88
