"""Daily prompts end to end: the real bot against the stand-in.

Setup, a post fired by the real scheduler, /daily now, /daily status, /prompt,
/roadmap, /guide, a deleted channel, validation replies, and a SIGKILL halfway
through a post followed by a restart that finishes it: neither skipped nor doubled.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest
from apscheduler.events import (
    EVENT_JOB_ADDED,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MODIFIED,
    EVENT_JOB_REMOVED,
)

from bot.clock import FixedClock
from bot.daily.jobs import job_id
from bot.daily.models import Schedule
from standin import permissions as perms
from standin.errors import StandInUsageError
from standin.permissions import Overwrite
from storage.daily import DailyRepository
from storage.guilds import GuildRepository
from tests.stores import env_database

THREAD_ROUTE = "/channels/{channel_id}/messages/{message_id}/threads"
JOB_EVENTS = EVENT_JOB_ADDED | EVENT_JOB_REMOVED | EVENT_JOB_MODIFIED | EVENT_JOB_EXECUTED


def day_posts(standin, channel_id: int, day: int) -> list[dict]:
    return [m for m in standin.channel_messages(channel_id)
            if m.get("embeds") and m["embeds"][0].get("title", "").startswith(f"Day {day} · ")]


def study_world(standin):
    guild = standin.add_guild("Study group")
    channel = guild.add_text_channel("design")
    admin = guild.add_member("ada", permissions=perms.MANAGE_GUILD)
    member = guild.add_member("bo")
    return guild, channel, admin, member


async def reply_to(standin, user, channel, command, options, wait: float = 10):
    call = standin.slash(user, channel, command, options)
    message = await call.wait_message(timeout=wait)
    assert call.ephemeral  # a late callback would have failed with Discord's 10062
    return message


def next_run(bot, guild_id: int) -> datetime | None:
    """None also while the fired one-shot job is being replaced by tomorrow's."""
    job = bot.scheduler.get_job(job_id(guild_id))
    return job.next_run_time if job else None


async def until_jobs(bot, predicate, seconds: float = 15.0) -> None:
    """Wait for the bot's scheduler to satisfy ``predicate``, re-checked on each job event."""
    changed = asyncio.Event()

    def on_job_event(_event: object) -> None:
        changed.set()

    bot.scheduler.add_listener(on_job_event, JOB_EVENTS)
    try:
        async with asyncio.timeout(seconds):
            while True:
                changed.clear()
                if predicate():
                    return
                await changed.wait()
    finally:
        bot.scheduler.remove_listener(on_job_event)


def text_of(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", ""),
                  *(f["name"] + "\n" + f["value"] for f in embed.get("fields", [])),
                  embed.get("footer", {}).get("text", "")]
    return "\n".join(parts)


async def test_setup_scheduled_post_now_prompt_roadmap_and_deleted_channel(
    standin, bot_env, run_bot
) -> None:
    guild, channel, admin, member = study_world(standin)
    general = next(iter(guild.channels))
    # The bot's clock starts at the real time so the real scheduler's timers line up with it.
    clock = FixedClock(datetime.now(UTC).replace(second=0, microsecond=0))
    post_at = clock.now() + timedelta(hours=2)
    env = {**bot_env, "DEV_GUILD_ID": str(guild.id)}
    async with run_bot(env, clock=clock) as bot:
        setup = await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": post_at.strftime("%H:%M"), "timezone": "utc",
            "start_date": post_at.date().isoformat()})
        assert "set up" in text_of(setup) and f"<#{channel}>" in text_of(setup)
        assert next_run(bot, guild.id) == post_at

        # The post time arrives: bring the real job forward and let the scheduler fire it.
        clock.set(post_at)
        bot.scheduler.modify_job(job_id(guild.id), next_run_time=datetime.now(UTC))
        await standin.wait_until(lambda: day_posts(standin, channel, 1), timeout=15,
                                 what="day 1 post")
        post = day_posts(standin, channel, 1)[0]
        thread = int(post["id"])  # a thread started from a message shares its id
        await standin.wait_until(lambda: standin.channel_messages(thread), timeout=15,
                                 what="opener")
        await until_jobs(bot, lambda: next_run(bot, guild.id) == post_at + timedelta(days=1))
        assert "/check" in standin.channel_messages(thread)[0]["content"]
        assert "||" in text_of(post)  # hints behind spoilers

        again = await reply_to(standin, admin, general, "daily now", {})
        assert "already posted" in text_of(again)
        status = await reply_to(standin, admin, general, "daily status", {})
        assert "Day 1 of 84 · week 1 of 12" in text_of(status)
        prompt = await reply_to(standin, member, general, "prompt", {})
        assert "Today's prompt" in text_of(prompt)
        assert prompt["embeds"][0]["title"].startswith("Week 1 · day 1: ")
        other = await reply_to(standin, member, general, "prompt", {"week": 3, "day": 2})
        assert other["embeds"][0]["title"].startswith("Week 3 · day 2: ")
        roadmap = await reply_to(standin, member, general, "roadmap", {})
        assert "▶ **Week 1**" in roadmap["embeds"][0]["description"]
        choices = standin.autocomplete(member, general, "guide", {"topic": "shuffle"},
                                       focused="topic")
        await choices.wait_callback()
        assert "shuffle_sharding" in [c["value"] for c in choices.choices]
        guide = await reply_to(standin, member, general, "guide", {"topic": "shuffle_sharding"})
        assert guide["embeds"][0]["title"] == "Shuffle Sharding"

        assert not (await GuildRepository(bot.database).settings(guild.id)).auto_review

        clock.advance(timedelta(days=1))  # day 2, before the job: /daily now posts it
        standin.fail_next("POST", "/channels/*/messages", status=503)  # not retried by discord.py
        now = await reply_to(standin, admin, general, "daily now", {}, wait=30)
        assert "Posted day 2" in text_of(now)
        assert len(day_posts(standin, channel, 2)) == 1

        clock.advance(timedelta(days=1))  # day 3: the bot lost Create Public Threads there
        standin.set_overwrite(channel, guild.bot_role_id, deny=perms.CREATE_PUBLIC_THREADS)
        failed = await reply_to(standin, admin, general, "daily now", {})
        assert "couldn't finish posting day 3" in text_of(failed)
        flagged = await reply_to(standin, admin, general, "daily status", {})
        since = clock.now().date().isoformat()
        assert (f"missing permission Create Public Threads in <#{channel}> since {since}"
                in text_of(flagged))
        standin.set_overwrite(channel, guild.bot_role_id)
        fixed = await reply_to(standin, admin, general, "daily now", {})
        assert "Posted day 3" in text_of(fixed)
        [day3] = day_posts(standin, channel, 3)  # resumed: the message was not sent again
        assert day3["thread"]["name"].startswith("Day 3 · ")

        standin.delete_channel(channel)
        await until_jobs(bot, lambda: bot.scheduler.get_job(job_id(guild.id)) is None)
        gone = await reply_to(standin, admin, general, "daily status", {})
        assert "channel was deleted" in text_of(gone)
    assert len(day_posts(standin, channel, 1)) == 1
    posts = standin.requests("POST", "/channels/{channel_id}/messages")
    assert posts and all(r.allowed_mentions == {"parse": []} for r in posts)


