"""Shared fixtures: a real migrated database per test (SQLite, and PostgreSQL when
``TEST_DATABASE_URL`` is set: tests/stores.py) and a frozen clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.clock import FixedClock
from storage.db import Database
from tests.stores import ENGINES, open_store

# A valid-looking token: base64("123456789012345678") . timestamp . hmac
FAKE_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture(params=ENGINES)
async def db(request, tmp_path) -> AsyncIterator[Database]:
    """A migrated, empty database: one run per engine (``db[sqlite]``, ``db[postgresql]``)."""
    if request.param != "sqlite" and request.node.get_closest_marker("sqlite_only"):
        pytest.skip("about SQLite itself (marked sqlite_only)")
    async with open_store(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
