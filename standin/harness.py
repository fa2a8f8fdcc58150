"""Running bots against the stand-in: a plain discord.py client, the real bot, a subprocess.

Kept importable (not only as fixtures) so feature tests and benchmarks can reuse it.
Every wait is bounded by ``asyncio.timeout``; nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import discord.gateway
import discord.http
import yarl

from standin.server import StandIn

if TYPE_CHECKING:
    from bot.app import BarRaiser
    from bot.clock import Clock

REPO_ROOT = Path(__file__).resolve().parents[1]  # standin/harness.py -> the repository


def bot_env(standin: StandIn, database_path: Path, **overrides: str) -> dict[str, str]:
    """The environment that points Bar Raiser at ``standin`` with its own database."""
    env = {
        "DISCORD_TOKEN": standin.token,
        "DISCORD_API_BASE": standin.api_base,
        "DATABASE_PATH": str(database_path),
        "MESSAGE_CONTENT_INTENT": "false",
        "MOCK_MINUTE_SECONDS": "0.05",
        # discord.py waits this long after the last GUILD_CREATE before on_ready (default 2 s)
        "GUILD_READY_TIMEOUT": "0.5",
        "LOG_LEVEL": "INFO",
    }
    env.update(overrides)
    return env


@contextlib.contextmanager
def discord_globals_restored() -> Iterator[None]:
    """discord.py keeps the API base and gateway in class attributes; put them back after."""
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        yield
    finally:
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


async def _until_ready(runner: asyncio.Task[Any], ready: asyncio.Event | None,
                       wait_ready: Any, within: float) -> None:
    """Wait for readiness, but fail at once (with its error) if the runner dies first."""
    waiter = asyncio.ensure_future(ready.wait() if ready is not None else wait_ready())
    try:
        async with asyncio.timeout(within):
            done, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if runner in done:
        runner.result()
        raise RuntimeError("the bot stopped before it was ready")


async def _stop(client: discord.Client, runner: asyncio.Task[Any]) -> None:
    """Close the client; a crash of its runner that nobody has seen yet is raised here."""
    await client.close()
    failed_before = runner.done()
    with contextlib.suppress(asyncio.CancelledError, discord.ConnectionClosed):
        await asyncio.wait({runner})
        if not failed_before:
            runner.result()


@contextlib.asynccontextmanager
async def run_client(standin: StandIn, client: discord.Client, *,
                     ready_within: float = 10.0) -> AsyncIterator[discord.Client]:
    """Connect a plain discord.py client to the stand-in and wait for ``on_ready``."""
    with discord_globals_restored():
        discord.http.Route.BASE = standin.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(standin.gateway.url)
        runner = asyncio.create_task(client.start(standin.token))
        try:
            await _until_ready(runner, None, client.wait_until_ready, ready_within)
            yield client
        finally:
            await _stop(client, runner)


@contextlib.asynccontextmanager
async def run_bot(env: Mapping[str, str], *, clock: Clock | None = None,
                  ready_within: float = 20.0) -> AsyncIterator[BarRaiser]:
    """Start the real ``BarRaiser`` in-process, wait for ``ready_event``, close it after."""
    from bot.app import BarRaiser
    from bot.config import load_settings

    settings = load_settings(env, env_file=None)
    with discord_globals_restored():
        bot = BarRaiser(settings, clock=clock)
        runner = asyncio.create_task(bot.start(settings.discord_token or ""))
        try:
            await _until_ready(runner, bot.ready_event, None, ready_within)
            yield bot
        finally:
            await _stop(bot, runner)


@dataclass
class BotProcess:
    """``python -m bot`` as a child process, its output captured to files."""

    process: asyncio.subprocess.Process
    stdout_path: Path
    stderr_path: Path

    def output(self) -> str:
        return self.stdout_path.read_text() + self.stderr_path.read_text()

    async def kill(self) -> int:
        """SIGKILL: no shutdown code runs, as when the host dies."""
        self.process.kill()
        return await self.process.wait()

    async def terminate(self, grace: float = 10.0) -> int:
        self.process.terminate()
        async with asyncio.timeout(grace):
            return await self.process.wait()


async def start_bot_process(env: Mapping[str, str], log_dir: Path,
                            name: str = "bot") -> BotProcess:
    """Run the bot as a subprocess with ``env`` over a clean copy of this environment.

    It runs in ``log_dir`` with the repository on PYTHONPATH, so a developer's ``.env``
    in the repository root cannot leak real settings into the test.
    """
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    child_env.update(env)
    child_env["PYTHONUNBUFFERED"] = "1"
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p)
    stdout_path, stderr_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=log_dir, env=child_env,
            stdout=stdout, stderr=stderr)
    return BotProcess(process, stdout_path, stderr_path)
