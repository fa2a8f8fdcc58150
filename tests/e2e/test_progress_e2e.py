"""/progress with its chart, an answer counted from a daily thread, /leaderboard, /drill and
/privacy delete, through the stand-in with the real bot."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.clock import FixedClock
from standin import MESSAGE_CONTENT, harness
from standin import permissions as perms
from tests.test_progress_privacy import rows_naming
from tests.test_progress_support import add_review, items

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A substantive answer (40+ words, not a question): the kind that earns daily points.
REAL_ANSWER = " ".join(["We shard carts by customer id and size each shard for peak load."] * 4)


def daily_thread(standin: Any) -> int:
    """The id of the thread the bot opened on its daily post."""
    created = [r for r in standin.requests("POST") if r.route.endswith("/threads")]
    return int(created[-1].response["id"])


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row["components"]]


async def set_up_daily(standin: Any, guild: Any, admin: int) -> int:
    """/daily setup with a time already past today, so today's prompt is posted at once."""
    channel = guild.add_text_channel("daily")
    call = standin.slash(admin, channel, "daily setup",
                         {"channel": channel, "time": "00:00", "timezone": "UTC"})
    await call.wait_message()
    await standin.wait_until(
        lambda: any(r.route.endswith("/threads") for r in standin.requests("POST")),
        what="the daily thread",
    )
    return daily_thread(standin)


async def test_answer_progress_chart_leaderboard_drill_and_delete(
    make_standin, tmp_path, run_bot
):
    standin = await make_standin(privileged_intents=MESSAGE_CONTENT)
    bot_env = harness.bot_env(standin, tmp_path / "bar-raiser.db", MESSAGE_CONTENT_INTENT="true")
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    admin = guild.add_member("ada", permissions=perms.ADMINISTRATOR)
    member = guild.add_member("bo")
    async with run_bot(bot_env) as bot:
        thread = await set_up_daily(standin, guild, admin)
        fresh = standin.slash(admin, general, "progress", {})
        start = await fresh.wait_message()
        assert not start.get("attachments")  # no empty chart for a member with no data
        assert any(f["name"] == "How to start" for f in start["embeds"][0]["fields"])

        def reactions() -> int:
            return len([r for r in standin.requests("PUT") if "reactions" in r.route])

        chat = standin.post_message(thread, member, "my answer")  # chat: not an answer at all
        board = standin.slash(member, general, "leaderboard", {"period": "all"})
        assert "No points yet" in (await board.wait_message())["embeds"][0]["description"]
        standin.post_message(thread, member, REAL_ANSWER)  # the day's answer, with its points
        standin.post_message(thread, member, REAL_ANSWER + " Again.")  # the second: nothing
        await standin.wait_until(lambda: reactions() == 1, what="the answer's reaction")
        assert not any(chat["id"] in r.path for r in standin.requests("PUT") if "reactions" in r.route)
        db = bot.database

        async def answers() -> int:
            row = await db.fetchone("SELECT COUNT(*) FROM progress_answers WHERE user_id = ?",
                                    (member,))
            return row[0]

        assert await answers() == 1

        progress = standin.slash(member, general, "progress", {})
        reply = await progress.wait_message(lambda m: bool(m.get("attachments")))
        assert progress.ephemeral
        embed = reply["embeds"][0]
        assert embed["title"] == "Progress · bo"
        assert "**1 day** answered · streak **1**" in embed["description"]
        assert embed["image"]["url"] == "attachment://progress.png"
        chart = standin.attachment_bytes(reply["attachments"][0])
        assert chart.startswith(PNG_SIGNATURE)

        board = standin.slash(member, general, "leaderboard", {"period": "all"})
        text = (await board.wait_message())["embeds"][0]
        assert f"<@{member}>: 10 pts" in text["description"]
        assert any(f["name"] == "How points work" for f in text["fields"])

        drill = standin.slash(member, general, "drill", {})
        card = (await drill.wait_message())["embeds"][0]
        assert card["title"].startswith("Drill · ") and drill.ephemeral
        typo = standin.slash(member, general, "drill", {"item": "Numbers Alwys"})
        error = await typo.wait_message()
        assert typo.ephemeral and 'no checklist item called "Numbers Alwys"' in error["content"]
        assert "Numbers Always" in error["content"]

        export = standin.slash(member, general, "privacy export", {})
        exported = await export.wait_message(lambda m: bool(m.get("attachments")))
        assert export.ephemeral and exported["attachments"][0]["filename"].endswith(".json")
        document = json.loads(standin.attachment_bytes(exported["attachments"][0]))
        assert [row["user_id"] for row in document["tables"]["progress_answers"]] == [member]

        delete = standin.slash(member, general, "privacy delete", {})
        confirm = await delete.wait_message()
        assert delete.ephemeral and "cannot be undone" in confirm["content"]
        stranger = standin.click(admin, int(confirm["id"]), custom_ids(confirm)[0])
        assert "Only the member who asked" in (await stranger.wait_message())["content"]
        assert await answers() == 1  # only the member can confirm their own deletion
        pressed = standin.click(member, int(confirm["id"]), custom_ids(confirm)[0])
        await pressed.wait_callback()
        assert pressed.callback_type == 6  # acknowledged first, then the confirmation edited
        done = await pressed.wait_message(lambda m: "Deleted" in m["content"])
        assert "Nothing Bar Raiser stores names you" in done["content"]
        assert await rows_naming(db, member) == {}
        assert all(r.allowed_mentions in ({"parse": []}, None) for r in standin.requests("POST"))


