"""200 rounds at once on the real scheduler, clock and SQLite: nothing announced twice, nothing lost.

This is the load run behind the "phase ends fire within 1 s at p99" target. It
asserts only correctness; the lateness it measures is logged (``-o log_cli=true``)
for the benchmark report, never asserted, because timings belong to benchmarks.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
from collections import Counter
from dataclasses import dataclass, field

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import SystemClock
from bot.content import load_content
from bot.mock.model import MockSession, Role
from bot.mock.ports import MockConfig
from bot.mock.posts import Post
from bot.mock.service import MockService
from bot.mock.timeline import Kind
from bot.mock.timers import SchedulerTimers
from bot.outbox.model import Envelope
from bot.scheduling import Scheduling
from storage.db import Database
from storage.mock import MockRepository

log = logging.getLogger(__name__)

ROUNDS = 200
MINUTE_SECONDS = 1.0  # 5 phases of 3 minutes: 15 s per round, all deadlines coinciding


@dataclass
class LatenessRecorder:
    clock: SystemClock
    lateness: list[float] = field(default_factory=list)
    kinds: Counter[tuple[int, str, object]] = field(default_factory=Counter)
    announced: Counter[tuple[int, str]] = field(default_factory=Counter)  # by claim key
    folded: dict[int, list[object]] = field(default_factory=dict)  # catch-ups: phases missed
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def prepare(self, session: MockSession, post: Post, key: str) -> Envelope | None:
        self.kinds[(session.session_id, post.kind.value, post.variables.get("number"))] += 1
        self.announced[(session.session_id, key)] += 1
        if post.kind is Kind.CATCH_UP:
            self.folded.setdefault(session.session_id, []).extend(post.variables["missed"])
        if post.kind is Kind.PHASE and post.variables["number"] != 1:
            index = int(str(post.variables["number"])) - 2
            deadline = session.state.phases[index].deadline
            assert deadline is not None
            self.lateness.append((self.clock.now() - deadline).total_seconds())
        if sum(1 for (_, kind, _) in self.kinds if kind == "scorecard") == ROUNDS:
            self.done.set()
        return None  # timing only: nothing to deliver

    def closing(self, session: MockSession, key: str) -> Envelope | None:
        return None

    def kick(self) -> None:
        return None


@pytest.mark.slow
async def test_200_concurrent_rounds_announce_everything_once(tmp_path) -> None:
    db = await Database.open(tmp_path / "load.db")
    await db.migrate()
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.start()
    clock = SystemClock()
    recorder = LatenessRecorder(clock)


    async def tick(session_id: int) -> None:  # a coroutine function, as APScheduler needs
        await service.tick(session_id)

    service = MockService(
        MockRepository(db), load_content(), clock, MockConfig(MINUTE_SECONDS, ROUNDS),
        announcer=recorder, timers=SchedulerTimers(Scheduling(scheduler), tick),
    )
    try:
        ids = []
        for n in range(ROUNDS):
            session = await service.open(guild_id=1, channel_id=2, host_user_id=n,
                                         question_id=None, length=45, minutes="3,3,3,3,3")
            drawn = await service.attach(session.session_id, 10_000 + n)
            await service.set_lobby_message(session.session_id, 20_000 + n,
                                            drawn.state.lobby_revision)  # as /mock start
            await service.join(session.session_id, 50_000 + n, Role.CANDIDATE)
            ids.append(session.session_id)
        await asyncio.gather(*(service.start(sid, n) for n, sid in enumerate(ids)))
        async with asyncio.timeout(60):
            await recorder.done.wait()
    finally:
        scheduler.shutdown(wait=False)
        await db.close()
    assert [key for key, count in recorder.announced.items() if count > 1] == []  # none twice
    per_round = Counter(kind for (_, kind, _) in recorder.kinds)
    assert {kind: per_round[kind] for kind in ("brief", "lobby", "scorecard")} == {
        "brief": ROUNDS, "lobby": ROUNDS, "scorecard": ROUNDS}
    lobby_edits = Counter(key.rsplit(":", 2)[1] for (_, key) in recorder.announced
                          if ":lobby:" in key)
    assert lobby_edits == {"1": ROUNDS, "running": ROUNDS}  # the join, then the start
    # A phase start, probe or warning goes out on time or, when its phase is already over (a busy
    # machine runs the rounds late), is folded into a catch-up that names its phase; the
    # claims keep either from happening twice. So nothing is lost, whatever the load.
    phases = [phase.name for phase in load_content().rubric.phases]
    for session_id in ids:
        folded = recorder.folded.get(session_id, [])
        assert len(folded) == len(set(folded))  # a phase is caught up at most once
        for number, name in enumerate(phases, start=1):
            for kind in ("phase", "probe", "warning"):
                posted = (session_id, kind, number) in recorder.kinds
                assert posted or name in folded, (session_id, kind, number)
    log.warning("mock timer load: folded into catch-ups %d phase starts, %d probes, %d warnings",
                *(5 * ROUNDS - per_round[kind] for kind in ("phase", "probe", "warning")))
    late = sorted(recorder.lateness)
    log.warning(
        "mock timer lateness over %d phase ends: p50 %.3f s, p99 %.3f s, max %.3f s",
        len(late), statistics.median(late), late[int(len(late) * 0.99) - 1], late[-1],
    )
