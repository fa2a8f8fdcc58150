"""The mock service end to end below Discord: real SQLite, real content, real templates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.errors import BotError
from bot.mock import machine, roles, timeline
from bot.mock.export import readable
from bot.mock.journal import MockJournal
from bot.mock.model import MockSession, Role, Status, Vote
from bot.mock.ports import MockConfig
from bot.mock.posts import Post
from bot.mock.scorecard import AutoReview
from bot.mock.service import MockService
from bot.mock.timeline import Kind
from bot.outbox.model import Envelope
from bot.render import Renderer
from storage.db import Database
from storage.guilds import GuildSettings
from storage.mock import MockRepository
from tests.test_mock_support import CANDIDATE, HOST, INTERVIEWER, RAISER, T0, WATCHER, minutes

CHANNEL, GUILD = 20, 10


@dataclass
class Thread:
    """Records what the service enqueued, rendered through the real templates."""

    renderer: Renderer
    posts: list[Post] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    archived: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    kicks: int = 0

    async def prepare(self, session: MockSession, post: Post, key: str) -> Envelope | None:
        if post.kind is Kind.LOBBY and session.lobby_message_id is None:
            return None  # as the cog's announcer: no lobby message to edit yet
        rendered = self.renderer.render(post.template, **post.variables)
        assert not rendered.truncated, post.template
        self.posts.append(post)
        self.texts.append(rendered.as_text())
        self.keys.append(key)
        return Envelope(key, post.kind.value, session.thread_id or 0, session.guild_id)

    def closing(self, session: MockSession, key: str) -> Envelope | None:
        self.archived.append(session.session_id)
        return Envelope(key, "archive", session.thread_id or 0, session.guild_id)

    def kick(self) -> None:
        self.kicks += 1

    def kinds(self) -> list[str]:
        return [post.kind.value for post in self.posts]


@dataclass
class Timers:
    armed: dict[int, datetime] = field(default_factory=dict)

    def arm(self, session_id: int, at: datetime) -> None:
        self.armed[session_id] = at

    def cancel(self, session_id: int) -> None:
        self.armed.pop(session_id, None)


class Limits:
    """Guild 77 allows one round at a time; the rest use the configured default."""

    async def settings(self, guild_id: int) -> GuildSettings:
        return GuildSettings(guild_id, mock_max_sessions=1 if guild_id == 77 else None)


def fake_review(text: str, question_id: str) -> AutoReview:
    """A stand-in checker: numbers count when the answer has digits."""
    met = {"numbers_always": "100M DAU"} if any(c.isdigit() for c in text) else {}
    committed = {"kubernetes_first": "k8s"} if "k8s" in text else {}
    return AutoReview(met=met, committed=committed)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture
def round_clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
async def parts(
    db: Database, content: Content, round_clock: FixedClock
) -> AsyncIterator[tuple[MockService, Thread, Timers]]:
    thread, timers = Thread(Renderer()), Timers()
    yield build(db, content, round_clock, thread, timers), thread, timers


def build(
    db: Database, content: Content, clock: FixedClock, thread: Thread, timers: Timers
) -> MockService:
    return MockService(
        MockRepository(db), content, clock, MockConfig(minute_seconds=60, max_per_guild=3),
        announcer=thread, timers=timers, limits=Limits(), reviewer=fake_review,
    )


async def started(service: MockService, guild_id: int = GUILD) -> MockSession:
    session = await service.open(
        guild_id=guild_id, channel_id=CHANNEL, host_user_id=HOST,
        question_id="shopping_cart", length=45, minutes=None,
    )
    session = await service.attach(session.session_id, 1000 + session.session_id)
    await service.set_lobby_message(session.session_id, 2000 + session.session_id,
                                    session.state.lobby_revision)
    for user, role in ((CANDIDATE, Role.CANDIDATE), (INTERVIEWER, Role.INTERVIEWER),
                       (RAISER, Role.BAR_RAISER), (WATCHER, Role.OBSERVER)):
        await service.join(session.session_id, user, role)
    return await service.start(session.session_id, HOST)


async def follow_timer(service: MockService, timers: Timers, clock: FixedClock, sid: int) -> None:
    """Fire the armed timer until the round stops asking, as APScheduler would,
    with someone active in the thread a moment before each firing."""
    while sid in timers.armed:
        clock.set(timers.armed[sid] - timedelta(seconds=1))
        await service.apply(sid, machine.record_activity)
        clock.set(timers.armed[sid])
        await service.tick(sid)


async def test_a_round_runs_to_its_scorecard_and_archives_once(
    parts: tuple[MockService, Thread, Timers], round_clock: FixedClock
) -> None:
    service, thread, timers = parts
    session = await started(service)
    sid = session.session_id
    # Each of the four joins edited the lobby to its new roster; then the start.
    assert thread.kinds() == ["lobby"] * 4 + ["brief", "lobby", "phase"]
    assert f"<@{WATCHER}>" not in thread.texts[2] and f"<@{WATCHER}>" in thread.texts[3]
    assert "Scale" in thread.texts[4] and "Time boxes" in thread.texts[4]
    assert "In progress" in thread.texts[5]  # the lobby now says "in progress"
    assert "<t:" in thread.texts[6] and "Use cases" in thread.texts[6]
    assert timers.armed[sid] == T0 + minutes(2.5)
    journal = MockJournal(service)
    await journal.submit_answer(sid, CANDIDATE, "Use cases: add to cart. 100M DAU, p99 100 ms")
    await journal.add_note(sid, INTERVIEWER, "solid numbers", public=True)
    await journal.add_note(sid, INTERVIEWER, "talks too fast")  # private: not on the card
    await journal.score(sid, RAISER, "numbers_always", False)
    await journal.score(sid, WATCHER, "customer_first", True)
    await follow_timer(service, timers, round_clock, sid)
    assert thread.kinds().count("phase") == 5 and thread.kinds().count("probe") == 5
    assert thread.kinds()[-1] == "scorecard" and thread.archived == [sid]
    card = thread.texts[-1]
    assert "Use cases list" in card and "disagree" in card and "solid numbers" in card
    assert "talks too fast" not in card and "watchers 1/1" in card
    assert card.startswith("<@1> <@2> <@3> <@4> <@5>")  # the participants, named to be pinged
    assert thread.posts[-1].mentions == (HOST, CANDIDATE, INTERVIEWER, RAISER, WATCHER)
    assert round_clock.now() == T0 + minutes(45)


async def test_restart_mid_phase_repeats_nothing_and_keeps_the_deadline(
    db: Database, content: Content, parts: tuple[MockService, Thread, Timers],
    round_clock: FixedClock,
) -> None:
    service, thread, _ = parts
    sid = (await started(service)).session_id
    round_clock.advance(minutes(3.2))
    await service.tick(sid)  # probe at 2.5 and warning at 3
    posted = len(thread.posts)
    again, timers = Thread(Renderer()), Timers()
    restarted = build(db, content, round_clock, again, timers)
    assert await restarted.resume_all() == 1
    assert again.posts == [] and len(thread.posts) == posted
    assert timers.armed[sid] == T0 + minutes(5)


async def test_a_roster_change_saved_before_a_crash_still_reaches_the_lobby(
    db: Database, content: Content, parts: tuple[MockService, Thread, Timers],
    round_clock: FixedClock,
) -> None:
    """The process died between saving a join and claiming its lobby edit (a shutdown
    cancelled it mid-commit): the restart's catch-up edits the lobby, once."""
    service, thread, _ = parts
    session = await service.open(guild_id=GUILD, channel_id=CHANNEL, host_user_id=HOST,
                                 question_id="shopping_cart", length=45, minutes=None)
    sid = session.session_id
    await service.attach(sid, 1000 + sid)
    await service.set_lobby_message(sid, 2000 + sid, 0)
    before = (await service.repo.get(sid)).state
    joined = timeline.revised(before, roles.join(before, CANDIDATE, Role.CANDIDATE, T0))
    await service.repo.save(sid, joined, before=before)  # saved; then the process died
    assert thread.posts == []

    again = Thread(Renderer())
    for _ in range(2):  # and a second restart finds nothing left to do
        assert await build(db, content, round_clock, again, Timers()).resume_all() == 1
    assert again.kinds() == ["lobby"] and f"<@{CANDIDATE}>" in again.texts[0]
    assert again.keys == [f"mock:{sid}:lobby:1:0"]


