"""The 1/3/7/14-day ladder and the met-twice-in-a-row exit."""

from datetime import UTC, datetime, timedelta

from bot.clock import FixedClock
from bot.progress.repetition import Reminder, after_delivery, after_review

START = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def test_a_miss_schedules_the_item_one_day_later() -> None:
    reminder = after_review(None, "numbers_always", met=False, reviewed_at=START)
    assert reminder == Reminder("numbers_always", START + timedelta(days=1), step=0)


def test_meeting_an_item_without_a_reminder_changes_nothing() -> None:
    assert after_review(None, "numbers_always", met=True, reviewed_at=START) is None


def test_deliveries_climb_the_ladder_then_stay_at_fourteen_days() -> None:
    clock = FixedClock(START)
    reminder = after_review(None, "team_ownership", met=False, reviewed_at=clock.now())
    assert reminder is not None
    gaps = []
    for _ in range(5):
        clock.set(reminder.due_at)
        delivered = clock.now()
        reminder = after_delivery(reminder, delivered)
        gaps.append((reminder.due_at - delivered).days)
    assert gaps == [3, 7, 14, 14, 14]


def test_met_twice_in_a_row_drops_the_reminder() -> None:
    reminder = after_review(None, "failure_planning", met=False, reviewed_at=START)
    once = after_review(reminder, "failure_planning", met=True, reviewed_at=START)
    assert once is not None and once.consecutive_hits == 1
    assert after_review(once, "failure_planning", met=True, reviewed_at=START) is None


def test_a_miss_between_hits_resets_the_count() -> None:
    reminder = after_review(None, "failure_planning", met=False, reviewed_at=START)
    once = after_review(reminder, "failure_planning", met=True, reviewed_at=START)
    missed = after_review(once, "failure_planning", met=False, reviewed_at=START)
    again = after_review(missed, "failure_planning", met=True, reviewed_at=START)
    assert again is not None and again.consecutive_hits == 1


def test_a_new_miss_brings_a_distant_reminder_back_to_one_day() -> None:
    far = Reminder("customer_first", START + timedelta(days=14), step=3)
    reminder = after_review(far, "customer_first", met=False, reviewed_at=START)
    assert reminder == Reminder("customer_first", START + timedelta(days=1), step=0)


def test_a_new_miss_keeps_a_sooner_reminder() -> None:
    soon = Reminder("customer_first", START + timedelta(hours=2), step=1, consecutive_hits=1)
    reminder = after_review(soon, "customer_first", met=False, reviewed_at=START)
    assert reminder == Reminder("customer_first", START + timedelta(hours=2), step=1)
