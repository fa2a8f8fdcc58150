"""The engines the store-backed tests run on, and a fresh PostgreSQL schema per test.

Every test that takes the ``db`` fixture (tests/conftest.py) runs on SQLite and,
when ``TEST_DATABASE_URL`` names a PostgreSQL server, on PostgreSQL too: each
PostgreSQL run gets its own schema (``CREATE SCHEMA`` + ``search_path``), dropped
afterwards, so tests never see each other's rows (``benchmarks.fleet``, shared with the
bench's PostgreSQL figures, makes and opens those stores). Tests about SQLite itself (WAL,
secure_delete, the file's bytes, file copies) carry ``@pytest.mark.sqlite_only``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from benchmarks.fleet import env_database, fresh_schema
from storage.db import Database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ENGINES = ["sqlite", "postgresql"] if TEST_DATABASE_URL else ["sqlite"]


@asynccontextmanager
async def open_store(engine: str, tmp_path: os.PathLike[str] | str) -> AsyncIterator[Database]:
    """A migrated, empty database on ``engine``."""
    if engine == "sqlite":
        database = await Database.open(os.path.join(tmp_path, "test.db"))
        try:
            await database.migrate()
            yield database
        finally:
            await database.close()
        return
    async with fresh_schema(TEST_DATABASE_URL) as schema:
        database = await Database.open(TEST_DATABASE_URL, schema=schema)
        try:
            await database.migrate()
            yield database
        finally:
            await database.close()


async def open_again(database: Database) -> Database:
    """A second connection to the same store, as another process would open it."""
    if database.path is not None:
        return await Database.open(database.path)
    return await Database.open(TEST_DATABASE_URL, schema=database.schema)


def env_row(env: dict[str, str], sql: str, params: tuple[object, ...] = ()) -> Any:
    """One row of the bot's database, read on a connection of its own, from sync code
    (``wait_until`` probes): in a thread with its own event loop, so the loop the bot
    runs on is never re-entered."""
    async def read() -> Any:
        async with env_database(env) as database:
            return await database.fetchone(sql, params)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, read()).result()
