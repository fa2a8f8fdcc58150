"""All SQL of booked mock rounds (``bot/mock/booking.py`` holds the rules).

Every decision that must happen once is a conditional UPDATE whose row count says
who won: opening a booking (``claim_open``), marking it open with its announcement
(``end_opening``), the no-show check with its promotions (``check_in``). Posts decided
by a claim are enqueued in the claim's transaction (``storage.outbox.enqueue_in``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.mock.model import Mode
from bot.mock.model_booking import Booking, BookingStatus, Seat, SeatHolder
from bot.outbox.model import Envelope
from storage.db import Database, Row, from_db, to_db
from storage.outbox import enqueue_in

_SELECT = (
    "SELECT booking_id, guild_id, channel_id, voice_channel_id, host_user_id, question_id, "
    "length_minutes, minutes, mode, starts_at, minute_seconds, status, event_id, "
    "signup_message_id, session_id, checked_at, created_at FROM mock_bookings"
)
LIVE = ("scheduled", "opening", "open")


class SeatTaken(Exception):
    """Someone else holds that seat."""


class MockBookingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, *, guild_id: int, channel_id: int, voice_channel_id: int | None,
                     host_user_id: int, question_id: str, length_minutes: int,
                     minutes: str | None, mode: Mode, starts_at: datetime,
                     minute_seconds: float, now: datetime) -> int:
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO mock_bookings (guild_id, channel_id, voice_channel_id, "
                "host_user_id, question_id, length_minutes, minutes, mode, starts_at, "
                "minute_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING booking_id",
                (guild_id, channel_id, voice_channel_id, host_user_id, question_id,
                 length_minutes, minutes, mode.value, to_db(starts_at), minute_seconds,
                 to_db(now)),
            )
            if row is None:
                raise RuntimeError("INSERT … RETURNING returned no row")
            return int(row[0])

    async def set_event(self, booking_id: int, event_id: int) -> None:
        await self._db.execute("UPDATE mock_bookings SET event_id = ? WHERE booking_id = ?",
                               (event_id, booking_id))

    async def set_signup_message(self, booking_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE mock_bookings SET signup_message_id = ? WHERE booking_id = ?",
            (message_id, booking_id))

    async def delete(self, booking_id: int) -> None:
        await self._db.execute("DELETE FROM mock_bookings WHERE booking_id = ?", (booking_id,))

    async def get(self, booking_id: int) -> Booking | None:
        return await self._load(
            await self._db.fetchone(_SELECT + " WHERE booking_id = ?", (booking_id,)))

    async def by_event(self, event_id: int) -> Booking | None:
        return await self._load(
            await self._db.fetchone(_SELECT + " WHERE event_id = ?", (event_id,)))

    async def by_session(self, session_id: int) -> Booking | None:
        return await self._load(
            await self._db.fetchone(_SELECT + " WHERE session_id = ?", (session_id,)))

    async def live(self) -> list[Booking]:
        """Bookings not yet done or cancelled, for re-arming their jobs at start-up."""
        rows = await self._db.fetchall(
            _SELECT + " WHERE status IN (?, ?, ?) ORDER BY booking_id", LIVE)
        return [b for row in rows if (b := await self._load(row)) is not None]

    async def upcoming_in(self, guild_id: int) -> list[Booking]:
        rows = await self._db.fetchall(
            _SELECT + " WHERE guild_id = ? AND status = 'scheduled' ORDER BY starts_at",
            (guild_id,))
        return [b for row in rows if (b := await self._load(row)) is not None]

    async def hosted_waiting(self, user_id: int) -> list[int]:
        """Bookings the member made that have not opened yet."""
        rows = await self._db.fetchall(
            "SELECT booking_id FROM mock_bookings WHERE host_user_id = ? AND "
            "status = 'scheduled' ORDER BY booking_id", (user_id,))
        return [row[0] for row in rows]

    async def _load(self, row: Row | None) -> Booking | None:
        if row is None:
            return None
        seats = await self._db.fetchall(
            "SELECT user_id, seat, joined_at, here_at, source FROM mock_booking_seats "
            "WHERE booking_id = ? ORDER BY joined_at, user_id", (row["booking_id"],))
        return Booking(
            booking_id=row["booking_id"], guild_id=row["guild_id"],
            channel_id=row["channel_id"], voice_channel_id=row["voice_channel_id"],
            host_user_id=row["host_user_id"], question_id=row["question_id"],
            length_minutes=row["length_minutes"], minutes=row["minutes"],
            mode=Mode(row["mode"]), starts_at=from_db(row["starts_at"]),
            minute_seconds=row["minute_seconds"], status=BookingStatus(row["status"]),
            event_id=row["event_id"], signup_message_id=row["signup_message_id"],
            session_id=row["session_id"],
            checked_at=from_db(row["checked_at"]) if row["checked_at"] else None,
            created_at=from_db(row["created_at"]),
            seats=tuple(SeatHolder(s["user_id"], Seat(s["seat"]), from_db(s["joined_at"]),
                                   from_db(s["here_at"]) if s["here_at"] else None, s["source"])
                        for s in seats),
        )

    # -- seats -----------------------------------------------------------------------------

    async def take_seat(self, booking_id: int, user_id: int, seat: Seat, now: datetime) -> bool:
        """Sit ``user_id`` in ``seat`` while the booking waits; False if it no longer does.

        Raises ``SeatTaken`` when another member holds a panel seat. Moving keeps the
        member's original sign-up time, so a waitlist place is not lost by a detour.
        """
        async with self._db.transaction() as tx:
            booking = await tx.fetchone(
                "SELECT 1 FROM mock_bookings WHERE booking_id = ? AND status = 'scheduled'",
                (booking_id,))
            if booking is None:
                return False
            if seat is not Seat.WAITLIST:
                holder = await tx.fetchone(
                    "SELECT user_id FROM mock_booking_seats WHERE booking_id = ? AND seat = ?",
                    (booking_id, seat.value))
                if holder is not None and holder[0] != user_id:
                    raise SeatTaken(seat.value)
            await tx.execute(
                "INSERT INTO mock_booking_seats (booking_id, user_id, seat, joined_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (booking_id, user_id) DO UPDATE SET "
                "seat = excluded.seat, source = 'button'",
                (booking_id, user_id, seat.value, to_db(now)))
            return True

    async def add_interested(self, booking_id: int, user_ids: Sequence[int],
                             now: datetime) -> int:
        """Put members who pressed "Interested" on the waitlist (already signed up: no change)."""
        async with self._db.transaction() as tx:
            live = await tx.fetchone(
                "SELECT 1 FROM mock_bookings WHERE booking_id = ? AND status IN (?, ?, ?)",
                (booking_id, *LIVE))
            if live is None:
                return 0
            added = 0
            for user_id in user_ids:
                cursor = await tx.execute(
                    "INSERT INTO mock_booking_seats (booking_id, user_id, seat, source, "
                    "joined_at) VALUES (?, ?, 'waitlist', 'interested', ?) "
                    "ON CONFLICT (booking_id, user_id) DO NOTHING",
                    (booking_id, user_id, to_db(now)))
                added += cursor.rowcount
            return added

    async def remove_interested(self, booking_id: int, user_id: int) -> bool:
        """Un-pressing "Interested" takes a member off the waitlist it put them on."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "DELETE FROM mock_booking_seats WHERE booking_id = ? AND user_id = ? "
                "AND seat = 'waitlist' AND source = 'interested'", (booking_id, user_id))
            return cursor.rowcount == 1

    async def leave(self, booking_id: int, user_id: int) -> bool:
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "DELETE FROM mock_booking_seats WHERE booking_id = ? AND user_id = ? AND "
                "EXISTS (SELECT 1 FROM mock_bookings WHERE booking_id = ? AND "
                "status = 'scheduled')", (booking_id, user_id, booking_id))
            return cursor.rowcount == 1

    async def here(self, booking_id: int, user_id: int, now: datetime) -> bool:
        """Record "I'm here" for a seat holder (the first press counts)."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE mock_booking_seats SET here_at = COALESCE(here_at, ?) "
                "WHERE booking_id = ? AND user_id = ? AND seat IN "
                "('candidate', 'interviewer', 'bar_raiser')", (to_db(now), booking_id, user_id))
            return cursor.rowcount == 1

    # -- once-only steps -------------------------------------------------------------------

    async def claim_open(self, booking_id: int, now: datetime) -> bool:
        """The one opener: scheduled → opening, only once the start has come."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE mock_bookings SET status = 'opening' WHERE booking_id = ? AND "
                "status = 'scheduled' AND starts_at <= ?", (booking_id, to_db(now)))
            return cursor.rowcount == 1

    async def link_session(self, booking_id: int, session_id: int) -> bool:
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE mock_bookings SET session_id = ? WHERE booking_id = ? AND "
                "session_id IS NULL", (session_id, booking_id))
            return cursor.rowcount == 1

    async def end_opening(self, booking_id: int, status: BookingStatus,
                          envelopes: Sequence[Envelope], now: datetime) -> bool:
        """opening → ``status`` (open: the round opened; cancelled: it could not), once,
        with its announcement enqueued in the same transaction."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE mock_bookings SET status = ? WHERE booking_id = ? AND "
                "status = 'opening'", (status.value, booking_id))
            if cursor.rowcount != 1:
                return False
            await enqueue_in(tx, envelopes, now)
            return True

    async def check_in(self, booking_id: int, moves: Sequence[tuple[int, Seat]],
                       envelopes: Sequence[Envelope], now: datetime) -> bool:
        """The no-show check, once: release and promote (``moves``, in order) and enqueue
        the announcement, all in one transaction."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE mock_bookings SET checked_at = ? WHERE booking_id = ? AND "
                "checked_at IS NULL AND status = 'open'", (to_db(now), booking_id))
            if cursor.rowcount != 1:
                return False
            for user_id, seat in moves:
                await tx.execute(
                    "UPDATE mock_booking_seats SET seat = ?, here_at = NULL WHERE "
                    "booking_id = ? AND user_id = ?", (seat.value, booking_id, user_id))
            await enqueue_in(tx, envelopes, now)
            return True

    async def finish(self, booking_id: int, status: BookingStatus,
                     from_statuses: Sequence[str] = LIVE) -> bool:
        marks = ", ".join("?" for _ in from_statuses)
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                f"UPDATE mock_bookings SET status = ? WHERE booking_id = ? "  # noqa: S608
                f"AND status IN ({marks})", (status.value, booking_id, *from_statuses))
            return cursor.rowcount == 1
