"""The one SQLite connection, its migrations, and the UTC-instant codec.

One aiosqlite connection per process, in WAL mode with foreign keys on and a
busy timeout, so a second process holding a lock for a few seconds delays a
write instead of failing it. Every write goes through one asyncio lock: with a
single shared connection, a write issued by one task while another task has a
transaction open would silently join that transaction.

SQLite's busy handler does not cover every lock wait. A connection that already
holds a read snapshot and then asks for the write lock (a read-to-write
upgrade, or a write issued while another task's read cursor is still open on
the shared connection) gets ``SQLITE_BUSY`` at once, whatever the busy timeout.
So reads run to completion in one call (no cursor stays open across an
``await``), write transactions start with ``BEGIN IMMEDIATE``, and one retry
policy (``storage.retry``) re-runs any statement or ``BEGIN`` that still meets a
locked database, with backoff, until ``BUSY_TIMEOUT_MS`` has passed.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.retry import BUSY_TIMEOUT_MS, primary_code, retry_locked

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

Params = Sequence[Any] | dict[str, Any]


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer Bar Raiser than this one."""


class NotBarRaiserDatabaseError(RuntimeError):
    """DATABASE_PATH is not a SQLite file, or is someone else's SQLite database."""


_MARKER_TABLE = "command_sync"  # created by migration 0001 and never dropped


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def discover_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The numbered migrations in order; a gap or a duplicate number is a packaging bug."""
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file name must look like 0001_name.sql: {path.name}")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migrations must be numbered 1..N without gaps: {migration.path.name}")
    return found


def to_db(instant: datetime) -> str:
    """Encode an aware instant as ISO-8601 UTC text that sorts like time does."""
    if instant.tzinfo is None:
        raise ValueError("refusing to store a naive datetime")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str) -> datetime:
    """Decode what ``to_db`` wrote back into an aware UTC datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class Transaction:
    """Statements inside ``Database.transaction()``; the lock is already held."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> aiosqlite.Cursor:
        return await self._conn.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())


class Database:
    """The process's SQLite database. Open with ``await Database.open(path)``."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit, so every transaction is an explicit BEGIN.
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Before WAL mode, the one write here: someone else's file stays untouched.
            await cls(conn, path).verify_bar_raiser()
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            # Deleted content is overwritten with zeros, in the page and in freed pages,
            # so /privacy delete leaves no trace in free space (storage/privacy.py).
            await conn.execute("PRAGMA secure_delete = ON")
        except NotBarRaiserDatabaseError:
            await conn.close()
            raise
        except sqlite3.DatabaseError as error:
            await conn.close()
            if primary_code(error) in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                raise NotBarRaiserDatabaseError(
                    f"DATABASE_PATH {path} is not a usable SQLite database ({error}); restore it "
                    "from a backup or point DATABASE_PATH at a new file"
                ) from error
            raise
        except BaseException:
            # aiosqlite's worker thread would otherwise keep the process alive.
            await conn.close()
            raise
        return cls(conn, path)

    async def close(self) -> None:
        """Wait for the write in flight, then close."""
        async with self._write_lock:
            await self._conn.close()

    # -- schema ---------------------------------------------------------------

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> list[Migration]:
        """Apply pending migrations in order, each in its own transaction.

        Returns the migrations applied. Refuses a database whose version is
        newer than the newest migration this code knows.
        """
        migrations = discover_migrations() if migrations is None else migrations
        latest = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > latest:
            raise SchemaTooNewError(
                f"the database {self.path} has schema version {current}, but this Bar Raiser "
                f"only knows up to {latest}; upgrade Bar Raiser or point DATABASE_PATH elsewhere"
            )
        applied = []
        for migration in migrations:
            if migration.version <= current:
                continue
            await self._apply(migration)
            applied.append(migration)
            log.info("applied migration %04d_%s", migration.version, migration.name)
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
            version = await self.schema_version()
            tables = {row[0] for row in await self.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
            row = await self.fetchone("PRAGMA quick_check")
            verdict = str(row[0]) if row else "?"
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
        foreign = bool(tables) and (version == 0 or _MARKER_TABLE not in tables)
        if foreign:
            shown = ", ".join(sorted(tables)[:5])
            raise NotBarRaiserDatabaseError(
                f"DATABASE_PATH {self.path} is another application's SQLite database (tables: "
                f"{shown}); point DATABASE_PATH at a Bar Raiser database or a new file"
            )

    async def _apply(self, migration: Migration) -> None:
        statements = [s for s in _split_sql(migration.sql()) if s.strip()]
        async with self.transaction() as tx:
            for statement in statements:
                await tx.execute(statement)
            # PRAGMA takes no parameters; the version is an int we parsed ourselves.
            await tx.execute(f"PRAGMA user_version = {int(migration.version)}")

    # -- statements -----------------------------------------------------------

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement and commit; returns lastrowid (or rowcount for updates)."""
        async def write() -> int:
            async with self._conn.execute(sql, params) as cursor:
                inserted = sql.lstrip()[:6].upper() == "INSERT"
                return (cursor.lastrowid or 0) if inserted else cursor.rowcount

        async with self._write_lock:
            return await retry_locked(write, "a write")

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Run a read to completion in one worker-thread call.

        A cursor left open across an ``await`` keeps a read snapshot on the shared
        connection; a write from another task meanwhile would be a read-to-write
        upgrade, which SQLite refuses at once instead of waiting.
        """
        async def read() -> list[aiosqlite.Row]:
            return list(await self._conn.execute_fetchall(sql, params))

        return await retry_locked(read, "a read")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE … COMMIT, rolled back if the block raises.

        IMMEDIATE takes the write lock before the first read, so a transaction
        that reads then writes never needs an upgrade; the BEGIN itself is
        retried under the storage retry policy.
        """
        async with self._write_lock:
            await retry_locked(lambda: self._conn.execute("BEGIN IMMEDIATE"), "BEGIN IMMEDIATE")
            try:
                yield Transaction(self._conn)
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

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
            await self._conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                async with self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                    row = await cursor.fetchone()
            finally:
                await self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return (int(row[0]), int(row[1]), int(row[2])) if row else (1, -1, -1)

    async def integrity_ok(self) -> bool:
        row = await self.fetchone("PRAGMA integrity_check")
        return row is not None and row[0] == "ok"

    async def check_writable(self) -> None:
        """Raise ``sqlite3.Error`` unless a write to the database file itself can be committed.

        Rewrites the schema version in the file's own header: a temporary table
        would live outside the file and succeed on a read-only disk.
        """
        version = await self.schema_version()
        async with self.transaction() as tx:
            # PRAGMA takes no parameters; the version is an int SQLite just gave us.
            await tx.execute(f"PRAGMA user_version = {int(version)}")


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, using sqlite3's own completeness test.

    ``executescript`` would commit behind our back, so statements are run one by
    one inside our transaction; ``sqlite3.complete_statement`` knows about
    semicolons inside strings and trigger bodies.
    """
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise RuntimeError(f"incomplete SQL statement at end of migration: {buffer.strip()[:80]}")
    return statements


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())