async def test_a_press_while_the_lobby_is_being_posted_is_edited_in_after(
    parts: tuple[MockService, Thread, Timers],
) -> None:
    """The lobby is drawn, sent, then its id recorded; a join in between has no message to
    edit yet. Its edit waits for the id instead of being claimed with nothing to send."""
    service, thread, _ = parts
    session = await service.open(guild_id=GUILD, channel_id=CHANNEL, host_user_id=HOST,
                                 question_id="shopping_cart", length=45, minutes=None)
    sid = session.session_id
    drawn = await service.attach(sid, 1000 + sid)  # the lobby is drawn from this, then sent
    await service.join(sid, CANDIDATE, Role.CANDIDATE)  # the press lands before the id
    assert thread.posts == []
    await service.set_lobby_message(sid, 2000 + sid, drawn.state.lobby_revision)
    assert thread.kinds() == ["lobby"] and f"<@{CANDIDATE}>" in thread.texts[0]

    # A lobby drawn after the change (a booked round seated first) is not edited again.
    other = await service.open(guild_id=GUILD, channel_id=CHANNEL, host_user_id=HOST,
                               question_id="shopping_cart", length=45, minutes=None)
    await service.join(other.session_id, CANDIDATE, Role.CANDIDATE)
    drawn = await service.attach(other.session_id, 3000)
    await service.set_lobby_message(other.session_id, 4000, drawn.state.lobby_revision)
    assert thread.kinds() == ["lobby"]


