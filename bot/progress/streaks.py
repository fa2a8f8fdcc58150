"""Answer streaks over the guild's local calendar days.

A streak counts consecutive local days on which the member answered the daily
prompt. Days on which the schedule was paused are skipped, neither breaking
nor extending a streak: the group did not get a prompt, so the member could
not have answered one. Today never breaks a streak, because the day is not
over yet.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int


def compute_streaks(
    answered: Iterable[date], today: date, paused: Collection[date] = ()
) -> Streaks:
    """Current and longest streaks from the local days a member answered on."""
    days = sorted(set(answered))
    if not days:
        return Streaks(0, 0)
    paused_days = frozenset(paused)
    longest = run = 1
    for previous, day in pairwise(days):
        run = run + 1 if _adjacent(previous, day, paused_days) else 1
        longest = max(longest, run)
    current = run if _still_alive(days[-1], today, paused_days) else 0
    return Streaks(current=current, longest=longest)


def unposted_days(first: date, today: date, posted: Collection[date]) -> set[date]:
    """Local days from ``first`` to ``today`` without a daily post: the days a streak skips.

    The daily schedule keeps no list of paused dates, only its posts, and a day
    without a post (paused, bot down, before the start) is one on which the
    member could not answer.
    """
    span = (today - first).days + 1
    return {first + timedelta(days=n) for n in range(span)} - set(posted)


def _adjacent(earlier: date, later: date, paused: frozenset[date]) -> bool:
    """True when every day strictly between the two was paused."""
    day = earlier + _ONE_DAY
    while day < later:
        if day not in paused:
            return False
        day += _ONE_DAY
    return True


def _still_alive(last_answer: date, today: date, paused: frozenset[date]) -> bool:
    """A streak survives until a whole unpaused day passes without an answer."""
    if last_answer >= today:
        return True
    return _adjacent(last_answer, today, paused)
