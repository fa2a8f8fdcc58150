"""The bot as a process: migrate first (with a backup), run until a signal, stop within 5 s.

Kept apart from ``bot.app`` (the ``BarRaiser`` client and its wiring): this is the
operator's view, what ``python -m bot run`` does between start and exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.app import BarRaiser
from bot.config import Settings
from storage.backup import backup
from storage.db import Database, discover_migrations

log = logging.getLogger(__name__)

# An unreachable Discord gets this long to let go after the bot closed (bot.app gives
# in-flight work 3 s): SIGTERM ends the process within 5 s.
STOP_GRACE_SECONDS = 1.5


async def migrate_database(settings: Settings) -> None:
    """Open and migrate the database before touching Discord, so a schema problem fails fast.

    On SQLite, an upgrade that has migrations to apply to an existing database first
    takes a backup beside it, so a release that goes wrong can be rolled back. On
    PostgreSQL backups are the operator's (``pg_dump``, README); the pending
    revisions are logged.
    """
    db = await Database.open(settings.database, schema=settings.database_schema)
    try:
        current = await db.schema_version()
        pending = [m for m in discover_migrations() if m.version > current]
        if db.dialect != "sqlite":
            if current > 0 and pending:
                log.info("migrating %s from schema %d to %d", db.describe(), current,
                         pending[-1].version)
        elif current > 0 and pending:
            keep_as = settings.database_path.with_name(
                f"{settings.database_path.name}.before-v{pending[-1].version:04d}")
            if not keep_as.exists():
                await asyncio.to_thread(backup, settings.database_path, keep_as)
                log.info("backed up schema version %d to %s before migrating", current, keep_as)
        await db.migrate()
    finally:
        await db.close()


async def run(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM, then shut down gracefully."""
    bot = BarRaiser(settings)
    await migrate_database(settings)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(settings.discord_token or ""), name="bot")
        stopper = asyncio.create_task(stop.wait(), name="signals")
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            log.info("shutting down")
        else:
            stopper.cancel()
        await bot.close()
        if stopper not in done:
            runner.result()  # surface a startup failure (bad token, disallowed intents)
            return
        await _finish_after_stop(runner)


async def _finish_after_stop(runner: asyncio.Task[None]) -> None:
    """Let ``bot.start`` wind down, briefly: a stop request must not wait for Discord.

    A login or connect still retrying an unreachable Discord would hold the
    process for a minute; what it raises once its session is closed under it
    is the stop itself, not a failure.
    """
    try:
        async with asyncio.timeout(STOP_GRACE_SECONDS):
            await runner
    except TimeoutError:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        log.warning("Discord did not answer while stopping; stopped without it")
    except Exception as error:
        log.info("stopped while Discord was unreachable (%s)", type(error).__name__)

