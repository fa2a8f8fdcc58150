"""PostgreSQL through asyncpg: a connection pool, and nothing SQLite needs.

Every statement outside a transaction runs on a pooled connection and commits;
a transaction is one pooled connection under READ COMMITTED. Concurrency is the
server's business: no writer lock. Exactly-once is kept by single atomic
statements (``UPDATE … WHERE … RETURNING``, ``INSERT … ON CONFLICT DO NOTHING
RETURNING``), whose answer says which process won.

A lost connection (server restart, ``pg_terminate_backend``, a reset) is retried
under the one storage retry policy (``storage.retry``): reads are re-run, and a
write is a transaction re-run whole while its COMMIT was never sent. Instead of
pinging every connection at checkout (``pool_pre_ping``: one more round trip per
read), the failure itself is the signal: SQLAlchemy discards the dead connection,
and the pool replaces every connection older than it. A ``transaction()`` block
can't be re-run, so its opening pings: a dead pooled connection is found there,
where a retry is still safe.

``schema`` (tests: one fresh schema per test) becomes the connections'
``search_path``, so unqualified table names resolve there.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.retry import retry_transient, retry_uncommitted
from storage.schema import (
    DatabaseUnreachableError,
    Migration,
    SchemaTooNewError,
    current_revision,
    discover_migrations,
    too_new_message,
    upgrade,
)
from storage.statements import CoreStatements, Params, Result, Row, run

CONNECT_TIMEOUT_SECONDS = 5


def make_engine(url: str, schema: str | None = None) -> AsyncEngine:
    connect_args: dict[str, Any] = {"timeout": CONNECT_TIMEOUT_SECONDS}
    if schema:
        connect_args["server_settings"] = {"search_path": schema}
    return create_async_engine(url, connect_args=connect_args)


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "DATABASE_URL"


class PostgresBackend:
    dialect = "postgresql"

    def __init__(self, engine: AsyncEngine, url: str, schema: str | None) -> None:
        self.engine = engine
        # Reads and schema inspection outside a transaction run in autocommit: no BEGIN and
        # ROLLBACK round trips around every read (on a busy machine each one costs a scheduling
        # slot of the server process; /progress makes eleven reads).
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.url = url
        self.schema = schema
        self.path: Path | None = None
        self._closed = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def describe(self) -> str:
        shown = safe_url(self.url)
        return f"{shown} (schema {self.schema})" if self.schema else shown

    @classmethod
    async def open(cls, url: str, *, schema: str | None = None) -> PostgresBackend:
        try:
            engine = make_engine(url, schema)
        except (SQLAlchemyError, ValueError, ImportError) as error:
            raise DatabaseUnreachableError(f"DATABASE_URL is not a usable database URL ({error})") from None
        backend = cls(engine, url, schema)
        try:
            async with engine.connect() as conn:
                await run(conn, "SELECT 1")
        except (TimeoutError, OSError, DBAPIError, SQLAlchemyError) as error:
            await engine.dispose()
            reason = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
            raise DatabaseUnreachableError(
                f"cannot reach PostgreSQL at {safe_url(url)} ({reason}); check DATABASE_URL and "
                "that the server is running") from None
        return backend

    async def close(self) -> None:
        """Refuse new statements, wait for the ones in flight (as SQLite's writer lock does), close.

        ``dispose`` closes only idle pooled connections: a task still writing would
        otherwise keep its connection, and its locks, past the close.
        """
        self._closed = True
        await self._idle.wait()
        await self.engine.dispose()

    @asynccontextmanager
    async def _tracked(self) -> AsyncIterator[None]:
        """Counts the work in flight, so ``close`` can wait for it."""
        if self._closed:
            raise ValueError("Connection closed")
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def read(self, sql: str, params: Params) -> list[Row]:
        async def once() -> list[Row]:
            async with self._autocommit.connect() as conn:
                return (await run(conn, sql, params)).fetchall()

        async with self._tracked():
            return await retry_transient(once, "a read")

    async def write(self, sql: str, params: Params) -> Result:
        """In a transaction of its own (not autocommit), so a connection lost before COMMIT
        is known not to have written anything and the statement can run again."""
        async with self._tracked():
            return await retry_uncommitted(self._begin, lambda s: s.execute(sql, params), "a write")

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[CoreStatements]:
        async with self.engine.connect() as conn, conn.begin():
            yield CoreStatements(conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[CoreStatements]:
        async with self._tracked():
            conn, opened = await retry_transient(self._open_pinged, "BEGIN")
            async with opened:
                yield CoreStatements(conn)

    async def _open_pinged(self) -> tuple[AsyncConnection, AsyncExitStack]:
        """A pooled connection in a transaction whose BEGIN went out with a ping: a dead
        connection fails here, where a retry is safe, not inside the caller's block."""
        opened = AsyncExitStack()
        try:
            conn = await opened.enter_async_context(self.engine.connect())
            await opened.enter_async_context(conn.begin())
            await conn.exec_driver_sql("SELECT 1")
        except BaseException as error:
            # Unwind with the error, so the transaction is rolled back, never committed: a
            # COMMIT on the dead connection would raise in place of the error the retry reads.
            await opened.__aexit__(type(error), error, error.__traceback__)
            raise
        return conn, opened

    async def run_sync(self, fn: Any) -> Any:
        async with self._tracked(), self._autocommit.connect() as conn:
            return await conn.run_sync(fn)

    async def schema_version(self) -> int:
        async with self.engine.connect() as conn:
            return int(await conn.run_sync(current_revision))

    async def migrate(self, migrations: Sequence[Migration] | None) -> list[Migration]:
        migrations = discover_migrations() if migrations is None else list(migrations)
        latest = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > latest:
            raise SchemaTooNewError(too_new_message(self.describe(), current, latest))
        async with self.engine.connect() as conn:
            applied: list[Migration] = await conn.run_sync(lambda sync: upgrade(sync, migrations))
        return applied

    async def verify_bar_raiser(self) -> None:
        return None

    async def checkpoint(self, wait_ms: int = 500) -> tuple[int, int, int]:
        return (0, 0, 0)  # no WAL file of ours to truncate; the server manages its own

    async def integrity_ok(self) -> bool:
        return True  # the server checks its own pages; doctor checks reachability and writes

    async def check_writable(self) -> None:
        """Raise unless a write can be committed: a temporary table in one transaction."""
        async with self.engine.begin() as conn:
            await run(conn, "CREATE TEMPORARY TABLE bar_raiser_probe (x INTEGER) ON COMMIT DROP")
