"""One playground: the stand-in, the study group in it, the bot process and the page's server.

``async with Playground.running(data_dir, port) as pg:`` starts all of it and stops all
of it (bot first, with SIGTERM) however the block ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from playground import memory
from playground.server_world import StudyGroup, build_study_group
from playground.supervisor import BotStatus, BotSupervisor
from standin import MESSAGE_CONTENT, StandIn
from standin.ids import SnowflakeFactory

log = logging.getLogger(__name__)
DEFAULT_MINUTE_SECONDS = 6.0  # a 45-minute mock round in 4.5 minutes


@dataclass
class DailySetup:
    """The organiser's last ``/daily setup`` through the page: what "advance a day" repeats."""

    channel_id: int
    time: str
    timezone: str
    start_date: str | None


@dataclass(eq=False)
class Playground:
    standin: StandIn
    group: StudyGroup
    supervisor: BotSupervisor
    data_dir: Path
    url: str = ""
    daily: DailySetup | None = None
    streams: set[asyncio.Queue[str | None]] = field(default_factory=set)

    def remember(self, remembered: memory.DiscordMemory) -> None:
        """Keep the application, the server's ids and the registered commands for next time."""
        remembered.commands = self.standin.registered_commands(None) or remembered.commands
        remembered.daily = dataclasses.asdict(self.daily) if self.daily else None
        memory.save(self.data_dir, remembered)

    def notice(self, kind: str, data: dict[str, Any]) -> None:
        """A playground event for the page (``PLAYGROUND_<kind>``), through the world's feed."""
        self.standin.world.observe(f"PLAYGROUND_{kind}", data)

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, data_dir: Path, port: int = 0,
                      minute_seconds: float = DEFAULT_MINUTE_SECONDS) -> AsyncIterator[Playground]:
        from playground.web import build_app

        remembered = memory.load(data_dir)
        standin = StandIn(privileged_intents=MESSAGE_CONTENT, app_id=remembered.app_id)
        await standin.start()
        runner: web.AppRunner | None = None
        playground: Playground | None = None
        watcher: asyncio.Task[None] | None = None
        try:
            recorder = memory.RecordingIds(remembered.world_ids)
            standin.world.ids = recorder
            group = build_study_group(standin)
            standin.world.ids = SnowflakeFactory()  # messages and the rest: fresh ids
            if remembered.commands:
                standin.commands.restore(None, remembered.commands)
            daily = DailySetup(**remembered.daily) if remembered.daily else None
            remembered = memory.DiscordMemory(standin.app_id, recorder.issued, remembered.commands)

            def on_status(status: BotStatus) -> None:
                if playground is not None:
                    playground.notice("BOT", status.payload())

            supervisor = BotSupervisor(standin, data_dir, minute_seconds, on_status)
            playground = cls(standin, group, supervisor, data_dir, daily=daily)
            runner = web.AppRunner(build_app(playground), access_log=None, shutdown_timeout=2.0,
                                   handler_cancellation=True)  # a closed page ends its stream
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", port)
            await site.start()
            playground.url = f"http://127.0.0.1:{runner.addresses[0][1]}/"
            await supervisor.start()
            playground.remember(remembered)
            watcher = asyncio.create_task(supervisor.watch_exit(), name="bot exit watcher")
            yield playground
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
            if playground is not None:
                await playground.supervisor.stop()
                playground.remember(remembered)
                for queue in list(playground.streams):
                    queue.put_nowait(None)
            if runner is not None:
                await runner.cleanup()
            await standin.stop()
