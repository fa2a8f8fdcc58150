"""Resident memory of a real bot process with 1,000 guilds, idle.

``python -m bot run`` is started as a child process against the stand-in (the
stand-in stays in this process, so its memory is not counted), with every guild
welcomed and scheduled as in a long-running deployment. Once the bot logs that
it is ready and has settled, its RSS is sampled with psutil; the figure is the
median sample.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import psutil

from benchmarks.model import Check, Measurement, RunConfig, Target
from benchmarks.seed import Placement, migrated, seed_deployment
from benchmarks.stats import median
from benchmarks.world import add_guilds, bench_env, channel_named, running_standin, wait_for_output

TARGET_MB = 150.0
READY_LINE = "ready as"
MB = 2**20


async def _samples(pid: int, count: int, every: float) -> tuple[list[float], float]:
    """``count`` RSS samples in MB, ``every`` seconds apart, and the last USS in MB."""
    process = psutil.Process(pid)
    samples = []
    for _ in range(count):
        await asyncio.sleep(every)
        samples.append(process.memory_info().rss / MB)
    return samples, process.memory_full_info().uss / MB


async def measure(config: RunConfig) -> Measurement:
    from standin.harness import start_bot_process

    guild_count = config.size(1_000, 20)
    async with running_standin() as standin:
        guilds = add_guilds(standin, guild_count, channels=("general", "daily"))
        path = config.fresh_path("memory")
        async with migrated(path) as db:
            await seed_deployment(db, [Placement(g.id, channel_named(g, "daily")) for g in guilds],
                                  [g.name for g in guilds], datetime.now(UTC))
        bot = await start_bot_process(bench_env(standin, path, LOG_LEVEL="INFO"), config.workdir,
                                      name="memory")
        try:
            await wait_for_output(bot, READY_LINE, within=120)
            await asyncio.sleep(config.size(5, 1))  # settle: startup tasks finish, caches fill
            samples, uss = await _samples(bot.process.pid, config.size(5, 2), config.size(1, 0.2))
        finally:
            await bot.terminate()
    value = median(samples)
    return Measurement(
        value=value, unit="MB", samples=tuple(samples),
        checks=(Check("RSS", value, Target("<", TARGET_MB, " MB")),),
        details={"guilds": guild_count, "uss_mb": round(uss, 1)},
    )
