"""Who answered: the count on the post (at most one edit a minute, bursts coalesced) and
the end-of-day list (once, at local midnight, DST-exact, after a restart too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.content import load_content
from bot.daily.answered import (
    COUNT_JOB,
    ROLL_CALL_JOB,
    RollCallEntry,
    WhoAnswered,
    end_of_day,
    fit_roll_call,
    link_text,
)
from bot.daily.answers import AnswerBook
from bot.daily.messages import DailyMessages
from bot.daily.models import ChannelKind, PostKind, Schedule
from bot.render import RenderedMessage, Renderer
from bot.sharding import Ownership
from storage.daily import DailyRepository
from tests.test_daily_service import Crash

CONTENT = load_content()
ANSWER = " ".join(["Shard orders by customer id so one hot seller cannot melt a partition."] * 5)
GUILD, CHANNEL, THREAD = 1, 10, 500


def test_the_day_ends_at_local_midnight_across_dst() -> None:
    # New York: 8 March 2026 has 23 hours (clocks spring forward), 1 November 25.
    assert end_of_day(date(2026, 3, 7), "America/New_York") == datetime(2026, 3, 8, 5, tzinfo=UTC)
    assert end_of_day(date(2026, 3, 8), "America/New_York") == datetime(2026, 3, 9, 4, tzinfo=UTC)
    assert end_of_day(date(2026, 11, 1), "America/New_York") == datetime(2026, 11, 2, 5, tzinfo=UTC)
    assert (end_of_day(date(2026, 3, 8), "America/New_York")
            - end_of_day(date(2026, 3, 7), "America/New_York")) == timedelta(hours=23)
    # Santiago skips local midnight itself when DST starts: the day ends at 01:00 then.
    assert end_of_day(date(2026, 9, 5), "America/Santiago") == datetime(2026, 9, 6, 4, tzinfo=UTC)


def test_a_long_list_is_cut_with_how_many_more() -> None:
    entries = [RollCallEntry(f"member{n}", f"https://discord.com/channels/1/2/{n:019d}")
               for n in range(200)]
    kept, more = fit_roll_call(entries)
    assert 0 < len(kept) < 200 and more == 200 - len(kept)
    assert fit_roll_call(entries[:3]) == (entries[:3], 0)
    # A display name can't close its link and open one of its own.
    assert "[" not in link_text("x](https://evil.example) [y") and "]" not in link_text("]")


class FakeScheduling:
    def __init__(self, ownership: Ownership | None = None) -> None:
        self.jobs: dict[str, tuple[datetime, Any, tuple[Any, ...]]] = {}
        self.ownership = ownership or Ownership()

    def once(self, job_id, when, func, *args, misfire_grace, overlapping=1) -> None:
        self.jobs[job_id] = (when, func, args)

    def next_run(self, job_id):
        return self.jobs[job_id][0] if job_id in self.jobs else None

    def cancel_all(self, prefix) -> int:
        gone = [j for j in self.jobs if j.startswith(prefix)]
        for job in gone:
            del self.jobs[job]
        return len(gone)

    async def run(self, job_id: str) -> datetime:
        when, func, args = self.jobs.pop(job_id)
        await func(*args)
        return when


class FakePoster:
    def __init__(self, crash_after_send: bool = False) -> None:
        self.edits: list[tuple[int, int, str]] = []
        self.sent: list[tuple[int, RenderedMessage, str | None]] = []
        self.crash_after_send = crash_after_send
        self.names = {7: "ada", 8: "bo [the *best*]"}

    async def edit_message(self, channel_id, message_id, message, extras=None) -> None:
        self.edits.append((channel_id, message_id, message.as_text()))

    async def display_names(self, guild_id, user_ids):
        return {u: self.names[u] for u in user_ids if u in self.names}

    async def find_message(self, channel_id, marker):
        return next((n for n, (c, m, _) in enumerate(self.sent, 1)
                     if c == channel_id and marker in m.as_text()), None)

    async def send_message(self, channel_id, message, nonce=None, extras=None):
        self.sent.append((channel_id, message, nonce))
        if self.crash_after_send:
            raise Crash("roll call sent, not recorded")
        return len(self.sent)


async def posted(repo: DailyRepository, now: datetime, zone: str = "America/New_York",
                 on: date = date(2026, 3, 8), kind: ChannelKind = ChannelKind.TEXT):
    schedule = Schedule(GUILD, CHANNEL, time(7), zone, on - timedelta(days=2), channel_kind=kind)
    await repo.save_schedule(schedule, now)
    record = await repo.claim(schedule, 3, on, PostKind.PROMPT, now)
    if kind is ChannelKind.FORUM:
        await repo.record_forum_post(record.id, THREAD)
    else:
        await repo.record_message(record.id, 400)
        await repo.record_thread(record.id, THREAD)
    await repo.complete(record.id, now)
    return await repo.post(GUILD, 1, 3)


def who(repo, clock, poster, scheduling) -> WhoAnswered:
    return WhoAnswered(repo, DailyMessages(Renderer(), CONTENT), CONTENT, clock, poster, scheduling)


@pytest.fixture
def repo(db) -> DailyRepository:
    return DailyRepository(db)


async def test_a_burst_of_answers_is_one_edit_then_at_most_one_a_minute(repo) -> None:
    now = datetime(2026, 3, 8, 14, tzinfo=UTC)
    clock, poster, scheduling = FixedClock(now), FakePoster(), FakeScheduling()
    post = await posted(repo, now)
    service, book = who(repo, clock, poster, scheduling), AnswerBook(repo, clock)
    for user in range(7, 12):  # five answers arrive together
        await book.accept(GUILD, THREAD, user, 900 + user, ANSWER)
        await service.answered(THREAD)
    assert list(scheduling.jobs) == [f"{COUNT_JOB}{post.id}"]  # coalesced into one edit
    assert await scheduling.run(f"{COUNT_JOB}{post.id}") == now
    [(channel, message, text)] = poster.edits
    assert (channel, message) == (CHANNEL, 400) and "5 members have answered" in text
    clock.advance(timedelta(seconds=10))
    await book.accept(GUILD, THREAD, 20, 920, ANSWER)
    await service.answered(THREAD)
    when = await scheduling.run(f"{COUNT_JOB}{post.id}")
    assert when == now + timedelta(minutes=1)  # not before a minute after the last edit
    assert "6 members have answered" in poster.edits[-1][2] and len(poster.edits) == 2
    await service.answered(THREAD)  # nothing new: the job edits nothing
    await scheduling.run(f"{COUNT_JOB}{post.id}")
    assert len(poster.edits) == 2


async def test_a_forum_post_is_edited_where_it_lives(repo) -> None:
    now = datetime(2026, 3, 8, 14, tzinfo=UTC)
    clock, poster, scheduling = FixedClock(now), FakePoster(), FakeScheduling()
    post = await posted(repo, now, kind=ChannelKind.FORUM)
    await AnswerBook(repo, clock).accept(GUILD, THREAD, 7, 907, ANSWER)
    await who(repo, clock, poster, scheduling).answered(THREAD)
    await scheduling.run(f"{COUNT_JOB}{post.id}")
    [(channel, message, text)] = poster.edits
    assert (channel, message) == (THREAD, THREAD) and "1 member has answered" in text
    assert "Answer below in this post" in text


async def test_the_list_goes_out_once_at_local_midnight_even_across_a_restart(repo) -> None:
    now = datetime(2026, 3, 8, 14, tzinfo=UTC)  # New York's 23-hour day
    clock, scheduling = FixedClock(now), FakeScheduling()
    post = await posted(repo, now)
    book = AnswerBook(repo, clock)
    await book.accept(GUILD, THREAD, 8, 908, ANSWER)
    await book.accept(GUILD, THREAD, 7, 907, ANSWER)
    await book.accept(GUILD, THREAD, 9, 909, ANSWER)  # left the server since: not listed
    dying = FakePoster(crash_after_send=True)
    first = who(repo, clock, dying, scheduling)
    await first.arm_roll_call(post)
    job = f"{ROLL_CALL_JOB}{post.id}"
    assert scheduling.next_run(job) == datetime(2026, 3, 9, 4, tzinfo=UTC)  # EDT midnight
    clock.set(datetime(2026, 3, 9, 4, tzinfo=UTC))
    with pytest.raises(Crash):
        await scheduling.run(job)
    # Restart: a new process over the same database finds the list still owed ...
    survivor = FakePoster()
    survivor.sent = list(dying.sent)
    second = who(repo, clock, survivor, scheduling)
    assert await second.rebuild() == 2  # the list, and the count the post never showed
    await scheduling.run(job)
    # ... and the send that reached Discord is found, not repeated.
    assert len(survivor.sent) == 1
    [(thread, message, nonce)] = survivor.sent
    assert thread == THREAD and nonce is not None
    link = f"https://discord.com/channels/{GUILD}/{THREAD}"
    assert message.content == (f"✅ **Day 3** ({post and CONTENT.roadmap.prompt_for_cohort_day(3).title}): "
                               f"[bo (the \\*best\\*)](<{link}/908>) · [ada](<{link}/907>) "
                               "answered. Thank you!")
    assert await second.rebuild() == 1  # only the count is still owed
    row = await repo.post_by_id(post.id)
    assert row is not None and row.roll_call_message_id == 1


async def test_nobody_answered_posts_nothing(repo) -> None:
    now = datetime(2026, 3, 8, 14, tzinfo=UTC)
    clock, poster, scheduling = FixedClock(now), FakePoster(), FakeScheduling()
    post = await posted(repo, now)
    service = who(repo, clock, poster, scheduling)
    await service.arm_roll_call(post)
    await scheduling.run(f"{ROLL_CALL_JOB}{post.id}")
    assert poster.sent == []
    row = await repo.post_by_id(post.id)
    assert row is not None and row.roll_call_at is not None and row.roll_call_message_id is None


async def test_a_restart_arms_only_its_own_servers_lists_and_counts(repo) -> None:
    now = datetime(2026, 3, 8, 14, tzinfo=UTC)
    clock = FixedClock(now)
    await posted(repo, now)
    await AnswerBook(repo, clock).accept(GUILD, THREAD, 7, 907, ANSWER)
    # GUILD is on shard 0 of 2: the process running shard 1 leaves its list and count alone.
    elsewhere = FakeScheduling(Ownership(2, (1,)))
    assert await who(repo, clock, FakePoster(), elsewhere).rebuild() == 0
    assert elsewhere.jobs == {}
    owner = FakeScheduling(Ownership(2, (0,)))
    assert await who(repo, clock, FakePoster(), owner).rebuild() == 2
