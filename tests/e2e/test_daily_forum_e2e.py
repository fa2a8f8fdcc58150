"""Daily prompts in a forum, and who answered: the real bot against the stand-in.

A forum-mode week (a forum post a day with its week, topic and kind tags, answers
counted on the post, the end-of-day list of who answered), a forum where the bot may
not create tags (posts still go out; status and /doctor say what to fix), and a
SIGKILL between a forum post and its tags followed by a restart that repeats nothing.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from bot.clock import FixedClock
from bot.daily.jobs import job_id
from bot.daily.models import ChannelKind, Schedule
from standin import StandIn, harness
from standin import permissions as perms
from storage.daily import DailyRepository
from tests.e2e.test_daily_e2e import reply_to, text_of, until_jobs
from tests.stores import env_database

MESSAGE_CONTENT = 1 << 15
FORUM_BOT = perms.BOT_DEFAULT | perms.MANAGE_CHANNELS
FORUM_PATCH = "/channels/{channel_id}"
LONG_ANSWER = ("Shoppers see add-to-cart return in under 100 ms p99. Assume 20M DAU, so about "
               "500 writes per second at peak. If DynamoDB throttles, the SDK retries with "
               "backoff and then queues the write in SQS, so no cart update is lost. We alarm on "
               "p99 latency and throttles, and the cart team of six owns the service and its "
               "runbook.")


def forum_posts(standin: StandIn, forum: int) -> list[dict[str, Any]]:
    """The forum's posts (threads), oldest first, each with its starter message."""
    posts = [standin.channel(c) for c in sorted(standin.world.channels)
             if standin.world.channels[c].parent_id == forum]
    return [p | {"starter": standin.message(int(p["id"]))} for p in posts]


def day_post(standin: StandIn, forum: int, day: int) -> dict[str, Any] | None:
    found = [p for p in forum_posts(standin, forum) if p["name"].startswith(f"Day {day} · ")]
    assert len(found) <= 1, found
    return found[0] if found else None


def tag_names(standin: StandIn, forum: int) -> dict[str, str]:
    return {t["id"]: t["name"] for t in standin.channel(forum)["available_tags"]}


def applied(standin: StandIn, forum: int, post: dict[str, Any]) -> list[str]:
    names = tag_names(standin, forum)
    return [names[t] for t in standin.channel(int(post["id"]))["applied_tags"]]


