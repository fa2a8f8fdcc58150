"""Discord answering slowly: a slow post and a slow interaction callback lose and repeat nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from standin import permissions as perms


def zone_far_from_midnight() -> str:
    """A zone where 23:59 today is hours away, so the scheduler never posts during the test
    (it did once, when CI ran this at 23:59 UTC): UTC by day, Tokyo (UTC+9, no DST) around
    midnight UTC."""
    return "UTC" if 2 <= datetime.now(UTC).hour < 20 else "Asia/Tokyo"


def day_posts(standin, channel_id):
    return [m for m in standin.channel_messages(channel_id)
            if m.get("embeds") and m["embeds"][0].get("title", "").startswith("Day 1 ·")]


async def test_a_slow_message_create_still_posts_the_day_exactly_once(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    design = guild.add_text_channel("design")
    admin = guild.add_member("admin", permissions=perms.MANAGE_GUILD)
    async with run_bot(bot_env):
        setup = standin.slash(admin, general, "daily setup",
                              {"channel": design, "time": "23:59",
                               "timezone": zone_far_from_midnight()})
        await setup.wait_message()
        standin.delay_next("POST", "/channels/{channel_id}/messages", seconds=2.5)
        now = standin.slash(admin, general, "daily now", {})
        reply = await now.wait_message(timeout=15)
        again = standin.slash(admin, general, "daily now", {})
        second = await again.wait_message(timeout=15)
    assert not standin.router.faults.pending  # the delay really hit the post
    assert "Posted day 1" in reply["content"]
    assert "already posted" in (second.get("content") or str(second.get("embeds")))
    assert len(day_posts(standin, design)) == 1


async def test_a_slow_interaction_callback_still_answers_once(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    general = next(iter(guild.channels))
    async with run_bot(bot_env):
        standin.delay_next("POST", "/interactions/*/*/callback", seconds=1.5)
        call = standin.slash(member, general, "roadmap", {})
        reply = await call.wait_message(timeout=10)
    assert not standin.router.faults.pending  # the delay really hit the callback
    assert call.latency >= 1.5
    assert reply["embeds"][0]["title"] == "The 12-week roadmap"
    assert len(call.messages()) == 1
