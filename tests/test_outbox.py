"""The outbox state machine on a real SQLite file, with an injected clock and a scripted sender."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.outbox.model import (
    Backoff,
    ChannelGoneError,
    Envelope,
    MissingPermissionsError,
    OutboxRow,
    PostError,
    State,
    TransientPostError,
    message_from_json,
    message_to_json,
    nonce_for,
)
from bot.outbox.service import Outbox
from bot.render import EmbedField, EmbedSpec, RenderedMessage
from bot.sharding import Ownership
from storage.db import Database
from storage.outbox import OutboxRepository

NOW = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
GUILD = 10


@dataclass
class ScriptedSender:
    """Fails as scripted per key, records every attempt (and that its row was stored first)."""

    repo: OutboxRepository
    failures: dict[str, list[PostError]] = field(default_factory=dict)
    attempts: list[tuple[str, str]] = field(default_factory=list)  # (key, nonce)
    stored_before_send: list[bool] = field(default_factory=list)
    looked: list[bool] = field(default_factory=list)
    next_id: int = 1000

    async def deliver(self, row: OutboxRow, *, look_first: bool) -> int | None:
        self.attempts.append((row.key, row.nonce))
        self.looked.append(look_first)
        stored = await self.repo.by_key(row.key)
        self.stored_before_send.append(stored is not None and stored.state is State.PENDING)
        queued = self.failures.get(row.key)
        if queued:
            raise queued.pop(0)
        self.next_id += 1
        return self.next_id


@dataclass
class Wakes:
    at: dict[int, datetime] = field(default_factory=dict)
    callbacks: dict[int, Callable[[int], Awaitable[None]]] = field(default_factory=dict)

    def wake_at(
        self, channel_id: int, at: datetime, callback: Callable[[int], Awaitable[None]]
    ) -> None:
        self.at[channel_id] = at
        self.callbacks[channel_id] = callback


class Tasks:
    """The tracked-spawn seam: tests wait until every spawned task (and its children) ended."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[Any]] = []

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> object:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self.tasks.append(task)
        return task

    async def idle(self) -> None:
        while pending := [t for t in self.tasks if not t.done()]:
            await asyncio.gather(*pending)
        for task in self.tasks:
            task.result()  # a crashed worker fails the test


@dataclass
class Parts:
    outbox: Outbox
    repo: OutboxRepository
    sender: ScriptedSender
    wakes: Wakes
    tasks: Tasks
    clock: FixedClock
    told: list[tuple[str, str | None]]


@pytest.fixture
async def db(tmp_path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "outbox.db")
    await database.migrate()
    yield database
    await database.close()


def build(db: Database, clock: FixedClock, sender: ScriptedSender | None = None,
          ownership: Ownership | None = None) -> Parts:
    repo = OutboxRepository(db)
    sender = sender or ScriptedSender(repo)
    wakes, tasks, told = Wakes(), Tasks(), []
    outbox = Outbox(repo, clock, sender, wakes, tasks.spawn, ownership=ownership)

    async def listener(row: OutboxRow, error: PostError | None) -> None:
        told.append((row.key, None if error is None else type(error).__name__))

    outbox.listen(listener)
    return Parts(outbox, repo, sender, wakes, tasks, clock, told)


@pytest.fixture
def parts(db: Database) -> Parts:
    return build(db, FixedClock(NOW))


def envelope(key: str, channel_id: int = 500, text: str = "hello",
             guild_id: int | None = GUILD) -> Envelope:
    return Envelope(key, "mock_phase", channel_id, guild_id,
                    {"message": message_to_json(RenderedMessage(content=text))})


async def test_a_post_is_stored_before_it_is_sent_and_recorded_once_sent(parts: Parts) -> None:
    await parts.outbox.enqueue(envelope("a"))
    await parts.tasks.idle()
    row = await parts.repo.by_key("a")
    assert row is not None and row.state is State.SENT and row.message_id == 1001
    assert row.attempts == 1 and row.last_error is None and row.done_at == NOW
    assert row.payload == {}  # no text lingers once sent
    assert parts.sender.stored_before_send == [True]
    assert parts.told == [("a", None)]


async def test_enqueueing_the_same_key_twice_posts_once(parts: Parts) -> None:
    await parts.outbox.enqueue(envelope("a"), envelope("a", text="again"))
    await parts.outbox.enqueue(envelope("a"))
    await parts.tasks.idle()
    assert [key for key, _ in parts.sender.attempts] == ["a"]


