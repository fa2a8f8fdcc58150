"""Streaks over local days: paused days neither break nor extend a streak."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.progress.model import LocalWindow
from bot.progress.streaks import Streaks, compute_streaks

TODAY = date(2026, 11, 23)


def days_ago(*offsets: int) -> list[date]:
    return [TODAY - timedelta(days=n) for n in offsets]


def test_no_answers_means_no_streak() -> None:
    assert compute_streaks([], TODAY) == Streaks(0, 0)


def test_consecutive_days_ending_today_count() -> None:
    assert compute_streaks(days_ago(0, 1, 2), TODAY) == Streaks(3, 3)


def test_today_unanswered_does_not_break_a_streak_ending_yesterday() -> None:
    assert compute_streaks(days_ago(1, 2), TODAY) == Streaks(2, 2)


def test_a_missed_day_ends_the_current_streak_but_keeps_the_longest() -> None:
    answered = days_ago(2, 3, 4, 5)
    assert compute_streaks(answered, TODAY) == Streaks(0, 4)


def test_gap_splits_runs() -> None:
    answered = days_ago(0, 1, 5, 6, 7, 8)
    assert compute_streaks(answered, TODAY) == Streaks(2, 4)


def test_paused_days_bridge_a_streak() -> None:
    answered = days_ago(0, 4, 5)
    paused = days_ago(1, 2, 3)
    assert compute_streaks(answered, TODAY, paused) == Streaks(3, 3)


def test_paused_days_keep_the_current_streak_alive() -> None:
    answered = days_ago(3, 4)
    paused = days_ago(1, 2)
    assert compute_streaks(answered, TODAY, paused).current == 2


def test_an_unpaused_gap_among_paused_days_still_breaks() -> None:
    answered = days_ago(0, 4)
    paused = days_ago(1, 3)
    assert compute_streaks(answered, TODAY, paused) == Streaks(1, 1)


def test_duplicate_days_count_once() -> None:
    assert compute_streaks([TODAY, TODAY, TODAY], TODAY) == Streaks(1, 1)


def test_a_local_window_spans_whole_local_days_east_and_west_of_utc() -> None:
    tokyo = LocalWindow(date(2026, 11, 16), date(2026, 11, 22), ZoneInfo("Asia/Tokyo"))
    assert tokyo.start == datetime(2026, 11, 15, 15, 0, tzinfo=UTC)
    assert tokyo.end == datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    los_angeles = LocalWindow(date(2026, 11, 1), date(2026, 11, 1), ZoneInfo("America/Los_Angeles"))
    assert los_angeles.end - los_angeles.start == timedelta(hours=25)  # DST ends that day
