"""This process's share of Discord's global REST limit (50 requests/s per bot).

discord.py reacts to a global 429 by waiting, but a 429 has already cost a
request, and Discord bans bots that keep hitting the global limit. Several
shard processes of one bot share that one limit, so each paces its own calls
to its share: ``50 × (its shards / all shards)``, with headroom.

Pacing is strict spacing, not a bucket with a burst: Discord (and the
stand-in) count the global limit in one-second windows, and a burst at a
window's edge plus the steady rate inside it would overrun the limit.

Slots are reserved in call order, so a steady stream keeps its rate even when
each call wakes a little late. A busy event loop (a loaded machine) can wake
many waiting calls at once, long after their slots: those would go out
together, and such a burst from two processes at once is a global 429 (seen
in the two-process fan-out on a loaded 2-core machine). So a call also waits
until one interval after the call before it really went, less ``SLACK``: the
usual lateness of a wake-up, which is forgiven so it does not add up.
With ``SLACK`` at 2 ms of the 42 ms a half share allows, no process sends more
than 25 calls in any one-second window: two halves stay within 50.
Interaction responses and follow-ups don't count against the global limit and
must meet Discord's 3 s deadline, so they are never paced.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from bot.sharding import Ownership

DISCORD_GLOBAL_PER_SECOND = 50
HEADROOM = 0.95  # clocks and windows of different processes never line up exactly
SLACK = 0.002  # seconds of a wake-up's lateness that the next call does not have to wait out
UNPACED_PREFIXES = ("/interactions/", "/webhooks/")

P = ParamSpec("P")
T = TypeVar("T")


def rate_for(ownership: Ownership, shards_held: int = 0) -> float:
    """Requests per second for a process running ``ownership`` while the live processes hold
    ``shards_held`` shards between them, a shard held by two processes counted twice.

    Never more than the process's fixed share (its shards of ``shard_count``): a shard
    process that has not started yet still has its part of the limit kept for it."""
    holders = max(ownership.shard_count, shards_held)
    return DISCORD_GLOBAL_PER_SECOND * HEADROOM * len(ownership.shard_ids) / holders


class RequestBudget:
    """Spaces this process's REST calls at least ``1 / per_second`` apart."""

    def __init__(self, per_second: float) -> None:
        self.set_rate(per_second)
        self._next_slot = 0.0
        self._not_before = 0.0

    @classmethod
    def share_of(cls, ownership: Ownership) -> RequestBudget:
        """The fixed share of the global limit of a process running ``ownership``."""
        return cls(rate_for(ownership))

    def set_rate(self, per_second: float) -> None:
        """Pace later calls at ``per_second`` (the share changed: a process came or went)."""
        if per_second <= 0:
            raise ValueError("a request budget needs a positive rate")
        self.per_second = per_second
        self._interval = 1.0 / per_second

    def hold(self, seconds: float) -> None:
        """Send nothing for ``seconds``: a process that just announced itself waits until the
        others have seen it and slowed down, so their old rates and its new one never add up."""
        loop = asyncio.get_running_loop()
        self._not_before = max(self._not_before, loop.time() + seconds)

    async def acquire(self) -> None:
        """Wait for this call's slot, and until one interval (less ``SLACK``) after the last
        call that went out."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = now + self.delay_for(now)
        while (wait := self.wait_for(slot, loop.time())) > 0:  # noqa: ASYNC110 - an instant that other calls move, not an event
            await asyncio.sleep(wait)
        self.went(loop.time())

    def delay_for(self, now: float) -> float:
        """Take the next free slot for a call made at ``now``; how long that call must wait."""
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        return slot - now

    def wait_for(self, slot: float, now: float) -> float:
        """How much longer a call with ``slot`` waits at ``now`` (0 or less: it may go)."""
        return max(slot, self._not_before) - now

    def went(self, at: float) -> None:
        """A call went out at ``at``: the next may go one interval later, less ``SLACK``."""
        self._not_before = at + self._interval - SLACK

    def wrap(self, request: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, Coroutine[Any, Any, T]]:
        """``request(route, ...)`` of discord.py's HTTP client, paced unless exempt."""
        async def paced(*args: P.args, **kwargs: P.kwargs) -> T:
            route = args[0] if args else kwargs.get("route")
            if not str(getattr(route, "path", "")).startswith(UNPACED_PREFIXES):
                await self.acquire()
            return await request(*args, **kwargs)

        return paced