async def test_transient_failures_back_off_and_retry_with_the_same_nonce(parts: Parts) -> None:
    parts.sender.failures["a"] = [TransientPostError("503: Service Unavailable"),
                                  TransientPostError("network: reset")]
    await parts.outbox.enqueue(envelope("a"))
    await parts.tasks.idle()
    row = await parts.repo.by_key("a")
    assert row is not None and row.state is State.PENDING and row.attempts == 1
    assert row.last_error == "transient: 503: Service Unavailable"
    assert row.next_attempt_at == NOW + timedelta(seconds=2)
    assert parts.wakes.at[500] == row.next_attempt_at

    parts.outbox.kick()  # not due yet: nothing is sent early
    await parts.tasks.idle()
    assert len(parts.sender.attempts) == 1

    parts.clock.advance(2)
    await parts.wakes.callbacks[500](500)  # the scheduler's wake-up
    await parts.tasks.idle()
    row = await parts.repo.by_key("a")
    assert row is not None and row.attempts == 2 and row.next_attempt_at == parts.clock.now() + \
        timedelta(seconds=4)

    parts.clock.advance(4)
    await parts.wakes.callbacks[500](500)
    await parts.tasks.idle()
    row = await parts.repo.by_key("a")
    assert row is not None and row.state is State.SENT and row.attempts == 3
    nonces = {nonce for _, nonce in parts.sender.attempts}
    assert nonces == {nonce_for(500, "a")} and len(parts.sender.attempts) == 3


@pytest.mark.parametrize("error", [ChannelGoneError("404 10003"),
                                   MissingPermissionsError(["Send Messages in Threads"]),
                                   PostError("400 50035: Invalid Form Body")])
async def test_permanent_failures_are_impossible_visible_and_never_retried(
    parts: Parts, error: PostError
) -> None:
    parts.sender.failures["a"] = [error]
    await parts.outbox.enqueue(envelope("a"))
    await parts.tasks.idle()
    row = await parts.repo.by_key("a")
    assert row is not None and row.state is State.IMPOSSIBLE and row.payload == {}
    assert row.last_error and str(error) in row.last_error
    assert [r.key for r in await parts.outbox.troubles(GUILD)] == ["a"]
    assert parts.told == [("a", type(error).__name__)]
    parts.clock.advance(3600)
    parts.outbox.kick()
    await parts.tasks.idle()
    assert len(parts.sender.attempts) == 1


async def test_a_pending_retry_shows_in_troubles_until_it_is_sent(parts: Parts) -> None:
    parts.sender.failures["a"] = [TransientPostError("502")]
    await parts.outbox.enqueue(envelope("a"))
    await parts.tasks.idle()
    assert [r.state for r in await parts.outbox.troubles(GUILD, "mock_")] == [State.PENDING]
    assert await parts.outbox.troubles(GUILD, "daily") == []
    parts.clock.advance(2)
    parts.outbox.kick()
    await parts.tasks.idle()
    assert await parts.outbox.troubles(GUILD) == []


async def test_posts_in_one_channel_keep_their_order_and_channels_are_independent(
    parts: Parts,
) -> None:
    parts.sender.failures["phase1"] = [TransientPostError("503")]
    await parts.outbox.enqueue(envelope("phase1"), envelope("warning1"),
                               envelope("elsewhere", channel_id=600))
    await parts.tasks.idle()
    assert [key for key, _ in parts.sender.attempts] == ["phase1", "elsewhere"]
    parts.clock.advance(2)
    parts.outbox.kick()
    await parts.tasks.idle()
    assert [key for key, _ in parts.sender.attempts] == ["phase1", "elsewhere", "phase1",
                                                          "warning1"]


def edit(key: str, message_id: int, text: str) -> Envelope:
    """An edit of one of the bot's messages (a lobby's roster, a sign-up's seats)."""
    return Envelope(key, "mock_lobby", 500, GUILD, {"edit": {
        "message_id": message_id, "message": message_to_json(RenderedMessage(content=text))}})


async def test_an_edit_a_later_queued_edit_of_the_same_message_replaces_is_skipped(
    parts: Parts,
) -> None:
    """Ten members pressing Join at once queue ten edits of the lobby; Discord needs the
    last one only. Posts and edits of other messages still go, in order."""
    await parts.outbox.enqueue(edit("lobby:1", 7, "one"), envelope("phase"),
                               edit("card:1", 8, "card"), edit("lobby:2", 7, "two"),
                               edit("lobby:3", 7, "three"))
    await parts.tasks.idle()
    assert [key for key, _ in parts.sender.attempts] == ["phase", "card:1", "lobby:3"]
    skipped = await parts.repo.by_key("lobby:1")
    assert skipped is not None and skipped.state is State.SENT and skipped.message_id == 7
    assert ("lobby:1", None) not in parts.told  # nothing was delivered for it
    assert await parts.repo.troubles(GUILD) == []