async def test_weekly_digest_once_and_a_reminder_by_dm(standin, bot_env, run_bot):
    """Day 8 at the posting time: one digest, however often the rounds run; then a missed
    item comes back by DM a day after the review, mentioning only its member, or in the
    daily thread when the member's DMs are closed."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    admin = guild.add_member("ada", permissions=perms.ADMINISTRATOR)
    member = guild.add_member("bo")
    closed = guild.add_member("cy")
    standin.close_dms(closed)
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    channel = guild.add_text_channel("daily")
    async with run_bot(bot_env, clock=clock) as bot:
        setup = standin.slash(admin, channel, "daily setup", {
            "channel": channel, "time": "08:00", "timezone": "UTC", "start_date": "2026-11-16",
        })
        await setup.wait_message()
        await standin.wait_until(lambda: any(r.route.endswith("/threads")
                                             for r in standin.requests("POST")), what="day 8")
        courier = bot.get_cog("ProgressCog").courier
        await courier.tick()
        await courier.tick()
        digests = [m for m in standin.channel_messages(channel)
                   if m.get("embeds") and m["embeds"][0]["title"] == "Week 1 in review"]
        assert len(digests) == 1
        assert "[digest 1.1]" in digests[0]["embeds"][0]["footer"]["text"]
        # As if the process died after sending but before recording the message id:
        await bot.database.execute("UPDATE progress_digests SET completed_at = NULL")
        await courier.tick()
        resent = [m for m in standin.channel_messages(channel)
                  if m.get("embeds") and m["embeds"][0]["title"] == "Week 1 in review"]
        assert len(resent) == 1  # found by its marker, not sent again
        row = await bot.database.fetchone("SELECT message_id, completed_at FROM progress_digests")
        assert row["message_id"] == int(digests[0]["id"]) and row["completed_at"]

        # Reminders at the member's own local time: 10:00 in Berlin is 09:00 UTC in November.
        for user in (member, closed):
            remind = standin.slash(user, general, "drill", {
                "remind": "on", "delivery": "dm", "time": "10:00", "timezone": "Europe/Berlin",
            })
            text = (await remind.wait_message())["content"]
            assert "**on**" in text and remind.ephemeral
            assert ("Your DMs are closed" in text) is (user == closed)  # said at once
            await add_review(bot.database, user, clock.now(), items(
                "customer_first", "numbers_always", "failure_planning", "operations_ready"
            ), guild_id=guild.id)

        def reminders_to(user: int) -> list[Any]:
            return [r for r in standin.requests("POST", "/channels/{channel_id}/messages")
                    if ((r.json or {}).get("content") or "").startswith(f"<@{user}>")]

        await courier.tick()
        clock.set(datetime(2026, 11, 24, 8, 59, tzinfo=UTC))  # 09:59 in Berlin
        await courier.tick()
        assert reminders_to(member) == [] and reminders_to(closed) == []
        clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # 10:00 in Berlin
        await courier.tick()
        await courier.tick()
        dms = reminders_to(member)
        assert len(dms) == 1
        assert dms[0].json["content"].startswith(f"<@{member}> 1 checklist item is due")
        assert dms[0].allowed_mentions == {"parse": [], "users": [member]}
        assert "Team Ownership" in dms[0].json["embeds"][0]["fields"][0]["value"]
        thread = daily_thread(standin)
        [fallback] = [m for m in standin.channel_messages(thread)
                      if (m.get("content") or "").startswith(f"<@{closed}>")]
        assert [int(u["id"]) for u in fallback["mentions"]] == [closed]
