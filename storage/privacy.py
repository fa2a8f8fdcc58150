"""A member's own data: export everything stored about them, or delete all of it.

Which tables hold member data is discovered from the schema, not listed here:
every column naming a Discord user is ``user_id`` or ends in ``_user_id``
(docs/ARCHITECTURE.md), so a table another feature adds later is covered
without touching this module. Rows that name nobody but belong to those rows
through a foreign key (a review's per-item labels, say) are about the member
too, so they are found the same way and exported and deleted with them. A row
that names members is the member's only if it names *them*: the walk never
follows a foreign key into a table with user columns, so the host of a round
does not get (or delete) the other participants' answers, notes and scores.

What a delete leaves on disk matters as much as what a query finds. On SQLite the
connection runs with ``secure_delete`` (storage/sqlite_connection.py), so deleted cells and
freed pages are zeroed; text other members stored that mentions the member is
scrubbed (``scrub_mentions``); and the WAL, which still holds the old pages, is
checkpointed and truncated. ``tests/e2e/test_privacy_e2e.py`` reads the bytes.

Table and column names are interpolated into SQL, which is safe only because
they come from the schema itself (``storage.introspect``) and are quoted; the member id is always a
bound parameter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from storage.db import Database, Transaction
from storage.introspect import Table, read_schema

log = logging.getLogger(__name__)

MAX_DEPTH = 4  # foreign-key hops followed from a row naming the member

# Columns that name a member as the organiser of a record other members' rows hang
# off: a mock round's host. Deleting the host's data clears the name from the shared
# record instead of deleting the round, with everyone else's transcript, scores and
# votes. The member's own rows in it (participation, answers, notes) still go.
SHARED_RECORD_COLUMNS: frozenset[tuple[str, str]] = frozenset({("mock_sessions", "host_user_id")})
ANONYMOUS_USER_ID = 0
FORMER_MEMBER = "@former member"  # what a mention of an erased member becomes in others' text


def quote(identifier: str) -> str:
    """An SQL identifier quoted for SQLite."""
    return '"' + identifier.replace('"', '""') + '"'


def is_user_column(name: str) -> bool:
    return name == "user_id" or name.endswith("_user_id")


@dataclass(frozen=True)
class Selection:
    """The rows of one table that are about the member, as a WHERE clause and its params."""

    table: str
    where: str
    params: tuple[Any, ...]
    depth: int  # 0 for rows naming the member, n for n foreign-key hops away


async def user_columns(db: Database) -> dict[str, tuple[str, ...]]:
    """Every table with a column naming a member, and those columns."""
    found: dict[str, tuple[str, ...]] = {}
    for table in (await read_schema(db)).values():
        columns = tuple(c.name for c in table.columns if is_user_column(c.name))
        if columns:
            found[table.name] = columns
    return found


async def plan(db: Database, user_id: int, *, shared: bool = True) -> list[Selection]:
    """Selections of every row about ``user_id``, deepest first (a safe deletion order).

    With ``shared=False`` the SHARED_RECORD_COLUMNS are left out: those rows are
    anonymised on deletion, not deleted, so their children must not be followed.
    """
    every = await user_columns(db)
    columns_by_table = {
        table: kept
        for table, columns in every.items()
        if (kept := tuple(c for c in columns if shared or (table, c) not in SHARED_RECORD_COLUMNS))
    }
    selections = {
        table: Selection(
            table, " OR ".join(f"{quote(c)} = ?" for c in columns), (user_id,) * len(columns), 0
        )
        for table, columns in columns_by_table.items()
    }
    frontier = dict(selections)
    naming = set(every)
    for depth in range(1, MAX_DEPTH + 1):
        frontier = await _children(db, frontier, depth, skip=naming)
        if not frontier:
            break
        for table, child in frontier.items():
            selections[table] = _merge(selections.get(table), child)
    return sorted(selections.values(), key=lambda s: (-s.depth, s.table))


async def export_user(db: Database, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every stored row about the member, by table, as JSON-ready dicts."""
    exported: dict[str, list[dict[str, Any]]] = {}
    for selection in reversed(await plan(db, user_id)):
        sql = f"SELECT * FROM {quote(selection.table)} WHERE {selection.where}"  # noqa: S608
        rows = await db.fetchall(sql, selection.params)
        if rows:
            exported[selection.table] = [_jsonable(dict(row)) for row in rows]
    return exported


