"""The one delivery mechanism for everything the bot posts on its own.

Features write an ``Envelope`` (in the same transaction as whatever decided to
post it, where there is one) and call ``kick()``; they never await Discord. The
outbox then, per channel and in order:

* sends the oldest pending post with its nonce (``enforce_nonce``), so a retry
  after an ambiguous failure returns the message Discord already created;
* records the message id (``sent``), or
* on a transient failure (5xx, 429, network) records the error and the next
  attempt after a doubling backoff, and arms a wake-up on the shared scheduler;
* on a permanent one (403, unknown channel, 400) marks it ``impossible`` with
  the reason, which ``/doctor`` and the status commands show;
* skips, as done, an edit that a later queued edit of the same message replaces.

Channels are independent: a slow or failing channel holds up only its own
posts. ``kick()`` at start-up re-drives whatever a crash left pending.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any, Protocol

from bot.clock import Clock
from bot.outbox.model import (
    NONCE_TRUST,
    Backoff,
    ChannelGoneError,
    Envelope,
    MissingPermissionsError,
    OutboxRow,
    PostError,
    State,
    TransientPostError,
)
from bot.sharding import Ownership
from storage.outbox import OutboxRepository

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, Any], str], object]
Listener = Callable[[OutboxRow, PostError | None], Awaitable[None]]


class Sender(Protocol):
    async def deliver(self, row: OutboxRow, *, look_first: bool) -> int | None:
        """Do what ``row`` says (send with ``row.nonce``, or archive); the message id if any.

        ``look_first``: an earlier attempt may have reached Discord longer ago than the
        nonce is remembered, so adopt a matching message from recent history instead
        of sending. Raises ``TransientPostError`` to be retried, any other ``PostError``
        when it can never succeed.
        """
        ...


class Waker(Protocol):
    def wake_at(
        self, channel_id: int, at: datetime, callback: Callable[[int], Awaitable[None]]
    ) -> None:
        """Await ``callback(channel_id)`` at ``at`` (replacing the channel's earlier wake-up)."""
        ...


def describe(error: PostError) -> str:
    """The reason stored on the row and shown to organisers."""
    if isinstance(error, ChannelGoneError):
        return f"channel gone: {error}"
    if isinstance(error, MissingPermissionsError):
        return f"missing permission: {', '.join(error.missing)}"
    if isinstance(error, TransientPostError):
        return f"transient: {error}"
    return f"rejected: {error}"


class Outbox:
    """Enqueue posts, then deliver them in the background, once each."""

    def __init__(
        self,
        repo: OutboxRepository,
        clock: Clock,
        sender: Sender,
        waker: Waker,
        spawn: Spawn,
        *,
        backoff: Backoff | None = None,
        ownership: Ownership | None = None,
    ) -> None:
        self.repo = repo
        self._owns = (ownership or Ownership()).owns
        self._clock = clock
        self._sender = sender
        self._waker = waker
        self._spawn = spawn
        self._backoff = backoff or Backoff()
        self._active: set[int] = set()
        self._again: set[int] = set()
        self._listeners: list[Listener] = []
        self._stopped = False

    def listen(self, listener: Listener) -> None:
        """Hear every row that finished (sent, or impossible with its error)."""
        self._listeners.append(listener)

    async def enqueue(self, *envelopes: Envelope) -> None:
        """Store posts (idempotent per key) and start delivering them."""
        await self.repo.enqueue(envelopes, self._clock.now())
        self.kick()

    def kick(self) -> None:
        """Deliver whatever is due, in the background; returns at once."""
        if not self._stopped:
            self._spawn(self._dispatch(), "outbox dispatch")

    def stop(self) -> None:
        """At shutdown: finish the posts in flight, start no more (the rows stay pending)."""
        self._stopped = True

    async def _dispatch(self) -> None:
        for channel_id, guild_id, _due in await self.repo.pending_channels():
            if self._owns(guild_id):  # another shard process delivers its own servers' posts
                self.start_channel(channel_id)

    def start_channel(self, channel_id: int) -> None:
        if self._stopped:
            return
        if channel_id in self._active:
            self._again.add(channel_id)  # the running worker looks once more before it stops
            return
        self._active.add(channel_id)
        self._spawn(self._work(channel_id), f"outbox channel {channel_id}")

    async def wake(self, channel_id: int) -> None:
        """The scheduler's wake-up for a channel whose next post has come due."""
        self.start_channel(channel_id)

    async def _work(self, channel_id: int) -> None:
        """Send the channel's due posts in order; stop at the first one not due yet."""
        try:
            while not self._stopped:
                self._again.discard(channel_id)
                row = await self.repo.head(channel_id)
                if row is not None and row.next_attempt_at <= self._clock.now():
                    if not await self._attempt_guarded(row):
                        return
                    continue
                if row is not None:
                    self._waker.wake_at(channel_id, row.next_attempt_at, self.wake)
                if channel_id not in self._again:
                    return
        finally:
            self._active.discard(channel_id)

    async def _superseded(self, row: OutboxRow) -> bool:
        """Skip (as done) an edit that a later queued edit of the same message replaces: a
        lobby ten members join at once is edited once or twice, not ten times against
        Discord's per-channel limit."""
        edited = row.only_edits()
        if edited is None:
            return False
        later = await self.repo.pending_after(row.channel_id, row.post_id)
        if not any(other.only_edits() == edited for other in later):
            return False
        await self.repo.mark_sent(row.post_id, edited, self._clock.now())
        log.debug("outbox %s (%s): superseded by a later edit", row.key, row.kind)
        return True

    async def _attempt_guarded(self, row: OutboxRow) -> bool:
        """``attempt``, but an unexpected failure (the database can't be written, a bug)
        only delays the channel: it is woken again later instead of stalling until the
        next restart. False when the worker should stop."""
        try:
            if not await self._superseded(row):
                await self.attempt(row)
        except Exception:
            retry_at = self._clock.now() + self._backoff.delay(row.attempts + 1)
            log.exception("outbox %s (%s): delivery failed; trying again at %s",
                          row.key, row.kind, retry_at.isoformat())
            self._waker.wake_at(row.channel_id, retry_at, self.wake)
            return False
        return True

    async def attempt(self, row: OutboxRow) -> State:
        """One delivery attempt of ``row``, recorded; returns the state it leaves the row in."""
        now = self._clock.now()
        look_first = row.attempted_at is not None and now - row.attempted_at >= NONCE_TRUST
        await self.repo.mark_attempting(row.post_id, now)
        try:
            message_id = await self._sender.deliver(row, look_first=look_first)
        except TransientPostError as error:
            now = self._clock.now()
            if now - row.created_at >= self._backoff.give_up:
                return await self._impossible(row, PostError(f"gave up after {row.attempts + 1} "
                                                             f"attempts: {error}"))
            next_at = now + self._backoff.delay(row.attempts + 1)
            await self.repo.mark_retry(row.post_id, describe(error), next_at)
            log.warning("outbox %s (%s): %s; attempt %d, next at %s", row.key, row.kind,
                        error, row.attempts + 1, next_at.isoformat())
            return State.PENDING
        except PostError as error:
            return await self._impossible(row, error)
        await self.repo.mark_sent(row.post_id, message_id, self._clock.now())
        await self._tell(row, State.SENT, None)
        return State.SENT

    async def _impossible(self, row: OutboxRow, error: PostError) -> State:
        await self.repo.mark_impossible(row.post_id, describe(error), self._clock.now())
        log.error("outbox %s (%s) is impossible: %s", row.key, row.kind, describe(error))
        await self._tell(row, State.IMPOSSIBLE, error)
        return State.IMPOSSIBLE

    async def _tell(self, row: OutboxRow, state: State, error: PostError | None) -> None:
        for listener in self._listeners:
            try:
                await listener(row, error)
            except Exception:
                log.exception("outbox listener failed for %s (%s)", row.key, state)

    async def troubles(self, guild_id: int, kind_prefix: str = "") -> list[OutboxRow]:
        """Impossible posts, and pending ones that failed at least once, for status commands."""
        return await self.repo.troubles(guild_id, kind_prefix)
