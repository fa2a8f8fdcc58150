"""SQLite: the one shared connection and its locking rules.

One aiosqlite connection per process (through SQLAlchemy), in WAL mode with
foreign keys on and a busy timeout, so a second process holding a lock for a few
seconds delays a write instead of failing it. Every write goes through one asyncio
lock: with a single shared connection, a write issued by one task while another
task has a transaction open would silently join that transaction.

SQLite's busy handler does not cover every lock wait. A connection that already
holds a read snapshot and then asks for the write lock (a read-to-write
upgrade, or a write issued while another task's read cursor is still open on
the shared connection) gets ``SQLITE_BUSY`` at once, whatever the busy timeout.
So reads run to completion in one call (no cursor stays open across an
``await``: SQLAlchemy's aiosqlite adapter buffers every result), write
transactions start with ``BEGIN IMMEDIATE``, and one retry policy
(``storage.retry``) re-runs any statement or ``BEGIN`` that still meets a locked
database, with backoff, until ``BUSY_TIMEOUT_MS`` has passed.

SQLAlchemy's own transaction bookkeeping cannot be shared by concurrent tasks on
one connection, so the shared connection runs in the driver's autocommit mode
(``isolation_level=None``) and this module issues ``BEGIN IMMEDIATE`` / ``COMMIT``
itself under the writer lock. The migration connection (opened only at start)
follows SQLAlchemy's documented pysqlite recipe instead: autocommit driver plus a
``begin`` event that emits ``BEGIN IMMEDIATE``.

The repositories' statements on the shared connection go to the aiosqlite
connection under SQLAlchemy's (``DriverStatements``): one hop to the driver's
thread per statement, as before SQLAlchemy. Through Core's ``text()`` the same
read took eight (cursor, execute, description, fetch, close …): 194 µs instead of
20 µs per read, 214 µs instead of 54 µs per write (/tmp/bench_db.py in the PR
notes). SQLite takes ``?`` and ``:name`` natively, so the SQL is the same text.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.retry import BUSY_TIMEOUT_MS, retry_transient
from storage.statements import Params, Result, Row

_SHARED = "bar_raiser_shared"  # execution option of the one shared (autocommit) connection


def make_engine(path: Path) -> AsyncEngine:
    """An aiosqlite engine for ``path``: per-connection PRAGMAs, ``BEGIN IMMEDIATE`` transactions."""
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", poolclass=NullPool)

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver: every transaction is an explicit BEGIN (the recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
            # Deleted content is overwritten with zeros, in the page and in freed pages,
            # so /privacy delete leaves no trace in free space (storage/privacy.py).
            cursor.execute("PRAGMA secure_delete = ON")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Connection) -> None:
        if not conn.get_execution_options().get(_SHARED):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class DriverStatements:
    """Statements straight on the aiosqlite connection that SQLAlchemy opened."""

    dialect = "sqlite"

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    async def execute(self, sql: str, params: Params = ()) -> Result:
        # Not closed, as before SQLAlchemy: a finished statement holds no lock, and a
        # close is one more hop to the driver's thread.
        cursor = await self._driver.execute(sql, params)
        if cursor.description is None:
            return Result(cursor.rowcount, cursor.lastrowid, [])
        rows: list[Row] = list(await cursor.fetchall())
        return Result(len(rows), cursor.lastrowid, rows)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._driver.executemany(sql, list(rows))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """One hop: the read runs to completion in the driver's thread."""
        return list(await self._driver.execute_fetchall(sql, params))


class SqliteConnection:
    """The process's one SQLite connection: reads, single writes and transactions under its rules.

    ``lock`` is the writer lock; whoever needs the connection to itself (the
    migration connection, a checkpoint, the schema inspector) takes it too.
    """

    def __init__(self, conn: AsyncConnection, driver: Any) -> None:
        self.conn = conn
        self.statements = DriverStatements(driver)
        self.lock = asyncio.Lock()

    @classmethod
    async def share(cls, conn: AsyncConnection) -> SqliteConnection:
        """Turn a fresh connection of ``make_engine`` into the shared, autocommit one."""
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT", **{_SHARED: True})
        driver = (await conn.get_raw_connection()).driver_connection
        if driver is None:
            raise RuntimeError("SQLAlchemy gave no aiosqlite connection")
        # sqlite3's own row (C): row[0], row["name"], keys(), as ``storage.statements.Row``
        # offers on PostgreSQL, at a third of the cost of a Python row per read.
        driver.row_factory = sqlite3.Row
        return cls(conn, driver)

    async def close(self) -> None:
        """Wait for the write in flight, then close."""
        async with self.lock:
            await self.conn.close()

    def _open(self) -> None:
        if self.conn.closed:
            raise ValueError("Connection closed")

    async def read(self, sql: str, params: Params = ()) -> list[Row]:
        self._open()
        return await retry_transient(lambda: self.statements.fetchall(sql, params), "a read")

    async def write(self, sql: str, params: Params = ()) -> Result:
        self._open()
        async with self.lock:
            return await retry_transient(lambda: self.statements.execute(sql, params), "a write")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[DriverStatements]:
        """BEGIN IMMEDIATE … COMMIT, rolled back if the block raises.

        IMMEDIATE takes the write lock before the first read, so a transaction
        that reads then writes never needs an upgrade; the BEGIN itself is
        retried under the storage retry policy.
        """
        self._open()
        statements = self.statements
        async with self.lock:
            await retry_transient(lambda: statements.execute("BEGIN IMMEDIATE"), "BEGIN IMMEDIATE")
            try:
                yield statements
            except BaseException:
                await statements.execute("ROLLBACK")
                raise
            await statements.execute("COMMIT")

    async def run_sync(self, fn: Any) -> Any:
        async with self.lock:  # the inspector's reads must not join another task's BEGIN
            return await self.conn.run_sync(fn)
