"""What a transition of a round causes beyond its state: the posts it makes due, claimed
into the outbox together with the claim, and the round's next timer.

``MockService.apply`` saves the new state and hands the round here. Delivery happens in
the background (the outbox), so a slow or failing Discord delays a post, never loses it,
and never holds up the round or the command that moved it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.clock import Clock
from bot.content import Content
from bot.mock.cards import Scorecards
from bot.mock.model import MockSession
from bot.mock.notify import PINGING_KINDS
from bot.mock.ports import Announcer, Timers
from bot.mock.posts import posts_for
from bot.mock.timeline import Announcement, Kind, settle
from storage.mock import MockRepository


class RoundEffects:
    """Announces what is due (once: each announcement is a claim) and keeps the timer armed."""

    def __init__(self, repo: MockRepository, content: Content, clock: Clock, *,
                 announcer: Announcer, timers: Timers, cards: Scorecards) -> None:
        self.repo, self.content, self.clock = repo, content, clock
        self.announcer, self.timers, self.cards = announcer, timers, cards

    async def settle(self, session: MockSession, now: datetime) -> MockSession:
        """Claim what is due together with its outbox rows, then arm the next timer.

        The claim and the rows are one transaction; returns the round with what this
        call claimed marked as sent.
        """
        session_id = session.session_id
        settled = settle(session.state, now)
        claimed: set[str] = set()
        quiet = await self._quiet(session, settled.announcements)
        for announcement in settled.announcements:
            if announcement.kind is Kind.LOBBY and session.lobby_message_id is None:
                continue  # nothing to edit yet: owed until the lobby is posted (set_lobby_message)
            scorecards = (
                await self.cards.of(session) if announcement.kind is Kind.SCORECARD else []
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

    def disarm(self, session_id: int) -> None:
        """Nothing times this round any more (it ended without its thread)."""
        self.timers.cancel(session_id)
