"""The data of a mock round booked ahead: when, where, who sits where.

Plain values, imported by ``storage/mock_booking.py`` and the booking service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.mock.model import Mode, Role

MAX_DAYS_AHEAD = 90
"""How far ahead a round may be booked (Discord keeps events much longer; groups plan weeks)."""

CHECK_IN_MINUTES = 5
"""Session minutes after the start a seat holder has to press "I'm here"."""


class BookingStatus(StrEnum):
    SCHEDULED = "scheduled"  # waiting for its start
    OPENING = "opening"  # claimed by the one opener; re-driven after a crash
    OPEN = "open"  # the round's lobby is up in its thread
    DONE = "done"  # the round ended; the event is completed
    CANCELLED = "cancelled"


class Seat(StrEnum):
    CANDIDATE = "candidate"
    INTERVIEWER = "interviewer"
    BAR_RAISER = "bar_raiser"
    WAITLIST = "waitlist"
    RELEASED = "released"  # a no-show who lost the seat

    @property
    def role(self) -> Role | None:
        """The round role this seat becomes when the round opens."""
        return {Seat.CANDIDATE: Role.CANDIDATE, Seat.INTERVIEWER: Role.INTERVIEWER,
                Seat.BAR_RAISER: Role.BAR_RAISER}.get(self)


PANEL_SEATS: tuple[Seat, ...] = (Seat.CANDIDATE, Seat.INTERVIEWER, Seat.BAR_RAISER)


@dataclass(frozen=True)
class SeatHolder:
    user_id: int
    seat: Seat
    joined_at: datetime
    here_at: datetime | None = None
    source: str = "button"


@dataclass(frozen=True)
class Booking:
    booking_id: int
    guild_id: int
    channel_id: int
    voice_channel_id: int | None
    host_user_id: int
    question_id: str
    length_minutes: int
    minutes: str | None
    mode: Mode
    starts_at: datetime
    minute_seconds: float
    status: BookingStatus
    event_id: int | None
    signup_message_id: int | None
    session_id: int | None
    checked_at: datetime | None
    created_at: datetime
    seats: tuple[SeatHolder, ...] = ()

    @property
    def check_in_deadline(self) -> datetime:
        """When seat holders who haven't pressed "I'm here" give their seat away."""
        return self.starts_at + timedelta(seconds=CHECK_IN_MINUTES * self.minute_seconds)

    def holder(self, seat: Seat) -> SeatHolder | None:
        return next((s for s in self.seats if s.seat is seat), None)

    def seat_of(self, user_id: int) -> SeatHolder | None:
        return next((s for s in self.seats if s.user_id == user_id), None)

    @property
    def waitlist(self) -> tuple[SeatHolder, ...]:
        return tuple(sorted((s for s in self.seats if s.seat is Seat.WAITLIST),
                            key=lambda s: (s.joined_at, s.user_id)))

    @property
    def seated(self) -> tuple[SeatHolder, ...]:
        """Holders of the panel seats, candidate first."""
        return tuple(h for seat in PANEL_SEATS if (h := self.holder(seat)) is not None)
