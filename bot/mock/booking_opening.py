"""The opening of a booked round, at its start: claim, round, thread, lobby, ping.

One job claims the booking (``scheduled → opening``, a conditional UPDATE), opens the
round through ``MockService`` (the same ``open``/``attach``/``join`` path as ``/mock
start``) and marks it open together with the ping post (one transaction, posted by the
outbox). Each step looks at what is already done first, so a crash anywhere is
finished, not repeated, by the re-drive at start-up.
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.errors import BotError
from bot.mock.booking_jobs import BookingJobs
from bot.mock.booking_ports import BookingDiscord, EventStatus
from bot.mock.booking_roster import BookingRoster
from bot.mock.booking_seats import BookingLocks, BookingSeats, existing
from bot.mock.model import MockSession, Mode
from bot.mock.model_booking import Booking, BookingStatus
from bot.mock.service import MockService
from storage.mock_booking import MockBookingRepository

log = logging.getLogger(__name__)


class BookingOpening:
    def __init__(self, repo: MockBookingRepository, mock: MockService, clock: Clock,
                 discord: BookingDiscord, *, seats: BookingSeats, roster: BookingRoster,
                 jobs: BookingJobs, locks: BookingLocks) -> None:
        self.repo, self.mock, self.clock, self.discord = repo, mock, clock, discord
        self.seats, self.roster, self.jobs, self._locks = seats, roster, jobs, locks

    async def run(self, booking_id: int, redrive: bool) -> None:
        """Each step first looks at what is done; only the claimer (or a re-drive of a
        claim whose process died) goes past the claim."""
        async with self._locks.of(booking_id):
            booking = await self.repo.get(booking_id)
            if booking is None:
                return
            now = self.clock.now()
            if booking.status is BookingStatus.SCHEDULED:
                if now < booking.starts_at:
                    self.jobs.arm(booking)
                    return
                booking = await self.seats.sync_interested(booking)
                if not await self.repo.claim_open(booking_id, now):
                    return
                booking = await existing(self.repo, booking_id)
            elif not redrive:
                return
            if booking.status is not BookingStatus.OPENING:
                return
            session = await self._session(booking)
            if session is None:
                return
            booking = await existing(self.repo, booking_id)
            session = await self.roster.sync(booking) or session  # seated before the lobby
            if session.thread_id is None:
                session = await self.mock.attach(session.session_id,
                                                 await self.discord.open_thread(booking))
            if session.lobby_message_id is None:
                message_id = await self.discord.post_lobby(session, booking)
                await self.mock.set_lobby_message(session.session_id, message_id,
                                                  session.state.lobby_revision)
            if session.thread_id is None:
                raise RuntimeError(f"booking {booking_id}: the round has no thread")
            seated = await self.roster.pingable(booking, [h.user_id for h in booking.seated])
            post = self.discord.post(booking, session.thread_id, "mock/booking_opened.md.j2",
                                     f"booking:{booking_id}:opened", seated, booking=booking,
                                     seated=booking.seated, waitlist=booking.waitlist,
                                     check_in_by=booking.check_in_deadline)
            if await self.repo.end_opening(booking_id, BookingStatus.OPEN, [post], self.clock.now()):
                self.discord.kick()
            booking = await existing(self.repo, booking_id)
        await self.discord.set_event_status(booking, EventStatus.ACTIVE)
        await self.discord.refresh_signup(booking)  # seats fixed: the buttons go
        self.jobs.arm(booking)

    async def _session(self, booking: Booking) -> MockSession | None:
        """The booking's round, created once (a second opener's round is discarded)."""
        if booking.session_id is not None:
            return await self.roster.session(booking)
        try:
            session = await self.mock.open(
                guild_id=booking.guild_id, channel_id=booking.channel_id,
                host_user_id=booking.host_user_id, question_id=booking.question_id,
                length=booking.length_minutes, minutes=booking.minutes,
                voice_channel_id=booking.voice_channel_id if booking.mode is Mode.VOICE else None)
        except BotError as error:  # the server is at its limit of live rounds
            log.warning("booking %s cannot open: %s", booking.booking_id, error.user_message)
            await self._give_up(booking, "full")
            return None
        if not await self.repo.link_session(booking.booking_id, session.session_id):
            await self.mock.discard(session.session_id)
            return await self.roster.session(await existing(self.repo, booking.booking_id))
        return session

    async def _give_up(self, booking: Booking, reason: str) -> None:
        post = self.discord.post(booking, booking.channel_id, "mock/booking_failed.md.j2",
                                 f"booking:{booking.booking_id}:failed", [],
                                 booking=booking, reason=reason)
        if await self.repo.end_opening(booking.booking_id, BookingStatus.CANCELLED, [post],
                                       self.clock.now()):
            self.discord.kick()
            await self.discord.set_event_status(booking, EventStatus.CANCELED)
