"""SQLite: the backend ``storage.db.Database`` drives, composed of two collaborators.

- ``storage.sqlite_connection.SqliteConnection``: the one shared connection and its
  locking rules (writer lock, ``BEGIN IMMEDIATE``, reads run to completion, retries);
- ``storage.sqlite_file.SqliteFile``: the file itself (is it ours and intact, WAL,
  checkpoint, integrity check, write probe).

This module opens and closes them in the right order (nothing is written to a file
before it is known to be ours) and runs the migrations on a connection of its own
under the writer lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.schema import (
    Migration,
    NotBarRaiserDatabaseError,
    SchemaTooNewError,
    current_revision,
    discover_migrations,
    too_new_message,
    upgrade,
)
from storage.sqlite_connection import DriverStatements, SqliteConnection, make_engine
from storage.sqlite_file import SqliteFile, not_a_database
from storage.statements import Params, Result, Row


class SqliteBackend:
    dialect = "sqlite"

    def __init__(self, engine: AsyncEngine, connection: SqliteConnection, path: Path) -> None:
        self.engine = engine
        self._connection = connection
        self._file = SqliteFile(connection, path)
        self.path: Path | None = path
        self.url = str(path)

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
            raise not_a_database(path, error.orig) from error
        except BaseException:
            await engine.dispose()
            raise
        try:
            backend = cls(engine, await SqliteConnection.share(conn), path)
            # Before WAL mode, the one write here: someone else's file stays untouched.
            await backend.verify_bar_raiser()
            await backend._file.use_wal()
        except NotBarRaiserDatabaseError:
            await conn.close()
            await engine.dispose()
            raise
        except sqlite3.DatabaseError as error:
            await conn.close()
            await engine.dispose()
            raise not_a_database(path, error) from error
        except BaseException:
            # aiosqlite's worker thread would otherwise keep the process alive.
            await conn.close()
            await engine.dispose()
            raise
        return backend

    async def close(self) -> None:
        """Wait for the write in flight, then close."""
        await self._connection.close()
        await self.engine.dispose()

    # -- statements (the connection's rules) ------------------------------------------

    async def read(self, sql: str, params: Params) -> list[Row]:
        return await self._connection.read(sql, params)

    async def write(self, sql: str, params: Params) -> Result:
        return await self._connection.write(sql, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[DriverStatements]:
        async with self._connection.transaction() as statements:
            yield statements

    async def run_sync(self, fn: Any) -> Any:
        return await self._connection.run_sync(fn)

    # -- schema ---------------------------------------------------------------

    async def schema_version(self) -> int:
        """``user_version`` (kept in step by every revision), or Alembic's revision if higher."""
        version = await self._file.user_version()
        has_alembic = await self._file.has_table("alembic_version")
        if version == 0 and not has_alembic:
            return 0
        recorded = await self._connection.conn.run_sync(current_revision) if has_alembic else 0
        return max(version, recorded)

    async def migrate(self, migrations: Sequence[Migration] | None) -> list[Migration]:
        migrations = discover_migrations() if migrations is None else list(migrations)
        latest = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > latest:
            raise SchemaTooNewError(too_new_message(str(self.path), current, latest))
        legacy = await self._file.user_version() if not await self._file.has_table(
            "alembic_version") else 0
        async with self._connection.lock, self.engine.connect() as conn:
            applied: list[Migration] = await conn.run_sync(
                lambda sync: upgrade(sync, migrations, stamp_at=legacy))
        return applied

    # -- the file (SQLite only) -----------------------------------------------------

    async def verify_bar_raiser(self) -> None:
        await self._file.verify_bar_raiser()

    async def checkpoint(self, wait_ms: int = 500) -> tuple[int, int, int]:
        return await self._file.checkpoint(wait_ms)

    async def integrity_ok(self) -> bool:
        return await self._file.integrity_ok()

    async def check_writable(self) -> None:
        await self._file.check_writable()
