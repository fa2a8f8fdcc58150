"""Booking a mock round ahead, through the stand-in: sign-up, "Interested", the automatic
opening, the no-show check with a waitlist promotion, and the event's status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import FixedClock
from standin import permissions as perms
from storage.mock import MockRepository
from storage.mock_booking import MockBookingRepository
from tests.e2e.test_mock_e2e import custom_ids, embeds

BOT_WITH_EVENTS = perms.BOT_DEFAULT | perms.CREATE_EVENTS
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4


def booking_world(standin: Any, bot_permissions: int = BOT_WITH_EVENTS) -> tuple[Any, int, dict]:
    guild = standin.add_guild("Study group", bot_permissions=bot_permissions)
    general = next(iter(guild.channels))
    people = {name: guild.add_member(name) for name in
              ("host", "cand", "ivy", "bea", "wendy", "iris", "otto")}
    return guild, general, people


def stamp(instant: datetime) -> str:
    return f"<t:{int(instant.timestamp())}:F>"


def signups(standin: Any, channel: int) -> list[dict[str, Any]]:
    return embeds(standin, channel, "Booked mock ·")


async def book(standin: Any, host: int, channel: int, when: str, **options: Any) -> dict:
    call = standin.slash(host, channel, "mock schedule",
                         {"when": when, "question": "shopping_cart", "mode": "text", **options})
    reply = await call.wait_message(timeout=15)
    assert call.ephemeral
    return reply


async def press(standin: Any, user: int, message: dict[str, Any], suffix: str) -> Any:
    custom_id = next(c for c in custom_ids(message) if c.endswith(suffix))
    return await standin.click(user, int(message["id"]), custom_id).wait_callback()


def field(message: dict[str, Any], name: str) -> str:
    return next(f["value"] for f in message["embeds"][0]["fields"] if f["name"] == name)


def the_event(standin: Any, guild: Any) -> dict[str, Any]:
    (event_id,) = standin.world.guilds[guild.id].scheduled_events
    return standin.scheduled_event(guild.id, event_id)


async def test_a_booked_round_signs_up_opens_itself_and_promotes_the_waitlist(
    standin, bot_env, run_bot
):
    guild, general, p = booking_world(standin)
    # The bot's clock starts at the real time so the real scheduler's timers line up with it.
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    start = clock.now() + timedelta(hours=2)
    env = {**bot_env, "MOCK_MINUTE_SECONDS": "60"}
    async with run_bot(env, clock=clock) as bot:
        reply = await book(standin, p["host"], general, stamp(start))
        assert "Booked for" in reply["content"] and stamp(start) in reply["content"]
        (signup,) = signups(standin, general)
        event = the_event(standin, guild)
        assert event["entity_type"] == 3 and event["status"] == SCHEDULED
        assert datetime.fromisoformat(event["scheduled_start_time"]) == start
        assert f"/events/{guild.id}/{event['id']}" in signup["embeds"][0]["description"]

        for user, seat in (("cand", "candidate"), ("ivy", "interviewer"),
                           ("bea", "bar_raiser"), ("wendy", "waitlist")):
            taken = await press(standin, p[user], signup, f":seat:{seat}")
            assert taken.callback_type == 7, taken.messages()  # the sign-up updated in place
        taken = await press(standin, p["otto"], signup, ":seat:candidate")
        assert taken.ephemeral and "candidate seat is taken" in taken.messages()[0]["content"]
        latest = standin.message(int(signup["id"]))
        assert f"<@{p['cand']}>" in field(latest, "Seats")
        assert f"1. <@{p['wendy']}>" in field(latest, "Waitlist")

        # "Interested" on the event puts iris on the waitlist, behind wendy.
        standin.mark_interested(p["iris"], guild.id, int(event["id"]))
        repo = MockBookingRepository(bot.database)
        (booking,) = await repo.live()

        async def iris_waits() -> bool:
            current = await repo.get(booking.booking_id)
            return p["iris"] in [h.user_id for h in current.waitlist]
        await standin.wait_until(
            lambda: f"2. <@{p['iris']}>" in field(standin.message(int(signup["id"])), "Waitlist"),
            timeout=10, what="iris on the sign-up message's waitlist")
        assert await iris_waits()
        standin.unmark_interested(p["iris"], guild.id, int(event["id"]))
        await standin.wait_until(
            lambda: f"<@{p['iris']}>" not in field(standin.message(int(signup["id"])),
                                                  "Waitlist"), timeout=10, what="iris gone")
        standin.mark_interested(p["iris"], guild.id, int(event["id"]))

        # The start: the real job, brought forward with the clock.
        clock.set(start)
        bot.scheduler.modify_job(f"booking:{booking.booking_id}:open",
                                 next_run_time=datetime.now(UTC))
        thread = int(signup["id"])  # the round's thread is started on the sign-up message
        await standin.wait_until(lambda: embeds(standin, thread, "The booked round is open"),
                                 timeout=15, what="the opening post")
        assert await iris_waits()
        (opened,) = embeds(standin, thread, "The booked round is open")
        assert standin.pinged(opened).users == {p["cand"], p["ivy"], p["bea"]}
        assert not standin.pinged(opened).roles and not standin.pinged(opened).everyone
        (lobby,) = embeds(standin, thread, "Mock ·")
        assert f"<@{p['cand']}>" in field(lobby, "Who is who")
        await standin.wait_until(lambda: the_event(standin, guild)["status"] == ACTIVE,
                                 what="event active")
        await standin.wait_until(
            lambda: "has opened" in standin.message(int(signup["id"]))["embeds"][0]["description"],
            what="the sign-up message says the round opened")
        assert not standin.message(int(signup["id"])).get("components")  # seats are fixed

        for user in ("cand", "ivy"):
            here = await press(standin, p[user], opened, ":here")
            assert here.ephemeral and "Checked in" in here.messages()[0]["content"]
        not_seated = await press(standin, p["wendy"], opened, ":here")
        assert "Only members holding a seat" in not_seated.messages()[0]["content"]

        # Five minutes after the start: bea never pressed "I'm here"; wendy takes her seat.
        clock.set(start + timedelta(minutes=5))
        bot.scheduler.modify_job(f"booking:{booking.booking_id}:check",
                                 next_run_time=datetime.now(UTC))
        await standin.wait_until(lambda: embeds(standin, thread, "Check-in closed"),
                                 timeout=15, what="the promotion")
        (promoted,) = embeds(standin, thread, "Check-in closed")
        text = promoted["embeds"][0]["description"]
        assert f"<@{p['wendy']}> takes the **bar raiser** seat" in text and \
            f"<@{p['bea']}>" in text
        assert standin.pinged(promoted).users == {p["wendy"]}
        await standin.wait_until(
            lambda: f"<@{p['wendy']}>" in field(standin.message(int(lobby["id"])), "Who is who"),
            timeout=15, what="the lobby shows the promotion")
        session = await MockRepository(bot.database).by_thread(thread)
        roles = {pt.user_id: pt.role.value for pt in session.state.participants}
        assert roles == {p["cand"]: "candidate", p["ivy"]: "interviewer",
                         p["wendy"]: "bar_raiser", p["host"]: "observer"}  # bea is out

        # The host starts and ends the round: the event completes.
        start_button = next(c for c in custom_ids(lobby) if c.endswith(":start"))
        await standin.click(p["host"], int(lobby["id"]), start_button).wait_callback()
        end = standin.slash(p["host"], thread, "mock end", {})
        await end.wait_message()
        await standin.wait_until(lambda: the_event(standin, guild)["status"] == COMPLETED,
                                 timeout=15, what="event completed")
        assert (await repo.get(booking.booking_id)).status.value == "done"
    assert len(embeds(standin, thread, "The booked round is open")) == 1
    assert len(embeds(standin, thread, "Mock ·")) == 1
    assert len(embeds(standin, thread, "Check-in closed")) == 1


async def test_bad_bookings_are_refused_with_the_fix(standin, bot_env, run_bot):
    guild, general, p = booking_world(standin)
    room = guild.add_voice_channel("Study room")
    bare = standin.add_guild("No events", bot_permissions=perms.BOT_DEFAULT)
    bare_general, bare_host = next(iter(bare.channels)), bare.add_member("host")
    now = datetime.now(UTC)
    async with run_bot(bot_env) as bot:
        cases = [
            (stamp(now - timedelta(hours=1)), {}, "is in the past"),
            ("next thursday", {}, "is not a date and time: write `2026-12-10 19:00`"),
            ("2026-13-40 19:00 UTC", {}, "is not a date: use YYYY-MM-DD"),
            (stamp(now + timedelta(days=100)), {}, "more than 90 days ahead"),
            ("2031-01-05 19:00", {}, "no daily schedule, so I don't know which time zone"),
            ("2031-01-05 19:00 Atlantis", {}, "is not a time zone I know"),
            (stamp(now + timedelta(days=1)), {"question": "no_such_question"},
             "There is no question `no_such_question`"),
            (stamp(now + timedelta(days=1)), {"mode": "voice"}, "needs a voice channel"),
        ]
        for when, extra, expected in cases:
            call = standin.slash(p["host"], general, "mock schedule",
                                 {"when": when, "question": "shopping_cart", "mode": "text",
                                  **extra})
            reply = await call.wait_message()
            assert call.ephemeral and expected in reply["content"], (when, reply["content"])
        refused = await book(standin, bare_host, bare_general, stamp(now + timedelta(days=1)))
        assert "I'm missing **Create Events**" in refused["content"]
        assert "Server Settings → Roles → Bar Raiser → enable them" in refused["content"]
        assert signups(standin, general) == [] and signups(standin, bare_general) == []
        assert not standin.world.guilds[guild.id].scheduled_events

        # A voice round's event is in its voice channel; the host cancels it before the start.
        voiced = await book(standin, p["host"], general, stamp(now + timedelta(days=2)),
                            mode="voice", voice_channel=room)
        assert "Booked for" in voiced["content"]
        event = the_event(standin, guild)
        assert event["entity_type"] == 2 and int(event["channel_id"]) == room
        (signup,) = signups(standin, general)
        assert f"<#{room}>" in signup["embeds"][0]["description"]
        stranger = await press(standin, p["otto"], signup, ":cancel")
        assert "Only the member who booked" in stranger.messages()[0]["content"]
        cancelled = await press(standin, p["host"], signup, ":cancel")
        assert cancelled.callback_type == 7
        assert "cancelled" in cancelled.callback_data["embeds"][0]["description"]
        assert not cancelled.callback_data.get("components")
        await standin.wait_until(lambda: the_event(standin, guild)["status"] == CANCELED,
                                 what="event cancelled")
        assert not bot.scheduling.job_ids("booking:")
