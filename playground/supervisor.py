"""The bot as a child process: the same ``python -m bot run`` a deployment uses.

The playground only supplies the environment (the stand-in's API base and token, a
database path, the mock speed). Restarting keeps the database; ``persisted()`` counts
the rows in it so the page can show what survived, without knowing the bot's schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from standin import StandIn, harness

log = logging.getLogger(__name__)
READY_WITHIN = 30.0
STOP_GRACE = 10.0


@dataclass
class BotStatus:
    state: str  # "starting", "online", "restarting", "stopped", "crashed"
    pid: int | None
    minute_seconds: float
    restarts: int
    detail: str = ""

    def payload(self) -> dict[str, object]:
        return {"state": self.state, "pid": self.pid, "minute_seconds": self.minute_seconds,
                "restarts": self.restarts, "detail": self.detail}


class BotSupervisor:
    """Starts, restarts and stops the bot process; reports its state to ``on_status``."""

    def __init__(self, standin: StandIn, data_dir: Path, minute_seconds: float,
                 on_status: Callable[[BotStatus], None]) -> None:
        self.standin = standin
        self.data_dir = data_dir
        self.database_path = data_dir / "bar-raiser.db"
        self.log_dir = data_dir / "logs"
        self.status = BotStatus("stopped", None, minute_seconds, 0)
        self._on_status = on_status
        self._process: harness.BotProcess | None = None
        self._lock = asyncio.Lock()

    def env(self) -> dict[str, str]:
        """Everything the bot gets from the playground; the rest is its own defaults."""
        env = harness.bot_env(self.standin, self.database_path,
                              MESSAGE_CONTENT_INTENT="true",
                              MOCK_MINUTE_SECONDS=f"{self.status.minute_seconds:g}")
        if os.environ.get("CONTENT_DIR"):  # your own content, proof-read in the page
            env["CONTENT_DIR"] = str(Path(os.environ["CONTENT_DIR"]).resolve())
        return env

    @property
    def pid(self) -> int | None:
        return self._process.process.pid if self._process else None

    def _set(self, state: str, detail: str = "") -> None:
        self.status.state, self.status.pid, self.status.detail = state, self.pid, detail
        self._on_status(self.status)

    async def start(self) -> None:
        async with self._lock:
            await self._start()

    async def _start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        identified = len(self.standin.gateway.identifies)
        self._process = await harness.start_bot_process(self.env(), self.log_dir,
                                                        name=f"bot-{self.status.restarts}")
        self._set("starting")
        process = self._process.process

        def ready() -> bool:
            session = self.standin.gateway.session
            return process.returncode is not None or (
                len(self.standin.gateway.identifies) > identified and session is not None
                and session.connection is not None and bool(self.standin.world.announced))

        try:
            await self.standin.wait_until(ready, timeout=READY_WITHIN, what="the bot to connect")
        except TimeoutError:
            self._set("crashed", "the bot did not connect within "
                                 f"{READY_WITHIN:g} s; see {self.log_dir}")
            return
        if process.returncode is not None:
            self._set("crashed", f"the bot exited with code {process.returncode}: "
                                 f"{self._last_error()}")
        else:
            self._set("online")

    def _last_error(self) -> str:
        lines = [line for line in (self._process.output() if self._process else "").splitlines()
                 if line.strip()]
        return lines[-1][-300:] if lines else "no output"

    async def stop(self) -> None:
        async with self._lock:
            await self._stop()
            self._set("stopped")

    async def _stop(self) -> None:
        """SIGTERM (the bot shuts down gracefully), SIGKILL if it ignores it."""
        if self._process is None or self._process.process.returncode is not None:
            return
        try:
            await self._process.terminate(grace=STOP_GRACE)
        except TimeoutError:
            log.warning("the bot ignored SIGTERM for %s s; killing it", STOP_GRACE)
            await self._process.kill()

    async def restart(self, minute_seconds: float | None = None) -> None:
        """Stop and start again on the same database, optionally at another mock speed."""
        async with self._lock:
            self._set("restarting")
            await self._stop()
            if minute_seconds is not None:
                self.status.minute_seconds = minute_seconds
            self.status.restarts += 1
            await self._start()

    async def watch_exit(self) -> None:
        """Report a crash the moment the process dies on its own."""
        while True:
            process = self._process.process if self._process else None
            if process is not None and process.returncode is None:
                code = await process.wait()
                if not self._lock.locked() and self.status.state == "online":
                    self._set("crashed", f"the bot exited with code {code}: {self._last_error()}")
            else:
                await asyncio.sleep(0.5)

    async def persisted(self) -> dict[str, int]:
        """Rows per table in the bot's database (read-only), empty tables left out."""
        return await asyncio.to_thread(count_rows, self.database_path)


def count_rows(database_path: Path) -> dict[str, int]:
    if not database_path.exists():
        return {}
    counts: dict[str, int] = {}
    with contextlib.closing(sqlite3.connect(f"file:{database_path}?mode=ro", uri=True)) as db:
        tables = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        for table in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            (count,) = db.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()  # noqa: S608 (names from sqlite_master, quoted)
            if count:
                counts[table] = count
    return counts
