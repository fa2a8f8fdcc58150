"""The daily-prompt service: schedules, pause/resume, and the exactly-once post protocol.

Exactly once per guild per cohort day, whatever happens:
1. claim the day in the database (unique guild, epoch, day) before sending anything;
2. send the post, record its message id; open the thread, record its id; send the
   opener, record that; mark the claim complete;
3. a retry (after an error or a restart) reuses the claim and skips every recorded
   step. The one step that can reach Discord without being recorded is a send that
   dies before its id is stored, so a resumed post first looks for its marker in
   recent history (``Poster.find_message``) and adopts what it finds.
A per-guild lock keeps the scheduled post and ``/daily now`` from racing in one
process; the unique key keeps two processes from both claiming a day.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from bot.clock import Clock
from bot.content import Content
from bot.daily.cohort import DayPlan, cohort_day, frozen_day, local_date, plan_for_day
from bot.daily.cohort import paused_days_after_resume as _paused_days_after_resume
from bot.daily.messages import DailyMessages, post_marker
from bot.daily.models import Attention, PostRecord, Schedule
from bot.daily.poster import (
    ChannelGoneError,
    MissingPermissionsError,
    Poster,
    TransientPostError,
)
from bot.daily.timing import today_instant
from bot.daily.validation import parse_start_date, parse_time, parse_zone
from bot.errors import BotError
from bot.render import RenderedMessage, Renderer
from storage.daily import DailyRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for transient Discord failures, on top of discord.py's own 429 handling."""

    attempts: int = 6
    base_seconds: float = 5.0
    cap_seconds: float = 300.0

    def delay(self, attempt: int) -> float:
        return min(self.cap_seconds, self.base_seconds * 2**attempt)


class Outcome(StrEnum):
    POSTED = "posted"
    ALREADY = "already"
    FAILED = "failed"


@dataclass(frozen=True)
class PostResult:
    guild_id: int
    outcome: Outcome
    record: PostRecord


