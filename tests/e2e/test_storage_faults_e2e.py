"""The database under stress while the bot runs: a full disk and a lock held by another process."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest

from standin import permissions as perms


async def fill_guild_settings_until_full(db) -> None:
    """Cap the file at its current size, then add rows until SQLite reports SQLITE_FULL."""
    pages = (await db.fetchone("PRAGMA page_count"))[0]
    await db.execute(f"PRAGMA max_page_count = {pages + 1}")
    for guild_id in range(1, 100_000):
        try:
            await db.execute(
                "INSERT INTO guild_settings (guild_id, auto_review, updated_at) VALUES (?, 0, 'x')",
                (guild_id,))
        except sqlite3.OperationalError as error:
            assert "full" in str(error)
            return
    raise AssertionError("the database never filled up")


@pytest.mark.sqlite_only  # a full SQLite file
async def test_full_disk_gives_a_clear_message_and_no_corruption(standin, bot_env, run_bot, caplog):
    guild = standin.add_guild("Study group")
    admin = guild.add_member("admin", permissions=perms.MANAGE_GUILD)
    general = next(iter(guild.channels))
    async with run_bot(bot_env) as bot:
        await fill_guild_settings_until_full(bot.database)
        with caplog.at_level(logging.ERROR):
            # (auto_review off: switching it on needs the Message Content intent)
            call = standin.slash(admin, general, "settings", {"auto_review": False})
            reply = await call.wait_message()
        assert await bot.database.integrity_ok()
        row = await bot.database.fetchone(
            "SELECT auto_review FROM guild_settings WHERE guild_id = ?", (guild.id,))
    assert call.ephemeral
    assert "storage is full" in reply["content"] and "Traceback" not in reply["content"]
    ref = reply["content"].split("ref `")[1].split("`")[0]
    assert any(ref in record.getMessage() for record in caplog.records)
    assert row is None  # nothing half-saved


@pytest.mark.sqlite_only  # SQLite locking between processes
async def test_a_lock_held_by_another_process_delays_a_write_instead_of_losing_it(
    standin, bot_env, run_bot
):
    guild = standin.add_guild("Study group")
    admin = guild.add_member("admin", permissions=perms.MANAGE_GUILD)
    general = next(iter(guild.channels))
    async with run_bot(bot_env) as bot:
        other = sqlite3.connect(bot_env["DATABASE_PATH"], isolation_level=None,
                                check_same_thread=False)
        # Another process takes the write lock. Taken off the event loop: the bot in this same
        # process may be mid-write, and a blocking wait here would stop it from ever committing.
        await asyncio.to_thread(other.execute, "BEGIN IMMEDIATE")
        received = bot.wait_for("interaction")  # listens from now (discord.py: not async def)
        call = standin.slash(admin, general, "settings", {"mock_max_sessions": 3})
        async with asyncio.timeout(15):
            await received
        # The bot has the command, and cannot answer while the other process holds the lock
        # (a reply now would mean it answered without writing). Released well inside
        # Discord's 3 s, counted from the command, however slow the machine is.
        with pytest.raises(TimeoutError):
            await call.wait_callback(timeout=0.5)
        other.execute("COMMIT")
        other.close()
        reply = await call.wait_message(timeout=15)
        row = await bot.database.fetchone(
            "SELECT mock_max_sessions FROM guild_settings WHERE guild_id = ?", (guild.id,))
    assert "mock_max_sessions → 3" in reply["embeds"][0]["description"]
    assert row["mock_max_sessions"] == 3
