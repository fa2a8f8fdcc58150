"""``migrate-store``: copy every table of one database into another, empty one.

Both databases are first brought to the same schema revision (the target by
migrating it), then the rows go over in foreign-key order (parents first), in one
transaction on the target: a copy that fails half-way leaves the target as empty
as it was. The target's own triggers (the progress totals) are off during the copy,
because the totals they would compute are copied as rows; identity counters are
moved past the copied ids afterwards. Row counts are compared per table at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storage.db import Database, Transaction
from storage.introspect import Table, dependency_order, read_schema
from storage.privacy import quote

BATCH = 1000
# Rows a migration writes into a new database: replaced by the source's.
SEEDED = frozenset({"progress_grading"})


class TargetNotEmptyError(RuntimeError):
    """The target already holds Bar Raiser data; the copy never merges."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    source_rows: int
    target_rows: int

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows


async def count(db: Database, table: str) -> int:
    row = await db.fetchone(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a schema name
    return int(row[0]) if row else 0


async def occupied_tables(db: Database) -> list[str]:
    """Tables of ``db`` holding rows (beyond what migrations seed)."""
    tables = await read_schema(db)
    return [name for name in sorted(tables) if name not in SEEDED and await count(db, name)]


async def copy_store(
    source: Database, target: Database, progress: Callable[[str, int], None] | None = None
) -> list[TableCopy]:
    """Copy every table of ``source`` into the migrated, empty ``target``; the counts per table.

    Raises ``TargetNotEmptyError`` before writing anything when the target has rows.
    """
    occupied = await occupied_tables(target)
    if occupied:
        shown = ", ".join(occupied[:5])
        raise TargetNotEmptyError(
            f"the target {target.describe()} already holds data (tables: {shown}); "
            "migrate-store only copies into an empty database")
    source_tables = await read_schema(source)
    target_tables = await read_schema(target)
    order = [name for name in dependency_order(target_tables) if name in source_tables]
    async with target.transaction() as tx:
        if target.dialect == "postgresql":
            for name in order:
                await tx.execute(f"ALTER TABLE {quote(name)} DISABLE TRIGGER USER")
        for name in order:
            if name in SEEDED:
                await tx.execute(f"DELETE FROM {quote(name)}")  # noqa: S608 - a schema name
            copied = await _copy_table(source, tx, source_tables[name], target_tables[name])
            if progress is not None:
                progress(name, copied)
        if target.dialect == "postgresql":
            for name in order:
                await tx.execute(f"ALTER TABLE {quote(name)} ENABLE TRIGGER USER")
            await _move_identities(tx)
    return [TableCopy(name, await count(source, name), await count(target, name)) for name in order]


async def _copy_table(source: Database, tx: Transaction, src: Table, dst: Table) -> int:
    wanted = {c.name for c in dst.columns}
    columns = [c.name for c in src.columns if c.name in wanted]
    floats = {c.name for c in dst.columns if any(t in c.type for t in ("DOUBLE", "REAL", "FLOAT"))}
    names = ", ".join(map(quote, columns))
    marks = ", ".join("?" for _ in columns)
    order_by = ", ".join(map(quote, src.primary_key)) or "1"
    insert = f"INSERT INTO {quote(dst.name)} ({names}) VALUES ({marks})"  # noqa: S608
    copied = 0
    offset = 0
    while True:
        rows = await source.fetchall(
            f"SELECT {names} FROM {quote(src.name)} ORDER BY {order_by} "  # noqa: S608
            "LIMIT ? OFFSET ?", (BATCH, offset))
        if not rows:
            return copied
        batch = [tuple(float(value) if column in floats and value is not None else value
                       for column, value in zip(columns, row, strict=True)) for row in rows]
        await tx.executemany(insert, batch)
        copied += len(batch)
        offset += BATCH


async def _move_identities(tx: Transaction) -> None:
    """After explicit ids were copied, the next generated id must come after them."""
    rows = await tx.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'")
    for table, column in rows:
        await tx.execute(
            f"SELECT setval(pg_get_serial_sequence(?, ?), "  # noqa: S608 - schema names
            f"COALESCE((SELECT MAX({quote(column)}) FROM {quote(table)}), 0) + 1, false)",
            (table, column))
