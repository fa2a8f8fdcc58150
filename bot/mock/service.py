"""The mock-round service: load a round, apply one transition, save, announce, re-arm.

It speaks plain Python. Discord is behind small ports the cog implements
(``bot.mock.ports``): ``Announcer`` (turn a post into an outbox envelope; the outbox
delivers it) and ``Timers`` (wake ``tick(session_id)`` at an instant; see ``timers.py``),
both used by ``RoundEffects`` (``effects.py``), which announces and re-arms after each
transition; ``Scorecards`` (``cards.py``) rebuilds a round's scorecards. Every
operation on a round runs under that round's lock, so a button press and a
timer firing at the same moment are applied one after the other.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.clock import Clock
from bot.content import Content
from bot.erasure import HandedOn
from bot.errors import BotError, require_question
from bot.mock import deadlines, machine, roles, timeline
from bot.mock.cards import Scorecards
from bot.mock.effects import RoundEffects
from bot.mock.model import MockSession, MockState, Mode, Role, Status
from bot.mock.plan import plan_minutes
from bot.mock.ports import Announcer, GuildLimits, MockConfig, PanelCards, Timers
from bot.mock.scorecard import AutoReviewer
from bot.sharding import Ownership
from storage.db import Database
from storage.guilds import GuildRepository
from storage.mock import MockRepository, StaleRound

log = logging.getLogger(__name__)

Transition = Callable[[MockState, datetime], MockState]


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
        panel: PanelCards | None = None,
        ownership: Ownership | None = None,
    ) -> None:
        self.repo = repo
        self.ownership = ownership or Ownership()
        self.content = content
        self.clock = clock
        self.config = config
        self.limits = limits
        self.cards = Scorecards(repo, content, clock, reviewer=reviewer, panel=panel)
        self.effects = RoundEffects(repo, content, clock, announcer=announcer, timers=timers,
                                    cards=self.cards)
        self._rng = rng or random.Random()  # noqa: S311 - picks a study question, not a secret
        self._locks: dict[int, asyncio.Lock] = {}

    @classmethod
    def from_database(cls, db: Database, content: Content, clock: Clock, config: MockConfig, *,
                      announcer: Announcer, timers: Timers, reviewer: AutoReviewer | None = None,
                      ownership: Ownership | None = None) -> MockService:
        """The service over the bot's database (the cog's way in: cogs see no repository)."""
        return cls(MockRepository(db), content, clock, config, announcer=announcer,
                   timers=timers, limits=GuildRepository(db), reviewer=reviewer,
                   ownership=ownership)

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
        voice_channel_id: int | None = None,
    ) -> MockSession:
        """Reserve a lobby (the cog then creates its thread and calls ``attach``).

        With ``voice_channel_id`` it is a voice round (``bot.mock.panel``).
        """
        question_id = self._pick_question(question_id)
        boxes = plan_minutes(self.content.rubric.phases, length, minutes)
        mode = Mode.TEXT if voice_channel_id is None else Mode.VOICE
        state = machine.new_session(
            host_user_id, boxes, self.config.minute_seconds, self.clock.now(), mode
        )
        session_id = await self.repo.create(
            guild_id=guild_id,
            channel_id=channel_id,
            question_id=question_id,
            length_minutes=sum(boxes),
            phase_ids=[phase.id for phase in self.content.rubric.phases],
            state=state,
            max_live=await self._limit(guild_id),
            voice_channel_id=voice_channel_id,
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

    async def set_lobby_message(self, session_id: int, message_id: int, shows: int) -> None:
        """Record the posted lobby message, drawn at lobby revision ``shows`` (so that
        revision's edit is done), then edit in whatever changed while it was being posted:
        a press between the send and this call is not lost."""
        await self.repo.set_lobby_message(session_id, message_id)
        if shows:
            await self.repo.claim(session_id, [timeline.lobby_key(shows)], self.clock.now())
        await self.tick(session_id)

    async def discard(self, session_id: int) -> None:
        """Forget a lobby whose thread could not be created, freeing its slot."""
        await self.repo.delete(session_id)

    def _pick_question(self, question_id: str | None) -> str:
        if question_id is None:
            return self._rng.choice(sorted(self.content.questions))
        return require_question(question_id, self.content.questions)

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
            state = timeline.revised(session.state, transition(session.state, now))
            if state != session.state:
                try:
                    await self.repo.save(session_id, state, before=session.state)
                except StaleRound as error:
                    raise BotError(
                        "The round changed at that same moment; check `/mock status` and "
                        "try again."
                    ) from error
            settled = await self.effects.settle(replace(session, state=state), now)
        if settled.state.status is Status.ENDED:
            self._locks.pop(session_id, None)  # nothing times an ended round any more
        return settled

    async def join(
        self, session_id: int, user_id: int, role: Role, *, confirmed: bool = False
    ) -> MockSession:
        return await self.apply(
            session_id, lambda s, now: roles.join(s, user_id, role, now, confirmed=confirmed)
        )

    async def leave(self, session_id: int, user_id: int) -> MockSession:
        return await self.apply(session_id, lambda s, now: roles.leave(s, user_id, now))

    async def pair_mode(self, session_id: int, user_id: int, enabled: bool) -> MockSession:
        return await self.apply(
            session_id, lambda s, now: roles.set_pair_mode(s, user_id, enabled, now)
        )

    async def start(self, session_id: int, user_id: int) -> MockSession:
        return await self.apply(session_id, lambda s, now: machine.start(s, user_id, now))

    async def next(
        self, session_id: int, user_id: int, seen: MockState | None = None
    ) -> MockSession:
        """End the current phase; with ``seen`` (the round as the member's command found
        it), only if the phase running then is still the one running."""
        expected = None if seen is None else deadlines.advance(seen, self.clock.now()).current_index()
        return await self.apply(
            session_id, lambda s, now: machine.next_phase(s, user_id, now, expected)
        )

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

    async def depart(self, user_id: int) -> list[HandedOn]:
        """An ``Erasure`` departure: the member leaves every live round (``roles.depart``).

        Runs under each round's lock like any transition, so it cannot interleave with
        a press. Returns what became of the rounds they hosted.
        """
        handed: list[HandedOn] = []
        for session_id in await self.repo.live_ids_of(user_id):
            hosted: list[bool] = []
            session = await self.apply(session_id, _departing(user_id, hosted))
            if not any(hosted):
                continue
            if session.state.status is Status.ENDED:
                handed.append(HandedOn("round_ended", session.thread_id))
            else:
                handed.append(HandedOn("host_passed", session.thread_id,
                                       session.state.host_user_id))
        return handed

    async def tick(self, session_id: int) -> None:
        """Timer callback: catch the round up with the clock. Safe to call any time."""
        try:
            await self.apply(session_id, deadlines.advance)
        except BotError:
            log.info("mock session %s vanished before its timer fired", session_id)

    async def thread_deleted(self, thread_id: int) -> None:
        """End a round whose thread is gone, without posting anything to it."""
        session = await self.repo.by_thread(thread_id)
        if session is None or session.state.status is Status.ENDED:
            return
        async with self._lock(session.session_id):
            log.info("mock session %s: thread is gone, ending the round", session.session_id)
            state = machine.thread_deleted(session.state, self.clock.now())
            await self.repo.save(session.session_id, state)
            self.effects.disarm(session.session_id)  # nothing is announced in a missing thread

    async def resume_all(self) -> int:
        """At startup: catch up every live round of this process's servers and re-arm its
        timer; returns how many."""
        ids = [session_id for session_id, guild_id in await self.repo.live_ids()
               if self.ownership.owns(guild_id)]
        for session_id in ids:
            await self.tick(session_id)
        return len(ids)

    def _lock(self, session_id: int) -> asyncio.Lock:
        return self._locks.setdefault(session_id, asyncio.Lock())


def _departing(user_id: int, hosted: list[bool]) -> Transition:
    """``roles.depart`` for ``user_id``, noting in ``hosted`` whether they were the host
    of the round as it stood under its lock."""

    def transition(state: MockState, now: datetime) -> MockState:
        hosted.append(state.host_user_id == user_id)
        return roles.depart(state, user_id, now)

    return transition