async def fire_now(bot: Any, job: str) -> None:
    """Bring an armed job forward to now; returns once the real scheduler has run it."""
    await until_jobs(bot, lambda: bot.scheduler.get_job(job) is not None)
    done = asyncio.Event()

    def on_executed(event: Any) -> None:
        if event.job_id == job:
            done.set()

    bot.scheduler.add_listener(on_executed, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        bot.scheduler.modify_job(job, next_run_time=datetime.now(UTC))
        async with asyncio.timeout(15):
            await done.wait()
    finally:
        bot.scheduler.remove_listener(on_executed)


async def test_a_forum_week_with_tags_answers_counted_and_who_answered(tmp_path: Path) -> None:
    standin = StandIn(privileged_intents=MESSAGE_CONTENT)
    await standin.start()
    try:
        guild = standin.add_guild("Study group", bot_permissions=FORUM_BOT)
        general = next(iter(guild.channels))
        forum = guild.add_forum_channel("daily-answers", tags=("Design", "off-topic"))
        design_id = next(i for i, n in tag_names(standin, forum).items() if n == "Design")
        admin = guild.add_member("ada", permissions=perms.MANAGE_GUILD)
        bo, cy, di = guild.add_member("bo"), guild.add_member("cy"), guild.add_member("di *star*")
        clock = FixedClock(datetime.now(UTC).replace(hour=0, minute=30, second=0, microsecond=0))
        env = harness.bot_env(standin, tmp_path / "bar-raiser.db", MESSAGE_CONTENT_INTENT="true",
                              DEV_GUILD_ID=str(guild.id))
        async with harness.run_bot(env, clock=clock) as bot:
            setup = await reply_to(standin, admin, general, "daily setup", {
                "channel": forum, "time": "00:00", "timezone": "UTC",
                "start_date": clock.now().date().isoformat()})
            assert "one forum post a day" in text_of(setup)
            # 00:00 has passed: setup's catch-up makes day 1's post, tags it, opens it.
            await standin.wait_until(lambda: (p := day_post(standin, forum, 1))
                                     and len(standin.channel_messages(int(p["id"]))) == 2,
                                     timeout=15, what="day 1's forum post and opener")
            day1 = day_post(standin, forum, 1)
            assert day1 is not None
            post_id = int(day1["id"])
            row = await DailyRepository(bot.database).post_by_thread(post_id)
            assert row is not None and row.message_id == post_id  # the starter shares the id
            assert day1["starter"]["embeds"][0]["title"].startswith("Day 1 · ")
            assert "Answer below in this post" in text_of(day1["starter"])

            # Members answer in the post: chat counts for nothing, three answers do.
            standin.post_message(post_id, bo, "I agree with Alice!")
            answers = [standin.post_message(post_id, member, LONG_ANSWER)
                       for member in (bo, cy, di)]
            await standin.wait_until(lambda: "3 members have answered"
                                     in text_of(standin.message(post_id))
                                     or bot.scheduler.get_job(f"dailycount:{row.id}"),
                                     timeout=15, what="the count edited or its edit armed")
            if "3 members" not in text_of(standin.message(post_id)):
                await fire_now(bot, f"dailycount:{row.id}")  # the once-a-minute edit
            await standin.wait_until(lambda: "3 members have answered"
                                     in text_of(standin.message(post_id)),
                                     timeout=15, what="the answer count on the post")
            edits = [r for r in standin.requests("PATCH")
                     if r.path == f"/channels/{post_id}/messages/{post_id}"]

            # The group's day ends: one line lists who answered, linked, pinging no one.
            clock.set(clock.now().replace(hour=0, minute=0) + timedelta(days=1))
            await fire_now(bot, f"dailyroll:{row.id}")
            await standin.wait_until(
                lambda: any("✅ **Day 1**" in m["content"]
                            for m in standin.channel_messages(post_id)),
                timeout=15, what="the end-of-day list")
            [roll_call] = [m for m in standin.channel_messages(post_id)
                           if "✅ **Day 1**" in m["content"]]

            # The rest of the week and the first day of the next: one post a day, tagged.
            for day in range(2, 9):
                if day > 2:
                    clock.set(clock.now() + timedelta(days=1))
                await fire_now(bot, job_id(guild.id))
                await standin.wait_until(lambda d=day: (p := day_post(standin, forum, d))
                                         and len(standin.channel_messages(int(p["id"]))) == 2,
                                         timeout=15, what=f"day {day}'s post")
            # Pause: the next day's job posts nothing; resume carries on with day 9.
            paused = await reply_to(standin, admin, general, "daily pause", {})
            assert "Paused" in text_of(paused)
            clock.set(clock.now() + timedelta(days=1))
            resumed = await reply_to(standin, admin, general, "daily resume", {})
            assert "day 9" in text_of(resumed).lower() or "Running" in text_of(resumed)
            await standin.wait_until(lambda: (p := day_post(standin, forum, 9))
                                     and len(standin.channel_messages(int(p["id"]))) == 2,
                                     timeout=15, what="day 9 after resume")
            async with asyncio.timeout(15):  # the claim row is completed after the opener
                while True:
                    last = await DailyRepository(bot.database).last_post(guild.id)
                    if last and last.cohort_day == 9 and last.completed:
                        break
                    await asyncio.sleep(0.05)
            status = await reply_to(standin, admin, general, "daily status", {})
            answered = await bot.database.fetchall(
                "SELECT user_id FROM daily_answers WHERE thread_id = ?", (post_id,))

        posts = forum_posts(standin, forum)
        assert [p["name"].split(" · ")[0] for p in posts] == [f"Day {d}" for d in range(1, 10)]
        names = tag_names(standin, forum)
        assert len(names) == len(set(names.values())) <= 20  # each tag made once
        assert names[str(design_id)] == "Design"  # the organiser's tag is reused, not remade
        for post in posts[:8]:
            week = 1 if post["name"].startswith(("Day 1 ", "Day 2 ", "Day 3 ", "Day 4 ",
                                                 "Day 5 ", "Day 6 ", "Day 7 ")) else 2
            tags = applied(standin, forum, post)
            assert f"Week {week}" in tags and len(tags) == 3, (post["name"], tags)
        kinds = {"Concept", "Design", "Failure drill", "Behavioral"}
        assert all(applied(standin, forum, p)[0] in kinds for p in posts)
        assert sum(n.casefold() == "design" for n in names.values()) == 1
        assert {r["user_id"] for r in answered} == {bo, cy, di}
        assert 1 <= len(edits) <= 2  # three answers, coalesced: not one edit per answer
        assert standin.message(post_id)["components"]  # the buttons survive the edit
        # The list: display names (escaped), a link to each answer, allowed mentions none.
        for member, answer in zip(("bo", "cy", "di \\*star\\*"), answers, strict=True):
            assert f"[{member}](<https://discord.com/channels/{guild.id}/{post_id}/{answer['id']}>)" \
                in roll_call["content"]
        assert "Alice" not in roll_call["content"]
        assert roll_call["mentions"] == [] and roll_call["allowed_mentions"] == {"parse": []}
        assert "Running" in text_of(status) and "forum post" in text_of(status)
        day9 = posts[-1]["id"]  # "Last post" links the forum post itself
        assert f"[posted](https://discord.com/channels/{guild.id}/{day9}/{day9})" in text_of(status)
        assert not standin.unhandled()
    finally:
        await standin.stop()
    assert not standin.internal_errors


async def test_a_forum_without_manage_channels_posts_untagged_and_says_so(
    standin, bot_env, run_bot
) -> None:
    guild = standin.add_guild("Study group")  # the default bot role: no Manage Channels
    general = next(iter(guild.channels))
    forum = guild.add_forum_channel("daily-answers")
    no_posts = guild.add_forum_channel("read-only")
    standin.set_overwrite(no_posts, guild.bot_role_id, deny=perms.SEND_MESSAGES)
    admin = guild.add_member("ada", permissions=perms.MANAGE_GUILD)
    async with run_bot({**bot_env, "DEV_GUILD_ID": str(guild.id)}):
        refused = await reply_to(standin, admin, general, "daily setup", {
            "channel": no_posts, "time": "00:00", "timezone": "UTC"})
        setup = await reply_to(standin, admin, general, "daily setup", {
            "channel": forum, "time": "00:00", "timezone": "UTC"})
        await standin.wait_until(lambda: (p := day_post(standin, forum, 1))
                                 and len(standin.channel_messages(int(p["id"]))) == 2,
                                 timeout=15, what="the untagged day 1 post")
        status = await reply_to(standin, admin, general, "daily status", {})
        doctor = await reply_to(standin, admin, general, "doctor", {})
    assert "missing **Create Posts**" in text_of(refused)
    assert "can't create tags in this forum without **Manage Channels**" in text_of(setup)
    assert standin.channel(forum)["available_tags"] == []
    assert "I need Manage Channels in the forum" in text_of(status)
    assert "Manage Channels, needed to create the week, topic and kind tags" in text_of(doctor)
    assert "Daily forum tags:" in text_of(doctor)
    assert "Create Public Threads" not in text_of(doctor).split("this channel")[0]


async def test_sigkill_between_forum_post_and_its_tags_repeats_nothing(
    standin, bot_env, start_bot_process
) -> None:
    guild = standin.add_guild("Study group", bot_permissions=FORUM_BOT)
    forum = guild.add_forum_channel("daily-answers")
    today = datetime.now(UTC).date()
    async with env_database(bot_env) as db:  # SQLite or PostgreSQL, as the bot will use
        await db.migrate()
        await DailyRepository(db).save_schedule(
            Schedule(guild.id, forum, time(0, 0), "UTC", today, channel_kind=ChannelKind.FORUM),
            datetime.now(UTC))

    # The first process hangs in its tag call, so it dies with the post made and untagged.
    standin.delay_next("PATCH", FORUM_PATCH.replace("{channel_id}", str(forum)), seconds=4)
    first = await start_bot_process(bot_env, name="first")
    try:
        await standin.wait_until(lambda: day_post(standin, forum, 1), timeout=30,
                                 what="the forum post of the first process")
        await standin.wait_until(lambda: any(r.method == "PATCH" and r.path == f"/channels/{forum}"
                                             for r in standin.router.records),
                                 timeout=10, what="the first process's tag call")
        await asyncio.sleep(0.3)
    finally:
        await first.kill()
    post = day_post(standin, forum, 1)
    assert post is not None and applied(standin, forum, post) == []
    # The held request still lands (Discord finishes what it received); then restart.
    await standin.wait_for_request(lambda r: r.method == "PATCH" and r.path == f"/channels/{forum}",
                                   timeout=10)

    second = await start_bot_process(bot_env, name="second")
    try:
        await standin.wait_until(
            lambda: len(standin.channel_messages(int(post["id"]))) == 2
            and applied(standin, forum, post), timeout=30, what="tags and opener after restart")
    finally:
        await second.terminate()
    posts = forum_posts(standin, forum)
    assert len(posts) == 1, second.output()
    assert len(standin.requests("POST", "/channels/{channel_id}/threads")) == 1
    names = list(tag_names(standin, forum).values())
    assert len(names) == len(set(names)) == 3  # kind, week, topic: each made once
    assert sorted(applied(standin, forum, posts[0])) == sorted(names)
    [starter, opener] = standin.channel_messages(int(post["id"]))
    assert starter["id"] == post["id"] and "/check" in opener["content"]


async def test_a_forum_that_requires_tags_gets_its_first_post_tagged(
    standin, bot_env, run_bot
) -> None:
    guild = standin.add_guild("Study group", bot_permissions=FORUM_BOT)
    general = next(iter(guild.channels))
    forum = guild.add_forum_channel("daily-answers", require_tag=True)
    admin = guild.add_member("ada", permissions=perms.MANAGE_GUILD)
    async with run_bot({**bot_env, "DEV_GUILD_ID": str(guild.id)}):
        await reply_to(standin, admin, general, "daily setup", {
            "channel": forum, "time": "00:00", "timezone": "UTC"})
        await standin.wait_until(lambda: (p := day_post(standin, forum, 1))
                                 and len(standin.channel_messages(int(p["id"]))) == 2,
                                 timeout=15, what="day 1 in a forum that requires tags")
    post = day_post(standin, forum, 1)
    assert post is not None and len(applied(standin, forum, post)) == 3
    assert all(r.status == 201 for r in standin.requests("POST", "/channels/{channel_id}/threads"))


async def test_in_a_text_channel_the_post_counts_and_the_thread_gets_the_list(
    tmp_path: Path,
) -> None:
    standin = StandIn(privileged_intents=MESSAGE_CONTENT)
    await standin.start()
    try:
        guild = standin.add_guild("Study group")
        general = next(iter(guild.channels))
        channel = guild.add_text_channel("design")
        admin = guild.add_member("ada", permissions=perms.MANAGE_GUILD)
        bo = guild.add_member("bo")
        clock = FixedClock(datetime.now(UTC).replace(hour=0, minute=30, second=0, microsecond=0))
        env = harness.bot_env(standin, tmp_path / "bar-raiser.db", MESSAGE_CONTENT_INTENT="true",
                              DEV_GUILD_ID=str(guild.id))
        async with harness.run_bot(env, clock=clock) as bot:
            await reply_to(standin, admin, general, "daily setup", {
                "channel": channel, "time": "00:00", "timezone": "Europe/London",
                "start_date": clock.now().date().isoformat()})
            await standin.wait_until(lambda: standin.channel_messages(channel)
                                     and standin.channel_messages(
                                         int(standin.channel_messages(channel)[0]["id"])),
                                     timeout=15, what="the post and its thread")
            post = standin.channel_messages(channel)[0]
            thread = int(post["id"])
            row = await DailyRepository(bot.database).post_by_thread(thread)
            assert row is not None
            answer = standin.post_message(thread, bo, LONG_ANSWER)
            # The count's edit runs on the bot's clock (00:30 today), so in real time it may
            # still be ahead: fire it now once armed, as the forum test does.
            await standin.wait_until(lambda: "1 member has answered"
                                     in text_of(standin.message(thread))
                                     or bot.scheduler.get_job(f"dailycount:{row.id}"),
                                     timeout=15, what="the count edited or its edit armed")
            if "1 member has answered" not in text_of(standin.message(thread)):
                await fire_now(bot, f"dailycount:{row.id}")
            await standin.wait_until(lambda: "1 member has answered"
                                     in text_of(standin.message(thread)), timeout=15,
                                     what="the count on the post")
            await fire_now(bot, f"dailyroll:{row.id}")
            await standin.wait_until(lambda: len(standin.channel_messages(thread)) == 3,
                                     timeout=15, what="the list in the thread")
        [_, _, roll_call] = standin.channel_messages(thread)
        assert roll_call["content"].startswith("✅ **Day 1** (")
        assert f"[bo](<https://discord.com/channels/{guild.id}/{thread}/{answer['id']}>)" \
            in roll_call["content"]
        assert "Answer in the thread" in text_of(standin.message(thread))
        assert len(standin.channel_messages(channel)) == 1  # the list is in the thread only
    finally:
        await standin.stop()
    assert not standin.internal_errors