async def test_setup_explains_each_bad_option(standin, bot_env, run_bot) -> None:
    guild, channel, admin, member = study_world(standin)
    general = next(iter(guild.channels))
    no_threads = guild.add_text_channel("locked", overwrites=[
        Overwrite(guild.bot_role_id, 0, deny=perms.CREATE_PUBLIC_THREADS)])
    env = {**bot_env, "DEV_GUILD_ID": str(guild.id)}
    async with run_bot(env) as bot:
        for command in ("daily pause", "daily now", "daily status"):
            with pytest.raises(StandInUsageError, match="is hidden from this member"):
                standin.slash(member, general, command, {})
        cases = {
            "`25:00` is not a time of day": {"time": "25:00", "timezone": "UTC"},
            "Did you mean `Europe/London`": {"time": "09:00", "timezone": "Europe/Londn"},
            "more than a year from today": {"time": "09:00", "timezone": "UTC",
                                            "start_date": "2031-01-01"},
        }
        for expected, options in cases.items():
            reply = await reply_to(standin, admin, general, "daily setup",
                                   {"channel": channel, **options})
            assert expected in text_of(reply)
        locked = await reply_to(standin, admin, general, "daily setup",
                                {"channel": no_threads, "time": "09:00", "timezone": "UTC"})
        assert "missing **Create Public Threads**" in text_of(locked)
        zones = standin.autocomplete(admin, general, "daily setup",
                                     {"channel": channel, "time": "09:00", "timezone": "kolk"},
                                     focused="timezone")
        await zones.wait_callback()
        assert zones.choices[0]["value"] == "Asia/Kolkata"
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
        await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "09:00", "timezone": "UTC", "start_date": tomorrow})
        assert bot.scheduler.get_job(job_id(guild.id)) is not None
        standin.remove_guild(guild.id)  # the bot is kicked: its job and schedule go
        await until_jobs(bot, lambda: bot.scheduler.get_job(job_id(guild.id)) is None)
        assert await DailyRepository(bot.database).schedule(guild.id) is None
    assert standin.channel_messages(channel) == []


async def test_sigkill_mid_post_then_restart_posts_exactly_once(
    standin, bot_env, start_bot_process
) -> None:
    guild, channel, _, _ = study_world(standin)
    today = datetime.now(UTC).date()
    async with env_database(bot_env) as db:
        await db.migrate()
        # 00:00 UTC has always passed today, so startup catch-up posts day 1 at once.
        await DailyRepository(db).save_schedule(
            Schedule(guild.id, channel, time(0, 0), "UTC", today), datetime.now(UTC))

    # The first process hangs in its thread call (held longer than it lives), so it dies
    # with the message sent and no thread: the half-done post the restart must finish.
    standin.delay_next("POST", THREAD_ROUTE, seconds=5)
    first = await start_bot_process(bot_env, name="first")
    try:
        await standin.wait_until(lambda: day_posts(standin, channel, 1), timeout=30,
                                 what="the post of the first process")
        # The thread call reaching the stand-in (held there) means the message id is recorded:
        # the delivery records it before it asks for the thread (bot.daily.delivery).
        await standin.wait_until(lambda: standin.requests("POST", THREAD_ROUTE), timeout=30,
                                 what="the first process's thread call")
    finally:
        await first.kill()
    assert "thread" not in day_posts(standin, channel, 1)[0]

    second = await start_bot_process(bot_env, name="second")
    try:
        await standin.wait_until(
            lambda: standin.channel_messages(int(day_posts(standin, channel, 1)[0]["id"])),
            timeout=30, what="thread opener after restart")
    finally:
        await second.terminate()
    [post] = day_posts(standin, channel, 1)
    assert post["thread"]["name"].startswith("Day 1 · ")
    assert len(standin.channel_messages(int(post["id"]))) == 1
    assert len(standin.channel_messages(channel)) == 1, second.output()
