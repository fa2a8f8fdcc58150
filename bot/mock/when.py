"""When a booked round starts, as members type it into ``/mock schedule``.

Two forms. A Discord timestamp (``<t:1700000000:F>``, what Discord's own
timestamp picker and many bots paste) is an exact instant. A date and time
(``2026-12-10 19:00``) is read in the server's zone: the daily schedule's zone
when ``/daily setup`` has set one, else a zone written after it
(``2026-12-10 19:00 London``, anything ``/daily setup`` accepts). Without either
the member is asked for one, never guessed: "19:00" in the wrong zone books the
wrong hour for everyone. Wall times in a DST gap move to the first valid minute,
as the daily post does (``bot.daily.timing.post_instant``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.daily.timing import post_instant
from bot.daily.validation import parse_time
from bot.daily.zones import parse_zone
from bot.errors import BotError
from bot.mock.model_booking import MAX_DAYS_AHEAD
from bot.text import echo

_TIMESTAMP = re.compile(r"^\s*<t:(-?\d{1,12})(?::[tTdDfFR])?>\s*$", re.ASCII)
_DATE_TIME = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2})[ T]+(\d{1,2}:\d{2})\s*(.*?)\s*$", re.ASCII | re.DOTALL)
EXAMPLE = "`2026-12-10 19:00` or a Discord timestamp like `<t:1700000000:F>`"


def parse_when(text: str, now: datetime, server_zone: ZoneInfo | None) -> datetime:
    """The UTC instant ``text`` names, in the future and at most 90 days ahead."""
    instant = _instant(text, now, server_zone)
    if instant <= now:
        raise BotError(
            f"{_shown(instant)} is in the past. Book a time still to come, e.g. "
            f"`{(now + timedelta(days=1)).strftime('%Y-%m-%d')} 19:00`.")
    if instant - now > timedelta(days=MAX_DAYS_AHEAD):
        raise BotError(
            f"{_shown(instant)} is more than {MAX_DAYS_AHEAD} days ahead. Book a round within "
            f"{MAX_DAYS_AHEAD} days (by {_shown(now + timedelta(days=MAX_DAYS_AHEAD))}).")
    return instant


def _instant(text: str, now: datetime, server_zone: ZoneInfo | None) -> datetime:
    stamp = _TIMESTAMP.match(text)
    if stamp:
        try:
            return datetime.fromtimestamp(int(stamp.group(1)), UTC)
        except (OverflowError, OSError, ValueError):
            raise BotError(f"`{echo(text)}` is not a date I can use: write {EXAMPLE}.") from None
    match = _DATE_TIME.match(text)
    if not match:
        raise BotError(f"`{echo(text)}` is not a date and time: write {EXAMPLE}.")
    try:
        day = date.fromisoformat(_padded(match.group(1)))
    except ValueError:
        raise BotError(f"`{echo(match.group(1))}` is not a date: use YYYY-MM-DD, for example "
                       f"{now.date().isoformat()}.") from None
    at = parse_time(match.group(2))
    zone_text = match.group(3)
    if zone_text:
        zone = ZoneInfo(parse_zone(zone_text))
    elif server_zone is not None:
        zone = server_zone
    else:
        raise BotError(
            "This server has no daily schedule, so I don't know which time zone "
            f"`{echo(text)}` is in. Add one after the time (`{match.group(1)} "
            f"{match.group(2)} London`, `… Europe/Berlin`, `… PST`) or paste a Discord "
            "timestamp like `<t:1700000000:F>`.")
    return post_instant(day, at, zone)


def _padded(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _shown(instant: datetime) -> str:
    """An instant every reader sees in their own zone."""
    return f"<t:{int(instant.timestamp())}:F>"
