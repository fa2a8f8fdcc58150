"""Booking a mock round ahead, below Discord: parsing ``when``, the no-show plan, and the
service on real SQLite (exactly-once opening, re-drive after a crash, promotions)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.errors import BotError
from bot.mock.booking import BookingService, EventStatus
from bot.mock.booking_checkin import plan_check_in
from bot.mock.model import MockSession, Mode, Role
from bot.mock.model_booking import Booking, BookingStatus, Seat, SeatHolder
from bot.mock.when import parse_when
from bot.outbox.model import Envelope
from bot.render import Renderer
from bot.scheduling import Scheduling
from bot.sharding import Ownership, shard_of
from storage.db import Database
from storage.mock_booking import MockBookingRepository
from storage.outbox import OutboxRepository
from tests.test_mock_service import Thread, Timers, build

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
GUILD, CHANNEL = 10, 20
HOST, CAND, IVY, BEA, WENDY, IRIS = 1, 2, 3, 4, 5, 6


# -- when ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "zone", "expected"), [
    ("<t:1797789600:F>", None, datetime.fromtimestamp(1797789600, UTC)),
    ("<t:1797789600>", None, datetime.fromtimestamp(1797789600, UTC)),
    ("2026-12-10 19:00", LONDON, datetime(2026, 12, 10, 19, 0, tzinfo=UTC)),
    ("2026-12-10T19:00", ZoneInfo("Asia/Kolkata"), datetime(2026, 12, 10, 13, 30, tzinfo=UTC)),
    ("2026-12-10 19:00 New York", LONDON, datetime(2026, 12, 11, 0, 0, tzinfo=UTC)),
    ("2027-1-5 7:05 UTC", None, datetime(2027, 1, 5, 7, 5, tzinfo=UTC)),
])
def test_when_reads_timestamps_and_local_times(text, zone, expected):
    assert parse_when(text, NOW, zone) == expected


def test_a_time_in_a_dst_gap_moves_to_the_first_valid_minute():
    # 01:30 does not exist in London on 2027-03-28: the first valid minute is 02:00 BST
    march = datetime(2027, 3, 1, tzinfo=UTC)
    assert parse_when("2027-03-28 01:30", march, LONDON) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "zone", "fragment"), [
    ("<t:1700000000:F>", None, "is in the past"),
    ("2026-12-06 11:59", ZoneInfo("UTC"), "is in the past"),
    ("2027-03-07 12:01 UTC", None, "more than 90 days ahead"),
    ("tomorrow at 7", LONDON, "is not a date and time"),
    ("2026-02-30 19:00", LONDON, "is not a date"),
    ("2026-12-10 25:00", LONDON, "is not a time of day"),
    ("2026-12-10 19:00", None, "This server has no daily schedule"),
    ("2026-12-10 19:00 CST", None, "can mean more than one time zone"),
    ("<t:999999999999:F>", None, "is not a date I can use"),
])
def test_bad_when_names_the_fix(text, zone, fragment):
    with pytest.raises(BotError) as caught:
        parse_when(text, NOW, zone)
    assert fragment in caught.value.user_message


def test_ninety_days_is_the_limit():
    assert parse_when("2027-03-06 12:00 UTC", NOW, None) == NOW + timedelta(days=90)


# -- the no-show plan ----------------------------------------------------------------------

def booking_with(*seats: SeatHolder) -> Booking:
    return Booking(1, GUILD, CHANNEL, None, HOST, "shopping_cart", 45, None, Mode.TEXT, NOW,
                   60.0, BookingStatus.OPEN, None, None, None, None, NOW, seats)


def test_unconfirmed_seats_go_to_the_waitlist_in_order():
    here = NOW + timedelta(minutes=1)
    booking = booking_with(
        SeatHolder(CAND, Seat.CANDIDATE, NOW, here),
        SeatHolder(IVY, Seat.INTERVIEWER, NOW),  # no-show
        SeatHolder(IRIS, Seat.WAITLIST, NOW + timedelta(seconds=2)),
        SeatHolder(WENDY, Seat.WAITLIST, NOW + timedelta(seconds=1)),
    )  # nobody holds the bar raiser seat
    assert plan_check_in(booking) == [(IVY, Seat.RELEASED), (WENDY, Seat.INTERVIEWER),
                                      (IRIS, Seat.BAR_RAISER)]


def test_a_no_show_without_a_waitlist_is_only_released():
    booking = booking_with(SeatHolder(CAND, Seat.CANDIDATE, NOW))
    assert plan_check_in(booking) == [(CAND, Seat.RELEASED)]
    full = booking_with(*(SeatHolder(u, s, NOW, NOW) for u, s in
                          ((CAND, Seat.CANDIDATE), (IVY, Seat.INTERVIEWER),
                           (BEA, Seat.BAR_RAISER))))
    assert plan_check_in(full) == []


# -- the service on SQLite -----------------------------------------------------------------

@dataclass
class FakeDiscord:
    """The cog's side, recorded: threads, lobbies and event statuses, no Discord."""

    renderer: Renderer
    interested_users: list[int] = field(default_factory=list)
    threads: list[int] = field(default_factory=list)
    lobbies: list[int] = field(default_factory=list)
    statuses: list[EventStatus] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    async def open_thread(self, booking: Booking) -> int:
        await asyncio.sleep(0)  # let a racing opener run here
        self.threads.append(booking.booking_id)
        return 5000 + booking.booking_id

    async def post_lobby(self, session: MockSession, booking: Booking) -> int:
        self.lobbies.append(session.session_id)
        return 6000 + session.session_id

    async def set_event_status(self, booking: Booking, status: EventStatus) -> None:
        self.statuses.append(status)

    async def interested(self, booking: Booking) -> list[int] | None:
        return list(self.interested_users)

    def post(self, owner: Booking, channel_id: int, template: str, key: str, ping, **variables):
        rendered = self.renderer.render(template, **variables)
        assert not rendered.truncated
        self.texts.append(rendered.as_text())
        return Envelope(key, "mock_booking", channel_id, owner.guild_id, {},
                        mentions=tuple(ping))

    def kick(self) -> None:
        return None

    async def refresh_signup(self, booking: Booking) -> None:
        return None


