"""The one storage facade over two engines, SQLite (default) and PostgreSQL, and the UTC codec.

Repositories talk to ``Database`` (``execute`` / ``executemany`` / ``fetchone`` /
``fetchall`` / ``transaction``) with ``?`` placeholders or ``:name`` binds; the
facade runs them through SQLAlchemy 2 async Core (``text()``) on aiosqlite or
asyncpg, and hands back ``Row`` objects that answer both ``row["col"]`` and
``row[0]`` (``storage.statements``). Everything engine-specific lives beside it:

- ``storage.sqlite``: the SQLite backend: its connection and locking rules
  (``storage.sqlite_connection``), and the SQLite-only maintenance (checkpoint,
  integrity check, write probe, file checks: ``storage.sqlite_file``);
- ``storage.schema``: the migrations (Alembic revisions made from the numbered SQL
  files in storage/migrations) and the schema revision.

SQLite: one connection per process, and the locking semantics described in
``storage.sqlite_connection`` (one writer lock, ``BEGIN IMMEDIATE``, reads run to completion,
``storage.retry``). PostgreSQL: a connection pool; every statement outside a
transaction commits on its own, a transaction is one pooled connection, and
claims are single atomic statements (``UPDATE … RETURNING``, ``INSERT … ON
CONFLICT DO NOTHING RETURNING``) so the database says who won.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.retry import retry_uncommitted
from storage.schema import (  # re-exported: the migrations' public names live here too
    DatabaseUnreachableError,
    Migration,
    NotBarRaiserDatabaseError,
    SchemaTooNewError,
    discover_migrations,
)
from storage.statements import CoreStatements, Params, Result, Row, Statements

__all__ = [
    "CoreStatements", "Database", "DatabaseUnreachableError", "Migration", "NotBarRaiserDatabaseError",
    "Params", "Result", "Row", "SchemaTooNewError", "Statements", "Transaction", "discover_migrations",
    "from_db", "to_db",
]

T = TypeVar("T")


def to_db(instant: datetime) -> str:
    """Encode an aware instant as ISO-8601 UTC text that sorts like time does."""
    if instant.tzinfo is None:
        raise ValueError("refusing to store a naive datetime")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str) -> datetime:
    """Decode what ``to_db`` wrote back into an aware UTC datetime.

    ``fromisoformat`` (C) reads the trailing ``Z`` as UTC since Python 3.11 and is about
    twenty times faster than ``strptime``, which showed in /progress (thousands of instants).
    """
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None or instant.utcoffset():
        raise ValueError(f"not an instant written by to_db: {text!r}")
    return instant.astimezone(UTC)


class Transaction:
    """Statements inside ``Database.transaction()``, on the transaction's connection."""

    def __init__(self, statements: Statements) -> None:
        self._statements = statements

    @property
    def dialect(self) -> str:
        return self._statements.dialect

    async def execute(self, sql: str, params: Params = ()) -> Result:
        return await self._statements.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._statements.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return (await self._statements.execute(sql, params)).fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return (await self._statements.execute(sql, params)).fetchall()

    async def serialize(self, purpose: str, key: int) -> None:
        """Make transactions about (``purpose``, ``key``) run one after another, until commit.

        For a check-then-insert that no single statement can express (a count
        against a limit). SQLite's ``BEGIN IMMEDIATE`` serialises every write
        transaction already; PostgreSQL takes a transaction-scoped advisory lock.
        """
        if self.dialect == "sqlite":
            return
        digest = hashlib.blake2b(f"{purpose}:{key}".encode(), digest_size=8).digest()
        lock = int.from_bytes(digest, "big", signed=True)
        await self._statements.execute("SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))", (lock,))


