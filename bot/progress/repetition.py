"""Spaced repetition for missed checklist items (opt-in per member).

A missed item comes back as a drill 1 day after the miss, then 3, 7 and 14
days after each delivery (staying at 14 days from then on), and drops out
once the member meets it in two reviews in a row. A new miss while the item
is on the ladder starts it again at 1 day, so a member who is still missing it
sees it soon, not in two weeks.

These functions only compute the next state; the rows in
``progress_reminders`` are the truth, so a restart neither loses nor repeats
a reminder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

LADDER_DAYS: tuple[int, ...] = (1, 3, 7, 14)
HITS_TO_GRADUATE = 2


@dataclass(frozen=True)
class Reminder:
    item: str
    due_at: datetime
    step: int  # index in LADDER_DAYS of the interval that set due_at
    consecutive_hits: int = 0


def after_review(
    reminder: Reminder | None, item: str, met: bool, reviewed_at: datetime
) -> Reminder | None:
    """The item's reminder after one review; None means no reminder should exist."""
    if reminder is None:
        return None if met else _restart(item, reviewed_at)
    if met:
        hits = reminder.consecutive_hits + 1
        return None if hits >= HITS_TO_GRADUATE else replace(reminder, consecutive_hits=hits)
    restarted = _restart(item, reviewed_at)
    if reminder.due_at <= restarted.due_at:
        return replace(reminder, consecutive_hits=0)
    return restarted


def after_delivery(reminder: Reminder, delivered_at: datetime) -> Reminder:
    """The next rung of the ladder once a reminder has been delivered."""
    step = min(reminder.step + 1, len(LADDER_DAYS) - 1)
    return replace(reminder, step=step, due_at=delivered_at + timedelta(days=LADDER_DAYS[step]))


def _restart(item: str, missed_at: datetime) -> Reminder:
    return Reminder(item=item, due_at=missed_at + timedelta(days=LADDER_DAYS[0]), step=0)
