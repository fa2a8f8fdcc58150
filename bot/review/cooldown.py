"""A per-member rate limit: at most ``limit`` reviews in any sliding ``window``.

Kept in memory on purpose: it protects the bot from one member flooding it, and
forgetting the counts on a restart costs nothing.
"""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

from bot.clock import Clock


class Cooldown:
    """Sliding-window counter per member, driven by the injected clock."""

    def __init__(
        self, clock: Clock, limit: int = 5, window: timedelta = timedelta(seconds=60)
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[int, deque[datetime]] = {}

    def wait_for(self, user_id: int) -> int:
        """Whole seconds until the member may review again; 0 when they may now."""
        now = self._clock.now()
        hits = self._recent(user_id, now)
        if len(hits) < self.limit:
            return 0
        return max(1, math.ceil((hits[0] + self.window - now).total_seconds()))

    def hit(self, user_id: int) -> int:
        """Record a review if allowed; return the seconds to wait instead when not."""
        wait = self.wait_for(user_id)
        if wait == 0:
            self._hits.setdefault(user_id, deque()).append(self._clock.now())
        return wait

    def _recent(self, user_id: int, now: datetime) -> deque[datetime]:
        hits = self._hits.get(user_id)
        if hits is None:
            return deque()
        while hits and hits[0] + self.window <= now:
            hits.popleft()
        if not hits:
            del self._hits[user_id]  # idle members cost no memory
        return hits
