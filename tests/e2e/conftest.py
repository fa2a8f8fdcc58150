"""End-to-end tests: the fixtures (``standin``, ``run_bot``, ...) come from the pytest plugin
``standin.pytest_plugin``, loaded for every test run by pyproject.toml.

``bot_env`` is parametrised here over the store engines (tests/stores.py): on SQLite
the bot gets a file in tmp_path, on PostgreSQL (with ``TEST_DATABASE_URL``) a fresh
schema of its own, dropped after the test. Tests about the SQLite file itself carry
``@pytest.mark.sqlite_only``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from standin import harness
from standin.server import StandIn
from tests.stores import ENGINES, TEST_DATABASE_URL, fresh_schema


@pytest.fixture(params=ENGINES)
async def bot_env(request, tmp_path: Path, standin: StandIn) -> AsyncIterator[dict[str, str]]:
    """Environment for Bar Raiser: stand-in token and API base, and a database per engine."""
    env = harness.bot_env(standin, tmp_path / "bar-raiser.db")
    if request.param == "sqlite":
        yield env
        return
    if request.node.get_closest_marker("sqlite_only"):
        pytest.skip("about the SQLite file itself (marked sqlite_only)")
    async with fresh_schema(TEST_DATABASE_URL) as schema:
        yield env | {"DATABASE_URL": TEST_DATABASE_URL, "DATABASE_SCHEMA": schema}