class Jobs:
    """The real scheduling adapter over a paused scheduler: jobs are inspected, never fired
    by time (``BookingService`` arms and rebuilds through ``Scheduling`` like the bot)."""

    def __init__(self, ownership: Ownership | None = None) -> None:
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.scheduler.start(paused=True)
        self.scheduling = Scheduling(self.scheduler, ownership)
        STARTED.append(self.scheduler)

    @property
    def armed(self) -> dict[str, datetime]:
        return {job.id: job.trigger.run_date for job in self.scheduler.get_jobs()}


STARTED: list[AsyncIOScheduler] = []


@pytest.fixture(autouse=True)
async def _stop_schedulers() -> AsyncIterator[None]:
    yield
    while STARTED:
        STARTED.pop().shutdown(wait=False)


class NoZone:
    async def zone(self, guild_id: int) -> ZoneInfo | None:
        return None


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def service_for(db: Database, content: Content, clock: FixedClock, discord: FakeDiscord,
                ownership: Ownership | None = None) -> tuple[BookingService, Jobs]:
    mock = build(db, content, clock, Thread(Renderer()), Timers())
    jobs = Jobs(ownership)
    return BookingService(MockBookingRepository(db), mock, clock, jobs.scheduling, discord,
                          NoZone(), 60.0), jobs


async def booked(service: BookingService, start: datetime) -> Booking:
    booking = await service.book(
        guild_id=GUILD, channel_id=CHANNEL, voice_channel_id=None, host_user_id=HOST,
        question_id="shopping_cart", length=45, minutes=None, mode=Mode.TEXT, starts_at=start)
    return await service.attach(booking.booking_id, event_id=777, signup_message_id=5001)


