"""The mock-round service: load a round, apply one transition, save, announce, re-arm.

It speaks plain Python. Discord is behind two small ports the cog implements:
``Announcer`` (post a rendered message to the round's thread, archive it) and
``Timers`` (wake ``tick(session_id)`` at an instant; see ``timers.py``). Every
operation on a round runs under that round's lock, so a button press and a
timer firing at the same moment are applied one after the other.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.clock import Clock
from bot.content import Content
from bot.errors import BotError
from bot.mock import machine
from bot.mock.model import MockSession, MockState, Role, Status
from bot.mock.plan import plan_minutes
from bot.mock.posts import Post, posts_for
from bot.mock.scorecard import AutoReviewer, Scorecard, build_scorecard
from bot.mock.timeline import Kind, settle
from bot.text import echo
from storage.mock import MockRepository

log = logging.getLogger(__name__)

Transition = Callable[[MockState, datetime], MockState]


class ThreadGone(Exception):
    """Raised by an ``Announcer`` when the round's thread no longer exists."""


class Announcer(Protocol):
    async def post(self, session: MockSession, post: Post) -> None:
        """Send ``post`` to the round's thread; raise ``ThreadGone`` if it was deleted."""

    async def archive(self, session: MockSession) -> None: ...


class Timers(Protocol):
    def arm(self, session_id: int, at: datetime) -> None: ...

    def cancel(self, session_id: int) -> None: ...


class GuildLimit(Protocol):
    @property
    def mock_max_sessions(self) -> int | None: ...


class GuildLimits(Protocol):
    """Per-guild settings (``storage.guilds.GuildRepository`` satisfies it)."""

    async def settings(self, guild_id: int) -> GuildLimit: ...


@dataclass(frozen=True)
class MockConfig:
    minute_seconds: float = 60.0
    max_per_guild: int = 10


