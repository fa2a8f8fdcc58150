"""Alembic on both engines: upgrades in place from the pre-Alembic release, new SQL files
dropped in, databases newer than the code, and ``migrate-store`` into PostgreSQL."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage.db import Database, SchemaTooNewError, discover_migrations
from storage.schema import split_sql
from storage.transfer import TargetNotEmptyError, copy_store
from tests.conftest import FAKE_TOKEN
from tests.stores import TEST_DATABASE_URL, fresh_schema
from tests.test_cli import run_cli

LATEST = discover_migrations()[-1].version
needs_postgres = pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set")


def legacy_migrate(path: Path, upto: int) -> None:
    """What the release before Alembic did: each SQL file in a transaction, then user_version."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        for migration in discover_migrations()[:upto]:
            conn.execute("BEGIN IMMEDIATE")
            for statement in split_sql(migration.sql()):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version}")
            conn.execute("COMMIT")


def fill(path: Path, version: int) -> None:
    """Rows in the tables every feature writes, valid at schema ``version`` (5 or 11)."""
    now = "2026-11-23T12:00:00.000000Z"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for guild in (1, 2):
            conn.execute("INSERT INTO guilds (guild_id, name, joined_at, welcomed_at) VALUES (?, ?, ?, ?)",
                         (guild * 10**17, f"guild {guild}", now, now))
            conn.execute("INSERT INTO daily_schedules (guild_id, channel_id, post_time, timezone, "
                         "start_date, created_at, updated_at) VALUES (?, 5, '09:00', 'UTC', "
                         "'2026-11-01', ?, ?)", (guild * 10**17, now, now))
        for day in range(1, 8):
            conn.execute("INSERT INTO daily_posts (guild_id, epoch, cohort_day, local_date, kind, "
                         "channel_id, message_id, thread_id, claimed_at, completed_at) VALUES "
                         "(?, 1, ?, ?, 'prompt', 5, ?, ?, ?, ?)",
                         (10**17, day, f"2026-11-0{day}", 900 + day, 800 + day, now, now))
        for n in range(30):
            review_id = conn.execute(
                "INSERT INTO reviews (guild_id, user_id, source, prompt_id, score, failure_count, "
                "message_id, created_at) VALUES (?, ?, 'check', ?, ?, 0, ?, ?)",
                (10**17, 7 + n % 3, f"p{n % 4}", n % 5, 5000 + n,
                 f"2026-11-{10 + n % 9:02d}T12:00:00.000000Z")).lastrowid
            for label in ("customer_first", "numbers_always"):
                conn.execute("INSERT INTO review_labels (review_id, label, value) VALUES (?, ?, ?)",
                             (review_id, label, n % 2))
        for n in range(5):
            conn.execute("INSERT INTO progress_answers (guild_id, user_id, local_date, thread_id, "
                         "message_id, answered_at) VALUES (?, ?, ?, 801, ?, ?)",
                         (10**17, 7, f"2026-11-0{n + 1}", 6000 + n, now))
        session = conn.execute(
            "INSERT INTO mock_sessions (guild_id, channel_id, thread_id, question_id, length_minutes, "
            "minute_seconds, host_user_id, status, created_at, last_activity_at) VALUES "
            "(?, 5, 77, 'shopping_cart', 45, 60.0, 7, 'ended', ?, ?)", (10**17, now, now)).lastrowid
        conn.execute("INSERT INTO mock_participants (session_id, user_id, role, joined_at) "
                     "VALUES (?, 8, 'candidate', ?)", (session, now))
        conn.execute("INSERT INTO mock_transcript (session_id, phase_index, author_user_id, source, "
                     "message_id, text, created_at) VALUES (?, 0, 8, 'message', 1, 'hello', ?)",
                     (session, now))
        if version >= 7:
            conn.execute("INSERT INTO outbox (key, kind, action, guild_id, channel_id, payload, nonce, "
                         "next_attempt_at, created_at) VALUES ('welcome:1', 'welcome', 'send', ?, 5, "
                         "'{}', 'n1', ?, ?)", (10**17, now, now))


def counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


async def test_a_file_of_the_release_before_alembic_upgrades_in_place(tmp_path):
    path = tmp_path / "release.db"
    legacy_migrate(path, 11)
    fill(path, 11)
    before = counts(path)
    db = await Database.open(path)
    try:
        assert await db.schema_version() == 11
        applied = await db.migrate()
        assert [m.version for m in applied] == list(range(12, LATEST + 1))
        assert await db.schema_version() == LATEST
        revision = await db.fetchone("SELECT version_num FROM alembic_version")
        assert revision[0] == f"{LATEST:04d}"
    finally:
        await db.close()
    after = counts(path)
    assert {t: n for t, n in after.items() if t in before} == before
    assert before["reviews"] == 30 and before["progress_totals"] > 0


async def test_a_file_at_an_older_version_upgrades_with_its_rows(tmp_path):
    path = tmp_path / "old.db"
    legacy_migrate(path, 7)
    fill(path, 7)
    before = counts(path)
    db = await Database.open(path)
    try:
        await db.migrate()
        assert await db.schema_version() == LATEST
        for table in ("guilds", "daily_posts", "reviews", "review_labels", "progress_answers",
                      "mock_sessions", "mock_transcript", "outbox"):
            row = await db.fetchone(f"SELECT COUNT(*) FROM {table}")
            assert row[0] == before[table], table
        # 0010 rebuilt the totals from the rows: one review-day per member, prompt and day
        totals = await db.fetchall("SELECT user_id, answers FROM progress_totals WHERE answers > 0")
        assert [tuple(r) for r in totals] == [(7, 5)]
    finally:
        await db.close()


