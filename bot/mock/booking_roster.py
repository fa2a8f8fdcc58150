"""A booked round's people in its lobby: the seats mirrored onto the round's roster, and
who a booking post may ping.

Used by the opening (seated before the lobby is posted), the no-show check (the seats
as they end up) and the start-up re-drive. The roster changes as one ``MockService``
transition built from ``roles.join``/``roles.leave``, so every role rule still applies.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.errors import BotError
from bot.mock import roles
from bot.mock.model import MockSession, MockState, Status
from bot.mock.model_booking import Booking, Seat
from bot.mock.service import MockService, Transition

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

        Returns the round as it now stands (None without one). The whole roster moves
        in one transition, so a no-show's seat and its new holder change together and
        the lobby message is edited once (``timeline.revised``)."""
        session = await self.session(booking)
        if session is None or session.state.status is not Status.LOBBY:
            return session
        return await self.mock.apply(session.session_id, _seated(booking))


def _seated(booking: Booking) -> Transition:
    """The transition that seats ``booking``'s holders: released holders leave, then each
    seated one takes their seat's role, through ``roles`` so every role rule applies (a
    holder a rule keeps out stays out, logged)."""

    def transition(state: MockState, now: datetime) -> MockState:
        seated = {h.user_id for h in booking.seated}
        for holder in booking.seats:
            if holder.seat is Seat.RELEASED and holder.user_id not in seated \
                    and state.role_of(holder.user_id) is not None:
                state = roles.leave(state, holder.user_id, now)
        for holder in booking.seated:
            role = holder.seat.role
            if role is None or state.role_of(holder.user_id) is role:
                continue
            try:
                state = roles.join(state, holder.user_id, role, now)
            except BotError as error:
                log.info("booking %s: %s stays out: %s", booking.booking_id,
                         holder.user_id, error.user_message)
        return state

    return transition
