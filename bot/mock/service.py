"""The mock-round service: load a round, apply one transition, save, announce, re-arm.

It speaks plain Python. Discord is behind small ports the cog implements
(``bot.mock.ports``): ``Announcer`` (turn a post into an outbox envelope; the outbox
delivers it) and ``Timers`` (wake ``tick(session_id)`` at an instant; see ``timers.py``). Every
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
from bot.errors import BotError
from bot.mock import deadlines, machine, roles
from bot.mock.model import MockSession, MockState, Mode, Role, Status
from bot.mock.notify import PINGING_KINDS
from bot.mock.plan import plan_minutes
from bot.mock.ports import Announcer, GuildLimits, MockConfig, PanelCards, Timers
from bot.mock.posts import lobby_post, posts_for
from bot.mock.scorecard import AutoReviewer, Scorecard, build_scorecard
from bot.mock.timeline import Announcement, Kind, settle
from bot.sharding import Ownership
from bot.text import echo
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
        self.announcer = announcer
        self.timers = timers
        self.limits = limits
        self.reviewer = reviewer
        self.panel = panel
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
                try:
                    await self.repo.save(session_id, state, before=session.state)
                except StaleRound as error:
                    raise BotError(
                        "The round changed at that same moment; check `/mock status` and "
                        "try again."
                    ) from error
            settled = await self._settle(replace(session, state=state), now)
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
            if session.state.status is not Status.ENDED:
                await self.refresh_lobby(session)  # the roster (and maybe the host) changed
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
            await self._end_without_thread(session, self.clock.now())

    async def resume_all(self) -> int:
        """At startup: catch up every live round of this process's servers and re-arm its
        timer; returns how many."""
        ids = [session_id for session_id, guild_id in await self.repo.live_ids()
               if self.ownership.owns(guild_id)]
        for session_id in ids:
            await self.tick(session_id)
        return len(ids)

    # -- effects -----------------------------------------------------------------------------

    async def _settle(self, session: MockSession, now: datetime) -> MockSession:
        """Claim what is due together with its outbox rows, then arm the next timer.

        The claim and the rows are one transaction, and delivery happens in the
        background: a slow or failing Discord delays a post, never loses it, and
        never holds up the round (or the command that moved it).
        """
        session_id = session.session_id
        settled = settle(session.state, now)
        claimed: set[str] = set()
        quiet = await self._quiet(session, settled.announcements)
        for announcement in settled.announcements:
            scorecards = (
                await self.scorecards(session) if announcement.kind is Kind.SCORECARD else []
            )
            base = f"mock:{session_id}:{announcement.claims[0]}"
            envelopes = [
                envelope
                for i, post in enumerate(
                    posts_for(self.content, session, announcement, scorecards, quiet)
                )
                if (envelope := await self.announcer.prepare(session, post, f"{base}:{i}"))
            ]
            if announcement.kind in (Kind.SCORECARD, Kind.CANCELLED):
                closing = self.announcer.closing(session, f"{base}:archive")
                envelopes += [closing] if closing else []
            if await self.repo.claim(session_id, announcement.claims, now, envelopes):
                claimed.update(announcement.claims)
        if claimed:
            self.announcer.kick()
        if settled.wake_at is None:
            self.timers.cancel(session_id)
        else:
            self.timers.arm(session_id, settled.wake_at)
        return replace(session, state=replace(session.state, sent=session.state.sent | claimed))

    async def _quiet(self, session: MockSession, due: tuple[Announcement, ...]) -> frozenset[int]:
        """Participants who turned mock pings off, looked up only when a post pings."""
        if not any(a.kind in PINGING_KINDS for a in due):
            return frozenset()
        people = (p.user_id for p in session.state.participants)
        return await self.repo.quiet_among(session.guild_id, people)

    async def refresh_lobby(self, session: MockSession) -> None:
        """Edit the lobby message to the round as it stands (after a host handover that no
        lobby button made), through the outbox like every post of a round."""
        now = self.clock.now()
        key = f"lobby:{now.isoformat()}"
        post = lobby_post(self.content, session)
        envelope = await self.announcer.prepare(session, post, f"mock:{session.session_id}:{key}")
        if envelope is not None and await self.repo.claim(session.session_id, [key], now,
                                                          [envelope]):
            self.announcer.kick()

    async def _end_without_thread(self, session: MockSession, now: datetime) -> MockSession:
        """The thread vanished while the bot was away: end the round (caller holds the lock)."""
        log.info("mock session %s: thread is gone, ending the round", session.session_id)
        state = machine.thread_deleted(session.state, now)
        await self.repo.save(session.session_id, state)
        self.timers.cancel(session.session_id)
        return replace(session, state=state)

    async def scorecards(self, session: MockSession) -> list[Scorecard]:
        """One scorecard per candidate, from everything stored so far."""
        sid = session.session_id
        transcript = await self.repo.transcript(sid)
        notes, scores, votes = (
            await self.repo.notes(sid), await self.repo.scores(sid), await self.repo.votes(sid)
        )
        decisions = await self.repo.decisions(sid)
        candidates = session.state.users_with(Role.CANDIDATE) or tuple(
            dict.fromkeys(e.author_user_id for e in transcript)
        )
        cards = [
            build_scorecard(
                rubric=self.content.rubric, state=session.state,
                question_id=session.question_id, candidate_user_id=user_id,
                transcript=transcript, notes=notes, scores=scores, votes=votes,
                reviewer=self.reviewer, decisions=decisions,
            )
            for user_id in candidates
        ]
        if self.panel is not None and session.state.mode is Mode.VOICE:
            cards = await self.panel.with_panel(session, cards, transcript)
        return cards

    async def scorecard_posted(self, session_id: int, candidate_user_id: int) -> None:
        """Remember the scorecard went out; its content is rebuilt from the round's rows
        (``scorecards``), never kept as text that would outlive a member's erasure."""
        await self.repo.mark_scorecard_posted(session_id, candidate_user_id, self.clock.now())

    def _lock(self, session_id: int) -> asyncio.Lock:
        return self._locks.setdefault(session_id, asyncio.Lock())


def _departing(user_id: int, hosted: list[bool]) -> Transition:
    """``roles.depart`` for ``user_id``, noting in ``hosted`` whether they were the host
    of the round as it stood under its lock."""

    def transition(state: MockState, now: datetime) -> MockState:
        hosted.append(state.host_user_id == user_id)
        return roles.depart(state, user_id, now)

    return transition
