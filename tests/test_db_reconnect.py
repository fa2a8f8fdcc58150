"""A lost PostgreSQL connection is retried under the one storage retry policy.

On the real server (``TEST_DATABASE_URL``): a backend terminated under a statement
(``pg_terminate_backend``, as an administrator or a server restart does) costs a
retry, never an error, for reads, for single writes and for whole transactions
that never reached COMMIT; nothing runs twice. A statement "killed once" ends
its own backend the first time it runs (a sequence counts, outside transactions).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.daily.jobs import describe_failure
from storage.db import Database
from storage.retry import is_connection_lost, storage_problem
from tests.stores import TEST_DATABASE_URL, open_store

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")

KILLED_ONCE = ("CASE WHEN nextval('kills') = 1 THEN pg_terminate_backend(pg_backend_pid()) "
               "ELSE true END")


@pytest.fixture
async def pg(tmp_path) -> AsyncIterator[Database]:
    async with open_store("postgresql", tmp_path) as database:
        await database.execute("CREATE SEQUENCE kills")
        await database.execute("CREATE TABLE probe (x INTEGER)")
        yield database


async def kills(db: Database) -> int:
    row = await db.fetchone("SELECT last_value FROM kills")
    assert row is not None
    return int(row[0])


async def test_a_read_whose_backend_is_terminated_mid_statement_is_run_again(pg: Database):
    row = await pg.fetchone(f"SELECT {KILLED_ONCE} AS answered")
    assert row is not None and row["answered"] is True
    assert await kills(pg) == 2  # the first run lost its connection, the second answered


async def test_a_write_that_lost_its_connection_before_commit_is_written_once(pg: Database):
    await pg.execute(f"INSERT INTO probe (x) SELECT 1 WHERE {KILLED_ONCE}")
    assert await kills(pg) == 2
    assert (await pg.fetchone("SELECT COUNT(*) FROM probe"))[0] == 1


async def test_a_whole_transaction_is_rerun_when_its_connection_dies_before_commit(pg: Database):
    attempts = []

    async def work(tx) -> None:
        attempts.append(len(attempts))
        await tx.execute("INSERT INTO probe (x) VALUES (?)", (len(attempts),))
        await tx.fetchone(f"SELECT {KILLED_ONCE}")  # the first attempt dies here, uncommitted

    await pg.run_transaction(work)
    assert attempts == [0, 1]
    assert [tuple(r) for r in await pg.fetchall("SELECT x FROM probe")] == [(2,)]


async def _terminate_idle_backends() -> list:
    """End every idle client backend of the test database (a server restart, for the pool)."""
    admin = await Database.open(TEST_DATABASE_URL)
    try:
        return await admin.fetchall(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid() AND datname = current_database() "
            "AND query NOT LIKE '%pg_stat_activity%' AND backend_type = 'client backend' "
            "AND state = 'idle' AND application_name = ''")
    finally:
        await admin.close()


async def test_pooled_connections_killed_while_idle_are_replaced(pg: Database):
    """Every backend of the pool terminated between uses (a server restart): the next read,
    write and transaction block each find a live connection."""
    await pg.fetchone("SELECT 1")
    ended = await _terminate_idle_backends()
    assert ended  # the pooled connection was among them
    assert (await pg.fetchone("SELECT 41 + 1"))[0] == 42
    await pg.execute("INSERT INTO probe (x) VALUES (7)")
    async with pg.transaction() as tx:
        await tx.execute("INSERT INTO probe (x) VALUES (8)")
    assert [r[0] for r in await pg.fetchall("SELECT x FROM probe ORDER BY x")] == [7, 8]


async def test_a_lost_connection_is_classified_once_for_every_caller(pg: Database):
    """The error boundary, doctor and the daily job read one classification."""
    engine = pg.engine
    async with engine.connect() as conn:
        with pytest.raises(Exception) as raised:
            await conn.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
    error = raised.value
    assert is_connection_lost(error)
    assert storage_problem(error) == "unreachable"
    assert describe_failure(error) == "the database server can't be reached"


async def test_a_transaction_whose_pooled_connection_died_while_idle_begins_on_a_new_one(
        pg: Database):
    """The ping sent with BEGIN finds the dead connection; the transaction is rolled back (a
    COMMIT there raised PendingRollbackError instead of the lost connection) and retried."""
    async with pg.transaction() as tx:  # leaves a connection idle in the transaction pool
        await tx.execute("INSERT INTO probe (x) VALUES (1)")
    ended = await _terminate_idle_backends()
    assert ended
    async with pg.transaction() as tx:
        await tx.execute("INSERT INTO probe (x) VALUES (2)")
    assert [r[0] for r in await pg.fetchall("SELECT x FROM probe ORDER BY x")] == [1, 2]
