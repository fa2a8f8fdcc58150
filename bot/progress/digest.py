"""What the weekly digest says, and when one is due.

The digest is posted on the first day of each cohort week (days 8, 15, …),
looking back at the week just finished and ahead to the next one. Which week
a digest belongs to is a pure function of the cohort day, so the claim row
(guild_id, cohort_week) makes it exactly once per week.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.progress.model import ItemTally, Participation, weakest_item

DAYS_PER_WEEK = 7
STREAK_LEADERS = 3
MIN_GAIN = 0.10  # a hit rate must rise by 10 points to be called an improvement


@dataclass(frozen=True)
class Improvement:
    """A checklist item the group met more often than the week before."""

    item: str
    before: float
    after: float


@dataclass(frozen=True)
class WeekPreview:
    week: int
    theme: str
    must: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    week: int  # the cohort week being summarised
    participation: Participation
    streak_leaders: tuple[tuple[int, int], ...]  # (user_id, current streak), best first
    most_missed: ItemTally | None
    tip: str | None
    next_week: WeekPreview | None  # None after the last roadmap week
    improved: tuple[Improvement, ...] = ()  # biggest gain first


def improvements(
    before: tuple[ItemTally, ...], after: tuple[ItemTally, ...], min_gain: float = MIN_GAIN
) -> tuple[Improvement, ...]:
    """Items whose group hit rate rose by at least ``min_gain`` week over week; an
    item with no reviews in either week has nothing to compare."""
    earlier = {t.item: t.hit_rate for t in before}
    found = []
    for tally in after:
        old, new = earlier.get(tally.item), tally.hit_rate
        if old is not None and new is not None and new - old >= min_gain:
            found.append(Improvement(tally.item, old, new))
    return tuple(sorted(found, key=lambda i: i.before - i.after))


def digest_week_due(cohort_day: int) -> int | None:
    """The finished week a digest is due for on this cohort day, if any.

    Day 1 starts the cohort and has no past week to summarise.
    """
    if cohort_day <= DAYS_PER_WEEK or (cohort_day - 1) % DAYS_PER_WEEK:
        return None
    return (cohort_day - 1) // DAYS_PER_WEEK


def top_streaks(
    streaks: Mapping[int, int], limit: int = STREAK_LEADERS
) -> tuple[tuple[int, int], ...]:
    """The members with the longest running streaks (ties by user id, for stability)."""
    running = sorted(((u, s) for u, s in streaks.items() if s > 0), key=lambda p: (-p[1], p[0]))
    return tuple(running[:limit])


def build_digest(
    week: int,
    participation: Participation,
    streaks: Mapping[int, int],
    group_tallies: tuple[ItemTally, ...],
    tips: Mapping[str, str],
    next_week: WeekPreview | None,
    previous_tallies: tuple[ItemTally, ...] = (),
) -> Digest:
    """Assemble the digest; ``tips`` maps checklist item ids to the rubric's tip and
    ``previous_tallies`` are the week before's, to say what improved."""
    most_missed = weakest_item(group_tallies)
    return Digest(
        week=week,
        participation=participation,
        streak_leaders=top_streaks(streaks),
        most_missed=most_missed,
        tip=tips.get(most_missed.item) if most_missed else None,
        next_week=next_week,
        improved=improvements(previous_tallies, group_tallies),
    )

