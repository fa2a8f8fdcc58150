"""The local Discord for the bench: a started stand-in, guilds in bulk, gateway timestamps.

The stand-in lives in ``standin`` (see docs/STANDIN.md); ``python -m bot
bench`` runs from the repository root, where ``tests`` is importable. Bot and
stand-in share this process and event loop unless a figure starts the bot as
a subprocess, so a reference measured on the same stand-in pays the same costs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.model import NotMeasuredError

if TYPE_CHECKING:
    from standin import StandIn
    from standin.harness import BotProcess
    from standin.model import Guild

REPO_ROOT = Path(__file__).resolve().parents[2]


def require_standin() -> None:
    """Fail with a table-friendly reason when the stand-in cannot be imported."""
    try:
        import standin  # noqa: F401
    except ImportError as error:
        raise NotMeasuredError(
            f"the Discord stand-in (standin) is not importable: run from the repository root "
            f"({error})") from None


@contextlib.asynccontextmanager
async def running_standin(**limits: Any) -> AsyncIterator[StandIn]:
    """A started stand-in, stopped after; a crash inside it fails the figure loudly."""
    require_standin()
    from standin import StandIn

    standin = StandIn(**limits)
    await standin.start()
    try:
        yield standin
    finally:
        await standin.stop()
    if standin.internal_errors:
        raise RuntimeError(f"the stand-in crashed {len(standin.internal_errors)} time(s): "
                           f"{standin.internal_errors[0]!r}")


def add_guilds(standin: StandIn, count: int, *, channels: tuple[str, ...] = ("general",),
               prefix: str = "bench") -> list[Guild]:
    """``count`` guilds with the bot in each and the named text channels."""
    return [standin.add_guild(f"{prefix}-{index}", channels=channels) for index in range(count)]


def channel_named(guild: Guild, name: str) -> int:
    return next(cid for cid, channel in guild.channels.items() if channel.name == name)


def bench_env(standin: StandIn, database_path: Path, **overrides: str) -> dict[str, str]:
    """The bot's environment against ``standin``; WARNING logs so logging is not measured."""
    from standin.harness import bot_env

    return bot_env(standin, database_path, **{"LOG_LEVEL": "WARNING", **overrides})


class GatewayClock:
    """Records when the stand-in sent each gateway event to the bot (monotonic seconds),
    through the gateway's ``on_send`` hook: the instant Discord would send it."""

    def __init__(self, standin: StandIn) -> None:
        self.first: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        standin.gateway.on_send.append(self._record)

    def _record(self, event: str, data: dict[str, Any]) -> None:
        self.first.setdefault(event, time.monotonic())
        self.counts[event] = self.counts.get(event, 0) + 1


async def start_process(module: str, args: list[str], env: Mapping[str, str], log_dir: Path,
                        name: str) -> BotProcess:
    """``python -m module args`` with ``env`` over this environment, output captured to files."""
    from standin.harness import BotProcess

    child_env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    child_env.update(env)
    child_env["PYTHONUNBUFFERED"] = "1"
    stdout_path, stderr_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    with stdout_path.open("wb") as stdout, stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, *args, cwd=REPO_ROOT, env=child_env,
            stdout=stdout, stderr=stderr)
    return BotProcess(process, stdout_path, stderr_path)


async def wait_for_output(process: BotProcess, line: str, within: float) -> None:
    """Until ``process`` has printed or logged ``line``; fails early if the process died."""
    deadline = time.monotonic() + within
    while line not in process.output():
        if process.process.returncode is not None or time.monotonic() > deadline:
            state = "exited" if process.process.returncode is not None else "timed out"
            raise RuntimeError(f"{state} before {line!r}:\n{process.output()[-2000:]}")
        await asyncio.sleep(0.05)
