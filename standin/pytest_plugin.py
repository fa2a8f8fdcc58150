"""The pytest plugin of the stand-in: fixtures for the stand-in, the bot's environment and ways to run it.

Loaded for every test run (``-p standin.pytest_plugin`` in pyproject.toml), so the
stand-in's own tests and the bot's end-to-end tests share one copy. Usage is documented
in docs/STANDIN.md. ``run_bot`` and ``start_bot_process`` are the functions from
standin.harness, offered as fixtures so tests need no imports.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from standin import harness
from standin.server import StandIn


async def _stop_checked(server: StandIn) -> None:
    await server.stop()
    if server.internal_errors:
        pytest.fail(f"stand-in crashed: {server.internal_errors!r}")


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A fresh stand-in on 127.0.0.1 (random port) with one guild-less bot application."""
    server = StandIn()
    await server.start()
    try:
        yield server
    finally:
        await _stop_checked(server)


@pytest.fixture
async def make_standin() -> AsyncIterator[Callable[..., Awaitable[StandIn]]]:
    """``server = await make_standin(privileged_intents=MESSAGE_CONTENT)``: a configured one.

    Pair it with ``harness.bot_env(server, tmp_path / "bot.db")``.
    """
    started: list[StandIn] = []

    async def make(**options: Any) -> StandIn:
        server = StandIn(**options)
        await server.start()
        started.append(server)
        return server

    try:
        yield make
    finally:
        for server in started:
            await _stop_checked(server)


@pytest.fixture
def bot_env(tmp_path: Path, standin: StandIn) -> dict[str, str]:
    """Environment for Bar Raiser: stand-in token and API base, a database in tmp_path."""
    return harness.bot_env(standin, tmp_path / "bar-raiser.db")


@pytest.fixture
def run_bot():
    """``async with run_bot(bot_env) as bot:`` starts the real bot and waits until ready."""
    return harness.run_bot


@pytest.fixture
def start_bot_process(tmp_path: Path):
    """``proc = await start_bot_process(bot_env)``: ``python -m bot`` with logs in tmp_path."""
    async def start(env: dict[str, str], name: str = "bot") -> harness.BotProcess:
        return await harness.start_bot_process(env, tmp_path, name)
    return start
