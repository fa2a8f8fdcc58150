"""Spaced-repetition reminders as a service: opt-in, and the daily deliveries due.

A member who opts in gets one reminder a day at their own local time (a zone
and time they choose, else the guild's daily time and zone), and only on days
when at least one checklist item's FSRS card is due; it says how many are due
and carries a drill for the most overdue one. The timer is the
``next_remind_at`` column: a delivery is claimed by moving it to the next local
occurrence before anything is sent, so a restart neither loses nor repeats one
(a crash between the claim and the send skips that one day's reminder).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.daily.timing import post_instant
from bot.daily.validation import parse_time
from bot.daily.zones import parse_zone
from bot.errors import BotError
from bot.progress.repetition import due
from bot.progress.service import Drill, ProgressService
from bot.sharding import Ownership
from storage.daily import DailyRepository
from storage.db import Database
from storage.progress import CardRepository, Preferences, ProgressRepository

log = logging.getLogger(__name__)

DELIVERIES = ("thread", "dm")
DEFAULT_TIME = time(18, 0)  # for a guild without a daily schedule
# A reminder found this late (the bot was down) is skipped rather than sent at an odd
# local hour; the member gets the next one at their time.
LATE_GRACE = timedelta(hours=2)


@dataclass(frozen=True)
class ReminderDelivery:
    """One reminder to send now: the number of items due and a drill for the first."""

    guild_id: int
    user_id: int
    delivery: str
    due_count: int
    drill: Drill


def next_local_time(at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first instant strictly after ``after`` when the wall clock in ``zone`` shows
    ``at`` (DST gaps move to the first existing minute, as daily posts do)."""
    today = after.astimezone(zone).date()
    for offset in range(3):
        candidate = post_instant(today + timedelta(days=offset), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("a wall time always recurs within two days")


class ReminderService:
    def __init__(
        self, repo: ProgressRepository, cards: CardRepository, daily: DailyRepository,
        progress: ProgressService, clock: Clock,
        ownership: Ownership | None = None,
    ) -> None:
        self._owns = (ownership or Ownership()).owns
        self._repo = repo
        self._cards = cards
        self._daily = daily
        self._progress = progress
        self._clock = clock

    @classmethod
    def from_database(cls, db: Database, progress: ProgressService, clock: Clock
                      ) -> ReminderService:
        return cls(ProgressRepository(db), CardRepository(db), DailyRepository(db), progress,
                   clock)

    async def daily_thread(self, guild_id: int) -> int | None:
        """The latest daily thread, where a reminder goes when it is not (or cannot be) a DM."""
        post = await self._daily.last_post(guild_id)
        return post.thread_id if post is not None else None

    async def _when(self, guild_id: int, preferences: Preferences) -> tuple[time, ZoneInfo]:
        """The member's reminder time and zone, defaulting to the guild's."""
        schedule = await self._daily.schedule(guild_id)
        zone = ZoneInfo(parse_zone(preferences.zone)) if preferences.zone else (
            schedule.zone if schedule else ZoneInfo("UTC"))
        at = preferences.remind_time or (schedule.post_time if schedule else DEFAULT_TIME)
        return at, zone

    async def set_reminders(
        self, guild_id: int, user_id: int, enabled: bool | None, delivery: str | None = None,
        at: str | None = None, zone: str | None = None,
    ) -> tuple[Preferences, datetime | None]:
        """Opt in or out (None keeps the current choice), or change where and when.

        Returns the preferences and, when on, the next reminder instant (UTC).
        """
        current = await self._repo.preferences(guild_id, user_id)
        enabled = current.reminders if enabled is None else enabled
        delivery = delivery or current.delivery
        if delivery not in DELIVERIES:
            raise BotError(f"Reminders go to one of {', '.join(DELIVERIES)}, not `{delivery}`.")
        chosen = replace(
            current, reminders=enabled, delivery=delivery,
            remind_time=parse_time(at) if at else current.remind_time,
            zone=parse_zone(zone) if zone else current.zone,
        )
        following = None
        if enabled:
            await self._progress.grader.grade_new_reviews()
            at_time, at_zone = await self._when(guild_id, chosen)
            following = next_local_time(at_time, at_zone, self._clock.now())
        chosen = replace(chosen, next_remind_at=following)
        await self._repo.set_reminders(guild_id, user_id, chosen, self._clock.now())
        return chosen, following

    async def due_count(self, guild_id: int, user_id: int) -> int:
        cards = await self._cards.cards(guild_id, user_id)
        return len(due(cards.values(), self._clock.now()))

    async def due_deliveries(self) -> list[ReminderDelivery]:
        """Claim every reminder whose local time has come and return what to send; each
        is returned once. A member with nothing due is skipped until the next day."""
        await self._progress.grader.grade_new_reviews()
        now = self._clock.now()
        deliveries = []
        for guild_id, user_id, preferences in await self._repo.due_reminders(now):
            if not self._owns(guild_id):
                continue  # the shard process of that server sends it
            at, zone = await self._when(guild_id, preferences)
            following = next_local_time(at, zone, now)
            seen = preferences.next_remind_at
            if not await self._repo.claim_reminder(guild_id, user_id, seen, following):
                continue  # another task or process claimed it
            if seen is None or now - seen > LATE_GRACE:
                continue  # no timer yet (just migrated), or too late to be "your time"
            count = await self.due_count(guild_id, user_id)
            if count == 0:
                continue  # nothing due today
            try:
                drill = await self._progress.drill(guild_id, user_id)
            except BotError as error:
                log.info("no drill for member reminder in guild %s: %s", guild_id,
                         error.user_message)
                continue
            deliveries.append(ReminderDelivery(guild_id, user_id, preferences.delivery,
                                               count, drill))
        return deliveries

    async def next_due_at(self) -> datetime | None:
        return await self._repo.next_reminder_at()