async def delete_user(db: Database, user_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """Delete every row about the member in one transaction.

    Returns rows deleted per table, and rows kept for others with the member's name
    cleared from them, per table.

    Shared records they organised keep existing with ANONYMOUS_USER_ID in their
    place, and others' text that mentions them is scrubbed. Follow with ``wipe_wal``.
    """
    selections = await plan(db, user_id, shared=False)
    tables = set(await _tables(db))
    texts = await text_columns(db)
    deleted: dict[str, int] = {}
    cleared: dict[str, int] = {}
    async with db.transaction() as tx:
        for table, column in sorted(SHARED_RECORD_COLUMNS):
            if table not in tables:
                continue
            sql = f"UPDATE {quote(table)} SET {quote(column)} = ? WHERE {quote(column)} = ?"  # noqa: S608
            cursor = await tx.execute(sql, (ANONYMOUS_USER_ID, user_id))
            if cursor.rowcount > 0:
                cleared[table] = cursor.rowcount
        for selection in selections:
            sql = f"DELETE FROM {quote(selection.table)} WHERE {selection.where}"  # noqa: S608
            cursor = await tx.execute(sql, selection.params)
            if cursor.rowcount > 0:
                deleted[selection.table] = cursor.rowcount
        for table, count in (await scrub_mentions(tx, texts, user_id)).items():
            cleared[table] = cleared.get(table, 0) + count
    return deleted, cleared


async def wipe_wal(db: Database) -> bool:
    """Checkpoint and truncate the WAL, where deleted rows' old pages still sit.

    False when another connection's reader kept the WAL from being reset: the old
    pages then leave the disk at the next checkpoint that succeeds.
    """
    busy, _, _ = await db.checkpoint()
    if busy:
        log.warning("privacy delete: another connection kept the WAL from being truncated")
    return not busy


async def text_columns(db: Database) -> dict[str, tuple[str, ...]]:
    """Every table's TEXT columns (where a mention of a member could be written)."""
    found: dict[str, tuple[str, ...]] = {}
    for table in (await read_schema(db)).values():
        columns = tuple(c.name for c in table.columns if "TEXT" in c.type)
        if columns:
            found[table.name] = columns
    return found


async def scrub_mentions(
    tx: Transaction, columns: dict[str, tuple[str, ...]], user_id: int
) -> dict[str, int]:
    """Replace the member's mentions (``<@id>``, ``<@!id>``) in others' text.

    A candidate's answer may say "<@id> asked about caching": the words are the
    candidate's and stay, the erased member's id does not. Only the mention forms
    are replaced: a bare run of digits could be part of another id stored as text.
    """
    changed: dict[str, int] = {}
    for table, names in columns.items():
        for column in names:
            target = quote(column)
            sql = (
                f"UPDATE {quote(table)} SET {target} = "  # noqa: S608
                f"replace(replace({target}, ?, ?), ?, ?) WHERE {target} LIKE '%' || ? || '%'"
            )
            cursor = await tx.execute(sql, (
                f"<@!{user_id}>", FORMER_MEMBER, f"<@{user_id}>", FORMER_MEMBER, f"{user_id}>",
            ))
            if cursor.rowcount > 0:
                changed[table] = changed.get(table, 0) + cursor.rowcount
    return changed


async def _tables(db: Database) -> list[str]:
    return sorted(await read_schema(db))


async def _children(
    db: Database, parents: dict[str, Selection], depth: int, skip: set[str]
) -> dict[str, Selection]:
    """Rows in any table whose foreign key points at a selected parent row.

    Tables in ``skip`` (those naming members) are never entered: their rows about
    the member were selected by name already, and the others belong to someone else.
    """
    found: dict[str, Selection] = {}
    tables = await read_schema(db)
    for table in sorted(tables):
        if table in skip:
            continue
        for parent, source, target in _foreign_keys(tables, table):
            if parent not in parents or parent == table:
                continue
            selection = parents[parent]
            where = _in_parent(source, parent, target, selection.where)
            child = Selection(table, where, selection.params, depth)
            found[table] = _merge(found.get(table), child)
    return found


def _in_parent(source: list[str], parent: str, target: list[str], parent_where: str) -> str:
    """``(child columns) IN (SELECT parent columns FROM parent WHERE …)``."""
    columns = ", ".join(map(quote, source))
    keys = ", ".join(map(quote, target))
    return f"({columns}) IN (SELECT {keys} FROM {quote(parent)} WHERE {parent_where})"  # noqa: S608


def _foreign_keys(tables: dict[str, Table], table: str) -> list[tuple[str, list[str], list[str]]]:
    """(parent table, child columns, parent columns) for each foreign key of ``table``."""
    resolved = []
    for key in tables[table].foreign_keys:
        parent = tables.get(key.parent)
        columns = list(key.parent_columns) or (list(parent.primary_key) if parent else [])
        resolved.append((key.parent, list(key.columns), columns))
    return resolved


def _merge(existing: Selection | None, new: Selection) -> Selection:
    if existing is None:
        return new
    return Selection(
        new.table,
        f"({existing.where}) OR ({new.where})",
        existing.params + new.params,
        max(existing.depth, new.depth),
    )


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value.hex() if isinstance(value, bytes) else value for key, value in row.items()}
