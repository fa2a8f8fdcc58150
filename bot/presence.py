"""Each shard process's share of the REST limit while processes come and go.

A fixed share (its shards of ``SHARD_COUNT``) is right until two processes hold the same
shard, as during a hand-off or when a duplicate is started by mistake: both then post that
shard's servers (the claims split the work between them) and together send twice the
shard's share. So every shard process announces itself in the database once a second, and
paces to its shards over all the shards held by the processes seen in the last few seconds
(never above its fixed share). A process that joins sends nothing for two beats, so the
others have slowed down before it starts.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from datetime import timedelta

from bot.budget import RequestBudget, rate_for
from bot.clock import Clock
from bot.sharding import Ownership
from storage.db import Database
from storage.presence import PresenceRepository

log = logging.getLogger(__name__)

BEAT_SECONDS = 1.0
GONE_AFTER = timedelta(seconds=3)  # a process not seen for three beats has stopped
JOIN_HOLD_SECONDS = 2 * BEAT_SECONDS


class Presence:
    """Keeps ``budget`` at this process's share of the live shard processes."""

    @classmethod
    def from_database(cls, db: Database, clock: Clock, ownership: Ownership,
                      budget: RequestBudget) -> Presence:
        key = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        return cls(PresenceRepository(db), clock, ownership, budget, key)

    def __init__(self, repo: PresenceRepository, clock: Clock, ownership: Ownership,
                 budget: RequestBudget, process_key: str) -> None:
        self.repo, self.clock, self.ownership = repo, clock, ownership
        self.budget, self.process_key = budget, process_key

    async def join(self) -> None:
        """Announce this process, take its share, and hold its calls until the others saw it."""
        await self.beat()
        self.budget.hold(JOIN_HOLD_SECONDS)

    async def beat(self) -> float:
        """Refresh this process's row and its rate from everyone alive; returns the rate."""
        now = self.clock.now()
        await self.repo.beat(self.process_key, len(self.ownership.shard_ids), now)
        held = await self.repo.shards_held(now - GONE_AFTER)
        rate = rate_for(self.ownership, held)
        if rate != self.budget.per_second:
            log.info("REST budget %.1f requests/s: %d shard(s) held by the live processes",
                     rate, held)
            self.budget.set_rate(rate)
        return rate

    async def run(self) -> None:
        """Beat until cancelled; a beat that fails keeps the last rate and tries again."""
        while True:
            await asyncio.sleep(BEAT_SECONDS)
            try:
                await self.beat()
            except Exception:  # the next beat retries; the budget keeps its last, safe rate
                log.warning("shard presence beat failed", exc_info=True)

    async def leave(self) -> None:
        await self.repo.leave(self.process_key)
