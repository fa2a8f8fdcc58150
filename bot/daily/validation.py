"""Parsing and checking what an organiser types into ``/daily setup``.

Every failure is a ``BotError`` that names the bad value and shows a good one,
because the organiser fixes it by retyping one option.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import date, time
from functools import lru_cache

from bot.errors import BotError
from bot.text import echo

MAX_START_DISTANCE_DAYS = 365
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$", re.ASCII)
# Shown when the autocomplete query is empty: where study groups usually are.
COMMON_ZONES = (
    "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Sao_Paulo", "Europe/London", "Europe/Berlin", "Europe/Paris", "Africa/Lagos",
    "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo",
    "Australia/Sydney", "Pacific/Auckland",
)


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


@lru_cache(maxsize=1)
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in _zones()}


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


def parse_zone(text: str) -> str:
    """An IANA zone name (case-insensitive); unknown names get the closest real ones."""
    name = _zones_by_folded_name().get(text.strip().casefold())
    if name is not None:
        return name
    suggestions = closest_zones(text)
    hint = f" Did you mean {', '.join(f'`{z}`' for z in suggestions)}?" if suggestions else ""
    raise BotError(
        f"`{echo(text)}` is not a time zone I know.{hint} Use an IANA name like `Europe/London`."
    )


def closest_zones(text: str, limit: int = 3) -> list[str]:
    """Zone names closest to ``text``, comparing both full names and the city part."""
    folded = text.strip().casefold().replace(" ", "_")
    by_name = _zones_by_folded_name()
    by_city = {name.rsplit("/", 1)[-1]: zone for name, zone in by_name.items()}
    matches = difflib.get_close_matches(folded, list(by_name), n=limit, cutoff=0.6)
    matches += difflib.get_close_matches(folded, list(by_city), n=limit, cutoff=0.6)
    found = [by_name.get(m) or by_city[m] for m in matches]
    return list(dict.fromkeys(found))[:limit]


def zone_choices(query: str, limit: int = 25) -> list[str]:
    """Autocomplete: names containing the query, those starting with it first."""
    folded = query.strip().casefold()
    if not folded:
        return list(COMMON_ZONES[:limit])
    hits = [z for z in _zones() if folded in z.casefold()]
    hits.sort(key=lambda z: (not z.casefold().rsplit("/", 1)[-1].startswith(folded), z))
    return hits[:limit] or closest_zones(query, limit)


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