async def test_a_round_that_ended_while_down_gets_one_catch_up_and_a_scorecard(
    db: Database, content: Content, parts: tuple[MockService, Thread, Timers],
    round_clock: FixedClock,
) -> None:
    service, _, _ = parts
    sid = (await started(service)).session_id
    round_clock.advance(minutes(20))
    await MockJournal(service).submit_answer(sid, CANDIDATE, "still here")  # keeps it active
    round_clock.advance(minutes(60))
    thread, timers = Thread(Renderer()), Timers()
    await build(db, content, round_clock, thread, timers).resume_all()
    assert thread.kinds() == ["catch_up", "scorecard"]
    assert "Deep dive" in thread.texts[0] or "Scale" in thread.texts[0]
    assert timers.armed == {}


async def test_the_per_guild_limit_and_its_override(
    parts: tuple[MockService, Thread, Timers],
) -> None:
    service, _, _ = parts
    await started(service, guild_id=77)
    with pytest.raises(BotError, match="as many mock rounds"):
        await started(service, guild_id=77)
    for _ in range(3):
        await started(service)
    with pytest.raises(BotError, match="as many mock rounds"):
        await started(service)


async def test_commands_outside_a_round_thread_say_so(
    parts: tuple[MockService, Thread, Timers],
) -> None:
    service, _, _ = parts
    with pytest.raises(BotError, match="inside a mock round's thread"):
        await service.in_thread(424242)
    with pytest.raises(BotError, match="no question"):
        await service.open(guild_id=GUILD, channel_id=CHANNEL, host_user_id=HOST,
                           question_id="nope", length=45, minutes=None)


async def test_journal_role_checks_votes_and_export(
    parts: tuple[MockService, Thread, Timers], round_clock: FixedClock,
) -> None:
    service, thread, timers = parts
    session = await started(service)
    sid, tid = session.session_id, session.thread_id
    journal = MockJournal(service)
    assert tid is not None
    assert not await journal.record_message(tid, WATCHER, 1, "I'd use k8s")
    assert await journal.record_message(tid, CANDIDATE, 2, "We'll use k8s for 10K QPS")
    assert not await journal.record_message(tid, CANDIDATE, 2, "We'll use k8s for 10K QPS")
    with pytest.raises(BotError, match="Only the candidate"):
        await journal.submit_answer(sid, WATCHER, "hi")
    with pytest.raises(BotError, match="interviewer or the bar raiser"):
        await journal.add_note(sid, WATCHER, "note")
    await journal.add_note(sid, RAISER, "secret note")
    with pytest.raises(BotError, match="Only an interviewer or the bar raiser can vote"):
        await journal.vote(sid, WATCHER, Vote.HIRE)
    await journal.vote(sid, RAISER, Vote.HIRE)
    tally = await journal.vote(sid, RAISER, Vote.NO_HIRE)  # a second vote replaces the first
    tally = await journal.vote(sid, INTERVIEWER, Vote.NO_HIRE)
    assert tally[Vote.NO_HIRE] == 2 and tally[Vote.HIRE] == 0
    await journal.add_note(sid, INTERVIEWER, "open note", public=True)
    renderer = Renderer()

    async def export_text(user_id: int) -> str:
        record = await journal.export(sid, user_id)
        return renderer.env.get_template("mock/export.md.j2").render(
            x=readable(record, service.content, {}), exported_at=round_clock.now())

    mid = await export_text(CANDIDATE)
    assert "10K QPS" in mid and "secret note" not in mid and "open note" not in mid
    with pytest.raises(BotError, match="Join the round first"):
        await journal.export(sid, 31337)
    await service.end(sid, HOST, can_manage_threads=False)
    watcher = await export_text(WATCHER)
    assert "open note" in watcher and "secret note" not in watcher  # private: candidate only
    assert "We'll use Kubernetes" in watcher
    mine = await export_text(CANDIDATE)
    assert "🔒 private" in mine and "secret note" in mine and "open note" in mine
    with pytest.raises(BotError, match="only for the candidate"):
        await journal.private_feedback(sid, WATCHER)
    assert [n.text for n in await journal.private_feedback(sid, CANDIDATE)] == ["secret note"]
    done = await journal.export(sid, WATCHER)
    assert done.session.state.status is Status.ENDED and timers.armed == {}
    assert thread.kinds()[-1] == "scorecard"


async def test_thread_deleted_ends_the_round_quietly(
    parts: tuple[MockService, Thread, Timers],
) -> None:
    service, thread, timers = parts
    session = await started(service)
    posted = len(thread.posts)
    assert session.thread_id is not None
    await service.thread_deleted(session.thread_id)
    ended = await service.in_thread(session.thread_id)
    assert ended.state.status is Status.ENDED and timers.armed == {}
    assert len(thread.posts) == posted


