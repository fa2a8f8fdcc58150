"""What the page can do: act as a member through the stand-in, and the playground's own controls.

Member actions are the stand-in's (``post_message``, ``slash``, ``click``, ...), so the bot
receives a real MESSAGE_CREATE or INTERACTION_CREATE. The time controls use only what a
real organiser could do in Discord:

- **Post tomorrow's prompt now** moves the cohort one day on with the organiser's own
  ``/daily setup`` (same channel, time and zone, start date one day earlier), then runs
  ``/daily now``. The bot's schedule really moves; no playground code runs in the bot.
- **Mock speed** restarts the bot with another ``MOCK_MINUTE_SECONDS`` (read at start);
  running rounds resume from the database at the new speed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from playground.core import DailySetup, Playground
from standin import InteractionRecord

MAX_CONTENT = 2000
SPEEDS = (60.0, 6.0, 1.0, 0.1)  # seconds per mock-session minute
ANSWER_WITHIN = 5.0


class RefusedError(Exception):
    """What the page asked cannot be done; the message is shown to the user."""


def _member(pg: Playground, body: dict[str, Any]) -> int:
    user_id = int(body["member"])
    if user_id not in pg.group.people:
        raise RefusedError("pick a member of the study group to act as")
    return user_id


def _accepted(record: InteractionRecord) -> dict[str, Any]:
    return {"interaction_id": str(record.id)}


async def message(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    """The member types a message: a real MESSAGE_CREATE the bot sees."""
    content = str(body["content"]).strip()
    if not content or len(content) > MAX_CONTENT:
        raise RefusedError(f"a message has 1 to {MAX_CONTENT} characters")
    sent = pg.standin.post_message(int(body["channel"]), _member(pg, body), content)
    return {"id": sent["id"]}


async def slash(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    user_id, channel_id, path = _member(pg, body), int(body["channel"]), str(body["path"])
    options = dict(body.get("options") or {})
    record = pg.standin.slash(user_id, channel_id, path, options)
    if path == "daily setup" and user_id == pg.group.organiser_id:
        # Like the bot: without start_date, an existing schedule keeps its start date.
        kept = pg.daily.start_date if pg.daily else None
        pg.daily = DailySetup(int(options["channel"]), str(options["time"]),
                              str(options["timezone"]), options.get("start_date") or kept)
    return _accepted(record)


async def autocomplete(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    """The bot's own suggestions for the option being typed."""
    record = pg.standin.autocomplete(_member(pg, body), int(body["channel"]), str(body["path"]),
                                     dict(body["options"]), focused=str(body["focused"]))
    await record.wait_callback(timeout=ANSWER_WITHIN)
    return {"choices": record.choices or []}


async def click(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    return _accepted(pg.standin.click(_member(pg, body), int(body["message_id"]),
                                      str(body["custom_id"])))


async def select(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    values = [str(v) for v in body["values"]]
    return _accepted(pg.standin.select(_member(pg, body), int(body["message_id"]),
                                       str(body["custom_id"]), values))


async def modal(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    """Submit the form the bot opened for this member."""
    shown = pg.standin.responses.by_id.get(int(body["interaction_id"]))
    if shown is None or shown.user_id != _member(pg, body):
        raise RefusedError("that form was opened for someone else")
    values = {str(k): str(v) for k, v in dict(body["values"]).items()}
    return _accepted(pg.standin.submit_modal(shown, values))


async def app_command(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    """Right-click a message → Apps → ``name``."""
    return _accepted(pg.standin.message_command(_member(pg, body), str(body["name"]),
                                                int(body["message_id"])))


def _start_date(setup: DailySetup) -> date:
    if setup.start_date:
        return date.fromisoformat(setup.start_date)
    try:
        return datetime.now(ZoneInfo(setup.timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        raise RefusedError(f"the daily setup's zone {setup.timezone!r} is unknown") from None


async def advance_day(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    """Tomorrow's prompt now: the organiser's ``/daily setup`` one day earlier, then ``/daily now``."""
    setup = pg.daily
    if setup is None:
        raise RefusedError("run /daily setup as the organiser first")
    earlier = (_start_date(setup) - timedelta(days=1)).isoformat()
    organiser = pg.group.organiser_id
    general = pg.group.channels["general"]
    moved = pg.standin.slash(organiser, general, "daily setup", {
        "channel": setup.channel_id, "time": setup.time, "timezone": setup.timezone,
        "start_date": earlier})
    await moved.wait_message(timeout=ANSWER_WITHIN)
    setup.start_date = earlier
    posted = pg.standin.slash(organiser, general, "daily now", {})
    return {"interaction_ids": [str(moved.id), str(posted.id)], "start_date": earlier}


async def speed(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    minute_seconds = float(body["minute_seconds"])
    if minute_seconds not in SPEEDS:
        raise RefusedError(f"pick one of {', '.join(f'{s:g}' for s in SPEEDS)} s per minute")
    await pg.supervisor.restart(minute_seconds)
    return await _after_restart(pg)


async def restart(pg: Playground, body: dict[str, Any]) -> dict[str, Any]:
    await pg.supervisor.restart()
    return await _after_restart(pg)


async def _after_restart(pg: Playground) -> dict[str, Any]:
    """Tell the page what the new process found in the same database."""
    persisted = await pg.supervisor.persisted()
    result = {"bot": pg.supervisor.status.payload(), "persisted": persisted,
              "database": pg.supervisor.database_path.name}
    pg.notice("RESTARTED", result)
    return result


ACTIONS: dict[str, Callable[[Playground, dict[str, Any]], Awaitable[dict[str, Any]]]] = {
    "message": message, "slash": slash, "autocomplete": autocomplete, "click": click,
    "select": select, "modal": modal, "app": app_command, "advance-day": advance_day,
    "speed": speed, "restart": restart,
}
