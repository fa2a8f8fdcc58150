"""A booked round's people in its lobby: the seats mirrored onto the round's roster, and
who a booking post may ping.

Used by the opening (seated before the lobby is posted), the no-show check (the seats
as they end up) and the start-up re-drive. Roster changes go through ``MockService``'s
``join``/``leave``, so every role rule of ``roles.py`` still applies.
"""

from __future__ import annotations

import logging

from bot.errors import BotError
from bot.mock.model import MockSession, Status
from bot.mock.model_booking import Booking, Seat
from bot.mock.service import MockService

log = logging.getLogger(__name__)


class BookingRoster:
    def __init__(self, mock: MockService) -> None:
        self.mock = mock

    async def session(self, booking: Booking) -> MockSession | None:
        """The booking's round, when it has one."""
        if booking.session_id is None:
            return None
        return await self.mock.repo.get(booking.session_id)

    async def pingable(self, booking: Booking, user_ids: list[int]) -> list[int]:
        """Who a booking post may ping: not members who turned mock pings off (/mock pings)."""
        quiet = await self.mock.repo.quiet_among(booking.guild_id, user_ids)
        return [user_id for user_id in user_ids if user_id not in quiet]

    async def sync(self, booking: Booking) -> MockSession | None:
        """Make the round's roster match the seats (idempotent; only while it is a lobby).

        Returns the round as it now stands (None without one); a changed roster is shown
        on the lobby message."""
        session = await self.session(booking)
        if session is None or session.state.status is not Status.LOBBY:
            return session
        before = session.state.participants
        seated = {h.user_id for h in booking.seated}
        for holder in booking.seats:
            if holder.seat is Seat.RELEASED and holder.user_id not in seated \
                    and session.state.role_of(holder.user_id) is not None:
                session = await self.mock.leave(session.session_id, holder.user_id)
        for holder in booking.seated:
            role = holder.seat.role
            if role is not None and session.state.role_of(holder.user_id) is not role:
                try:
                    session = await self.mock.join(session.session_id, holder.user_id, role)
                except BotError as error:
                    log.info("booking %s: %s stays out: %s", booking.booking_id,
                             holder.user_id, error.user_message)
        if session.state.participants != before and session.lobby_message_id is not None:
            await self.mock.effects.refresh_lobby(session)  # through the outbox, like every lobby edit
        return session
