"""The schema as the database reports it, on either engine (SQLAlchemy's inspector).

The privacy walker (storage/privacy.py) and ``migrate-store`` read tables,
columns, primary and foreign keys from here instead of SQLite's PRAGMAs or
PostgreSQL's catalogs. The inspector looks in the connection's default schema:
the file on SQLite, the first schema of ``search_path`` on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect

if TYPE_CHECKING:
    from storage.db import Database

IGNORED = frozenset({"alembic_version"})  # bookkeeping, no application data


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # upper-case SQL type name as the database reports it, e.g. "TEXT", "BIGINT"


@dataclass(frozen=True)
class ForeignKey:
    parent: str
    columns: tuple[str, ...]  # in this table
    parent_columns: tuple[str, ...]  # in the parent


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]


def _read(conn: Connection) -> dict[str, Table]:
    inspector = inspect(conn)
    tables: dict[str, Table] = {}
    for name in sorted(inspector.get_table_names()):
        if name in IGNORED or name.startswith("sqlite_"):
            continue
        columns = tuple(Column(c["name"], str(c["type"]).upper()) for c in inspector.get_columns(name))
        primary = tuple(inspector.get_pk_constraint(name).get("constrained_columns") or ())
        keys = tuple(
            ForeignKey(fk["referred_table"], tuple(fk["constrained_columns"]),
                       tuple(fk["referred_columns"] or ()))
            for fk in inspector.get_foreign_keys(name)
        )
        tables[name] = Table(name, columns, primary, keys)
    return tables


async def read_schema(db: Database) -> dict[str, Table]:
    """Every application table (not Alembic's), by name, with columns and keys."""
    tables: dict[str, Table] = await db.run_sync(_read)
    return tables


async def table_names(db: Database) -> list[str]:
    return sorted(await read_schema(db))


def dependency_order(tables: dict[str, Table]) -> list[str]:
    """Parents before children (by foreign key), then by name."""
    ordered: list[str] = []
    placed: set[str] = set()
    pending = sorted(tables)
    while pending:
        ready = [name for name in pending if all(
            fk.parent in placed or fk.parent == name or fk.parent not in tables
            for fk in tables[name].foreign_keys)]
        if not ready:  # a cycle: keep going in name order rather than stop
            ready = pending[:1]
        for name in ready:
            ordered.append(name)
            placed.add(name)
        pending = [name for name in pending if name not in placed]
    return ordered