class DailyService:
    """Everything the daily cog and the scheduler job ask of the feature."""

    def __init__(
        self,
        repo: DailyRepository,
        content: Content,
        renderer: Renderer,
        clock: Clock,
        poster: Poster,
        *,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_concurrent_posts: int = 16,
    ) -> None:
        self._repo = repo
        self._content = content
        self._messages = DailyMessages(renderer, content)
        self._clock = clock
        self._poster = poster
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._slots = asyncio.Semaphore(max_concurrent_posts)
        self._locks: dict[int, asyncio.Lock] = {}

    # -- configuration -------------------------------------------------------------

    async def configure(
        self,
        guild_id: int,
        channel_id: int,
        time_text: str,
        zone_text: str,
        start_text: str | None = None,
    ) -> Schedule:
        """Create or update the schedule in place.

        Without ``start_text`` a new schedule starts today and an existing one keeps
        its start date, so re-running setup to change the time does not reset the cohort.
        """
        post_time, timezone = parse_time(time_text), parse_zone(zone_text)
        existing = await self._repo.schedule(guild_id)
        draft = Schedule(guild_id, channel_id, post_time, timezone, date.min)
        today = local_date(draft, self._clock.now())
        if start_text:
            start = parse_start_date(start_text, today)
        else:
            start = existing.start_date if existing else today
        await self._repo.save_schedule(replace(draft, start_date=start), self._clock.now())
        return await self.require(guild_id)

    async def schedule(self, guild_id: int) -> Schedule | None:
        return await self._repo.schedule(guild_id)

    async def schedules(self) -> list[Schedule]:
        return await self._repo.all_schedules()

    async def require(self, guild_id: int) -> Schedule:
        schedule = await self._repo.schedule(guild_id)
        if schedule is None:
            raise BotError("Daily prompts are not set up here yet: run `/daily setup` first.")
        return schedule

    async def forget_guild(self, guild_id: int) -> None:
        """The bot left the guild: drop the schedule (post history stays for the record)."""
        await self._repo.delete_schedule(guild_id)

    async def last_post(self, guild_id: int) -> PostRecord | None:
        return await self._repo.last_post(guild_id)

    # -- pause / resume --------------------------------------------------------------

    async def pause(self, guild_id: int) -> Schedule:
        """Freeze the cohort at the next day the group has not been given."""
        schedule = await self.require(guild_id)
        if schedule.paused:
            raise BotError(f"Already paused at day {schedule.paused_at_day}: `/daily resume`.")
        today = self.today(schedule)
        record = await self._repo.post(guild_id, schedule.epoch, cohort_day(schedule, today))
        frozen = frozen_day(schedule, today, record is not None and record.completed)
        await self._repo.set_pause(guild_id, frozen, schedule.paused_days, self._clock.now())
        return await self.require(guild_id)

    async def resume(self, guild_id: int) -> Schedule:
        """Continue with the frozen day today; the paused days are not skipped."""
        schedule = await self.require(guild_id)
        if not schedule.paused:
            raise BotError("Daily prompts are not paused.")
        paused_days = _paused_days_after_resume(schedule, self.today(schedule))
        await self._repo.set_pause(guild_id, None, paused_days, self._clock.now())
        return await self.require(guild_id)

    def today(self, schedule: Schedule) -> date:
        return local_date(schedule, self._clock.now())

    def plan_today(self, schedule: Schedule) -> DayPlan | None:
        return plan_for_day(self._content.roadmap, cohort_day(schedule, self.today(schedule)))

    # -- posting -----------------------------------------------------------------------

    async def post_now(self, guild_id: int) -> PostResult:
        """``/daily now``: today's post, immediately, unless it already went out."""
        schedule = await self.require(guild_id)
        if schedule.paused:
            raise BotError("Daily prompts are paused: `/daily resume` first.")
        if schedule.attention is Attention.CHANNEL_GONE:
            raise BotError("The daily channel is gone: run `/daily setup` with a new channel.")
        plan = self.plan_today(schedule)
        if plan is None:
            raise BotError(f"The cohort starts on {schedule.start_date.isoformat()}.")
        return await self._post(schedule, plan, self.today(schedule))

    async def run_guild(self, guild_id: int) -> PostResult | None:
        """The scheduled job and startup catch-up: post today's day if its time has come."""
        schedule = await self._repo.schedule(guild_id)
        if schedule is None or not await self._is_due(schedule):
            return None
        plan = self.plan_today(schedule)
        assert plan is not None  # noqa: S101 - _is_due checked the day
        return await self._post(schedule, plan, self.today(schedule))

    async def run_due(self) -> list[PostResult]:
        """Every guild whose post is due now, concurrently; one guild's failure stops none."""
        schedules = await self._repo.all_schedules()
        due = [s for s in schedules if await self._is_due(s)]
        results = await asyncio.gather(*(self.run_guild(s.guild_id) for s in due),
                                       return_exceptions=True)
        done: list[PostResult] = []
        for schedule, result in zip(due, results, strict=True):
            if isinstance(result, BaseException):
                log.error("daily post for guild %s failed", schedule.guild_id, exc_info=result)
            elif result is not None:
                done.append(result)
        return done

    async def _is_due(self, schedule: Schedule) -> bool:
        """Active, started, past today's time, and today's claim not yet complete."""
        if schedule.stopped or self._clock.now() < today_instant(schedule, self._clock.now()):
            return False
        day = cohort_day(schedule, self.today(schedule))
        if day < 1:
            return False
        record = await self._repo.post(schedule.guild_id, schedule.epoch, day)
        return record is None or not record.completed

    async def _post(self, schedule: Schedule, plan: DayPlan, on: date) -> PostResult:
        lock = self._locks.setdefault(schedule.guild_id, asyncio.Lock())
        async with lock:
            record = await self._repo.claim(schedule, plan.day, on, plan.kind, self._clock.now())
            if record.completed:
                return PostResult(schedule.guild_id, Outcome.ALREADY, record)
            return await self._deliver(schedule, plan, record)

    async def _deliver(self, schedule: Schedule, plan: DayPlan, record: PostRecord) -> PostResult:
        """Advance the claimed post, retrying transient failures with backoff within the day."""
        resuming = record.attempts > 1
        for attempt in range(self._retry.attempts):
            try:
                async with self._slots:
                    await self._advance(plan, record, resuming)
            except TransientPostError as exc:
                resuming = True
                await self._repo.record_error(record.id, f"transient: {exc}")
                log.warning("daily post for guild %s day %s: %s (attempt %s)",
                            schedule.guild_id, plan.day, exc, attempt + 1)
                if attempt + 1 == self._retry.attempts or self.today(schedule) != record.local_date:
                    break
                await self._sleep(self._retry.delay(attempt))
                record = await self._reload(record)
            except (ChannelGoneError, MissingPermissionsError) as exc:
                await self._needs_attention(schedule, record, exc)
                break
            else:
                await self._repo.clear_attention(schedule.guild_id, self._clock.now())
                return PostResult(schedule.guild_id, Outcome.POSTED, await self._reload(record))
        return PostResult(schedule.guild_id, Outcome.FAILED, await self._reload(record))

    async def _advance(self, plan: DayPlan, record: PostRecord, resuming: bool) -> None:
        """Do every step the record does not show as done yet, recording each one."""
        marker = post_marker(plan.day, record.local_date)
        message_id = record.message_id
        if message_id is None:
            message_id = await self._send_once(record.channel_id, marker, resuming,
                                               lambda: self._messages.post(plan, marker))
            await self._repo.record_message(record.id, message_id)
        if plan.thread_name is not None:
            thread_id = record.thread_id
            if thread_id is None:
                thread_id = await self._poster.create_thread(
                    record.channel_id, message_id, plan.thread_name
                )
                await self._repo.record_thread(record.id, thread_id)
            if not record.opener_sent:
                await self._send_once(thread_id, marker, resuming,
                                      lambda: self._messages.opener(plan, marker))
                await self._repo.record_opener(record.id)
        await self._repo.complete(record.id, self._clock.now())

    async def _send_once(
        self,
        channel_id: int,
        marker: str,
        resuming: bool,
        render: Callable[[], RenderedMessage],
    ) -> int:
        """Send, unless resuming and an earlier attempt's message is already there."""
        if resuming:
            found = await self._poster.find_message(channel_id, marker)
            if found is not None:
                return found
        return await self._poster.send_message(channel_id, render())

    async def _reload(self, record: PostRecord) -> PostRecord:
        fresh = await self._repo.post(record.guild_id, record.epoch, record.cohort_day)
        assert fresh is not None  # noqa: S101 - claim rows are never deleted
        return fresh

    async def _needs_attention(
        self,
        schedule: Schedule,
        record: PostRecord,
        exc: ChannelGoneError | MissingPermissionsError,
    ) -> None:
        """Flag the schedule for organisers instead of retrying what cannot succeed."""
        if isinstance(exc, MissingPermissionsError):
            attention, detail = Attention.MISSING_PERMISSIONS, ", ".join(exc.missing)
        else:
            attention, detail = Attention.CHANNEL_GONE, "the channel was deleted"
        await self._repo.set_attention(schedule.guild_id, attention, detail, self._clock.now())
        await self._repo.record_error(record.id, f"{attention.value}: {detail}")
        log.warning("daily post needs attention: guild %s channel %s: %s: %s",
                    schedule.guild_id, record.channel_id, attention.value, detail)
