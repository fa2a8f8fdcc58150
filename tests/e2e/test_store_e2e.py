"""The store moves from SQLite to PostgreSQL with ``migrate-store`` and the bot carries on:
what members set up stays, and what was done once (the welcome) is not done again."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from bot.migrate_store import migrate_store
from standin import harness
from tests.e2e.test_daily_e2e import reply_to, study_world, text_of
from tests.e2e.test_faults_e2e import welcomes
from tests.stores import TEST_DATABASE_URL, fresh_schema

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set")


def file_counts(path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


async def test_a_bot_moved_to_postgresql_keeps_its_servers_setup(standin, run_bot, tmp_path, capsys):
    guild, channel, admin, _ = study_world(standin)
    general = next(iter(guild.channels))
    path = tmp_path / "bar-raiser.db"
    env = harness.bot_env(standin, path)
    async with run_bot({**env, "DEV_GUILD_ID": str(guild.id)}):
        await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": "09:00", "timezone": "Europe/Berlin"})
        await standin.wait_until(lambda: welcomes(standin, general), what="the welcome")
    before = file_counts(path)
    async with fresh_schema(TEST_DATABASE_URL) as schema:
        assert await migrate_store(path, TEST_DATABASE_URL, schema) == 0
        report = capsys.readouterr().out
        assert "MISMATCH" not in report and f"{before['daily_schedules']} →" in report
        moved = {**env, "DATABASE_URL": TEST_DATABASE_URL, "DATABASE_SCHEMA": schema,
                 "DEV_GUILD_ID": str(guild.id)}
        path.unlink()  # the bot must not be reading the file any more
        async with run_bot(moved) as bot:
            assert bot.database.dialect == "postgresql"
            status = text_of(await reply_to(standin, admin, general, "daily status", {}))
            doctor = text_of(await reply_to(standin, admin, general, "doctor", {}))
    assert "09:00" in status and "Europe/Berlin" in status, status
    assert "Database: writable, schema" in doctor and "❌ Database" not in doctor, doctor
    assert len(welcomes(standin, general)) == 1  # welcomed once, on either engine
    assert not path.exists()
