"""Consistent copies of the SQLite file with SQLite's online backup API.

A plain ``cp`` of a database in WAL mode can miss the last commits (they live
in the ``-wal`` file) or catch a page mid-write. The backup API copies through
SQLite's pager under a read lock, so the copy is one consistent snapshot even
while the bot keeps writing. The calls are blocking: run them in a thread.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Snapshot:
    """What a copy holds: its schema version and how many tables it has."""

    path: Path
    schema_version: int
    tables: int


def inspect(path: Path) -> Snapshot:
    """Open ``path`` as a Bar Raiser database and check it whole, or raise BackupError."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error})") from None
    if verdict != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {verdict}")
    if version == 0:
        raise BackupError(f"{path} is not a Bar Raiser database (no schema version)")
    return Snapshot(path, version, int(tables))


def copy_database(source: Path, target: Path) -> Snapshot:
    """Copy ``source`` into ``target`` (replacing its content) and check the copy."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return inspect(target)


def backup(database: Path, target: Path) -> Snapshot:
    """A consistent copy of the live database into a new file ``target``."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    inspect(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    return copy_database(database, target)


def restore(snapshot: Path, database: Path, latest_version: int, keep_as: Path) -> Snapshot:
    """Put ``snapshot`` in place of ``database``; the current one is kept as ``keep_as`` first.

    The bot must be stopped: a running bot keeps timers and caches of the old
    content. A snapshot from a newer Bar Raiser is refused, an older one is
    migrated forward at the next start.
    """
    incoming = inspect(snapshot)
    if incoming.schema_version > latest_version:
        raise BackupError(f"{snapshot} has schema version {incoming.schema_version}, but this Bar "
                          f"Raiser only knows up to {latest_version}; upgrade Bar Raiser first")
    if database.exists():
        backup(database, keep_as)
    database.parent.mkdir(parents=True, exist_ok=True)
    return copy_database(snapshot, database)
