"""Spaced-repetition reminders as a service: opt-in, applying reviews, due deliveries.

The reminder rows are the only timer. Reviews are applied in id order behind a
per-member watermark that moves in the same transaction as the reminders it
produced, and a delivery is claimed by moving the row to its next rung before
anything is sent. A restart therefore neither loses a reminder nor repeats
one; the price is that a crash between the claim and the send skips that one
delivery (the next rung still comes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.errors import BotError
from bot.progress.repetition import Reminder, after_delivery, after_review
from bot.progress.service import Drill, ProgressService
from storage.progress import ActivityReader, Preferences, ProgressRepository, ReviewOutcome

log = logging.getLogger(__name__)

DELIVERIES = ("thread", "dm")


@dataclass(frozen=True)
class ReminderDelivery:
    """One reminder to send now: a drill for the item, by DM or in the daily thread."""

    guild_id: int
    user_id: int
    delivery: str
    item: str
    rung: int  # 1-based rung of the ladder being delivered
    drill: Drill


class ReminderService:
    def __init__(
        self, repo: ProgressRepository, activity: ActivityReader, progress: ProgressService,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._activity = activity
        self._progress = progress
        self._clock = clock

    async def set_reminders(
        self, guild_id: int, user_id: int, enabled: bool | None, delivery: str | None = None
    ) -> Preferences:
        """Opt in or out (None keeps the current choice), or change where reminders go.

        Opting in starts with the member's next review, not old ones.
        """
        current = await self._repo.preferences(guild_id, user_id)
        enabled = current.reminders if enabled is None else enabled
        delivery = delivery or current.delivery
        if delivery not in DELIVERIES:
            raise ValueError(f"delivery must be one of {DELIVERIES}: {delivery!r}")
        watermark = current.reviewed_through
        if enabled and not current.reminders:
            watermark = await self._activity.latest_review_id(guild_id, user_id)
        await self._repo.set_reminders(
            guild_id, user_id, enabled, delivery, watermark, self._clock.now()
        )
        return Preferences(enabled, delivery, watermark)

    async def apply_new_reviews(self) -> int:
        """Feed reviews stored since the last run into opted-in members' ladders."""
        pending = await self._activity.unapplied_reviews()
        by_member: dict[tuple[int, int], list[ReviewOutcome]] = {}
        for outcome in pending:
            by_member.setdefault((outcome.guild_id, outcome.user_id), []).append(outcome)
        for (guild_id, user_id), outcomes in by_member.items():
            await self._apply(guild_id, user_id, outcomes)
        return len(pending)

    async def _apply(self, guild_id: int, user_id: int, outcomes: list[ReviewOutcome]) -> None:
        stored = await self._repo.reminders(guild_id, user_id)
        state: dict[str, Reminder | None] = {item: s.reminder for item, s in stored.items()}
        for outcome in outcomes:
            for item, met in outcome.items.items():
                state[item] = after_review(state.get(item), item, met, outcome.created_at)
        preferences = await self._repo.preferences(guild_id, user_id)
        await self._repo.apply_reviews(
            guild_id, user_id, state, preferences.delivery, outcomes[-1].id, self._clock.now()
        )

    async def due_deliveries(self) -> list[ReminderDelivery]:
        """Claim every due reminder and return what to send; each is returned only once."""
        now = self._clock.now()
        deliveries = []
        for stored in await self._repo.due_reminders(now):
            following = after_delivery(stored.reminder, now)
            if not await self._repo.claim_delivery(stored, following):
                continue  # another task or process claimed it
            try:
                drill = await self._progress.drill(
                    stored.guild_id, stored.user_id, item=stored.reminder.item
                )
            except BotError:
                log.warning("no drill prompt for %s; reminder %d skipped this rung",
                            stored.reminder.item, stored.id)
                continue
            deliveries.append(ReminderDelivery(
                stored.guild_id, stored.user_id, stored.delivery, stored.reminder.item,
                stored.reminder.step + 1, drill,
            ))
        return deliveries

    async def next_due_at(self) -> datetime | None:
        return await self._repo.next_due_at()
