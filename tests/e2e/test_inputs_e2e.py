"""Hostile input and a locked database against the real bot (issue 13, items 1-3 and 10).

Every refusal must arrive within Discord's 3 s, as an ephemeral reply under
2,000 characters, never the generic "Something went wrong", and nothing may be
stored for refused input.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any

import pytest

from standin import permissions as perms

HUGE = "9" * 6_000
GENERIC = "Something went wrong"


def assert_clear_refusal(call: Any, reply: dict[str, Any]) -> None:
    assert call.latency is not None and call.latency < 3
    assert call.ephemeral
    text = reply["content"] or ""
    assert 0 < len(text) < 2_000
    assert GENERIC not in text
    assert HUGE[:200] not in text  # the 6,000-character value is never echoed whole


async def count(bot: Any, table: str) -> int:
    row = await bot.database.fetchone(f"SELECT COUNT(*) FROM {table}")
    return int(row[0])


@pytest.mark.parametrize("option", ["time", "timezone", "start_date"])
async def test_daily_setup_with_a_6000_character_value_is_refused_clearly(
    standin, bot_env, run_bot, option
):
    guild = standin.add_guild("Study group")
    channel = guild.add_text_channel("daily")
    admin = guild.add_member("ada", permissions=perms.ADMINISTRATOR)
    general = next(iter(guild.channels))
    options = {"channel": channel, "time": "07:30", "timezone": "Europe/London",
               "start_date": "2026-12-01", option: HUGE}
    async with run_bot(bot_env) as bot:
        call = standin.slash(admin, general, "daily setup", options)
        reply = await call.wait_message()
        assert await count(bot, "daily_schedules") == 0
    assert_clear_refusal(call, reply)
    assert f"`{option}`" in reply["content"]


async def test_guide_topic_of_6000_characters_is_refused_clearly(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    general = next(iter(guild.channels))
    async with run_bot(bot_env):
        call = standin.slash(member, general, "guide", {"topic": HUGE})
        reply = await call.wait_message()
        complete = standin.autocomplete(member, general, "guide", {"topic": HUGE}, focused="topic")
        await complete.wait_callback()
    assert_clear_refusal(call, reply)
    assert complete.choices == []


async def test_mock_start_with_a_6000_character_question_is_refused_clearly(
    standin, bot_env, run_bot
):
    guild = standin.add_guild("Study group")
    host = guild.add_member("host")
    general = next(iter(guild.channels))
    async with run_bot(bot_env) as bot:
        call = standin.slash(host, general, "mock start", {"question": HUGE})
        reply = await call.wait_message()
        assert await count(bot, "mock_sessions") == 0
    assert_clear_refusal(call, reply)


@pytest.mark.parametrize("minutes", ["²,5,5,5,5", "①,5,5,5,5", "5,5,١٠,5,5"])
async def test_unicode_digits_in_mock_minutes_get_a_clear_message(
    standin, bot_env, run_bot, minutes
):
    guild = standin.add_guild("Study group")
    host = guild.add_member("host")
    general = next(iter(guild.channels))
    async with run_bot(bot_env) as bot:
        call = standin.slash(host, general, "mock start",
                             {"question": "shopping_cart", "minutes": minutes})
        reply = await call.wait_message()
        assert await count(bot, "mock_sessions") == 0
    assert_clear_refusal(call, reply)
    assert "whole numbers" in reply["content"]


@pytest.mark.sqlite_only  # SQLite locking between processes
async def test_writes_queued_behind_open_reads_wait_for_another_processs_lock(
    standin, bot_env, run_bot
):
    """Item 10: the read-to-write upgrade. While one of the bot's tasks keeps reading and
    another process holds the write lock, /settings writes and /daily status reads run
    together; every write must wait for the lock and land, none may fail at once."""
    guild = standin.add_guild("Study group")
    admins = [guild.add_member(f"admin{i}", permissions=perms.MANAGE_GUILD) for i in range(12)]
    general = next(iter(guild.channels))
    async with run_bot(bot_env) as bot:
        for i in range(40):  # a few rows so reads step through more than one
            await bot.database.execute(
                "INSERT INTO guilds (guild_id, name, joined_at) VALUES (?, 'g', 't')", (i + 1,))
        holder = sqlite3.connect(bot_env["DATABASE_PATH"], isolation_level=None,
                                 check_same_thread=False)
        # another process holds the write lock (taken off the loop: the bot may be mid-write)
        await asyncio.to_thread(holder.execute, "BEGIN IMMEDIATE")
        release = threading.Timer(1.0, lambda: (holder.execute("COMMIT"), holder.close()))
        release.start()
        done = asyncio.Event()

        async def background_reader() -> None:  # e.g. a scheduler job scanning rows
            while not done.is_set():
                await bot.database.fetchone("SELECT guild_id FROM guilds ORDER BY guild_id")

        reader = asyncio.create_task(background_reader())
        calls = []
        for admin in admins:
            calls.append(standin.slash(admin, general, "daily status", {}))
            calls.append(standin.slash(admin, general, "settings", {"mock_max_sessions": 7}))
        replies = await asyncio.gather(*(c.wait_message(timeout=15) for c in calls))
        done.set()
        await reader
        release.join()
        row = await bot.database.fetchone(
            "SELECT mock_max_sessions FROM guild_settings WHERE guild_id = ?", (guild.id,))
    texts = [(r.get("content") or "") + str(r.get("embeds") or "") for r in replies]
    assert not [t for t in texts if "busy" in t or GENERIC in t]
    assert row["mock_max_sessions"] == 7
