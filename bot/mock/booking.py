"""Mock rounds booked ahead: seats, the automatic opening, the "I'm here" check.

Plain Python like the rest of ``bot/mock``. A booking is a row that waits for its
start; at the start one job claims it (``scheduled → opening``, a conditional
UPDATE), opens the round through ``MockService`` (the same ``open``/``attach``/
``join`` path as ``/mock start``) and marks it open together with the ping post
(one transaction, posted by the outbox). Each step looks at what is already done
first, so a crash anywhere is finished, not repeated, by the re-drive at start-up.
Five session minutes later the no-show check gives unconfirmed seats to the
waitlist, again as one claimed transaction. Discord is behind ``BookingDiscord``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.erasure import HandedOn
from bot.errors import BotError
from bot.mock.booking_ports import BookingDiscord, EventStatus, ServerZones
from bot.mock.booking_seats import BookingLocks, BookingSeats, closed_reason
from bot.mock.model import MockSession, Mode, Status
from bot.mock.model_booking import PANEL_SEATS, Booking, BookingStatus, Seat
from bot.mock.service import MockService
from bot.mock.when import parse_when
from bot.scheduling import Scheduling
from bot.text import echo
from storage.daily import DailyRepository
from storage.db import Database
from storage.mock_booking import MockBookingRepository

log = logging.getLogger(__name__)

JOB_PREFIX = "booking:"
RETRY_SECONDS = 60.0  # an opening Discord refused (outage, permissions) is tried again


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
                      discord: BookingDiscord, minute_seconds: float,
                      owns: Callable[[int], bool]) -> BookingService:
        """The service over the bot's database (the cog's way in: cogs see no repository)."""
        return cls(MockBookingRepository(db), mock, clock, scheduling, discord,
                   DailyZones(DailyRepository(db)), minute_seconds, owns)

    def __init__(self, repo: MockBookingRepository, mock: MockService, clock: Clock,
                 scheduling: Scheduling, discord: BookingDiscord, zones: ServerZones,
                 minute_seconds: float, owns: Callable[[int], bool] = lambda _: True) -> None:
        self.repo, self.mock, self.clock = repo, mock, clock
        self.owns = owns  # this process's servers (SHARD_IDS): it alone times their bookings
        self.scheduling, self.discord, self.zones = scheduling, discord, zones
        self.minute_seconds = minute_seconds
        self._locks = BookingLocks()
        self.seats = BookingSeats(repo, clock, discord, self._locks)

    # -- booking ---------------------------------------------------------------------------

    async def parse_when(self, guild_id: int, text: str) -> datetime:
        return parse_when(text, self.clock.now(), await self.zones.zone(guild_id))

    async def book(self, *, guild_id: int, channel_id: int, voice_channel_id: int | None,
                   host_user_id: int, question_id: str, length: int, minutes: str | None,
                   mode: Mode, starts_at: datetime) -> Booking:
        """Store the booking (the cog then creates its event and sign-up message)."""
        if question_id not in self.mock.content.questions:
            raise BotError(f"There is no question `{echo(question_id)}`: pick one from the list "
                           "`question` offers as you type.")
        booking_id = await self.repo.create(
            guild_id=guild_id, channel_id=channel_id, voice_channel_id=voice_channel_id,
            host_user_id=host_user_id, question_id=question_id, length_minutes=length,
            minutes=minutes, mode=mode, starts_at=starts_at,
            minute_seconds=self.minute_seconds, now=self.clock.now())
        return await self._get(booking_id)

    async def attach(self, booking_id: int, *, event_id: int | None = None,
                     signup_message_id: int | None = None) -> Booking:
        if event_id is not None:
            await self.repo.set_event(booking_id, event_id)
        if signup_message_id is not None:
            await self.repo.set_signup_message(booking_id, signup_message_id)
        booking = await self._get(booking_id)
        self._arm(booking)
        return booking

    async def discard(self, booking_id: int) -> None:
        await self.repo.delete(booking_id)

    async def get(self, booking_id: int) -> Booking:
        return await self._get(booking_id)

    async def _get(self, booking_id: int) -> Booking:
        booking = await self.repo.get(booking_id)
        if booking is None:
            raise BotError("That booking no longer exists.")
        return booking

    async def cancel(self, booking_id: int, user_id: int, *, can_manage: bool) -> Booking:
        async with self._lock(booking_id):
            booking = await self._get(booking_id)
            if user_id != booking.host_user_id and not can_manage:
                raise BotError("Only the member who booked this round (or someone with Manage "
                               "Events) can cancel it.")
            if not await self.repo.finish(booking_id, BookingStatus.CANCELLED, ("scheduled",)):
                raise BotError(closed_reason(booking))
            self.scheduling.cancel_all(f"{JOB_PREFIX}{booking_id}:")
            booking = await self._get(booking_id)
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

    # -- the opening -----------------------------------------------------------------------

    async def open_due(self, booking_id: int) -> None:
        """The start job: claim the booking and open its round, once."""
        await self._opening(booking_id, redrive=False)

    async def finish_opening(self, booking_id: int) -> None:
        """Finish an opening this process claimed earlier (a retry, or after a crash)."""
        await self._opening(booking_id, redrive=True)

    async def _opening(self, booking_id: int, *, redrive: bool) -> None:
        try:
            await self._open(booking_id, redrive)
        except Exception:
            log.exception("booking %s: opening failed; trying again in %ss", booking_id,
                          RETRY_SECONDS)
            self._once(booking_id, "open",
                       self.clock.now() + timedelta(seconds=RETRY_SECONDS), self.finish_opening)

    async def _open(self, booking_id: int, redrive: bool) -> None:
        """Each step first looks at what is done; only the claimer (or a re-drive of a
        claim whose process died) goes past the claim."""
        async with self._lock(booking_id):
            booking = await self.repo.get(booking_id)
            if booking is None:
                return
            now = self.clock.now()
            if booking.status is BookingStatus.SCHEDULED:
                if now < booking.starts_at:
                    self._arm(booking)
                    return
                booking = await self.seats.sync_interested(booking)
                if not await self.repo.claim_open(booking_id, now):
                    return
                booking = await self._get(booking_id)
            elif not redrive:
                return
            if booking.status is not BookingStatus.OPENING:
                return
            session = await self._session(booking)
            if session is None:
                return
            booking = await self._get(booking_id)
            session = await self._sync_roster(booking) or session  # seated before the lobby
            if session.thread_id is None:
                session = await self.mock.attach(session.session_id,
                                                 await self.discord.open_thread(booking))
            if session.lobby_message_id is None:
                message_id = await self.discord.post_lobby(session, booking)
                await self.mock.set_lobby_message(session.session_id, message_id)
            if session.thread_id is None:
                raise RuntimeError(f"booking {booking_id}: the round has no thread")
            seated = await self._pingable(booking, [h.user_id for h in booking.seated])
            post = self.discord.post(booking, session.thread_id, "mock/booking_opened.md.j2",
                                     f"booking:{booking_id}:opened", seated, booking=booking,
                                     seated=booking.seated, waitlist=booking.waitlist,
                                     check_in_by=booking.check_in_deadline)
            if await self.repo.mark_open(booking_id, [post], self.clock.now()):
                self.discord.kick()
            booking = await self._get(booking_id)
        await self.discord.set_event_status(booking, EventStatus.ACTIVE)
        await self.discord.refresh_signup(booking)  # seats fixed: the buttons go
        self._arm(booking)

    async def _session(self, booking: Booking) -> MockSession | None:
        """The booking's round, created once (a second opener's round is discarded)."""
        if booking.session_id is not None:
            return await self.mock.repo.get(booking.session_id)
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
            booking = await self._get(booking.booking_id)
            return await self.mock.repo.get(booking.session_id or 0)
        return session

    async def _pingable(self, booking: Booking, user_ids: list[int]) -> list[int]:
        """Who a booking post may ping: not members who turned mock pings off (/mock pings)."""
        quiet = await self.mock.repo.quiet_among(booking.guild_id, user_ids)
        return [user_id for user_id in user_ids if user_id not in quiet]

    async def _give_up(self, booking: Booking, reason: str) -> None:
        post = self.discord.post(booking, booking.channel_id, "mock/booking_failed.md.j2",
                                 f"booking:{booking.booking_id}:failed", [],
                                 booking=booking, reason=reason)
        if await self.repo.give_up(booking.booking_id, [post], self.clock.now()):
            self.discord.kick()
            await self.discord.set_event_status(booking, EventStatus.CANCELED)

    async def _sync_roster(self, booking: Booking) -> MockSession | None:
        """Make the round's roster match the seats (idempotent; only while it is a lobby).

        Returns the round as it now stands (None without one); a changed roster is shown
        on the lobby message."""
        if booking.session_id is None:
            return None
        session = await self.mock.repo.get(booking.session_id)
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

    # -- the check-in ----------------------------------------------------------------------

    async def check_in_due(self, booking_id: int) -> None:
        try:
            await self._check_in(booking_id)
        except Exception:
            log.exception("booking %s: the check-in failed; trying again", booking_id)
            self._once(booking_id, "check",
                       self.clock.now() + timedelta(seconds=RETRY_SECONDS), self.check_in_due)

    async def _check_in(self, booking_id: int) -> None:
        async with self._lock(booking_id):
            booking = await self.repo.get(booking_id)
            if booking is None or booking.status is not BookingStatus.OPEN:
                return
            if booking.checked_at is None:
                if self.clock.now() < booking.check_in_deadline:
                    self._arm(booking)
                    return
                booking = await self.seats.sync_interested(booking)
                session = await self.mock.repo.get(booking.session_id or 0)
                lobby = session is not None and session.state.status is Status.LOBBY
                moves = plan_check_in(booking) if lobby else []
                promoted = [(user_id, seat) for user_id, seat in moves
                            if seat is not Seat.RELEASED]
                released = [user_id for user_id, seat in moves if seat is Seat.RELEASED]
                envelopes = []
                if moves and session is not None and session.thread_id is not None:
                    pinged = await self._pingable(booking, [u for u, _ in promoted])
                    envelopes.append(self.discord.post(
                        booking, session.thread_id, "mock/booking_promoted.md.j2",
                        f"booking:{booking_id}:promoted", pinged,
                        promoted=promoted, released=released))
                if not await self.repo.check_in(booking_id, moves, envelopes, self.clock.now()):
                    return
                if envelopes:
                    self.discord.kick()
                booking = await self._get(booking_id)
            await self._sync_roster(booking)
        await self.discord.refresh_signup(booking)  # the seats as they now stand

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
            self.scheduling.cancel_all(f"{JOB_PREFIX}{booking.booking_id}:")
            booking = await self._get(booking.booking_id)
        await self.discord.set_event_status(booking, EventStatus.COMPLETED)
        await self.discord.refresh_signup(booking)

    async def resume_all(self) -> int:
        """At start-up: arm every waiting booking, finish what a crash cut short."""
        bookings = [b for b in await self.repo.live() if self.owns(b.guild_id)]
        for booking in bookings:
            session = (await self.mock.repo.get(booking.session_id)
                       if booking.session_id is not None else None)
            if session is not None and session.state.status is Status.ENDED:
                await self.round_ended(session.session_id)
            elif booking.status is BookingStatus.OPENING:
                await self.finish_opening(booking.booking_id)
            elif booking.status is BookingStatus.OPEN and booking.checked_at is not None:
                await self._sync_roster(booking)
            else:
                self._arm(booking)
        return len(bookings)

    # -- jobs ------------------------------------------------------------------------------

    def _arm(self, booking: Booking) -> None:
        if booking.status is BookingStatus.SCHEDULED:
            self._once(booking.booking_id, "open", booking.starts_at, self.open_due)
        elif booking.status is BookingStatus.OPEN and booking.checked_at is None:
            self._once(booking.booking_id, "check", booking.check_in_deadline,
                       self.check_in_due)

    def _once(self, booking_id: int, what: str, at: datetime,
              func: Callable[[int], Awaitable[None]]) -> None:
        # However late: each job recomputes from the database what is still to do.
        self.scheduling.once(f"{JOB_PREFIX}{booking_id}:{what}", at, func, booking_id,
                             misfire_grace=None)

    def cancel_jobs(self) -> int:
        return self.scheduling.cancel_all(JOB_PREFIX)

    def _lock(self, booking_id: int) -> asyncio.Lock:
        return self._locks.of(booking_id)
