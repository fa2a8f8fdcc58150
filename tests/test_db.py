from datetime import datetime, timedelta, timezone

import pytest

from storage.db import Database, SchemaTooNewError, discover_migrations, from_db, to_db
from storage.guilds import CommandSyncRepository, GuildRepository
from tests.stores import open_again


async def test_migrates_from_empty_to_latest(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    applied = await db.migrate()
    assert [m.version for m in applied] == list(range(1, len(discover_migrations()) + 1))
    assert await db.schema_version() == len(discover_migrations())
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
    await db.close()


@pytest.mark.parametrize("start", range(1, len(discover_migrations())))
async def test_migrates_from_every_earlier_version(tmp_path, start):
    migrations = discover_migrations()
    db = await Database.open(tmp_path / "b.db")
    await db.migrate(migrations[:start])
    assert await db.schema_version() == start
    applied = await db.migrate()
    assert [m.version for m in applied] == [m.version for m in migrations[start:]]
    assert await db.integrity_ok()
    await db.close()


async def test_rerun_is_a_no_op(db):
    assert await db.migrate() == []


async def test_refuses_a_newer_schema(tmp_path):
    db = await Database.open(tmp_path / "c.db")
    await db.migrate()
    await db.execute(f"PRAGMA user_version = {len(discover_migrations()) + 1}")
    with pytest.raises(SchemaTooNewError, match="upgrade Bar Raiser"):
        await db.migrate()
    await db.close()


async def test_a_failing_migration_leaves_the_database_untouched(tmp_path):
    bad = tmp_path / "migrations"
    bad.mkdir()
    (bad / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);")
    (bad / "0002_broken.sql").write_text("CREATE TABLE b (y INTEGER);\nINSERT INTO nope VALUES (1);")
    db = await Database.open(tmp_path / "d.db")
    with pytest.raises(Exception, match="nope"):
        await db.migrate(discover_migrations(bad))
    assert await db.schema_version() == 1
    assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'b'") is None
    await db.close()


async def test_transaction_rolls_back_on_error(db):
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO command_sync VALUES ('x', 'f', 't')")
            raise RuntimeError("boom")
    assert await db.fetchone("SELECT * FROM command_sync") is None


def test_instants_round_trip_in_utc():
    local = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    text = to_db(local)
    assert text == "2026-03-28T23:30:00.000000Z"
    assert from_db(text) == local
    with pytest.raises(ValueError):
        to_db(datetime(2026, 1, 1))  # noqa: DTZ001 - proving naive datetimes are refused


async def test_guild_repository_round_trip(db, clock):
    repo = GuildRepository(db)
    assert (await repo.settings(1)).auto_review is False
    await repo.set_auto_review(1, True, clock.now())
    await repo.set_mock_max_sessions(1, 3, clock.now())
    settings = await repo.settings(1)
    assert settings.auto_review is True and settings.mock_max_sessions == 3
    assert await repo.claim_welcome(1, "Study", clock.now()) is True
    assert await repo.claim_welcome(1, "Study", clock.now()) is False
    assert await repo.claim_welcome(1, "Study", clock.advance(timedelta(hours=23))) is False
    assert await repo.claim_welcome(1, "Study", clock.advance(timedelta(hours=2))) is True
    assert await repo.welcomed_at(1) == clock.now()


async def test_command_sync_fingerprints(db, clock):
    repo = CommandSyncRepository(db)
    assert await repo.fingerprint("global") is None
    await repo.record("global", "abc", clock.now())
    await repo.record("global", "def", clock.now())
    assert await repo.fingerprint("global") == "def"


async def test_second_connection_waits_for_a_lock_instead_of_failing(tmp_path):
    import asyncio
    import sqlite3

    path = tmp_path / "locked.db"
    db = await Database.open(path)
    await db.migrate()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    write = asyncio.create_task(db.execute("INSERT INTO command_sync VALUES ('s', 'f', 't')"))
    await asyncio.sleep(0.3)
    assert not write.done()  # blocked by the other process's lock, not failed
    holder.execute("COMMIT")
    holder.close()
    await write
    assert await db.fetchone("SELECT scope FROM command_sync") is not None
    assert await db.integrity_ok()
    await db.close()


async def test_of_processes_claiming_a_new_command_set_exactly_one_syncs(db, clock):
    import asyncio

    repo = CommandSyncRepository(db)
    await repo.record("global", "old", clock.now())
    others = [await open_again(db) for _ in range(2)]  # as other processes would
    try:
        repos = [repo, *(CommandSyncRepository(other) for other in others)]
        results = await asyncio.gather(*(r.claim("global", "new", clock.now()) for r in repos))
    finally:
        for other in others:
            await other.close()
    assert sorted(won for won, _ in results) == [False, False, True]
    assert [before for won, before in results if won] == ["old"]
    assert await repo.claim("global", "new", clock.now()) == (False, "new")  # unchanged


async def test_a_failed_sync_gives_its_claim_back(db, clock):
    repo = CommandSyncRepository(db)
    assert await repo.claim("global", "first", clock.now()) == (True, None)
    await repo.release("global", "first", None)
    assert await repo.fingerprint("global") is None
    await repo.record("global", "old", clock.now())
    assert await repo.claim("global", "new", clock.now()) == (True, "old")
    await repo.release("global", "new", "old")
    assert await repo.fingerprint("global") == "old"
