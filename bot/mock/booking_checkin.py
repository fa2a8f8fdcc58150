"""The no-show check of a booked round, five session minutes after it opens: seats
nobody confirmed ("I'm here") go to the waitlist, as one claimed transaction with the
post that tells the promoted members."""

from __future__ import annotations

from bot.clock import Clock
from bot.mock.booking_jobs import BookingJobs
from bot.mock.booking_ports import BookingDiscord
from bot.mock.booking_roster import BookingRoster
from bot.mock.booking_seats import BookingLocks, BookingSeats, existing
from bot.mock.model import Status
from bot.mock.model_booking import PANEL_SEATS, Booking, BookingStatus, Seat
from bot.outbox.model import Envelope
from storage.mock_booking import MockBookingRepository


def plan_check_in(booking: Booking) -> list[tuple[int, Seat]]:
    """Seat moves of the no-show check, in the order they must be written: every seat
    whose holder hasn't pressed "I'm here" (or that nobody holds) goes to the next
    member on the waitlist; the no-show is released first."""
    waiting = [holder.user_id for holder in booking.waitlist]
    moves: list[tuple[int, Seat]] = []
    for seat in PANEL_SEATS:
        holder = booking.holder(seat)
        if holder is not None and holder.here_at is not None:
            continue
        if holder is not None:
            moves.append((holder.user_id, Seat.RELEASED))
        if waiting:
            moves.append((waiting.pop(0), seat))
    return moves


class BookingCheckIn:
    def __init__(self, repo: MockBookingRepository, clock: Clock, discord: BookingDiscord, *,
                 seats: BookingSeats, roster: BookingRoster, jobs: BookingJobs,
                 locks: BookingLocks) -> None:
        self.repo, self.clock, self.discord = repo, clock, discord
        self.seats, self.roster, self.jobs, self._locks = seats, roster, jobs, locks

    async def run(self, booking_id: int) -> None:
        """Move the no-shows' seats once (early: re-arm), then mirror the seats in the lobby."""
        async with self._locks.of(booking_id):
            booking = await self.repo.get(booking_id)
            if booking is None or booking.status is not BookingStatus.OPEN:
                return
            if booking.checked_at is None:
                if self.clock.now() < booking.check_in_deadline:
                    self.jobs.arm(booking)
                    return
                booking = await self.seats.sync_interested(booking)
                session = await self.roster.session(booking)
                lobby = session is not None and session.state.status is Status.LOBBY
                moves = plan_check_in(booking) if lobby else []
                promoted = [(user_id, seat) for user_id, seat in moves
                            if seat is not Seat.RELEASED]
                released = [user_id for user_id, seat in moves if seat is Seat.RELEASED]
                envelopes: list[Envelope] = []
                if moves and session is not None and session.thread_id is not None:
                    pinged = await self.roster.pingable(booking, [u for u, _ in promoted])
                    envelopes.append(self.discord.post(
                        booking, session.thread_id, "mock/booking_promoted.md.j2",
                        f"booking:{booking_id}:promoted", pinged,
                        promoted=promoted, released=released))
                if not await self.repo.check_in(booking_id, moves, envelopes, self.clock.now()):
                    return
                if envelopes:
                    self.discord.kick()
                booking = await existing(self.repo, booking_id)
            await self.roster.sync(booking)
        await self.discord.refresh_signup(booking)  # the seats as they now stand
