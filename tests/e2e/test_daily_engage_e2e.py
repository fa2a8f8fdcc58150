"""Daily prompts a group sees (issue 18), end to end against the stand-in.

The opt-in ping (Subscribe/Unsubscribe gives and takes the role; the post pings
that role and no one else), "What counts", time zones as people type them, and
every new option refusing bad input with a clear, ephemeral reply.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from standin import permissions as perms
from standin.errors import StandInUsageError
from tests.e2e.test_daily_e2e import reply_to, text_of

BOT_WITH_ROLES = perms.BOT_DEFAULT | perms.MANAGE_ROLES


def ping_world(standin, *, bot_permissions=BOT_WITH_ROLES, bot_on_top: bool = True):
    guild = standin.add_guild("Study group", bot_permissions=bot_permissions)
    channel = guild.add_text_channel("design")
    admin = guild.add_member("ada", permissions=perms.MANAGE_GUILD)
    member = guild.add_member("bo")
    ping = guild.add_role("daily-ping", mentionable=True)
    if bot_on_top:
        standin.set_role_position(guild.id, guild.bot_role_id, 50)
    return guild, channel, admin, member, ping


def buttons(message: dict) -> dict[str, str]:
    return {c["label"]: c["custom_id"]
            for row in message.get("components", []) for c in row["components"]}


async def test_subscribe_unsubscribe_and_the_ping_reaches_only_the_role(
    standin, bot_env, run_bot
) -> None:
    guild, channel, admin, member, ping = ping_world(standin)
    general = next(iter(guild.channels))
    async with run_bot({**bot_env, "DEV_GUILD_ID": str(guild.id)}):
        setup = await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "00:00", "timezone": "UTC", "ping_role": ping})
        assert f"<@&{ping}>" in text_of(setup)
        await standin.wait_until(lambda: standin.channel_messages(channel), timeout=15,
                                 what="the daily post")
        [post] = standin.channel_messages(channel)
        ids = buttons(post)
        assert set(ids) == {"What counts", "Subscribe / Unsubscribe"}

        subscribe = standin.click(member, int(post["id"]), ids["Subscribe / Unsubscribe"])
        subscribed = await subscribe.wait_message()
        roles_after_subscribe = standin.member_roles(guild.id, member)
        unsubscribe = standin.click(member, int(post["id"]), ids["Subscribe / Unsubscribe"])
        unsubscribed = await unsubscribe.wait_message()
        roles_after_unsubscribe = standin.member_roles(guild.id, member)

        counts = standin.click(member, int(post["id"]), ids["What counts"])
        counts_reply = await counts.wait_message()

        # The bot's role sinks below the ping role: Discord refuses, the member hears why.
        standin.set_role_position(guild.id, guild.bot_role_id, 0)
        blocked = standin.click(member, int(post["id"]), ids["Subscribe / Unsubscribe"])
        blocked_reply = await blocked.wait_message()

    # The post mentions the role, and its allowed mentions list that role only.
    assert post["content"] == f"<@&{ping}>"
    assert post["mention_roles"] == [str(ping)]
    assert post["mentions"] == [] and not post["mention_everyone"]
    assert post["allowed_mentions"] == {"parse": [], "roles": [ping]}
    # Only the post itself may ping: every other message the bot sent pings no one.
    others = [r for r in standin.requests("POST") if isinstance(r.json, dict)
              and r.response and isinstance(r.response, dict)
              and r.response.get("id") != post["id"] and "content" in r.json]
    assert others and all((r.allowed_mentions or {"parse": []}) == {"parse": []} for r in others)
    # The button gives, then takes, the role; each reply is private.
    assert ping in roles_after_subscribe and ping not in roles_after_unsubscribe
    assert subscribe.ephemeral and "Subscribed" in subscribed["content"]
    assert unsubscribe.ephemeral and "Unsubscribed" in unsubscribed["content"]
    role_calls = [r for r in standin.requests() if "/roles/" in r.path]
    assert [(r.method, r.status) for r in role_calls] == [("PUT", 204), ("DELETE", 204),
                                                          ("PUT", 403)]
    assert blocked.ephemeral and "I'm not allowed to give @daily-ping" in blocked_reply["content"]
    assert ping not in standin.member_roles(guild.id, member)
    # What counts: the definitions, privately, not in the public post.
    assert counts.ephemeral and counts_reply["embeds"][0]["title"].startswith("What counts")
    assert len(text_of(post)) < 1300


async def test_a_bad_ping_role_or_channel_gets_a_clear_reply(standin, bot_env, run_bot) -> None:
    guild, channel, admin, _, ping = ping_world(standin, bot_on_top=False)
    general = next(iter(guild.channels))
    voice = guild.add_voice_channel("lounge")
    async with run_bot({**bot_env, "DEV_GUILD_ID": str(guild.id)}) as bot:
        above = await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "09:00", "timezone": "UTC", "ping_role": ping})
        everyone = await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "09:00", "timezone": "UTC", "ping_role": guild.id})
        no_intent = await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "09:00", "timezone": "UTC", "auto_review": True})
        standin.set_role_position(guild.id, guild.bot_role_id, 50)
        standin.set_role_permissions(guild.id, guild.bot_role_id, perms.BOT_DEFAULT)
        no_manage = await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "09:00", "timezone": "UTC", "ping_role": ping})
        schedule_saved = await bot.database.fetchone("SELECT COUNT(*) AS n FROM daily_schedules")
        # Discord offers only text channels for this option; a voice channel can't be sent.
        [synced] = [c for c in standin.registered_commands(guild.id) if c["name"] == "daily"]
        setup_cmd = next(o for o in synced["options"] if o["name"] == "setup")
        channel_option = next(o for o in setup_cmd["options"] if o["name"] == "channel")
        with pytest.raises(StandInUsageError, match="offers channel types"):
            standin.slash(admin, general, "daily setup",
                          {"channel": voice, "time": "09:00", "timezone": "UTC"})
    assert "My highest role (@Bar Raiser) must be above @daily-ping" in text_of(above)
    assert "drag @Bar Raiser above @daily-ping" in text_of(above)
    assert "@everyone can't be the ping role" in text_of(everyone)
    assert "I need **Manage Roles**" in text_of(no_manage)
    assert "Auto-review needs the Message Content intent" in text_of(no_intent)
    assert schedule_saved["n"] == 0  # refused before anything was saved
    assert 0 in channel_option["channel_types"] and 2 not in channel_option["channel_types"]
    assert not any("Traceback" in text_of(m) or "ref " in text_of(m)
                   for m in (above, everyone, no_manage, no_intent))


@pytest.mark.parametrize(("typed", "zone"), [
    ("PST", "America/Los_Angeles"), ("IST", "Asia/Kolkata"), ("London", "Europe/London"),
])
async def test_time_zones_people_type(standin, bot_env, run_bot, typed: str, zone: str) -> None:
    guild = standin.add_guild("Study group")
    channel = guild.add_text_channel("design")
    admin = guild.add_member("ada", permissions=perms.MANAGE_GUILD)
    general = next(iter(guild.channels))
    async with run_bot({**bot_env, "DEV_GUILD_ID": str(guild.id)}):
        reply = await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "23:59", "timezone": typed})
        offered = standin.autocomplete(admin, general, "daily setup",
                                       {"channel": channel, "time": "09:00", "timezone": typed},
                                       focused="timezone")
        await offered.wait_callback()
    text = text_of(reply)
    assert f"I read `{typed}` as **{zone}**" in text  # a wrong guess would be visible
    assert f"23:59 {zone}" in text and "Next post" in text
    assert offered.choices[0]["value"] == zone


async def test_an_ambiguous_zone_asks_which_one(standin, bot_env, run_bot) -> None:
    guild = standin.add_guild("Study group")
    channel = guild.add_text_channel("design")
    admin = guild.add_member("ada", permissions=perms.MANAGE_GUILD)
    general = next(iter(guild.channels))
    async with run_bot({**bot_env, "DEV_GUILD_ID": str(guild.id)}) as bot:
        asked = await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "09:00", "timezone": "CST"})
        offered = standin.autocomplete(admin, general, "daily setup",
                                       {"channel": channel, "time": "09:00", "timezone": "CST"},
                                       focused="timezone")
        await offered.wait_callback()
        saved = await bot.database.fetchone("SELECT COUNT(*) AS n FROM daily_schedules")
    text = text_of(asked)
    assert "`CST` can mean more than one time zone" in text and "Which one?" in text
    assert "`America/Chicago`" in text and "`Asia/Shanghai`" in text
    assert saved["n"] == 0
    assert [c["value"] for c in offered.choices[:3]] == [
        "America/Chicago", "Asia/Shanghai", "America/Havana"]


async def test_doctor_names_the_ping_role_fix_and_the_schedule_it_cannot_post(
    standin, bot_env, run_bot
) -> None:
    guild, channel, admin, _, ping = ping_world(standin)
    general = next(iter(guild.channels))
    # Starting tomorrow: a setup after 09:00 UTC would post today's prompt at once, in the
    # background, racing the permission taken away below (a post that fails shows as
    # "needs attention" instead, which is right, but not what this test reads).
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    async with run_bot({**bot_env, "DEV_GUILD_ID": str(guild.id)}):
        await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "09:00", "timezone": "UTC", "ping_role": ping,
            "start_date": tomorrow})
        healthy = text_of(await reply_to(standin, admin, general, "doctor", {}))
        standin.set_role_position(guild.id, guild.bot_role_id, 0)
        standin.set_overwrite(channel, guild.bot_role_id, deny=perms.SEND_MESSAGES)
        broken = text_of(await reply_to(standin, admin, general, "doctor", {}))
    assert "✅ Daily ping: @daily-ping" in healthy
    assert "ℹ️ Message Content intent: off. Auto-review is off here" in healthy
    assert "❌ Daily ping: My highest role (@Bar Raiser) must be above @daily-ping" in broken
    assert "Fix: Server Settings → Roles → drag @Bar Raiser above @daily-ping" in broken
    assert "❌ Daily prompts: I can't post in #design (missing Send Messages" in broken
    assert "✅ Daily prompts" not in broken
    assert "needed to post prompts, reviews and scorecards as embeds" in broken


async def test_guide_answers_every_roadmap_topic(standin, bot_env, run_bot) -> None:
    """A member types each roadmap topic's name into /guide: autocomplete offers its entry
    first, and the entry opens, privately, for all 25 topics plus the bar raiser."""
    from bot.content import load_content
    from bot.content.topics import find_topic, roadmap_topic_names

    content = load_content()
    names = [*roadmap_topic_names(content.roadmap), "bar raiser", "cap", "kafka"]
    guild = standin.add_guild("Study group")
    member = guild.add_member("bo")
    general = next(iter(guild.channels))
    opened: dict[str, tuple[str, str]] = {}
    async with run_bot({**bot_env, "DEV_GUILD_ID": str(guild.id)}):
        empty = standin.autocomplete(member, general, "guide", {"topic": ""}, focused="topic")
        await empty.wait_callback()
        for name in names:
            offered = standin.autocomplete(member, general, "guide", {"topic": name},
                                           focused="topic")
            await offered.wait_callback()
            value = offered.choices[0]["value"]
            reply = await reply_to(standin, member, general, "guide", {"topic": value})
            opened[name] = (value, reply["embeds"][0]["title"])
    topics = content.guide_topics()
    for name in names[:-3]:
        expected = find_topic(topics, name)
        assert opened[name] == (expected.id, expected.name), name
    assert opened["bar raiser"][0] == "bar_raiser_round"
    assert opened["cap"][0] == "cap_theorem" and opened["kafka"][0] == "kinesis"
    assert len(empty.choices) == 25
