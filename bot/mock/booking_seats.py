"""Seats on a booked round: take one, leave it, check in, and the event's "Interested" list.

Every change to one booking runs under that booking's lock, shared with the opening and
the check-in (``BookingLocks``), so a press and the start job never interleave.
"""

from __future__ import annotations

import asyncio

from bot.clock import Clock
from bot.errors import BotError
from bot.mock.booking_ports import BookingDiscord
from bot.mock.model_booking import Booking, BookingStatus, Seat
from storage.mock_booking import MockBookingRepository, SeatTaken


class BookingLocks:
    """One lock per booking, shared by everything that changes it."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}

    def of(self, booking_id: int) -> asyncio.Lock:
        return self._locks.setdefault(booking_id, asyncio.Lock())


class BookingSeats:
    """Who sits where before a booked round opens (and who waits)."""

    def __init__(self, repo: MockBookingRepository, clock: Clock, discord: BookingDiscord,
                 locks: BookingLocks) -> None:
        self.repo, self.clock, self.discord = repo, clock, discord
        self._locks = locks

    def _lock(self, booking_id: int) -> asyncio.Lock:
        return self._locks.of(booking_id)

    async def take(self, booking_id: int, user_id: int, seat: Seat) -> Booking:
        async with self._lock(booking_id):
            try:
                taken = await self.repo.take_seat(booking_id, user_id, seat, self.clock.now())
            except SeatTaken:
                raise BotError(f"The {seat_name(seat)} seat is taken. Take another seat or "
                               "join the waitlist: a seat nobody confirms 5 minutes after "
                               "the start goes to the waitlist.") from None
            if not taken:
                raise BotError(closed_reason(await existing(self.repo, booking_id)))
            return await existing(self.repo, booking_id)

    async def leave(self, booking_id: int, user_id: int) -> Booking:
        async with self._lock(booking_id):
            booking = await existing(self.repo, booking_id)
            if booking.seat_of(user_id) is None:
                raise BotError("You haven't signed up for this round.")
            if not await self.repo.leave(booking_id, user_id):
                raise BotError(closed_reason(booking))
            return await existing(self.repo, booking_id)

    async def here(self, booking_id: int, user_id: int) -> Booking:
        async with self._lock(booking_id):
            booking = await existing(self.repo, booking_id)
            holder = booking.seat_of(user_id)
            if holder is None or holder.seat.role is None:
                raise BotError("Only members holding a seat check in; the waitlist is told "
                               "here if a seat frees up.")
            if booking.checked_at is not None:
                raise BotError("The check-in has closed; your seat is yours.")
            await self.repo.here(booking_id, user_id, self.clock.now())
            return await existing(self.repo, booking_id)

    async def interested(self, event_id: int, user_id: int, added: bool) -> None:
        """A member pressed (or un-pressed) "Interested" on a booking's event."""
        booking = await self.repo.by_event(event_id)
        if booking is None:
            return
        async with self._lock(booking.booking_id):
            if added:
                changed = await self.repo.add_interested(
                    booking.booking_id, [user_id], self.clock.now()) > 0
            else:
                changed = await self.repo.remove_interested(booking.booking_id, user_id)
            booking = await existing(self.repo, booking.booking_id)
        if changed:
            await self.discord.refresh_signup(booking)

    async def sync_interested(self, booking: Booking) -> Booking:
        """Catch up with "Interested" presses the gateway didn't bring (the bot was down,
        or discord.py didn't know the member): Discord's list is the truth."""
        users = await self.discord.interested(booking)
        if users:
            await self.repo.add_interested(booking.booking_id, users, self.clock.now())
        return await existing(self.repo, booking.booking_id)


async def existing(repo: MockBookingRepository, booking_id: int) -> Booking:
    """The booking, or the ``BotError`` a member hears when it is gone."""
    booking = await repo.get(booking_id)
    if booking is None:
        raise BotError("That booking no longer exists.")
    return booking


def seat_name(seat: Seat) -> str:
    return seat.value.replace("_", " ")


def closed_reason(booking: Booking) -> str:
    if booking.status is BookingStatus.CANCELLED:
        return "This booking was cancelled."
    return "Seats are fixed now that the round has opened; see its thread."
