"""Trends for /progress: each checklist item's hit rate by week, and points per week.

Weeks are the guild's local calendar weeks (Monday first), the last ``TREND_WEEKS``
ending with this week. Points per week apply the same ``PointsRules`` as the
leaderboard to the same inputs (substantive answers, best-of-day reviews, mock
rounds), so the chart and the board cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.progress.model import CHECKLIST_ITEMS, MemberHistory
from bot.progress.points import PointsRules

TREND_WEEKS = 8


@dataclass(frozen=True)
class Trends:
    weeks: tuple[date, ...]  # the Monday of each week, oldest first
    hit_rates: dict[str, tuple[float | None, ...]]  # per item, per week; None: no reviews
    reviews: tuple[int, ...]  # reviews per week
    points: tuple[int, ...]  # points per week

    @property
    def has_data(self) -> bool:
        return any(self.points) or any(self.reviews)


def week_starts(today: date, weeks: int = TREND_WEEKS) -> tuple[date, ...]:
    this_monday = today - timedelta(days=today.weekday())
    return tuple(this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1))


def first_trend_day(today: date, weeks: int = TREND_WEEKS) -> date:
    return week_starts(today, weeks)[0]


def compute_trends(
    history: MemberHistory, today: date, zone: ZoneInfo, rules: PointsRules,
    weeks: int = TREND_WEEKS,
) -> Trends:
    starts = week_starts(today, weeks)

    def week_of(day: date) -> int | None:
        index = (day - starts[0]).days // 7
        return index if 0 <= index < weeks and day <= today else None

    met: dict[str, Counter[int]] = {item: Counter() for item in CHECKLIST_ITEMS}
    judged: dict[str, Counter[int]] = {item: Counter() for item in CHECKLIST_ITEMS}
    for instant, item, was_met in history.labels:
        week = week_of(instant.astimezone(zone).date())
        if week is not None:
            judged[item][week] += 1
            met[item][week] += was_met
    points = [0] * weeks
    for day in history.answer_days:
        if (week := week_of(day)) is not None:
            points[week] += rules.daily_answer
    for day, best in history.review_days:
        if (week := week_of(day)) is not None:
            points[week] += rules.for_review(best)
    for instant, role in history.mocks:
        if (week := week_of(instant.astimezone(zone).date())) is not None:
            points[week] += rules.for_mock(role)
    rates = {
        item: tuple(met[item][w] / judged[item][w] if judged[item][w] else None
                    for w in range(weeks))
        for item in CHECKLIST_ITEMS
    }
    reviews = tuple(max((judged[item][w] for item in CHECKLIST_ITEMS), default=0)
                    for w in range(weeks))
    return Trends(starts, rates, reviews, tuple(points))
