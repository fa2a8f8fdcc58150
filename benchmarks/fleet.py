"""Several ``python -m bot run`` shard processes on one store, against one stand-in.

Shared by the shard end-to-end tests (tests/e2e/test_shards_e2e.py) and the
bench figures ``fanout-pg`` and ``restart-shard``, so what the tests prove and
what the bench measures is one set-up: servers spread over the shards, a store
every process shares (one SQLite file, or one fresh PostgreSQL schema), every
server's daily prompt due at once, and one process per shard range started at
the catch-up moment.
"""

from __future__ import annotations

import os
import time as clock
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.db import Database

if TYPE_CHECKING:
    from standin import StandIn
    from standin.harness import BotProcess
    from standin.model import Guild

DAILY_CHANNEL = "design"
CATCH_UP_DONE = "daily catch-up:"


def database_url() -> str:
    """The PostgreSQL server of the bench's PostgreSQL figures, or NotMeasured."""
    from benchmarks.model import NotMeasuredError

    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url:
        raise NotMeasuredError("set BENCH_DATABASE_URL=postgresql+asyncpg://… to measure it")
    return url


@asynccontextmanager
async def fresh_schema(url: str) -> AsyncIterator[str]:
    """A new, empty schema on the PostgreSQL server at ``url``; dropped with everything in it
    afterwards, so runs never see each other's rows."""
    schema = "t_" + uuid.uuid4().hex[:16]
    admin = await Database.open(url)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        try:
            yield schema
        finally:
            await admin.execute(f"DROP SCHEMA {schema} CASCADE")
    finally:
        await admin.close()


@asynccontextmanager
async def shared_store(folder: Path, url: str | None) -> AsyncIterator[dict[str, str]]:
    """The environment entries of the store every process shares: a SQLite file in
    ``folder``, or (``url`` given) a fresh schema on that PostgreSQL server."""
    if not url:
        yield {"DATABASE_PATH": str(folder / "shared.db")}
        return
    async with fresh_schema(url) as schema:
        yield {"DATABASE_PATH": str(folder / "unused.db"), "DATABASE_URL": url,
               "DATABASE_SCHEMA": schema}


@asynccontextmanager
async def env_database(env: Mapping[str, str]) -> AsyncIterator[Database]:
    """The database a bot environment points at, opened by the caller itself."""
    target = env.get("DATABASE_URL") or env["DATABASE_PATH"]
    database = await Database.open(target, schema=env.get("DATABASE_SCHEMA"))
    try:
        yield database
    finally:
        await database.close()


def spread_servers(standin: StandIn, per_shard: int, shards: int = 2) -> list[tuple[Guild, int]]:
    """``per_shard`` servers on each shard, each with a daily channel: (guild, channel id)."""
    servers = []
    for shard in range(shards):
        for number in range(per_shard):
            guild = standin.add_guild(f"group-{shard}-{number}", on_shard=(shard, shards))
            servers.append((guild, guild.add_text_channel(DAILY_CHANNEL)))
    return servers


async def schedule_daily(env: Mapping[str, str], servers: Sequence[tuple[Guild, int]], *,
                         at: time = time(0, 0), welcomed: bool = False) -> None:
    """Every server's daily prompt at ``at`` UTC, day 1 today. The default, 00:00, has fallen
    due already: start-up catch-up posts it. A minute later today is posted by every
    process's scheduler at that minute.

    ``welcomed`` marks every server as welcomed long ago, so the only traffic after
    start-up is the daily fan-out (the bench); without it each server is also welcomed.
    """
    from bot.daily.models import Schedule
    from storage.daily import DailyRepository
    from storage.guilds import GuildRepository

    now = datetime.now(UTC)
    async with env_database(env) as db:
        await db.migrate()
        repo = DailyRepository(db)
        for guild, channel in servers:
            await repo.save_schedule(Schedule(guild.id, channel, at, "UTC", now.date()), now)
            if welcomed:
                await GuildRepository(db).claim_welcome(guild.id, guild.name, now - timedelta(days=30))


def day_one_posts(standin: StandIn, channel_id: int) -> list[dict[str, Any]]:
    return [m for m in standin.channel_messages(channel_id)
            if m.get("embeds") and m["embeds"][0].get("title", "").startswith("Day 1 · ")]


def all_posted(standin: StandIn, servers: Sequence[tuple[Guild, int]]) -> bool:
    """Every server has its day-1 post, and the post has its thread with the opener in it."""
    return all((posts := day_one_posts(standin, channel)) and posts[0].get("thread")
               and standin.channel_messages(int(posts[0]["id"])) for _, channel in servers)


async def start_shards(env: Mapping[str, str], shard_ids: Mapping[str, str],
                       log_dir: Path) -> dict[str, BotProcess]:
    """One ``python -m bot run`` per entry of ``shard_ids`` (name → ``SHARD_IDS``), started
    back to back, none waited for."""
    from standin import harness

    return {name: await harness.start_bot_process({**env, "SHARD_IDS": ids}, log_dir, name)
            for name, ids in shard_ids.items()}


@dataclass(frozen=True)
class FleetRun:
    """What the processes of one fan-out left: their logs, and the wall-clock instant
    (``time.time()``) at which each was seen to have finished its start-up catch-up."""

    logs: dict[str, str]
    caught_up: dict[str, float]


async def fan_out(standin: StandIn, env: Mapping[str, str], servers: Sequence[tuple[Guild, int]],
                  shard_ids: Mapping[str, str], log_dir: Path, within: float = 120.0) -> FleetRun:
    """Start the shard processes, wait until every process finished its start-up catch-up
    and every server has its post and thread, stop them (SIGTERM).

    Raises if that does not happen ``within`` seconds or a process exits uncleanly.
    """
    processes = await start_shards(env, shard_ids, log_dir)
    caught_up = {}
    try:
        for name, process in processes.items():
            await standin.wait_until(lambda p=process: CATCH_UP_DONE in p.output(),
                                     timeout=within, what=f"{name} caught up")
            caught_up[name] = clock.time()
        await standin.wait_until(lambda: all_posted(standin, servers), timeout=within,
                                 what="every server's day-1 post, thread and opener")
    finally:
        codes = {name: await process.terminate(grace=20) for name, process in processes.items()}
    logs = {name: process.output() for name, process in processes.items()}
    unclean = {name: code for name, code in codes.items() if code != 0}
    if unclean:
        raise RuntimeError(f"shard processes exited uncleanly {unclean}: "
                           + " | ".join(logs[name][-1500:] for name in unclean))
    return FleetRun(logs, caught_up)
