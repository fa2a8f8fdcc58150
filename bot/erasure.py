"""What must happen in step with a member's erasure (``/privacy delete``).

Two things race a delete. A write about the member that was asked for before the
delete but lands after it (``/check`` replies first and records second, so a delete
can run in between): it would resurrect data the member was just told is gone.
And live records other members still use (a round the member hosts), which must be
handed on rather than orphaned, under their own feature's lock.

``Erasure`` is one object per bot, shared by every service that writes about
members (``BarRaiser.erasure``). Writes and the delete of one member take the same
per-member lock, and a write asked for at or before the member's last erasure is
refused: that ordering is what makes "nothing stored about you" stay true.

Instants here are ``time.monotonic_ns()`` readings: they order events inside this
process, which is all that is needed, and an injected test clock that stands still
could not order them. The erased-at memory lives only in this process, never on
disk (a tombstone naming the member would itself be a trace), and is forgotten
after ``REMEMBER_NS``, far longer than any reply-then-record flow (Discord expires
an interaction token after 15 minutes).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

log = logging.getLogger(__name__)

REMEMBER_NS = 30 * 60 * 1_000_000_000



@dataclass(frozen=True)
class HandedOn:
    """Something a member ran for others, and what became of it when they were erased."""

    kind: str  # "host_passed" (to ``to_user_id``) or "round_ended"
    thread_id: int | None
    to_user_id: int | None = None


Departure = Callable[[int], Awaitable[list[HandedOn]]]
"""Called with a member id before their rows are deleted; returns what it handed on
(``bot.mock.service.MockService.depart`` is one)."""


def asked_now() -> int:
    """The instant a write about a member was asked for (pass it to ``recording``)."""
    return time.monotonic_ns()


class Erasure:
    """Per-member serialisation of writes and erasure, plus the hooks run before a delete."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}  # user id → tasks using its lock
        self._erased_at: dict[int, int] = {}
        self._departures: list[Departure] = []

    # -- departures ----------------------------------------------------------------------

    def add_departure(self, hook: Departure) -> None:
        self._departures.append(hook)

    def remove_departure(self, hook: Departure) -> None:
        if hook in self._departures:
            self._departures.remove(hook)

    # -- serialisation -------------------------------------------------------------------

    @asynccontextmanager
    async def recording(self, user_id: int, asked_at: int) -> AsyncIterator[bool]:
        """Hold the member's lock for a write; yields False when the member erased their
        data after the write was asked for (the caller then stores nothing)."""
        async with self._member(user_id):
            erased = self._erased_at.get(user_id)
            yield erased is None or asked_at > erased

    @asynccontextmanager
    async def erasing(self, user_id: int) -> AsyncIterator[list[HandedOn]]:
        """Hold the member's lock for their delete, after running every departure hook.

        Yields what the hooks did. Writes asked for before this point are refused
        from now on, even those still waiting for the lock.
        """
        async with self._member(user_id):
            self._forget_old()
            self._erased_at[user_id] = time.monotonic_ns()
            done: list[HandedOn] = []
            for hook in list(self._departures):
                done.extend(await hook(user_id))
            yield done

    @asynccontextmanager
    async def _member(self, user_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        self._users[user_id] = self._users.get(user_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[user_id] -= 1
            if not self._users[user_id]:  # nobody else waits: drop it, memory stays small
                del self._users[user_id]
                self._locks.pop(user_id, None)

    def _forget_old(self) -> None:
        cutoff = time.monotonic_ns() - REMEMBER_NS
        for user_id in [u for u, at in self._erased_at.items() if at < cutoff]:
            del self._erased_at[user_id]