class Database:
    """The process's database. Open with ``await Database.open(path_or_url)``.

    The engine-specific work is done by a backend (``storage.sqlite.SqliteBackend``
    or ``storage.postgres.PostgresBackend``); this class is what repositories see.
    """

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self.path: Path | None = backend.path
        self.url: str = backend.url

    @classmethod
    async def open(cls, target: Path | str, *, schema: str | None = None) -> Database:
        """A SQLite file (a path) or a server (``postgresql+asyncpg://…``; ``schema`` sets search_path)."""
        if isinstance(target, str) and "://" in target:
            from storage.postgres import PostgresBackend

            return cls(await PostgresBackend.open(target, schema=schema))
        from storage.sqlite import SqliteBackend

        return cls(await SqliteBackend.open(Path(target)))

    @property
    def schema(self) -> str | None:
        """The PostgreSQL schema this database lives in (None: the default, or SQLite)."""
        schema = getattr(self._backend, "schema", None)
        return str(schema) if schema else None

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return str(self._backend.dialect)

    @property
    def engine(self) -> AsyncEngine:
        engine: AsyncEngine = self._backend.engine
        return engine

    def describe(self) -> str:
        """Where the data lives, for log lines and doctor (no password)."""
        return str(self._backend.describe())

    async def close(self) -> None:
        await self._backend.close()

    # -- statements -----------------------------------------------------------

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement and commit; the rowcount (an INSERT's lastrowid on SQLite only,
        kept for old callers: for a new id on both engines use ``execute_returning`` with
        ``RETURNING``)."""
        result: Result = await self._backend.write(sql, params)
        inserted = sql.lstrip()[:6].upper() == "INSERT"
        if inserted and self.dialect == "sqlite":
            return result.lastrowid or 0
        return result.rowcount

    async def execute_returning(self, sql: str, params: Params = ()) -> list[Row]:
        """Run one write statement with RETURNING and commit; the returned rows."""
        result: Result = await self._backend.write(sql, params)
        return result.fetchall()

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        batch = list(rows)
        await self.run_transaction(lambda tx: tx.executemany(sql, batch), "executemany")

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a read to completion (see ``storage.sqlite_connection`` for why that matters on SQLite)."""
        rows: list[Row] = await self._backend.read(sql, params)
        return rows

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One transaction, committed at the end of the block, rolled back if it raises.

        On SQLite it is ``BEGIN IMMEDIATE`` under the process's writer lock; on
        PostgreSQL a pooled connection in a READ COMMITTED transaction.
        """
        async with self._backend.transaction() as statements:
            yield Transaction(statements)

    async def run_transaction(self, work: Callable[[Transaction], Awaitable[T]],
                              what: str = "a transaction") -> T:
        """``await work(tx)`` in one transaction, re-run whole after a transient failure that
        came before COMMIT (a lost server connection, a locked file): ``work`` must do
        nothing but statements on ``tx``. Prefer it to ``transaction()`` where that holds.
        """
        return await retry_uncommitted(self.transaction, work, what)

    # -- schema ---------------------------------------------------------------

    async def schema_version(self) -> int:
        """The schema revision as a number (the migration file's NNNN; 0 for an empty database)."""
        version: int = await self._backend.schema_version()
        return version

    async def migrate(self, migrations: list[Migration] | None = None) -> list[Migration]:
        """Apply pending migrations in order (Alembic), each in its own transaction.

        Returns the migrations applied. Refuses a database whose revision is
        newer than the newest migration this code knows.
        """
        applied: list[Migration] = await self._backend.migrate(migrations)
        return applied

    async def run_sync(self, fn: Any) -> Any:
        """Run ``fn(sync_connection)`` (schema inspection) on a connection of this database."""
        return await self._backend.run_sync(fn)

    async def tables(self) -> list[str]:
        """The application's tables, by name."""
        from storage.introspect import table_names

        return await table_names(self)

    # -- health (doctor, /doctor) ------------------------------------------------

    async def check_writable(self) -> None:
        """Raise unless a write to the database itself can be committed."""
        await self._backend.check_writable()

    async def integrity_ok(self) -> bool:
        ok: bool = await self._backend.integrity_ok()
        return ok

    async def verify_bar_raiser(self) -> None:
        await self._backend.verify_bar_raiser()

    async def checkpoint(self, wait_ms: int = 500) -> tuple[int, int, int]:
        """SQLite: copy the WAL into the file and truncate it (see ``storage.sqlite_file``); else a no-op."""
        done: tuple[int, int, int] = await self._backend.checkpoint(wait_ms)
        return done
