"""What an organiser is told for each bad ``/daily setup`` option."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.daily.validation import (
    BotRoleView,
    RoleView,
    check_channel_permissions,
    parse_start_date,
    parse_time,
    ping_role_problems,
)
from bot.errors import BotError
from bot.permissions import DAILY_CHANNEL_NEEDS, missing_permissions

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(("text", "expected"),
                         [("09:00", time(9)), ("7:05", time(7, 5)), ("23:59", time(23, 59)),
                          (" 00:00 ", time(0))])
def test_times_on_a_24_hour_clock(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("25:00", "`25:00` is not a time of day: hours go 00-23"),
    ("12:60", "`12:60` is not a time of day"),
    ("9am", "`9am` is not a time: use 24-hour HH:MM"),
    ("", "is not a time"),
])
def test_bad_times_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BotError) as error:
        parse_time(text)
    assert message in error.value.user_message


def test_start_dates_within_a_year_either_side() -> None:
    assert parse_start_date("2027-11-23", TODAY) == date(2027, 11, 23)
    assert parse_start_date("2025-11-23", TODAY) == date(2025, 11, 23)
    with pytest.raises(BotError, match="2027-11-24 is more than a year from today"):
        parse_start_date("2027-11-24", TODAY)
    with pytest.raises(BotError, match="is not a date: use YYYY-MM-DD, for example 2026-11-23"):
        parse_start_date("23/11/2026", TODAY)


class Perms:
    """Stands in for discord.Permissions: boolean attributes, as missing_permissions reads."""

    def __init__(self, **granted: bool) -> None:
        self.__dict__.update(granted)


def test_each_missing_channel_permission_is_named() -> None:
    perms = Perms(view_channel=True, send_messages=True, embed_links=False,
                  create_public_threads=False, send_messages_in_threads=True)
    missing = [need.label for need in missing_permissions(perms, DAILY_CHANNEL_NEEDS)]
    with pytest.raises(BotError) as error:
        check_channel_permissions("design", missing)
    message = error.value.user_message
    assert "I can't post in #design" in message
    assert "**Embed Links**, **Create Public Threads**" in message
    assert "Send Messages" not in message


def test_a_channel_with_every_permission_passes() -> None:
    perms = Perms(**{need.flag: True for need in DAILY_CHANNEL_NEEDS})
    missing = [n.label for n in missing_permissions(perms, DAILY_CHANNEL_NEEDS)]
    assert missing == []
    check_channel_permissions("design", missing)  # raises BotError when anything is missing


BOT = BotRoleView("Bar Raiser", top_position=5, manage_roles=True)


def test_a_normal_role_below_the_bot_works() -> None:
    assert ping_role_problems(RoleView(1, "daily-ping", 2, mentionable=True), BOT) == []


@pytest.mark.parametrize(("role", "me", "says"), [
    (None, BOT, "I can't find that role in this server"),
    (RoleView(9, "@everyone", 0, is_default=True), BOT, "@everyone can't be the ping role"),
    (RoleView(1, "Nitro Booster", 2, managed=True), BOT, "belongs to a bot or integration"),
    (RoleView(1, "daily-ping", 2), BotRoleView("Bar Raiser", 5, manage_roles=False),
     "I need **Manage Roles** to give @daily-ping"),
    (RoleView(1, "daily-ping", 5), BOT,
     "My highest role (@Bar Raiser) must be above @daily-ping to give it: Server Settings → "
     "Roles → drag @Bar Raiser above @daily-ping"),
    (RoleView(1, "daily-ping", 2, mentionable=False), BOT, "can't be mentioned"),
])
def test_each_ping_role_problem_names_its_fix(
    role: RoleView | None, me: BotRoleView, says: str
) -> None:
    problems = ping_role_problems(role, me)
    assert len(problems) == 1 and says in problems[0], problems


def test_mention_everyone_lets_the_bot_ping_an_unmentionable_role() -> None:
    me = BotRoleView("Bar Raiser", 5, manage_roles=True, mention_everyone=True)
    assert ping_role_problems(RoleView(1, "daily-ping", 2, mentionable=False), me) == []