async def test_two_openers_at_once_open_the_round_once(db, content):
    clock = FixedClock(NOW)
    discord = FakeDiscord(Renderer())
    first, jobs = service_for(db, content, clock, discord)
    second, _ = service_for(db, content, clock, discord)  # another process, its own locks
    booking = await booked(first, NOW + timedelta(hours=1))
    assert jobs.armed == {f"booking:{booking.booking_id}:open": NOW + timedelta(hours=1)}
    await first.seats.take(booking.booking_id, CAND, Seat.CANDIDATE)
    with pytest.raises(BotError, match="candidate seat is taken"):
        await first.seats.take(booking.booking_id, IVY, Seat.CANDIDATE)

    await first.open_due(booking.booking_id)  # early: nothing happens, the job is re-armed
    assert discord.threads == [] and (await first.get(booking.booking_id)).status.value == \
        "scheduled"

    clock.set(NOW + timedelta(hours=1))
    await asyncio.gather(first.open_due(booking.booking_id), second.open_due(booking.booking_id),
                         first.open_due(booking.booking_id))
    opened = await first.get(booking.booking_id)
    assert opened.status is BookingStatus.OPEN and opened.session_id is not None
    assert discord.threads == [booking.booking_id] and len(discord.lobbies) == 1
    assert discord.statuses == [EventStatus.ACTIVE]
    session = await first.mock.repo.get(opened.session_id)
    assert session.state.role_of(CAND) is Role.CANDIDATE and session.thread_id == 5001
    posts = await OutboxRepository(db).troubles(GUILD)  # nothing failed
    assert posts == []
    [row] = await db.fetchall("SELECT key, post_id FROM outbox")
    assert row["key"] == f"booking:{booking.booking_id}:opened"
    pinged = await db.fetchall("SELECT user_id FROM outbox_mentions WHERE post_id = ?",
                               (row["post_id"],))
    assert [r["user_id"] for r in pinged] == [2]
    sessions = await db.fetchone("SELECT COUNT(*) FROM mock_sessions")
    assert sessions[0] == 1
    with pytest.raises(BotError, match="Seats are fixed"):
        await first.seats.take(booking.booking_id, IVY, Seat.INTERVIEWER)


async def test_a_crash_mid_opening_is_finished_at_start_up_not_repeated(db, content):
    clock = FixedClock(NOW)
    discord = FakeDiscord(Renderer(), interested_users=[IRIS])
    before, _ = service_for(db, content, clock, discord)
    booking = await booked(before, NOW + timedelta(minutes=30))
    await before.seats.take(booking.booking_id, CAND, Seat.CANDIDATE)
    clock.set(NOW + timedelta(minutes=31))
    # The process claimed the opening and died before creating anything.
    assert await before.repo.claim_open(booking.booking_id, clock.now())
    assert not await before.repo.claim_open(booking.booking_id, clock.now())

    after, jobs = service_for(db, content, clock, discord)
    assert await after.resume_all() == 1
    opened = await after.get(booking.booking_id)
    assert opened.status is BookingStatus.OPEN and len(discord.lobbies) == 1
    assert jobs.armed == {f"booking:{booking.booking_id}:check": opened.check_in_deadline}
    again, _ = service_for(db, content, clock, discord)
    await again.resume_all()
    assert len(discord.lobbies) == 1 and len(discord.threads) == 1

    # The check-in: the candidate never came; iris ("Interested" on the event) takes the seat.
    clock.set(opened.check_in_deadline)
    await after.check_in_due(booking.booking_id)
    await again.check_in_due(booking.booking_id)
    checked = await after.get(booking.booking_id)
    assert checked.holder(Seat.CANDIDATE).user_id == IRIS
    assert checked.seat_of(CAND).seat is Seat.RELEASED
    session = await after.mock.repo.get(checked.session_id)
    assert session.state.role_of(IRIS) is Role.CANDIDATE and session.state.role_of(CAND) is None
    keys = [r["key"] for r in await db.fetchall("SELECT key FROM outbox ORDER BY post_id")]
    # Opened, the promotion, then the lobby edited to the new roster (once: the no-show
    # left and iris joined in one transition, and two processes checked in). Revision 1
    # was the opening's seating, before the lobby message existed: nothing to edit then.
    assert keys == [f"booking:{booking.booking_id}:opened",
                    f"booking:{booking.booking_id}:promoted",
                    f"mock:{session.session_id}:lobby:2:0"]
    assert any("takes the **candidate** seat" in text for text in discord.texts)


async def test_start_up_leaves_another_shards_bookings_to_it(db, content):
    """One ownership rule for durable jobs: ``Scheduling.rebuild`` arms only this process's
    servers, and the re-drive of a claimed opening asks the same rule."""
    clock = FixedClock(NOW)
    discord = FakeDiscord(Renderer())
    booker, _ = service_for(db, content, clock, discord)
    waiting = await booked(booker, NOW + timedelta(hours=1))
    claimed = await booked(booker, NOW + timedelta(minutes=30))
    clock.set(NOW + timedelta(minutes=31))
    assert await booker.repo.claim_open(claimed.booking_id, clock.now())
    elsewhere = Ownership(shard_count=2, shard_ids=(1 - shard_of(GUILD, 2),))

    other, jobs = service_for(db, content, clock, discord, elsewhere)
    assert await other.resume_all() == 0
    assert jobs.armed == {} and jobs.scheduling.skipped_unowned == 1
    assert (await other.get(claimed.booking_id)).status is BookingStatus.OPENING
    owner, jobs = service_for(db, content, clock, discord, Ownership(2, (shard_of(GUILD, 2),)))
    assert await owner.resume_all() == 2
    assert (await owner.get(claimed.booking_id)).status is BookingStatus.OPEN
    assert f"booking:{waiting.booking_id}:open" in jobs.armed


