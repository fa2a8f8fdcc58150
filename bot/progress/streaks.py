"""Answer streaks over the guild's local calendar days, with streak freezes.

A streak counts consecutive local days on which the member answered the daily
prompt. Days on which the schedule was paused are skipped, neither breaking
nor extending a streak: the group did not get a prompt, so the member could
not have answered one. Today never breaks a streak, because the day is not
over yet.

Freezes are a way back from one missed day. A member earns one for every 7 days
of a running streak and one for each mock round taken as candidate or
interviewer, and banks at most ``FREEZE_BANK``. A missed day with a freeze in
the bank uses one automatically: the streak goes on (the saved day does not add
to its length). Everything is replayed from the stored days, so there is no
freeze state to keep in step and no timer: the replay *is* the automatic use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

FREEZE_BANK = 2  # at most this many freezes banked
FREEZE_EVERY = 7  # a streak earns a freeze every this many days
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Streaks:
    current: int
    longest: int
    freezes: int = 0  # banked now
    days_saved: int = 0  # missed days a freeze bridged, ever


def compute_streaks(
    answered: Iterable[date],
    today: date,
    paused: Collection[date] = (),
    earned: Iterable[date] = (),
) -> Streaks:
    """Replay the member's days: answers, paused days, and freezes ``earned`` on the
    given local days (one per mock round as candidate or interviewer)."""
    days = set(answered)
    bonus = Counter(earned)
    if not days:
        return Streaks(0, 0, min(sum(bonus.values()), FREEZE_BANK), 0)
    paused_days = frozenset(paused)
    run = longest = saved = bank = 0
    day = min(min(days), min(bonus, default=today))
    while day <= today:
        bank = min(bank + bonus[day], FREEZE_BANK)
        if day in days:
            run += 1
            longest = max(longest, run)
            if run % FREEZE_EVERY == 0:
                bank = min(bank + 1, FREEZE_BANK)
        elif day < today and day not in paused_days and run > 0:
            if bank > 0:
                bank -= 1
                saved += 1
            else:
                run = 0
        day += _ONE_DAY
    return Streaks(current=run, longest=longest, freezes=bank, days_saved=saved)


def unposted_days(first: date, today: date, posted: Collection[date]) -> set[date]:
    """Local days from ``first`` to ``today`` without a daily post: the days a streak skips.

    The daily schedule keeps no list of paused dates, only its posts, and a day
    without a post (paused, bot down, before the start) is one on which the
    member could not answer.
    """
    span = (today - first).days + 1
    return {first + timedelta(days=n) for n in range(span)} - set(posted)
