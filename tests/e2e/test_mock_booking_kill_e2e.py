"""A booking survives the bot process being SIGKILLed while it waits: after a restart the
round opens at its time exactly once, with its seats, and a second restart repeats nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from tests.e2e.test_mock_booking_e2e import (
    ACTIVE,
    book,
    booking_world,
    field,
    press,
    signups,
    stamp,
    the_event,
)
from tests.e2e.test_mock_e2e import embeds

LEAD = 20  # seconds between booking and the start: time to sign up (on a loaded box), then kill


async def test_sigkill_while_a_booking_waits_opens_it_once_after_restart(
    standin, bot_env, start_bot_process, run_bot
):
    guild, general, p = booking_world(standin)
    env = {**bot_env, "MOCK_MINUTE_SECONDS": "1"}  # the check-in closes 5 s after the start
    first = await start_bot_process(env, name="first")
    try:
        await standin.wait_until(lambda: "ready as" in first.output(), timeout=30, what="ready")
        start = int(time.time()) + LEAD
        reply = await book(standin, p["host"], general, stamp(datetime.fromtimestamp(start, UTC)))
        assert "Booked for" in reply["content"]
        (signup,) = signups(standin, general)
        await press(standin, p["cand"], signup, ":seat:candidate")
        await press(standin, p["wendy"], signup, ":seat:waitlist")
    finally:
        await first.kill()  # SIGKILL: no shutdown code runs
    assert time.time() < start, "the booking must still be waiting when the bot dies"
    thread = int(signup["id"])
    async with run_bot(env):
        await standin.wait_until(lambda: embeds(standin, thread, "The booked round is open"),
                                 timeout=LEAD + 20, what="the opening after the restart")
        opened_at = time.time()
        (opened,) = embeds(standin, thread, "The booked round is open")
        assert standin.pinged(opened).users == {p["cand"]}
        await standin.wait_until(lambda: the_event(standin, guild)["status"] == ACTIVE,
                                 what="event active")
        # Nobody pressed "I'm here": five session minutes later wendy has the seat.
        await standin.wait_until(lambda: embeds(standin, thread, "Check-in closed"),
                                 timeout=20, what="the check-in")
    assert opened_at >= start - 1, (opened_at, start)  # not early (a loaded box may be late)
    async with run_bot(env):  # a second restart finds everything done
        (lobby,) = embeds(standin, thread, "Mock ·")
        # The lobby edit may still be in the outbox from the run before (it stopped right
        # after the check-in), and is re-driven now: at load 5 that once took over 10 s.
        await standin.wait_until(
            lambda: f"<@{p['wendy']}>" in field(standin.message(int(lobby["id"])), "Who is who"),
            timeout=30, what="wendy in the lobby")
    assert len(embeds(standin, thread, "The booked round is open")) == 1
    assert len(embeds(standin, thread, "Mock ·")) == 1
    assert len(embeds(standin, thread, "Check-in closed")) == 1
    threads = [r for r in standin.requests("POST") if r.path.endswith("/threads")]
    assert [r.path for r in threads] == [f"/channels/{general}/messages/{thread}/threads"]
    assert all(r.status < 300 for r in threads)
