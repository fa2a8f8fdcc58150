"""The migrations: every numbered SQL file in storage/migrations is one Alembic revision.

A new migration is a file ``storage/migrations/00NN_name.sql`` of portable SQL (it
runs on SQLite and on PostgreSQL 15), nothing else: ``SqlScriptDirectory`` turns
each file into an Alembic revision (revision id ``"00NN"``, down revision the file
before it), so there is no Python revision script to write and no env.py. Alembic
keeps the revision in ``alembic_version`` and runs each revision in its own
transaction.

The baseline is the eleven SQLite-era migrations (0001–0011). On SQLite they run as
written, as they always did. On PostgreSQL revisions 0001–0010 do nothing and 0011
runs ``migrations/baseline/postgresql.sql``: the same schema at revision 11,
written for PostgreSQL (identity keys, BIGINT ids, the progress-totals triggers
in PL/pgSQL). Every revision after 0011 runs its one file on both engines.

A SQLite file made before Alembic carries its version in ``PRAGMA user_version``;
``storage.sqlite`` stamps it into ``alembic_version`` at that revision before
upgrading, so it upgrades in place. SQLite revisions keep ``user_version`` in step
(backups and restores read it without opening Alembic).
"""

from __future__ import annotations

import re
import sqlite3
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
POSTGRES_BASELINE = MIGRATIONS_DIR / "baseline" / "postgresql.sql"
BASELINE_VERSION = 11  # the last revision written for SQLite only
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class DatabaseUnreachableError(RuntimeError):
    """DATABASE_URL names a PostgreSQL server that does not answer or refuses us."""


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer Bar Raiser than this one."""


class NotBarRaiserDatabaseError(RuntimeError):
    """DATABASE_PATH is not a SQLite file, or is someone else's SQLite database."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def revision(self) -> str:
        return revision_id(self.version)

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def revision_id(version: int) -> str:
    return f"{version:04d}"


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


def too_new_message(where: str, current: int, latest: int) -> str:
    return (f"the database {where} has schema version {current}, but this Bar Raiser only knows "
            f"up to {latest}; upgrade Bar Raiser or point the database setting elsewhere")


# -- SQL files as Alembic revisions ------------------------------------------------

def split_sql(script: str, *, sqlite_triggers: bool = True) -> list[str]:
    """Split a script into statements: sqlite3's completeness test (it knows SQLite trigger
    bodies), or, with ``sqlite_triggers=False``, a line ending in ``;`` outside ``$$`` bodies.

    Statements run one by one inside the revision's transaction; a driver's
    multi-statement call could commit behind our back.
    """
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if buffer.count("$$") % 2 == 1:
            continue
        complete = (sqlite3.complete_statement(buffer) if sqlite_triggers and "$$" not in buffer
                    else buffer.rstrip().endswith(";"))
        if complete:
            if not _only_comments(buffer):
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise RuntimeError(f"incomplete SQL statement at end of migration: {buffer.strip()[:80]}")
    return statements


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


_ROWID_KEY = re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\b", re.IGNORECASE)


def for_postgresql(sql: str) -> str:
    """The one rewrite of a portable revision on PostgreSQL: SQLite's numbered key.

    ``id INTEGER PRIMARY KEY`` is the column SQLite numbers by itself (the rowid);
    PostgreSQL needs an identity column for the same behaviour.
    """
    return _ROWID_KEY.sub("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)


def _statements_for(migration: Migration, dialect: str) -> list[str]:
    if dialect == "sqlite":
        return split_sql(migration.sql())
    if migration.version > BASELINE_VERSION:
        return split_sql(for_postgresql(migration.sql()))
    if migration.version == BASELINE_VERSION:
        return split_sql(POSTGRES_BASELINE.read_text(encoding="utf-8"), sqlite_triggers=False)
    return []  # 0001–0010 on PostgreSQL: the baseline at 0011 builds all of it


def _upgrade(migration: Migration) -> Callable[[], None]:
    def upgrade() -> None:
        from alembic import op

        conn = op.get_bind()
        for sql in _statements_for(migration, conn.dialect.name):
            conn.exec_driver_sql(sql)
        if conn.dialect.name == "sqlite":
            # PRAGMA takes no parameters; the version is an int we parsed ourselves.
            conn.exec_driver_sql(f"PRAGMA user_version = {int(migration.version)}")

    return upgrade


def _downgrade() -> None:
    raise RuntimeError("Bar Raiser migrations only go forward; restore a backup to go back")


class SqlScriptDirectory(ScriptDirectory):
    """Alembic's script directory, with revisions made from SQL files instead of .py scripts."""

    def __init__(self, migrations: Sequence[Migration]) -> None:
        self.migrations = list(migrations)
        super().__init__(str(MIGRATIONS_DIR))

    def _load_revisions(self) -> Iterator[Script]:
        previous: str | None = None
        for migration in self.migrations:
            module = types.ModuleType(f"bar_raiser_revision_{migration.revision}")
            module.revision = migration.revision  # type: ignore[attr-defined]
            module.down_revision = previous  # type: ignore[attr-defined]
            module.upgrade = _upgrade(migration)  # type: ignore[attr-defined]
            module.downgrade = _downgrade  # type: ignore[attr-defined]
            module.__doc__ = migration.name
            yield Script(module, migration.revision, migration.path)
            previous = migration.revision


def current_revision(conn: Connection) -> int:
    """The revision in ``alembic_version`` (0 when there is none)."""
    context = MigrationContext.configure(conn)
    heads = context.get_current_heads()
    return max((int(head) for head in heads), default=0)


def upgrade(conn: Connection, migrations: Sequence[Migration], *, stamp_at: int = 0) -> list[Migration]:
    """Upgrade to the last of ``migrations`` through Alembic; the migrations applied.

    ``conn`` must not be in a transaction: each revision runs in its own. With
    ``stamp_at``, a database without ``alembic_version`` is first recorded at that
    revision (a SQLite file migrated by the pre-Alembic code).
    """
    if not migrations:
        return []
    script = SqlScriptDirectory(migrations)
    target = migrations[-1].revision
    opts: dict[str, Any] = {"transactional_ddl": True, "transaction_per_migration": True}
    context = MigrationContext.configure(conn, opts=opts)
    current = current_revision(conn)
    if current == 0 and stamp_at:
        context.stamp(script, revision_id(stamp_at))
        current = stamp_at
    if conn.in_transaction():
        conn.commit()  # the version-table reads autobegan one; each revision gets its own
    pending = [m for m in migrations if m.version > current]
    if not pending:
        return []

    def steps(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(target, rev)

    context = MigrationContext.configure(conn, opts={**opts, "script": script, "fn": steps})
    from alembic.operations import Operations

    with Operations.context(context):
        context.run_migrations()
    if conn.in_transaction():
        conn.commit()
    return pending
