"""The one storage facade over two engines, SQLite (default) and PostgreSQL, and the UTC codec.

Repositories talk to ``Database`` (``execute`` / ``executemany`` / ``fetchone`` /
``fetchall`` / ``transaction``) with ``?`` placeholders or ``:name`` binds; the
facade runs them through SQLAlchemy 2 async Core (``text()``) on aiosqlite or
asyncpg, and hands back ``Row`` objects that answer both ``row["col"]`` and
``row[0]``. Everything engine-specific lives beside it:

- ``storage.sqlite``: the SQLite connection and its locking rules, and the
  SQLite-only maintenance (checkpoint, integrity check, write probe, file checks);
- ``storage.schema``: the migrations (Alembic revisions made from the numbered SQL
  files in storage/migrations) and the schema revision.

SQLite: one connection per process, and the locking semantics described in
``storage.sqlite`` (one writer lock, ``BEGIN IMMEDIATE``, reads run to completion,
``storage.retry``). PostgreSQL: a connection pool; every statement outside a
transaction commits on its own, a transaction is one pooled connection, and
claims are single atomic statements (``UPDATE … RETURNING``, ``INSERT … ON
CONFLICT DO NOTHING RETURNING``) so the database says who won.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import TextClause, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.schema import (  # re-exported: the migrations' public names live here too
    Migration,
    NotBarRaiserDatabaseError,
    SchemaTooNewError,
    discover_migrations,
)

__all__ = [
    "Database", "DatabaseUnreachableError", "Migration", "NotBarRaiserDatabaseError", "Params", "Row",
    "SchemaTooNewError", "Transaction", "discover_migrations", "from_db", "to_db",
]

Params = Sequence[Any] | dict[str, Any]


class DatabaseUnreachableError(RuntimeError):
    """DATABASE_URL names a PostgreSQL server that does not answer or refuses us."""


def to_db(instant: datetime) -> str:
    """Encode an aware instant as ISO-8601 UTC text that sorts like time does."""
    if instant.tzinfo is None:
        raise ValueError("refusing to store a naive datetime")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str) -> datetime:
    """Decode what ``to_db`` wrote back into an aware UTC datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class Row(tuple[Any, ...]):
    """A result row: ``row[0]``, ``row["name"]``, ``row.keys()`` and ``dict(row)``."""

    _keys: tuple[str, ...]

    def __new__(cls, values: Iterable[Any], keys: tuple[str, ...]) -> Row:
        row = super().__new__(cls, values)
        row._keys = keys
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._keys.index(key))
            except ValueError:
                raise IndexError(f"no column named {key!r}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        return self._keys


class Result:
    """What a write statement did: ``rowcount``, ``lastrowid`` (SQLite only) and RETURNING rows."""

    def __init__(self, rowcount: int, lastrowid: int | None, rows: list[Row]) -> None:
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self._rows = rows

    def fetchone(self) -> Row | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Row]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)


# -- statements: one translation from ``?`` to named binds -------------------------

_STATEMENTS: dict[str, tuple[TextClause, int]] = {}
_NAMED = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def _translate(sql: str) -> tuple[str, int]:
    """``?`` becomes ``:p0, :p1, …``; a colon inside a string literal is escaped for ``text()``."""
    out: list[str] = []
    count = 0
    quote: str | None = None
    for char in sql:
        if quote:
            if char == quote:
                quote = None
            elif char == ":":
                out.append("\\")
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            out.append(f":p{count}")
            count += 1
            continue
        out.append(char)
    return "".join(out), count


def statement(sql: str) -> tuple[TextClause, int]:
    """The ``text()`` clause of ``sql`` and how many positional binds it has (cached)."""
    cached = _STATEMENTS.get(sql)
    if cached is None:
        translated, count = _translate(sql)
        cached = (text(translated), count)
        if len(_STATEMENTS) < 4096:
            _STATEMENTS[sql] = cached
    return cached


def bind(count: int, params: Params) -> dict[str, Any]:
    if isinstance(params, dict):
        return params
    values = list(params)
    if len(values) != count:
        raise ValueError(f"the statement has {count} placeholder(s) but {len(values)} value(s) were given")
    return {f"p{i}": value for i, value in enumerate(values)}


def driver_error(error: DBAPIError) -> BaseException:
    """SQLite errors surface as ``sqlite3`` errors (their codes drive retry and storage_problem).

    Raised outside the ``except`` block that caught SQLAlchemy's wrapper, so the
    chain (``__context__``) leads to the error being handled when this one
    happened, e.g. the full disk under a failed ROLLBACK (bot.daily.jobs reads it).
    """
    orig = error.orig
    if isinstance(orig, sqlite3.Error):
        orig.__cause__ = None
        return orig
    return error


def _plain(value: Any) -> Any:
    """PostgreSQL's SUM of integers is NUMERIC: give it back as SQLite does, an int."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


async def run(conn: AsyncConnection, sql: str, params: Params = ()) -> Result:
    """One statement on ``conn``, its result read to the end before returning."""
    clause, count = statement(sql)
    failure: BaseException | None = None
    try:
        result = await conn.execute(clause, bind(count, params))
    except DBAPIError as error:
        failure = driver_error(error)
    if failure is not None:
        raise failure
    rows: list[Row] = []
    if result.returns_rows:
        keys = tuple(result.keys())
        if conn.dialect.name == "sqlite":
            rows = [Row(values, keys) for values in result.fetchall()]
        else:
            rows = [Row(map(_plain, values), keys) for values in result.fetchall()]
        rowcount = len(rows)
    else:
        rowcount = result.rowcount
    lastrowid = getattr(result, "lastrowid", None) if conn.dialect.name == "sqlite" else None
    return Result(rowcount, lastrowid, rows)


async def run_many(conn: AsyncConnection, sql: str, rows: Iterable[Params]) -> None:
    clause, count = statement(sql)
    batch = [bind(count, params) for params in rows]
    if not batch:
        return
    failure: BaseException | None = None
    try:
        await conn.execute(clause, batch)
    except DBAPIError as error:
        failure = driver_error(error)
    if failure is not None:
        raise failure


class Statements(Protocol):
    """How a backend runs statements on one connection (SQLAlchemy's, or SQLite's driver)."""

    dialect: str

    async def execute(self, sql: str, params: Params = ()) -> Result: ...

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...


class CoreStatements:
    """Statements through SQLAlchemy Core ``text()`` on an ``AsyncConnection``."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self.dialect = conn.dialect.name

    async def execute(self, sql: str, params: Params = ()) -> Result:
        return await run(self._conn, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await run_many(self._conn, sql, rows)


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
        """Run one write statement and commit; returns lastrowid for an INSERT on SQLite, else rowcount."""
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
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a read to completion (see ``storage.sqlite`` for why that matters on SQLite)."""
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
        """SQLite: copy the WAL into the file and truncate it (see ``storage.sqlite``); else a no-op."""
        done: tuple[int, int, int] = await self._backend.checkpoint(wait_ms)
        return done