async def test_a_new_numbered_sql_file_is_a_revision_on_both_engines(db, tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    for migration in discover_migrations():
        shutil.copy(migration.path, folder / migration.path.name)
    (folder / f"{LATEST + 1:04d}_clubs.sql").write_text(
        "-- a helper's portable migration, dropped in as a file\n"
        "CREATE TABLE clubs (\n    id INTEGER PRIMARY KEY,\n    owner_user_id BIGINT NOT NULL\n);\n"
        "INSERT INTO clubs (owner_user_id) VALUES (42) ON CONFLICT DO NOTHING;\n",
        encoding="utf-8")
    applied = await db.migrate(discover_migrations(folder))
    assert [m.version for m in applied] == [LATEST + 1]
    assert await db.schema_version() == LATEST + 1
    [(new_id,)] = await db.execute_returning(
        "INSERT INTO clubs (owner_user_id) VALUES (?) RETURNING id", (43,))
    assert new_id == 2  # numbered by the database on both engines
    # The code that does not know 0012 refuses the database in one line.
    with pytest.raises(SchemaTooNewError, match=f"schema version {LATEST + 1}"):
        await db.migrate()


async def test_a_database_newer_than_the_code_is_refused(db):
    await db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaTooNewError, match="schema version 9999"):
        await db.migrate()


def test_a_corrupt_sqlite_file_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "bot.db"
    legacy_migrate(path, LATEST)
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's b-tree header and cells
    path.write_bytes(bytes(data))
    result = run_cli(cwd=tmp_path, DISCORD_TOKEN=FAKE_TOKEN,
                     DATABASE_PATH=str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr
    assert str(path) in lines[0]


def test_an_unreachable_postgresql_is_one_line_and_exit_2(tmp_path):
    result = run_cli(cwd=tmp_path,
                     DISCORD_TOKEN=FAKE_TOKEN,
                     DATABASE_URL="postgresql+asyncpg://postgres:secret@127.0.0.1:1/nothing")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach PostgreSQL at "), result.stderr
    assert "secret" not in result.stderr


@needs_postgres
async def test_migrate_store_copies_every_table_and_refuses_a_second_copy(tmp_path, capsys):
    from bot.migrate_store import migrate_store

    path = tmp_path / "bot.db"
    legacy_migrate(path, 11)
    fill(path, 11)
    async with fresh_schema(TEST_DATABASE_URL) as schema:
        assert await migrate_store(path, TEST_DATABASE_URL, schema) == 0
        out = capsys.readouterr().out
        assert "MISMATCH" not in out and "copied " in out
        source = await Database.open(path)
        target = await Database.open(TEST_DATABASE_URL, schema=schema)
        try:
            assert await target.schema_version() == await source.schema_version() == LATEST
            for table in await source.tables():
                query = f"SELECT COUNT(*) FROM {table}"
                assert (await target.fetchone(query))[0] == (await source.fetchone(query))[0], table
            totals = ("SELECT guild_id, user_id, answers, reviews, items_met FROM progress_totals "
                      "ORDER BY 1, 2")
            assert [tuple(r) for r in await target.fetchall(totals)] == [
                tuple(r) for r in await source.fetchall(totals)]
            # New rows get new ids after the copied ones.
            [(post_id,)] = await target.execute_returning(
                "INSERT INTO daily_posts (guild_id, epoch, cohort_day, local_date, kind, channel_id, "
                "claimed_at) VALUES (3, 1, 1, '2026-12-01', 'prompt', 5, 'x') RETURNING id")
            assert post_id == 8
            with pytest.raises(TargetNotEmptyError, match="already holds data"):
                await copy_store(source, target)
        finally:
            await source.close()
            await target.close()
        assert await migrate_store(path, TEST_DATABASE_URL, schema) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: the target ") and "empty database" in err[0]


@needs_postgres
def test_doctor_reports_the_postgresql_revision(tmp_path):
    import asyncio

    async def make() -> str:
        admin = await Database.open(TEST_DATABASE_URL)
        name = "t_doctor_" + tmp_path.name[-8:].replace("-", "_").lower()
        await admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        await admin.execute(f"CREATE SCHEMA {name}")
        await admin.close()
        db = await Database.open(TEST_DATABASE_URL, schema=name)
        await db.migrate()
        await db.close()
        return name

    async def drop(name: str) -> None:
        admin = await Database.open(TEST_DATABASE_URL)
        await admin.execute(f"DROP SCHEMA {name} CASCADE")
        await admin.close()

    schema = asyncio.run(make())
    try:
        result = run_cli("doctor", cwd=tmp_path, DATABASE_URL=TEST_DATABASE_URL, DATABASE_SCHEMA=schema)
    finally:
        asyncio.run(drop(schema))
    line = next(line for line in result.stdout.splitlines() if "database" in line.lower())
    assert f"schema {LATEST}/{LATEST}" in line and "PostgreSQL" in line, result.stdout


def test_backup_with_postgresql_points_at_pg_dump(tmp_path):
    result = run_cli("backup", str(tmp_path / "copy.db"), cwd=tmp_path,
                     DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: `backup` copies the SQLite file; with DATABASE_URL set, use pg_dump / pg_restore "
        "(README, Migrations)"]


async def test_close_waits_for_the_transaction_in_flight_then_refuses(db):
    inside, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as tx:
            inside.set()
            await release.wait()
            await tx.execute("INSERT INTO command_sync (scope, fingerprint, synced_at) "
                             "VALUES ('late', 'f', 'x')")

    task = asyncio.create_task(writer())
    await inside.wait()
    closing = asyncio.create_task(db.close())
    await asyncio.sleep(0)  # let close start waiting
    assert not closing.done()
    release.set()
    await asyncio.gather(task, closing)
    with pytest.raises(ValueError, match="Connection closed"):
        await db.fetchone("SELECT 1")
