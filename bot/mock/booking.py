"""Mock rounds booked ahead: the booking itself, its jobs, and the end of its round.

Plain Python like the rest of ``bot/mock``. A booking is a row that waits for its start;
the pieces that act on it are collaborators this service holds: ``BookingSeats`` (who
sits where before the start), ``BookingOpening`` (the start job opens the round once,
``booking_opening.py``), ``BookingCheckIn`` (five session minutes later, unconfirmed seats
go to the waitlist), ``BookingRoster`` (the seats mirrored onto the round) and
``BookingJobs`` (the timed jobs, through the one scheduling adapter). A failed opening or
check-in is tried again later; a crash is finished by the re-drive at start-up. Every
change to one booking runs under that booking's lock (``BookingLocks``). Discord is
behind ``BookingDiscord``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.erasure import HandedOn
from bot.errors import BotError, require_question
from bot.mock.booking_checkin import BookingCheckIn
from bot.mock.booking_jobs import BookingJobs
from bot.mock.booking_opening import BookingOpening
from bot.mock.booking_ports import BookingDiscord, EventStatus, ServerZones
from bot.mock.booking_roster import BookingRoster
from bot.mock.booking_seats import BookingLocks, BookingSeats, closed_reason, existing
from bot.mock.model import Mode, Status
from bot.mock.model_booking import Booking, BookingStatus
from bot.mock.service import MockService
from bot.mock.when import parse_when
from bot.scheduling import Scheduling
from storage.daily import DailyRepository
from storage.db import Database
from storage.mock_booking import MockBookingRepository

log = logging.getLogger(__name__)

RETRY_SECONDS = 60.0  # an opening Discord refused (outage, permissions) is tried again


class DailyZones:
    """The server's zone for ``/mock schedule``: the daily schedule's, when set."""

    def __init__(self, repo: DailyRepository) -> None:
        self.repo = repo

    async def zone(self, guild_id: int) -> ZoneInfo | None:
        schedule = await self.repo.schedule(guild_id)
        return schedule.zone if schedule else None


class BookingService:
    @classmethod
    def from_database(cls, db: Database, mock: MockService, clock: Clock, scheduling: Scheduling,
                      discord: BookingDiscord, minute_seconds: float) -> BookingService:
        """The service over the bot's database (the cog's way in: cogs see no repository)."""
        return cls(MockBookingRepository(db), mock, clock, scheduling, discord,
                   DailyZones(DailyRepository(db)), minute_seconds)

    def __init__(self, repo: MockBookingRepository, mock: MockService, clock: Clock,
                 scheduling: Scheduling, discord: BookingDiscord, zones: ServerZones,
                 minute_seconds: float) -> None:
        self.repo, self.mock, self.clock = repo, mock, clock
        self.discord, self.zones = discord, zones
        self.minute_seconds = minute_seconds
        self._locks = BookingLocks()
        self.jobs = BookingJobs(scheduling, open_due=self.open_due,
                                check_in_due=self.check_in_due)
        self.seats = BookingSeats(repo, clock, discord, self._locks)
        self.roster = BookingRoster(mock)
        self.opening = BookingOpening(repo, mock, clock, discord, seats=self.seats,
                                      roster=self.roster, jobs=self.jobs, locks=self._locks)
        self.check_in = BookingCheckIn(repo, clock, discord, seats=self.seats,
                                       roster=self.roster, jobs=self.jobs, locks=self._locks)

    # -- booking ---------------------------------------------------------------------------

    async def parse_when(self, guild_id: int, text: str) -> datetime:
        return parse_when(text, self.clock.now(), await self.zones.zone(guild_id))

    async def book(self, *, guild_id: int, channel_id: int, voice_channel_id: int | None,
                   host_user_id: int, question_id: str, length: int, minutes: str | None,
                   mode: Mode, starts_at: datetime) -> Booking:
        """Store the booking (the cog then creates its event and sign-up message)."""
        require_question(question_id, self.mock.content.questions)
        booking_id = await self.repo.create(
            guild_id=guild_id, channel_id=channel_id, voice_channel_id=voice_channel_id,
            host_user_id=host_user_id, question_id=question_id, length_minutes=length,
            minutes=minutes, mode=mode, starts_at=starts_at,
            minute_seconds=self.minute_seconds, now=self.clock.now())
        return await existing(self.repo, booking_id)

    async def attach(self, booking_id: int, *, event_id: int | None = None,
                     signup_message_id: int | None = None) -> Booking:
        if event_id is not None:
            await self.repo.set_event(booking_id, event_id)
        if signup_message_id is not None:
            await self.repo.set_signup_message(booking_id, signup_message_id)
        booking = await existing(self.repo, booking_id)
        self.jobs.arm(booking)
        return booking

    async def discard(self, booking_id: int) -> None:
        await self.repo.delete(booking_id)

    async def get(self, booking_id: int) -> Booking:
        return await existing(self.repo, booking_id)

    async def cancel(self, booking_id: int, user_id: int, *, can_manage: bool) -> Booking:
        async with self._lock(booking_id):
            booking = await existing(self.repo, booking_id)
            if user_id != booking.host_user_id and not can_manage:
                raise BotError("Only the member who booked this round (or someone with Manage "
                               "Events) can cancel it.")
            if not await self.repo.finish(booking_id, BookingStatus.CANCELLED, ("scheduled",)):
                raise BotError(closed_reason(booking))
            self.jobs.cancel(booking_id)
            booking = await existing(self.repo, booking_id)
        await self.discord.set_event_status(booking, EventStatus.CANCELED)
        return booking

    async def depart(self, user_id: int) -> list[HandedOn]:
        """An ``Erasure`` departure: a member erasing their data cancels the rounds they
        booked that have not opened (their event too), so no booking outlives its host."""
        for booking_id in await self.repo.hosted_waiting(user_id):
            try:
                await self.discord.refresh_signup(
                    await self.cancel(booking_id, user_id, can_manage=True))
            except BotError:
                log.info("booking %s changed while its host left", booking_id)
        return []

    # -- the jobs: the opening and the check-in, tried again when they fail ----------------

    async def open_due(self, booking_id: int) -> None:
        """The start job: claim the booking and open its round, once."""
        await self._opening(booking_id, redrive=False)

    async def finish_opening(self, booking_id: int) -> None:
        """Finish an opening this process claimed earlier (a retry, or after a crash)."""
        await self._opening(booking_id, redrive=True)

    async def _opening(self, booking_id: int, *, redrive: bool) -> None:
        try:
            await self.opening.run(booking_id, redrive)
        except Exception:
            log.exception("booking %s: opening failed; trying again in %ss", booking_id,
                          RETRY_SECONDS)
            self.jobs.retry(booking_id, "open",
                            self.clock.now() + timedelta(seconds=RETRY_SECONDS),
                            self.finish_opening)

    async def check_in_due(self, booking_id: int) -> None:
        try:
            await self.check_in.run(booking_id)
        except Exception:
            log.exception("booking %s: the check-in failed; trying again", booking_id)
            self.jobs.retry(booking_id, "check",
                            self.clock.now() + timedelta(seconds=RETRY_SECONDS),
                            self.check_in_due)

    # -- the end ---------------------------------------------------------------------------

    async def round_ended(self, session_id: int) -> None:
        """The booked round is over: the booking is done and its event completed."""
        booking = await self.repo.by_session(session_id)
        if booking is None:
            return
        async with self._lock(booking.booking_id):
            if not await self.repo.finish(booking.booking_id, BookingStatus.DONE,
                                          ("opening", "open")):
                return
            self.jobs.cancel(booking.booking_id)
            booking = await existing(self.repo, booking.booking_id)
        await self.discord.set_event_status(booking, EventStatus.COMPLETED)
        await self.discord.refresh_signup(booking)

    async def resume_all(self) -> int:
        """At start-up: arm every waiting booking and finish what a crash cut short, for this
        process's servers; returns how many bookings that was.

        The jobs are rebuilt through ``Scheduling.rebuild``, whose ownership rule skips
        other processes' servers; the re-drives ask the same rule."""
        live = await self.repo.live()
        ended = {booking.booking_id for booking in live
                 if (session := await self.roster.session(booking)) is not None
                 and session.state.status is Status.ENDED}
        self.jobs.rebuild(b for b in live if b.booking_id not in ended)
        owned = [booking for booking in live if self.jobs.owns(booking)]
        for booking in owned:
            if booking.booking_id in ended and booking.session_id is not None:
                await self.round_ended(booking.session_id)
            elif booking.status is BookingStatus.OPENING:
                await self.finish_opening(booking.booking_id)
            elif booking.status is BookingStatus.OPEN and booking.checked_at is not None:
                await self.roster.sync(booking)
        return len(owned)

    def cancel_jobs(self) -> int:
        return self.jobs.cancel_all()

    def _lock(self, booking_id: int) -> asyncio.Lock:
        return self._locks.of(booking_id)
