"""The daily-prompt service: what the cog and the scheduler job ask of the feature.

Configuration, status, pause/resume and "is today's post due?"; the posting
itself is the exactly-once protocol in ``bot.daily.delivery``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Unpack

from bot.clock import Clock
from bot.content import Content
from bot.daily.cohort import (
    DayPlan,
    cohort_day,
    frozen_day,
    local_date,
    paused_days_after_resume,
    plan_for_day,
)
from bot.daily.delivery import Delivery, Outcome, PostResult, RetryPolicy, Tuning
from bot.daily.messages import DailyMessages
from bot.daily.models import Attention, ChannelKind, PostRecord, Schedule, zone
from bot.daily.poster import Poster
from bot.daily.timing import today_instant, upcoming_post
from bot.daily.validation import parse_start_date, parse_time
from bot.daily.zones import parse_zone
from bot.errors import BotError
from bot.render import Renderer
from storage.daily import DailyRepository
from storage.db import Database

__all__ = ["DailyService", "DailyStatus", "Outcome", "PostResult", "RetryPolicy"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyStatus:
    """What ``/daily status`` shows; ``next_post`` is None while nothing will post."""

    schedule: Schedule
    today: date
    day: int
    plan: DayPlan | None
    next_post: datetime | None
    last_post: PostRecord | None


class DailyService:
    """Everything the daily cog and the scheduler job ask of the feature."""

    def __init__(
        self,
        repo: DailyRepository,
        content: Content,
        renderer: Renderer,
        clock: Clock,
        poster: Poster,
        **tuning: Unpack[Tuning],
    ) -> None:
        self._repo = repo
        self._content = content
        self._clock = clock
        self._delivery = Delivery(repo, DailyMessages(renderer, content), clock, poster, **tuning)

    @classmethod
    def from_database(cls, db: Database, content: Content, renderer: Renderer, clock: Clock,
                      poster: Poster, *, observe: Callable[[PostResult], None] | None = None,
                      ) -> DailyService:
        """The service over the bot's database (the cog's way in: cogs see no repository)."""
        return cls(DailyRepository(db), content, renderer, clock, poster, observe=observe)

    # -- configuration -------------------------------------------------------------

    async def configure(
        self,
        guild_id: int,
        channel_id: int,
        time_text: str,
        zone_text: str,
        start_text: str | None = None,
        ping_role_id: int | None = None,
        channel_kind: ChannelKind = ChannelKind.TEXT,
    ) -> Schedule:
        """Create or update the schedule in place.

        Without ``start_text`` a new schedule starts today and an existing one keeps
        its start date, so re-running setup to change the time does not reset the cohort;
        likewise without ``ping_role_id`` the ping role stays as it was.
        """
        post_time, timezone = parse_time(time_text), parse_zone(zone_text)
        existing = await self._repo.schedule(guild_id)
        today = self._clock.now().astimezone(zone(timezone)).date()
        if start_text:
            start = parse_start_date(start_text, today)
        else:
            start = existing.start_date if existing else today
        schedule = Schedule(guild_id, channel_id, post_time, timezone, start,
                            channel_kind=channel_kind, ping_role_id=ping_role_id)
        await self._repo.save_schedule(schedule, self._clock.now())  # one write, role included
        return await self.require(guild_id)

    async def set_ping_role(self, guild_id: int, role_id: int | None) -> Schedule:
        """Mention ``role_id`` in each post from now on (None: mention no one)."""
        await self.require(guild_id)
        await self._repo.set_ping_role(guild_id, role_id, self._clock.now())
        return await self.require(guild_id)

    async def subscription_role(self, guild_id: int, role_id: int) -> int:
        """The role a Subscribe button on an old or new post may toggle: only the current one.

        A button carries the role it was posted with; after an organiser changes the
        ping role, old buttons must not hand out a role that no longer means "ping me".
        """
        schedule = await self._repo.schedule(guild_id)
        if schedule is None or schedule.ping_role_id is None:
            raise BotError("Daily pings are off in this server now, so there is nothing to "
                           "subscribe to.")
        if schedule.ping_role_id != role_id:
            raise BotError(f"This post's ping role is no longer used: the daily ping now goes "
                           f"to <@&{schedule.ping_role_id}>. Use the button on today's post.")
        return role_id

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

    async def status(self, guild_id: int) -> DailyStatus:
        schedule = await self.require(guild_id)
        now, today = self._clock.now(), self.today(schedule)
        last_post = await self._repo.last_post(guild_id)
        return DailyStatus(
            schedule=schedule,
            today=today,
            day=cohort_day(schedule, today),
            plan=self.plan_today(schedule),
            next_post=upcoming_post(schedule, last_post, now),
            last_post=last_post,
        )

    async def channel_deleted(self, guild_id: int, channel_id: int) -> bool:
        """Flag the schedule if its channel was deleted; True when it was the daily channel."""
        schedule = await self._repo.schedule(guild_id)
        if schedule is None or schedule.channel_id != channel_id:
            return False
        await self._repo.set_attention(
            guild_id, Attention.CHANNEL_GONE, "the channel was deleted", self._clock.now()
        )
        log.warning("daily channel deleted: guild %s channel %s", guild_id, channel_id)
        return True

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
        paused_days = paused_days_after_resume(schedule, self.today(schedule))
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
        return await self._delivery.post(schedule, plan, self.today(schedule))

    async def run_guild(self, guild_id: int) -> PostResult | None:
        """The scheduled job and startup catch-up: post today's day if its time has come."""
        schedule = await self._repo.schedule(guild_id)
        if schedule is None or not await self._is_due(schedule):
            return None
        plan = self.plan_today(schedule)
        assert plan is not None  # noqa: S101 - _is_due checked the day
        return await self._delivery.post(schedule, plan, self.today(schedule))

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
        now = self._clock.now()
        if schedule.stopped or now < today_instant(schedule, now):
            return False
        day = cohort_day(schedule, local_date(schedule, now))
        if day < 1:
            return False
        record = await self._repo.post(schedule.guild_id, schedule.epoch, day)
        return record is None or not record.completed
