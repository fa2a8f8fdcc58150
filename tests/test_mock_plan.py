"""Time boxes: the rubric's ranges, the 60-minute spread and custom overrides."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.errors import BotError
from bot.mock.plan import parse_override, plan_minutes, spread_length


@dataclass(frozen=True)
class Range:
    min_minutes: int
    max_minutes: int


GUIDE = (Range(5, 10), Range(10, 15), Range(15, 20), Range(10, 15), Range(5, 10))


def test_45_minute_plan_uses_every_minimum() -> None:
    assert plan_minutes(GUIDE, 45) == (5, 10, 15, 10, 5)


def test_60_minute_plan_spreads_the_extra_15_within_the_maxima() -> None:
    minutes = plan_minutes(GUIDE, 60)
    assert minutes == (8, 13, 18, 13, 8)
    assert all(r.min_minutes <= m <= r.max_minutes for r, m in zip(GUIDE, minutes, strict=True))


def test_uneven_slack_gets_a_proportional_share_and_exact_total() -> None:
    minutes = spread_length((Range(5, 6), Range(10, 20), Range(1, 5)), 20)
    assert sum(minutes) == 20
    assert minutes == (5, 13, 2)  # shares 0.27, 2.67, 1.07 of the 4 extra


@pytest.mark.parametrize("length", [44, 71])
def test_length_outside_the_ranges_is_refused(length: int) -> None:
    with pytest.raises(BotError, match="between 45 and 70"):
        plan_minutes(GUIDE, length)


def test_override_wins_over_length() -> None:
    assert plan_minutes(GUIDE, 60, " 1, 2 ,3,4,30") == (1, 2, 3, 4, 30)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5,10,15,10", "5 whole numbers"),
        ("5,10,15,10,five", "5 whole numbers"),
        ("5,10,15,10,-5", "5 whole numbers"),
        ("0,10,15,10,5", "1-30"),
        ("5,10,31,10,5", "1-30"),
    ],
)
def test_bad_overrides_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BotError, match=message):
        parse_override(text, 5)


def test_blank_override_falls_back_to_the_length() -> None:
    assert plan_minutes(GUIDE, 45, "  ") == (5, 10, 15, 10, 5)