async def test_only_the_host_cancels_and_a_cancelled_booking_never_opens(db, content):
    clock = FixedClock(NOW)
    discord = FakeDiscord(Renderer())
    service, jobs = service_for(db, content, clock, discord)
    booking = await booked(service, NOW + timedelta(hours=1))
    with pytest.raises(BotError, match="Only the member who booked"):
        await service.cancel(booking.booking_id, IVY, can_manage=False)
    await service.cancel(booking.booking_id, HOST, can_manage=False)
    assert jobs.armed == {} and discord.statuses == [EventStatus.CANCELED]
    clock.set(NOW + timedelta(hours=2))
    await service.open_due(booking.booking_id)
    assert discord.threads == [] and (await service.get(booking.booking_id)).status.value == \
        "cancelled"
    with pytest.raises(BotError, match="cancelled"):
        await service.seats.take(booking.booking_id, CAND, Seat.CANDIDATE)


async def test_a_host_erasing_their_data_cancels_their_waiting_bookings(db, content):
    clock = FixedClock(NOW)
    discord = FakeDiscord(Renderer())
    service, jobs = service_for(db, content, clock, discord)
    booking = await booked(service, NOW + timedelta(hours=1))
    other = await service.book(
        guild_id=GUILD, channel_id=CHANNEL, voice_channel_id=None, host_user_id=IVY,
        question_id="shopping_cart", length=45, minutes=None, mode=Mode.TEXT,
        starts_at=NOW + timedelta(hours=1))
    assert await service.depart(HOST) == []
    assert (await service.get(booking.booking_id)).status is BookingStatus.CANCELLED
    assert (await service.get(other.booking_id)).status is BookingStatus.SCHEDULED
    assert discord.statuses == [EventStatus.CANCELED] and jobs.armed == {}


async def test_interested_joins_the_waitlist_once_and_leaves_it_again(db, content):
    clock = FixedClock(NOW)
    service, _ = service_for(db, content, clock, FakeDiscord(Renderer()))
    booking = await booked(service, NOW + timedelta(hours=1))
    await service.seats.take(booking.booking_id, CAND, Seat.CANDIDATE)
    await service.seats.interested(777, CAND, True)  # already seated: stays candidate
    await service.seats.interested(777, IRIS, True)
    await service.seats.interested(777, IRIS, True)
    current = await service.get(booking.booking_id)
    assert [h.user_id for h in current.waitlist] == [IRIS]
    assert current.seat_of(CAND).seat is Seat.CANDIDATE
    await service.seats.interested(777, IRIS, False)
    await service.seats.interested(777, CAND, False)  # un-pressing never costs a seat
    current = await service.get(booking.booking_id)
    assert current.waitlist == () and current.seat_of(CAND).seat is Seat.CANDIDATE
    await service.seats.interested(12345, IRIS, True)  # someone else's event: ignored


# -- permissions ---------------------------------------------------------------------------

def test_create_events_is_invited_and_checked_by_doctor_with_its_reason():
    import discord

    from bot.onboarding.doctor import guild_need_lines
    from bot.permissions import CREATE_EVENTS, invite_url

    assert discord.Permissions(create_events=True).value == CREATE_EVENTS.bit == 1 << 44
    permissions = int(invite_url(7).rsplit("permissions=", 1)[1])
    assert permissions & CREATE_EVENTS.bit
    (missing,) = guild_need_lines(discord.Permissions(manage_events=True))  # not enough
    assert not missing.ok and "Create Events, needed to create a Discord event" in missing.text
    assert missing.fix == "Server Settings → Roles → Bar Raiser → enable Create Events"
    (granted,) = guild_need_lines(discord.Permissions(create_events=True))
    assert granted.ok and "/mock schedule" in granted.text
