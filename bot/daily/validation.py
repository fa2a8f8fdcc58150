"""Parsing and checking what an organiser types into ``/daily setup``.

Every failure is a ``BotError`` that names the bad value and shows a good one,
because the organiser fixes it by retyping one option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

from bot.errors import BotError
from bot.text import echo

MAX_START_DISTANCE_DAYS = 365
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$", re.ASCII)


@dataclass(frozen=True)
class RoleView:
    """A server role as the ping-role rules need it, read from Discord by the cog."""

    id: int
    name: str
    position: int
    managed: bool = False
    is_default: bool = False
    mentionable: bool = True


@dataclass(frozen=True)
class BotRoleView:
    """What the bot itself may do with roles in the server."""

    top_role_name: str
    top_position: int
    manage_roles: bool
    mention_everyone: bool = False


def ping_role_problems(role: RoleView | None, me: BotRoleView) -> list[str]:
    """Everything that stops the Subscribe button or the ping working, each with its fix.

    Discord lets a bot give a role only with Manage Roles and only when the bot's
    highest role is above it; a role that no one may mention pings no one.
    Used by ``/daily setup`` (refuses) and ``/doctor`` (reports). ``None`` is a role
    this server no longer has.
    """
    if role is None:
        return ["I can't find that role in this server (was it deleted?): pick an existing "
                "role, or create one such as `daily-ping`."]
    if role.is_default:
        return ["@everyone can't be the ping role: create a role such as `daily-ping` "
                "(Server Settings → Roles → Create Role) and name that one."]
    if role.managed:
        return [f"@{role.name} belongs to a bot or integration, so I can't give it to members: "
                "pick or create a normal role."]
    problems = []
    if not me.manage_roles:
        problems.append(f"I need **Manage Roles** to give @{role.name} to members who press "
                        "Subscribe: Server Settings → Roles → Bar Raiser → enable Manage Roles.")
    if role.position >= me.top_position:
        problems.append(f"My highest role (@{me.top_role_name}) must be above @{role.name} "
                        f"to give it: Server Settings → Roles → drag @{me.top_role_name} "
                        f"above @{role.name}.")
    if not role.mentionable and not me.mention_everyone:
        problems.append(f"@{role.name} can't be mentioned, so the post would ping no one: "
                        f"Server Settings → Roles → {role.name} → enable "
                        "\"Allow anyone to @mention this role\".")
    return problems


def parse_time(text: str) -> time:
    """``HH:MM`` on a 24-hour clock."""
    match = _TIME.match(text)
    if not match:
        raise BotError(f"`{echo(text)}` is not a time: use 24-hour HH:MM, for example 09:00 or 18:30.")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise BotError(
            f"`{echo(text)}` is not a time of day: hours go 00-23 and minutes 00-59 (e.g. 23:30)."
        )
    return time(hour, minute)


def parse_start_date(text: str, today: date) -> date:
    """``YYYY-MM-DD`` no more than a year before or after today in the guild's zone."""
    try:
        start = date.fromisoformat(text.strip())
    except ValueError:
        raise BotError(
            f"`{echo(text)}` is not a date: use YYYY-MM-DD, for example {today.isoformat()}."
        ) from None
    if abs((start - today).days) > MAX_START_DISTANCE_DAYS:
        raise BotError(
            f"{start.isoformat()} is more than a year from today ({today.isoformat()}): "
            "pick a start date within a year."
        )
    return start


def check_channel_permissions(channel_name: str, missing: list[str]) -> None:
    """Refuse a channel where the daily post would fail, naming every missing permission."""
    if missing:
        names = ", ".join(f"**{name}**" for name in missing)
        raise BotError(
            f"I can't post in #{channel_name}: I'm missing {names} there. "
            "Grant them to my role in that channel (or pick another channel) and run "
            "`/daily setup` again."
        )
