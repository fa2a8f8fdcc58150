"""SQLite: the database file itself: is it ours and intact, can it be written, its WAL.

The checks ``Database.open`` runs before writing anything (a file that is not a
Bar Raiser database, or is damaged, is refused in one line), and the maintenance
only a SQLite file needs (checkpoint, integrity check, write probe). Together with
``storage.sqlite_connection`` (the per-connection PRAGMAs), every PRAGMA of the
project is in these two modules.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.retry import BUSY_TIMEOUT_MS, primary_code
from storage.schema import NotBarRaiserDatabaseError
from storage.sqlite_connection import SqliteConnection

_MARKER_TABLE = "command_sync"  # created by migration 0001 and never dropped


class SqliteFile:
    """The file behind the shared connection: its version header, health and WAL."""

    def __init__(self, connection: SqliteConnection, path: Path) -> None:
        self._connection = connection
        self.path = path

    async def user_version(self) -> int:
        rows = await self._connection.read("PRAGMA user_version")
        return int(rows[0][0]) if rows else 0

    async def has_table(self, name: str) -> bool:
        rows = await self._connection.read(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return bool(rows)

    async def use_wal(self) -> None:
        """Switch the file to WAL mode (kept in the file; a no-op once it is)."""
        await self._connection.statements.execute("PRAGMA journal_mode = WAL")

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
            tables = {row[0] for row in await self._connection.read(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
            rows = await self._connection.read("PRAGMA quick_check")
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

    async def checkpoint(self, wait_ms: int = 500) -> tuple[int, int, int]:
        """Copy the WAL into the database file and truncate the WAL to zero bytes.

        Returns SQLite's (busy, WAL frames, frames checkpointed); busy is 1 when another
        connection's reader or writer kept the WAL from being reset. A TRUNCATE
        checkpoint waits for them through the busy handler, so the wait is cut to
        ``wait_ms`` here instead of ``BUSY_TIMEOUT_MS``: this runs under the write lock,
        and every write of the bot would queue behind it. Taken under that lock because
        a checkpoint cannot run inside this connection's open transaction.
        """
        statements = self._connection.statements
        async with self._connection.lock:
            await statements.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            try:
                row = (await statements.execute("PRAGMA wal_checkpoint(TRUNCATE)")).fetchone()
            finally:
                await statements.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return (int(row[0]), int(row[1]), int(row[2])) if row else (1, -1, -1)

    async def integrity_ok(self) -> bool:
        rows = await self._connection.read("PRAGMA integrity_check")
        return bool(rows) and rows[0][0] == "ok"

    async def check_writable(self) -> None:
        """Raise ``sqlite3.Error`` unless a write to the database file itself can be committed.

        Rewrites the schema version in the file's own header: a temporary table
        would live outside the file and succeed on a read-only disk.
        """
        version = await self.user_version()
        async with self._connection.transaction() as statements:
            # PRAGMA takes no parameters; the version is an int SQLite just gave us.
            await statements.execute(f"PRAGMA user_version = {int(version)}")


def not_a_database(path: Path, error: BaseException | None) -> BaseException:
    """The error to raise for a file SQLite cannot open: one clear line if it is not a database."""
    if isinstance(error, sqlite3.DatabaseError) and primary_code(error) in (
            sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return NotBarRaiserDatabaseError(
            f"DATABASE_PATH {path} is not a usable SQLite database ({error}); restore it "
            "from a backup or point DATABASE_PATH at a new file"
        )
    return error if error is not None else RuntimeError(f"cannot open {path}")
