"""SQLite: the one connection, its locking rules, and the SQLite-only maintenance.

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

Every PRAGMA of the project is in this module.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.retry import BUSY_TIMEOUT_MS, primary_code, retry_locked
from storage.schema import (
    Migration,
    NotBarRaiserDatabaseError,
    SchemaTooNewError,
    current_revision,
    discover_migrations,
    too_new_message,
    upgrade,
)
from storage.statements import Params, Result, Row

_MARKER_TABLE = "command_sync"  # created by migration 0001 and never dropped
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


class SqliteBackend:
    dialect = "sqlite"

    def __init__(self, engine: AsyncEngine, conn: AsyncConnection, path: Path, driver: Any) -> None:
        self.engine = engine
        self._conn = conn
        self._statements = DriverStatements(driver)
        self.path: Path | None = path
        self.url = str(path)
        self._write_lock = asyncio.Lock()

    def describe(self) -> str:
        return str(self.path)

    @classmethod
    async def open(cls, path: Path) -> SqliteBackend:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(path)
        try:
            conn = await engine.connect()
        except DBAPIError as error:
            await engine.dispose()
            raise _not_a_database(path, error.orig) from error
        except BaseException:
            await engine.dispose()
            raise
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT", **{_SHARED: True})
            driver = (await conn.get_raw_connection()).driver_connection
            if driver is None:
                raise RuntimeError("SQLAlchemy gave no aiosqlite connection")
            # sqlite3's own row (C): row[0], row["name"], keys(), as ``storage.statements.Row``
            # offers on PostgreSQL, at a third of the cost of a Python row per read.
            driver.row_factory = sqlite3.Row
            backend = cls(engine, conn, path, driver)
            # Before WAL mode, the one write here: someone else's file stays untouched.
            await backend.verify_bar_raiser()
            await backend._statements.execute("PRAGMA journal_mode = WAL")
        except NotBarRaiserDatabaseError:
            await conn.close()
            await engine.dispose()
            raise
        except sqlite3.DatabaseError as error:
            await conn.close()
            await engine.dispose()
            raise _not_a_database(path, error) from error
        except BaseException:
            # aiosqlite's worker thread would otherwise keep the process alive.
            await conn.close()
            await engine.dispose()
            raise
        return backend

    async def close(self) -> None:
        """Wait for the write in flight, then close."""
        async with self._write_lock:
            await self._conn.close()
            await self.engine.dispose()

    # -- statements -----------------------------------------------------------

    def _open(self) -> AsyncConnection:
        if self._conn.closed:
            raise ValueError("Connection closed")
        return self._conn

    async def read(self, sql: str, params: Params) -> list[Row]:
        self._open()
        return await retry_locked(lambda: self._statements.fetchall(sql, params), "a read")

    async def write(self, sql: str, params: Params) -> Result:
        self._open()
        async with self._write_lock:
            return await retry_locked(lambda: self._statements.execute(sql, params), "a write")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[DriverStatements]:
        """BEGIN IMMEDIATE … COMMIT, rolled back if the block raises.

        IMMEDIATE takes the write lock before the first read, so a transaction
        that reads then writes never needs an upgrade; the BEGIN itself is
        retried under the storage retry policy.
        """
        self._open()
        statements = self._statements
        async with self._write_lock:
            await retry_locked(lambda: statements.execute("BEGIN IMMEDIATE"), "BEGIN IMMEDIATE")
            try:
                yield statements
            except BaseException:
                await statements.execute("ROLLBACK")
                raise
            await statements.execute("COMMIT")

    async def run_sync(self, fn: Any) -> Any:
        async with self._write_lock:  # the inspector's reads must not join another task's BEGIN
            return await self._conn.run_sync(fn)

    # -- schema ---------------------------------------------------------------

    async def user_version(self) -> int:
        rows = await self.read("PRAGMA user_version", ())
        return int(rows[0][0]) if rows else 0

    async def schema_version(self) -> int:
        """``user_version`` (kept in step by every revision), or Alembic's revision if higher."""
        version = await self.user_version()
        if version == 0 and not await self._has_table("alembic_version"):
            return 0
        recorded = await self._conn.run_sync(current_revision) if await self._has_table(
            "alembic_version") else 0
        return max(version, recorded)

    async def _has_table(self, name: str) -> bool:
        rows = await self.read("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return bool(rows)

    async def migrate(self, migrations: Sequence[Migration] | None) -> list[Migration]:
        migrations = discover_migrations() if migrations is None else list(migrations)
        latest = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > latest:
            raise SchemaTooNewError(too_new_message(str(self.path), current, latest))
        legacy = await self.user_version() if not await self._has_table("alembic_version") else 0
        async with self._write_lock, self.engine.connect() as conn:
            applied: list[Migration] = await conn.run_sync(
                lambda sync: upgrade(sync, migrations, stamp_at=legacy))
        return applied

    async def verify_bar_raiser(self) -> None:
        """Refuse a file that is not (or no longer) a Bar Raiser database, in one clear line.

        Run by ``open`` before anything is written. New and empty files pass
        (migrations build them). A file with tables but no schema version belongs
        to another application; one with a version and tables but without our
        bookkeeping table is foreign too; ``quick_check`` finds a truncated or
        damaged file before any migration writes to it.
        """
        try:
            version = await self.user_version()
            tables = {row[0] for row in await self.read(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", ())}
            rows = await self.read("PRAGMA quick_check", ())
            verdict = str(rows[0][0]) if rows else "?"
        except sqlite3.DatabaseError as error:
            if primary_code(error) not in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                raise
            verdict = str(error)
            version, tables = 0, set()
        if verdict != "ok":
            said = verdict[:120]
            raise NotBarRaiserDatabaseError(
                f"DATABASE_PATH {self.path} is damaged (SQLite says: {said}); restore it from a "
                "backup or point DATABASE_PATH at a new file"
            )
        if "alembic_version" in tables and version == 0:
            version = 1
        foreign = bool(tables) and (version == 0 or _MARKER_TABLE not in tables)
        if foreign:
            shown = ", ".join(sorted(tables)[:5])
            raise NotBarRaiserDatabaseError(
                f"DATABASE_PATH {self.path} is another application's SQLite database (tables: "
                f"{shown}); point DATABASE_PATH at a Bar Raiser database or a new file"
            )

    # -- maintenance (SQLite only) ------------------------------------------------

    async def checkpoint(self, wait_ms: int = 500) -> tuple[int, int, int]:
        """Copy the WAL into the database file and truncate the WAL to zero bytes.

        Returns SQLite's (busy, WAL frames, frames checkpointed); busy is 1 when another
        connection's reader or writer kept the WAL from being reset. A TRUNCATE
        checkpoint waits for them through the busy handler, so the wait is cut to
        ``wait_ms`` here instead of ``BUSY_TIMEOUT_MS``: this runs under the write lock,
        and every write of the bot would queue behind it. Taken under that lock because
        a checkpoint cannot run inside this connection's open transaction.
        """
        async with self._write_lock:
            await self._statements.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                row = (await self._statements.execute("PRAGMA wal_checkpoint(TRUNCATE)")).fetchone()
            finally:
                await self._statements.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return (int(row[0]), int(row[1]), int(row[2])) if row else (1, -1, -1)

    async def integrity_ok(self) -> bool:
        rows = await self.read("PRAGMA integrity_check", ())
        return bool(rows) and rows[0][0] == "ok"

    async def check_writable(self) -> None:
        """Raise ``sqlite3.Error`` unless a write to the database file itself can be committed.

        Rewrites the schema version in the file's own header: a temporary table
        would live outside the file and succeed on a read-only disk.
        """
        version = await self.user_version()
        async with self.transaction() as statements:
            # PRAGMA takes no parameters; the version is an int SQLite just gave us.
            await statements.execute(f"PRAGMA user_version = {int(version)}")


def _not_a_database(path: Path, error: BaseException | None) -> BaseException:
    if isinstance(error, sqlite3.DatabaseError) and primary_code(error) in (
            sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return NotBarRaiserDatabaseError(
            f"DATABASE_PATH {path} is not a usable SQLite database ({error}); restore it "
            "from a backup or point DATABASE_PATH at a new file"
        )
    return error if error is not None else RuntimeError(f"cannot open {path}")