async def test_backoff_doubles_up_to_its_cap_and_gives_up_after_a_day(db: Database) -> None:
    backoff = Backoff()
    assert [backoff.delay(n).total_seconds() for n in (1, 2, 3, 8, 9, 50)] == \
        [2, 4, 8, 256, 300, 300]
    parts = build(db, FixedClock(NOW))
    parts.sender.failures["a"] = [TransientPostError("503")] * 1000
    await parts.outbox.enqueue(envelope("a"))
    await parts.tasks.idle()
    while (row := await parts.repo.by_key("a")) is not None and row.state is State.PENDING:
        parts.clock.set(row.next_attempt_at)
        parts.outbox.kick()
        await parts.tasks.idle()
    assert row is not None and row.state is State.IMPOSSIBLE
    assert row.last_error is not None and "gave up" in row.last_error
    assert parts.clock.now() - NOW >= timedelta(hours=24)
    assert parts.clock.now() - NOW < timedelta(hours=24, minutes=6)  # at most one capped step


async def test_a_restart_re_drives_what_was_left_pending(db: Database) -> None:
    clock = FixedClock(NOW)
    first = build(db, clock)
    first.sender.failures["a"] = [TransientPostError("network: reset")]
    await first.outbox.enqueue(envelope("a"), envelope("b", channel_id=600))
    await first.tasks.idle()
    clock.advance(60)  # the process died; a new one starts later on the same file
    second = build(db, clock)
    second.outbox.kick()
    await second.tasks.idle()
    assert [key for key, _ in second.sender.attempts] == ["a"]
    row = await second.repo.by_key("a")
    assert row is not None and row.state is State.SENT and row.attempts == 2


async def test_a_restart_re_drives_only_its_own_servers_posts(db: Database) -> None:
    clock = FixedClock(NOW)
    shard_zero, shard_one = (4 << 22) | 1, (5 << 22) | 1
    first = build(db, clock)
    first.outbox.stop()  # the process dies with everything pending
    await first.outbox.enqueue(envelope("zero", 500, guild_id=shard_zero),
                               envelope("one", 600, guild_id=shard_one),
                               envelope("dm", 700, guild_id=None))
    second = build(db, clock, ownership=Ownership(2, (1,)))
    second.outbox.kick()
    await second.tasks.idle()
    assert [key for key, _ in second.sender.attempts] == ["one"]
    third = build(db, clock, ownership=Ownership(2, (0,)))
    third.outbox.kick()
    await third.tasks.idle()
    assert sorted(key for key, _ in third.sender.attempts) == ["dm", "zero"]  # DMs: shard 0


def test_the_payload_codec_keeps_embeds_exactly() -> None:
    message = RenderedMessage(content="c", embed=EmbedSpec(
        title="T", description="D", fields=(EmbedField("n", "v", True),), footer="f",
        color=0x2ECC71, url=None))
    assert message_from_json(message_to_json(message)) == message
    assert len(nonce_for(1_234_567_890_123_456_789, "mock:1:phase:2:0")) <= 25
    assert nonce_for(1, "a") != nonce_for(2, "a") and nonce_for(1, "a") == nonce_for(1, "a")


async def test_a_retry_past_the_nonce_window_looks_for_the_message_first(parts: Parts) -> None:
    parts.sender.failures["a"] = [TransientPostError("503"), TransientPostError("503")]
    await parts.outbox.enqueue(envelope("a"))
    await parts.tasks.idle()
    parts.clock.advance(2)  # Discord still remembers the nonce: just send again
    parts.outbox.kick()
    await parts.tasks.idle()
    parts.clock.advance(timedelta(minutes=10))  # e.g. the bot was down: the nonce is forgotten
    parts.outbox.kick()
    await parts.tasks.idle()
    assert parts.sender.looked == [False, False, True]
    row = await parts.repo.by_key("a")
    assert row is not None and row.state is State.SENT
    assert row.attempted_at == parts.clock.now()


async def test_stopping_starts_no_more_deliveries_and_keeps_rows_pending(parts: Parts) -> None:
    parts.outbox.stop()
    await parts.outbox.enqueue(envelope("a"))
    await parts.tasks.idle()
    row = await parts.repo.by_key("a")
    assert parts.sender.attempts == [] and row is not None and row.state is State.PENDING


async def test_an_unexpected_failure_delays_the_channel_instead_of_stalling_it(
    parts: Parts, caplog: pytest.LogCaptureFixture
) -> None:
    parts.sender.failures["a"] = [RuntimeError("disk I/O error")]  # type: ignore[list-item]
    await parts.outbox.enqueue(envelope("a"))
    await parts.tasks.idle()
    row = await parts.repo.by_key("a")
    assert row is not None and row.state is State.PENDING
    assert parts.wakes.at[500] == NOW + timedelta(seconds=2)
    assert "delivery failed" in caplog.text
    parts.clock.advance(2)
    await parts.wakes.callbacks[500](500)
    await parts.tasks.idle()
    row = await parts.repo.by_key("a")
    assert row is not None and row.state is State.SENT
