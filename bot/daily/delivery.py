"""The exactly-once post protocol: claim, send, record, resume.

Exactly once per guild per cohort day, whatever happens:
1. claim the day in the database (unique guild, epoch, day) before sending anything;
2. do the steps of the channel kind's strategy (``bot.daily.kinds``: a text channel
   sends the post, opens a thread, sends the opener; a forum creates the forum post,
   tags it, sends the opener), recording each as it is done; mark the claim complete;
3. a retry (after an error or a restart) reuses the claim and skips every recorded
   step. The one step that can reach Discord without being recorded is a send that
   dies before its id is stored, so a resumed post first looks for its marker in
   recent history (``Poster.find_message``) and adopts what it finds.
A per-guild lock keeps the scheduled post and ``/daily now`` from racing in one
process; the unique key keeps two processes from both claiming a day. Transient
failures retry with backoff within the local day; a deleted channel or a lost
permission flags the schedule for organisers instead of retrying.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypedDict

from bot.clock import Clock
from bot.daily.cohort import DayPlan, local_date
from bot.daily.kinds import Step, Tools, strategies
from bot.daily.messages import DailyMessages, post_marker
from bot.daily.models import Attention, PostRecord, Schedule
from bot.daily.poster import (
    ChannelGoneError,
    MissingPermissionsError,
    Poster,
    PostError,
    PostExtras,
    TransientPostError,
)
from bot.outbox.model import nonce_for
from bot.render import RenderedMessage
from storage.daily import DailyRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for transient Discord failures, on top of discord.py's own 429 handling."""

    attempts: int = 6
    base_seconds: float = 5.0
    cap_seconds: float = 300.0

    def delay(self, attempt: int) -> float:
        return float(min(self.cap_seconds, self.base_seconds * 2**attempt))


class Outcome(StrEnum):
    """POSTED: this call finished the post; ALREADY: it was complete before; FAILED: not yet."""

    POSTED = "posted"
    ALREADY = "already"
    FAILED = "failed"


@dataclass(frozen=True)
class PostResult:
    """What one attempt at a day's post ended with, and the claim row as it now stands."""

    guild_id: int
    outcome: Outcome
    record: PostRecord


class Tuning(TypedDict, total=False):
    """``Delivery``'s optional knobs, so ``DailyService`` passes them on without restating them."""

    retry: RetryPolicy | None
    sleep: Callable[[float], Awaitable[None]]
    max_concurrent_posts: int
    observe: Callable[[PostResult], None] | None


class Delivery:
    """Posts one cohort day exactly once; shared by the scheduled job and ``/daily now``."""

    def __init__(
        self,
        repo: DailyRepository,
        messages: DailyMessages,
        clock: Clock,
        poster: Poster,
        *,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_concurrent_posts: int = 16,
        observe: Callable[[PostResult], None] | None = None,
    ) -> None:
        self._repo = repo
        self._messages = messages
        self._clock = clock
        self._poster = poster
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._slots = asyncio.Semaphore(max_concurrent_posts)
        self._locks: dict[int, asyncio.Lock] = {}
        self._observe = observe or (lambda result: None)
        self._steps = strategies(Tools(repo, messages, poster, self._send_once))

    async def post(self, schedule: Schedule, plan: DayPlan, on: date) -> PostResult:
        """Claim the day, then do whatever steps of its post are not done yet."""
        lock = self._locks.setdefault(schedule.guild_id, asyncio.Lock())
        async with lock:
            record = await self._repo.claim(schedule, plan.day, on, plan.kind, self._clock.now())
            if record.completed:
                return PostResult(schedule.guild_id, Outcome.ALREADY, record)
            result = await self._deliver(schedule, plan, record)
        self._observe(result)
        return result

    async def _deliver(self, schedule: Schedule, plan: DayPlan, record: PostRecord) -> PostResult:
        """Advance the claimed post, retrying transient failures with backoff within the day."""
        resuming = record.attempts > 1
        for attempt in range(self._retry.attempts):
            try:
                async with self._slots:
                    await self._advance(plan, record, resuming, schedule.ping_role_id)
            except TransientPostError as exc:
                resuming = True
                await self._repo.record_error(record.id, f"transient: {exc}")
                log.warning("daily post for guild %s day %s: %s (attempt %s)",
                            schedule.guild_id, plan.day, exc, attempt + 1)
                day_over = local_date(schedule, self._clock.now()) != record.local_date
                if attempt + 1 == self._retry.attempts or day_over:
                    break
                await self._sleep(self._retry.delay(attempt))
                record = await self._reload(record)
            except (ChannelGoneError, MissingPermissionsError) as exc:
                await self._needs_attention(schedule, record, exc)
                break
            except PostError as exc:  # Discord refused this post (400): retrying cannot help
                await self._repo.record_error(record.id, f"rejected: {exc}")
                log.error("daily post for guild %s day %s rejected: %s",
                          schedule.guild_id, plan.day, exc)
                break
            else:
                await self._repo.clear_attention(schedule.guild_id, self._clock.now())
                return PostResult(schedule.guild_id, Outcome.POSTED, await self._reload(record))
        return PostResult(schedule.guild_id, Outcome.FAILED, await self._reload(record))

    async def _advance(
        self, plan: DayPlan, record: PostRecord, resuming: bool, ping_role_id: int | None = None
    ) -> None:
        """Do every step the record does not show as done yet, the channel kind's way."""
        step = Step(plan, record, resuming, ping_role_id, post_marker(plan.day, record.local_date))
        await self._steps[record.channel_kind].advance(step)
        await self._repo.complete(record.id, self._clock.now())

    async def _send_once(
        self,
        record: PostRecord,
        channel_id: int,
        step: str,
        resuming: bool,
        render: Callable[[], RenderedMessage],
        extras: PostExtras | None = None,
    ) -> int:
        """Send, unless resuming and an earlier attempt's message is already there.

        The nonce is the same for every attempt at this step (enforce_nonce), so a
        send whose answer was lost (an ambiguous 5xx) returns the message Discord
        already made instead of a second post; the marker search covers a retry
        after Discord's few-minute nonce window.
        """
        marker = post_marker(record.cohort_day, record.local_date)
        if step == "opener":
            # The opener ends with "-# <marker>"; in a forum post the starter message
            # (the prompt, marker in its footer) is in the same thread and must not pass.
            marker = f"-# {marker}"
        if resuming:
            found = await self._poster.find_message(channel_id, marker)
            if found is not None:
                return found
        key = f"daily:{record.guild_id}:{record.epoch}:{record.cohort_day}:{step}"
        return await self._poster.send_message(channel_id, render(), nonce_for(channel_id, key), extras)

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
