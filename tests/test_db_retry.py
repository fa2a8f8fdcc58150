"""The one storage retry policy: a lock held by another process delays work, never fails it.

The read-to-write upgrade is the case SQLite's busy handler does not cover: a
connection that holds a read snapshot (an open read cursor on the shared
connection) and then asks for the write lock gets SQLITE_BUSY at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading

from storage.db import Database
from storage.retry import is_locked, storage_problem


async def test_reads_and_writes_interleaved_under_a_foreign_lock_all_land(tmp_path):
    path = tmp_path / "busy.db"
    db = await Database.open(path)
    await db.migrate()
    for guild_id in range(30):
        await db.execute("INSERT INTO guilds (guild_id, name, joined_at) VALUES (?, 'g', 't')",
                         (guild_id,))
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    released = threading.Timer(0.5, lambda: (holder.execute("COMMIT"), holder.close()))
    released.start()

    async def read() -> None:
        await db.fetchone("SELECT guild_id, name FROM guilds ORDER BY guild_id")

    async def write(guild_id: int) -> None:
        await db.execute("UPDATE guilds SET name = 'renamed' WHERE guild_id = ?", (guild_id,))

    # Readers and writers started together: each write is queued on the shared
    # connection right behind a read whose cursor is still open.
    work = [job for g in range(30) for job in (read(), write(g))]
    outcomes = await asyncio.gather(*work, return_exceptions=True)
    released.join()
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert failures == []
    row = await db.fetchone("SELECT COUNT(*) FROM guilds WHERE name = 'renamed'")
    assert row[0] == 30
    await db.close()


async def test_a_transaction_that_reads_then_writes_waits_for_a_foreign_lock(tmp_path):
    path = tmp_path / "upgrade.db"
    db = await Database.open(path)
    await db.migrate()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.3, lambda: (holder.execute("COMMIT"), holder.close()))
    released.start()
    async with db.transaction() as tx:
        count = (await tx.fetchone("SELECT COUNT(*) FROM command_sync"))[0]
        await tx.execute("INSERT INTO command_sync VALUES ('s', ?, 't')", (str(count),))
    released.join()
    assert (await db.fetchone("SELECT fingerprint FROM command_sync"))[0] == "0"
    await db.close()


def test_storage_problems_are_classified_by_sqlite_error_code(tmp_path):
    path = tmp_path / "ro.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ro.execute("INSERT INTO t VALUES (1)")
    except sqlite3.OperationalError as error:
        assert storage_problem(error) == "readonly"
    else:
        raise AssertionError("a read-only connection accepted a write")
    locked = sqlite3.OperationalError("database is locked")
    assert is_locked(locked) and storage_problem(locked) == "locked"
    assert storage_problem(sqlite3.OperationalError("database or disk is full")) == "full"
    assert storage_problem(ValueError("x")) is None



def test_postgresql_failures_are_classified_like_sqlite_ones() -> None:
    """One classification for both engines, read through the error's causes."""
    from asyncpg import exceptions as pg

    from bot.daily.jobs import describe_failure

    assert storage_problem(pg.DiskFullError("no space left")) == "full"
    assert storage_problem(pg.ReadOnlySQLTransactionError("read-only")) == "readonly"
    terminated = pg.AdminShutdownError("terminating connection due to administrator command")
    assert storage_problem(terminated) == "unreachable"
    try:
        try:
            raise terminated
        except pg.AdminShutdownError as cause:
            raise RuntimeError("the daily post could not be recorded") from cause
    except RuntimeError as wrapped:
        assert describe_failure(wrapped) == "the database server can't be reached"
    assert describe_failure(sqlite3.OperationalError("database or disk is full")) == (
        "the bot's storage is full, so the post can't be recorded")
