"""The timed jobs of booked rounds: ``booking:<id>:open`` at the start and
``booking:<id>:check`` at the no-show check, through the one scheduling adapter.

At start-up they are rebuilt from the rows with ``Scheduling.rebuild`` like every durable
job, each ``OneShot`` naming its server, so the one ownership rule of ``bot.scheduling``
decides which shard process times a booking.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime

from bot.mock.model_booking import Booking, BookingStatus
from bot.scheduling import OneShot, Scheduling

JOB_PREFIX = "booking:"

BookingJob = Callable[[int], Awaitable[None]]


def job_id(booking_id: int, what: str) -> str:
    return f"{JOB_PREFIX}{booking_id}:{what}"


class BookingJobs:
    """Arms the job a booking waits for; ``open_due`` and ``check_in_due`` are what they run.

    Every job runs however late (``misfire_grace=None``): each recomputes from the database
    what is still to do.
    """

    def __init__(self, scheduling: Scheduling, *, open_due: BookingJob,
                 check_in_due: BookingJob) -> None:
        self.scheduling = scheduling
        self.open_due, self.check_in_due = open_due, check_in_due

    def wanted(self, booking: Booking) -> dict[str, OneShot]:
        """The job a booking waits for as it stands (none once opened and checked)."""
        if booking.status is BookingStatus.SCHEDULED:
            return {job_id(booking.booking_id, "open"): OneShot(
                booking.starts_at, self.open_due, (booking.booking_id,), booking.guild_id)}
        if booking.status is BookingStatus.OPEN and booking.checked_at is None:
            return {job_id(booking.booking_id, "check"): OneShot(
                booking.check_in_deadline, self.check_in_due, (booking.booking_id,),
                booking.guild_id)}
        return {}

    def arm(self, booking: Booking) -> None:
        for name, shot in self.wanted(booking).items():
            self.scheduling.once(name, shot.when, shot.func, *shot.args, misfire_grace=None)

    def retry(self, booking_id: int, what: str, at: datetime, func: BookingJob) -> None:
        """Run ``func`` again at ``at`` in place of the ``what`` job (a step that failed)."""
        self.scheduling.once(job_id(booking_id, what), at, func, booking_id, misfire_grace=None)

    def rebuild(self, bookings: Iterable[Booking]) -> int:
        """Make the booking jobs exactly those of ``bookings`` (of this process's servers)."""
        wanted: dict[str, OneShot] = {}
        for booking in bookings:
            wanted |= self.wanted(booking)
        return self.scheduling.rebuild(JOB_PREFIX, wanted, misfire_grace=None)

    def owns(self, booking: Booking) -> bool:
        """Whether this process does the booking's work (the scheduling's ownership)."""
        return self.scheduling.ownership.owns(booking.guild_id)

    def cancel(self, booking_id: int) -> None:
        self.scheduling.cancel_all(f"{JOB_PREFIX}{booking_id}:")

    def cancel_all(self) -> int:
        return self.scheduling.cancel_all(JOB_PREFIX)
