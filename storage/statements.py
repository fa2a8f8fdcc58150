"""Statements on either engine: ``?`` to named binds, rows, results, and driver errors.

The one place SQL text meets SQLAlchemy: ``statement()`` turns ``?`` placeholders
into ``:p0, :p1, …`` for ``text()`` (a colon inside a string literal is escaped), and
``run`` executes one statement to the end and returns a ``Result`` whose ``Row``s
answer ``row["col"]`` and ``row[0]``. SQLite's own statement path
(``storage.sqlite_connection.DriverStatements``) returns the same ``Row`` and ``Result``.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from sqlalchemy import TextClause, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

Params = Sequence[Any] | dict[str, Any]


class Row(tuple[Any, ...]):
    """A result row: ``row[0]``, ``row["name"]``, ``row.keys()`` and ``dict(row)``.

    A name is one dict lookup (the progress leaderboard reads 16 columns of thousands of
    rows per call; a scan of the column names per read made it several times slower).
    The names live on a class made once per column list (``row_type``), so a row is a
    bare tuple with no per-row dict: building thousands of them stays cheap.
    """

    __slots__ = ()
    _keys: ClassVar[tuple[str, ...]] = ()
    _positions: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._positions[key])
            except KeyError:
                raise IndexError(f"no column named {key!r}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> tuple[str, ...]:
        return self._keys


@functools.lru_cache(maxsize=1024)
def row_type(keys: tuple[str, ...]) -> type[Row]:
    """The ``Row`` class of one column list (the first of duplicate names wins, as in
    sqlite3.Row); ``row_type(keys)(values)`` is a row."""
    positions: dict[str, int] = {}
    for n, key in enumerate(keys):
        positions.setdefault(key, n)
    return type("Row", (Row,), {"__slots__": (), "_keys": keys, "_positions": positions})


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
        make = row_type(tuple(result.keys()))
        rows = [make(values) if Decimal not in map(type, values) else make(map(_plain, values))
                for values in result.fetchall()]
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