class MockService:
    """Everything the ``/mock`` commands and buttons do, without Discord."""

    def __init__(
        self,
        repo: MockRepository,
        content: Content,
        clock: Clock,
        config: MockConfig,
        *,
        announcer: Announcer,
        timers: Timers,
        limits: GuildLimits | None = None,
        reviewer: AutoReviewer | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.repo = repo
        self.content = content
        self.clock = clock
        self.config = config
        self.announcer = announcer
        self.timers = timers
        self.limits = limits
        self.reviewer = reviewer
        self._rng = rng or random.Random()  # noqa: S311 - picks a study question, not a secret
        self._locks: dict[int, asyncio.Lock] = {}

    # -- creating ----------------------------------------------------------------------------

    async def open(
        self,
        *,
        guild_id: int,
        channel_id: int,
        host_user_id: int,
        question_id: str | None,
        length: int,
        minutes: str | None,
    ) -> MockSession:
        """Reserve a lobby (the cog then creates its thread and calls ``attach``)."""
        question_id = self._pick_question(question_id)
        boxes = plan_minutes(self.content.rubric.phases, length, minutes)
        state = machine.new_session(
            host_user_id, boxes, self.config.minute_seconds, self.clock.now()
        )
        session_id = await self.repo.create(
            guild_id=guild_id,
            channel_id=channel_id,
            question_id=question_id,
            length_minutes=sum(boxes),
            phase_ids=[phase.id for phase in self.content.rubric.phases],
            state=state,
            max_live=await self._limit(guild_id),
        )
        if session_id is None:
            raise BotError(
                "This server already has as many mock rounds as it allows running; "
                "end one (`/mock end`) or wait for one to finish."
            )
        return await self._get(session_id)

    async def attach(self, session_id: int, thread_id: int) -> MockSession:
        await self.repo.attach_thread(session_id, thread_id)
        return await self._get(session_id)

    async def set_lobby_message(self, session_id: int, message_id: int) -> None:
        await self.repo.set_lobby_message(session_id, message_id)

    async def discard(self, session_id: int) -> None:
        """Forget a lobby whose thread could not be created, freeing its slot."""
        await self.repo.delete(session_id)

    def _pick_question(self, question_id: str | None) -> str:
        if question_id is None:
            return self._rng.choice(sorted(self.content.questions))
        if question_id not in self.content.questions:
            raise BotError(f"There is no question `{echo(question_id)}`; pick one from the list.")
        return question_id

    async def _limit(self, guild_id: int) -> int:
        if self.limits is None:
            return self.config.max_per_guild
        override = (await self.limits.settings(guild_id)).mock_max_sessions
        return override or self.config.max_per_guild

    # -- looking up --------------------------------------------------------------------------

    async def in_thread(self, thread_id: int) -> MockSession:
        """The round in this thread, or a ``BotError`` saying where commands work."""
        session = await self.repo.by_thread(thread_id)
        if session is None:
            raise BotError("Use this inside a mock round's thread (start one with `/mock start`).")
        return session

    async def _get(self, session_id: int) -> MockSession:
        session = await self.repo.get(session_id)
        if session is None:
            raise BotError("That mock round no longer exists.")
        return session

    # -- transitions -------------------------------------------------------------------------

    async def apply(self, session_id: int, transition: Transition) -> MockSession:
        """Apply ``transition`` at the current instant, persist it, and act on its effects."""
        async with self._lock(session_id):
            session = await self._get(session_id)
            now = self.clock.now()
            state = transition(session.state, now)
            if state != session.state:
                await self.repo.save(session_id, state, before=session.state)
            settled = await self._settle(replace(session, state=state), now)
        if settled.state.status is Status.ENDED:
            self._locks.pop(session_id, None)  # nothing times an ended round any more
        return settled

    async def join(self, session_id: int, user_id: int, role: Role) -> MockSession:
        return await self.apply(session_id, lambda s, now: machine.join(s, user_id, role, now))

    async def leave(self, session_id: int, user_id: int) -> MockSession:
        return await self.apply(session_id, lambda s, now: machine.leave(s, user_id, now))

    async def pair_mode(self, session_id: int, user_id: int, enabled: bool) -> MockSession:
        return await self.apply(
            session_id, lambda s, now: machine.set_pair_mode(s, user_id, enabled, now)
        )

    async def start(self, session_id: int, user_id: int) -> MockSession:
        return await self.apply(session_id, lambda s, now: machine.start(s, user_id, now))

    async def next(self, session_id: int, user_id: int) -> MockSession:
        return await self.apply(session_id, lambda s, now: machine.next_phase(s, user_id, now))

    async def pause(self, session_id: int, user_id: int) -> MockSession:
        return await self.apply(session_id, lambda s, now: machine.pause(s, user_id, now))

    async def resume(self, session_id: int, user_id: int) -> MockSession:
        return await self.apply(session_id, lambda s, now: machine.resume(s, user_id, now))

    async def extend(self, session_id: int, user_id: int, minutes: int) -> MockSession:
        return await self.apply(
            session_id, lambda s, now: machine.extend(s, user_id, minutes, now)
        )

    async def end(self, session_id: int, user_id: int, *, can_manage_threads: bool) -> MockSession:
        return await self.apply(
            session_id,
            lambda s, now: machine.end(s, user_id, now, can_manage_threads=can_manage_threads),
        )

    async def tick(self, session_id: int) -> None:
        """Timer callback: catch the round up with the clock. Safe to call any time."""
        try:
            await self.apply(session_id, machine.advance)
        except BotError:
            log.info("mock session %s vanished before its timer fired", session_id)

    async def thread_deleted(self, thread_id: int) -> None:
        """End a round whose thread is gone, without posting anything to it."""
        session = await self.repo.by_thread(thread_id)
        if session is None or session.state.status is Status.ENDED:
            return
        async with self._lock(session.session_id):
            await self._end_without_thread(session, self.clock.now())

    async def resume_all(self) -> int:
        """At startup: catch up every live round and re-arm its timer; returns how many."""
        ids = await self.repo.live_ids()
        for session_id in ids:
            await self.tick(session_id)
        return len(ids)

    # -- effects -----------------------------------------------------------------------------

    async def _settle(self, session: MockSession, now: datetime) -> MockSession:
        """Claim and post what is due, then arm the timer for the next instant that matters."""
        session_id = session.session_id
        settled = settle(session.state, now)
        claimed: set[str] = set()
        for announcement in settled.announcements:
            if not await self.repo.claim(session_id, announcement.claims, now):
                continue
            claimed.update(announcement.claims)
            scorecards = (
                await self.scorecards(session) if announcement.kind is Kind.SCORECARD else []
            )
            try:
                for post in posts_for(self.content, session, announcement, scorecards):
                    await self._post(session, post)
            except ThreadGone:
                return await self._end_without_thread(session, now)
            if announcement.kind is Kind.SCORECARD and session.thread_id is not None:
                await self._archive(session)
        if settled.wake_at is None:
            self.timers.cancel(session_id)
        else:
            self.timers.arm(session_id, settled.wake_at)
        return replace(session, state=replace(session.state, sent=session.state.sent | claimed))

    async def _post(self, session: MockSession, post: Post) -> None:
        # A failed post must not stop the round's clock: log it and carry on.
        try:
            await self.announcer.post(session, post)
        except ThreadGone:
            raise
        except Exception:
            log.exception("mock session %s: posting %s failed", session.session_id, post.kind)

    async def _end_without_thread(self, session: MockSession, now: datetime) -> MockSession:
        """The thread vanished while the bot was away: end the round (caller holds the lock)."""
        log.info("mock session %s: thread is gone, ending the round", session.session_id)
        state = machine.thread_deleted(session.state, now)
        await self.repo.save(session.session_id, state)
        self.timers.cancel(session.session_id)
        return replace(session, state=state)

    async def _archive(self, session: MockSession) -> None:
        try:
            await self.announcer.archive(session)
        except Exception:
            log.exception("mock session %s: archiving the thread failed", session.session_id)

    async def scorecards(self, session: MockSession) -> list[Scorecard]:
        """One scorecard per candidate, from everything stored so far."""
        sid = session.session_id
        transcript = await self.repo.transcript(sid)
        notes, scores, votes = (
            await self.repo.notes(sid), await self.repo.scores(sid), await self.repo.votes(sid)
        )
        candidates = session.state.users_with(Role.CANDIDATE) or tuple(
            dict.fromkeys(e.author_user_id for e in transcript)
        )
        return [
            build_scorecard(
                rubric=self.content.rubric, state=session.state,
                question_id=session.question_id, candidate_user_id=user_id,
                transcript=transcript, notes=notes, scores=scores, votes=votes,
                reviewer=self.reviewer,
            )
            for user_id in candidates
        ]

    async def store_scorecard(self, session_id: int, candidate_user_id: int, body: str) -> None:
        """Keep the scorecard as posted, so it outlives the thread."""
        await self.repo.store_scorecard(session_id, candidate_user_id, body, self.clock.now())

    def _lock(self, session_id: int) -> asyncio.Lock:
        return self._locks.setdefault(session_id, asyncio.Lock())
