"""/privacy delete below Discord, on real SQLite files: what is left on disk, what an export
holds, and a review racing the delete (issue 13, items 13, 14, 15 and 18)."""

from __future__ import annotations

import asyncio
import json
import struct
from pathlib import Path

import aiosqlite
import pytest

from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.erasure import Erasure, HandedOn
from bot.mock.journal import MockJournal
from bot.mock.model import Role, Status
from bot.mock.service import MockService
from bot.progress.privacy import DataSummary, PrivacyService
from bot.render import Renderer
from bot.review import Reviewer
from bot.review.service import AnswerSource, ReviewService
from storage.daily import DailyRepository
from storage.db import Database
from storage.guilds import GuildRepository
from storage.reviews import ReviewRepository
from tests.test_mock_service import Thread, Timers, build
from tests.test_progress_privacy import rows_naming

# Snowflake-sized ids: SQLite stores them as 8-byte big-endian integers.
HOST, CAND, IVY, BEA = 1_100_000_000_000_000_001, 1_100_000_000_000_000_002, \
    1_100_000_000_000_000_003, 1_100_000_000_000_000_004
GUILD = 10
IVY_NOTE = "ivy's remark: zebra umbrella forty-one"
IVY_ANSWER = "ivy as candidate: narwhal teapot, 50K reads/s"
CAND_ANSWER = f"cand: as <@{IVY}> asked, quokka lighthouse 20M DAU"
CHECK = "Assume 20M DAU → ~500 writes/s. If DynamoDB throttles, the SDK retries with backoff."


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def mock_service(db: Database, content: Content, clock: FixedClock) -> MockService:
    return build(db, content, clock, Thread(Renderer()), Timers())


async def cast_round(service: MockService, cand: int, ivy: int, answer: str, note: str,
                     *, end: bool = True) -> int:
    """A round hosted by HOST: ``cand`` answers, ``ivy`` interviews and notes, BEA raises."""
    session = await service.open(guild_id=GUILD, channel_id=20, host_user_id=HOST,
                                 question_id="shopping_cart", length=45, minutes=None)
    sid = session.session_id
    await service.attach(sid, 5000 + sid)
    for user, role in ((cand, Role.CANDIDATE), (ivy, Role.INTERVIEWER), (BEA, Role.BAR_RAISER)):
        await service.join(sid, user, role)
    await service.start(sid, HOST)
    journal = MockJournal(service)
    await journal.submit_answer(sid, cand, answer)
    await journal.add_note(sid, ivy, note)
    await journal.score(sid, ivy, "customer_first", True)
    if end:
        await service.end(sid, HOST, can_manage_threads=False)
        await service.cards.posted(sid, cand)
    return sid


def traces(path: Path, user_id: int, words: list[str]) -> dict[str, list[str]]:
    needles = {"id as text": str(user_id).encode(), "id as 8-byte integer":
               struct.pack(">q", user_id), **{w: w.encode() for w in words}}
    found = {}
    for suffix in ("", "-wal", "-shm"):
        file = Path(f"{path}{suffix}")
        data = file.read_bytes() if file.exists() else b""
        if hits := [name for name, needle in needles.items() if needle in data]:
            found[suffix or "db"] = hits
    return found


def wal_bytes(path: Path) -> int:
    return Path(f"{path}-wal").stat().st_size


async def filled(db: Database, content: Content, clock: FixedClock) -> MockService:
    service = mock_service(db, content, clock)
    await cast_round(service, CAND, IVY, CAND_ANSWER, IVY_NOTE)
    await cast_round(service, IVY, CAND, IVY_ANSWER, "cand's remark about ivy")
    return service


@pytest.mark.sqlite_only
async def test_a_delete_leaves_no_byte_of_the_member_in_the_file_or_its_wal(
    db: Database, content: Content, clock: FixedClock
) -> None:
    await filled(db, content, clock)
    assert traces(db.path, IVY, [IVY_NOTE, IVY_ANSWER])  # what the search looks for is there
    summary = await PrivacyService(db, clock).delete(IVY)
    assert summary.rows > 0 and summary.cleared == 1  # the mention in cand's answer
    assert await rows_naming(db, IVY) == {}
    assert traces(db.path, IVY, [IVY_NOTE, IVY_ANSWER]) == {}
    assert wal_bytes(db.path) == 0  # checkpointed and truncated
    # The candidate's own words stay; only the mention of the erased member changed.
    transcript = await db.fetchall("SELECT text FROM mock_transcript")
    assert [r["text"] for r in transcript] == ["cand: as @former member asked, quokka "
                                               "lighthouse 20M DAU"]
    assert traces(db.path, CAND, ["cand's remark about ivy"])["db"]


async def test_without_secure_delete_the_deleted_words_stay_in_the_file(
    tmp_path: Path, content: Content, clock: FixedClock
) -> None:
    """Why the connection runs with secure_delete: checkpointing alone is not enough."""
    db = await Database.open(tmp_path / "plain.db")
    try:
        await db.migrate()
        await db.execute("PRAGMA secure_delete = OFF")
        await filled(db, content, clock)
        await PrivacyService(db, clock).delete(IVY)
        assert await rows_naming(db, IVY) == {}
        assert set(traces(db.path, IVY, [IVY_NOTE, IVY_ANSWER]).get("db", [])) >= {
            IVY_NOTE, IVY_ANSWER}
    finally:
        await db.close()


async def test_the_host_export_holds_their_round_but_not_the_others_words(
    db: Database, content: Content, clock: FixedClock
) -> None:
    service = mock_service(db, content, clock)
    await cast_round(service, CAND, IVY, CAND_ANSWER, IVY_NOTE, end=False)
    document = json.loads((await PrivacyService(db, clock).export(HOST)).document)
    tables = document["tables"]
    assert [r["host_user_id"] for r in tables["mock_sessions"]] == [HOST]
    assert len(tables["mock_phases"]) == 5  # the round's own rows name nobody: the host's
    assert [r["user_id"] for r in tables["mock_participants"]] == [HOST]
    raw = json.dumps(document)
    for other in (str(CAND), str(IVY), str(BEA), IVY_NOTE, "quokka"):
        assert other not in raw
    ivy = json.loads((await PrivacyService(db, clock).export(IVY)).document)["tables"]
    assert [r["text"] for r in ivy["mock_notes"]] == [IVY_NOTE]
    assert "mock_transcript" not in ivy and "mock_sessions" not in ivy


async def test_a_host_who_erases_their_data_hands_the_round_on(
    db: Database, content: Content, clock: FixedClock
) -> None:
    service = mock_service(db, content, clock)
    erasure = Erasure()
    erasure.add_departure(service.depart)
    running = await cast_round(service, CAND, IVY, CAND_ANSWER, IVY_NOTE, end=False)
    lone = (await service.open(guild_id=GUILD, channel_id=20, host_user_id=HOST,
                               question_id="shopping_cart", length=45, minutes=None)).session_id
    ended = await cast_round(service, CAND, IVY, "again", "again")
    summary = await PrivacyService(db, clock, erasure).delete(HOST)
    assert summary.cleared == 2  # the finished round and the lone one keep no host id
    assert summary.handed_on == (HandedOn("host_passed", 5000 + running, CAND),
                                 HandedOn("round_ended", None))
    assert (await service.repo.get(running)).state.host_user_id == CAND
    assert (await service.repo.get(lone)).state.status is Status.ENDED
    assert (await service.repo.get(ended)).state.host_user_id == 0  # history, anonymous
    await service.end(running, CAND, can_manage_threads=False)  # the new host can end it
    assert await rows_naming(db, HOST) == {}


def review_service(db: Database, content: Content, clock: FixedClock,
                   erasure: Erasure) -> ReviewService:
    return ReviewService(Reviewer(content.rubric, content.questions), ReviewRepository(db),
                         GuildRepository(db), DailyRepository(db), content, clock,
                         erasure=erasure)


async def test_a_review_asked_for_before_a_delete_is_not_stored_after_it(
    db: Database, content: Content, clock: FixedClock
) -> None:
    """Item 14: /check replies with the card, then records; the delete ran in between."""
    erasure = Erasure()
    reviews = review_service(db, content, clock, erasure)
    privacy = PrivacyService(db, clock, erasure)
    origin = AnswerSource(CAND, GUILD, "check")
    review = reviews.review(origin, CHECK)
    assert (await privacy.delete(CAND)).rows == 0  # "nothing stored": and it must stay so
    assert not await reviews.record(origin, review, CHECK)
    assert await rows_naming(db, CAND) == {}
    later = AnswerSource(CAND, GUILD, "check")  # asked after the delete: theirs again
    assert await reviews.record(later, reviews.review(later, CHECK), CHECK)
    assert set(await rows_naming(db, CAND)) == {"reviews.user_id", "progress_totals.user_id",
                                                 "progress_review_days.user_id", "review_salts.user_id"}


async def test_a_record_waiting_on_a_delete_in_progress_is_refused(
    db: Database, content: Content, clock: FixedClock
) -> None:
    """The delete holds the member's lock; a record asked for earlier waits, then drops."""
    erasure, release = Erasure(), asyncio.Event()
    entered = asyncio.Event()

    async def slow_departure(user_id: int) -> list[HandedOn]:
        entered.set()
        await release.wait()
        return []

    erasure.add_departure(slow_departure)
    reviews = review_service(db, content, clock, erasure)
    origin = AnswerSource(CAND, GUILD, "check")
    review = reviews.review(origin, CHECK)
    delete = asyncio.create_task(PrivacyService(db, clock, erasure).delete(CAND))
    await entered.wait()
    record = asyncio.create_task(reviews.record(origin, review, CHECK))
    await asyncio.sleep(0)  # let the record reach the member's lock
    assert not record.done()
    release.set()
    await delete
    assert await record is False
    assert await rows_naming(db, CAND) == {}
    other = AnswerSource(IVY, GUILD, "check")  # another member is never held up
    assert await reviews.record(other, reviews.review(other, CHECK), CHECK)


async def test_export_never_follows_a_key_into_rows_naming_other_members(
    db: Database, clock: FixedClock
) -> None:
    await db.execute("CREATE TABLE clubs (id BIGINT PRIMARY KEY, owner_user_id BIGINT)")
    await db.execute("CREATE TABLE club_posts (club_id BIGINT REFERENCES clubs (id), "
                     "author_user_id BIGINT, text TEXT)")
    await db.execute("CREATE TABLE club_rules (club_id BIGINT REFERENCES clubs (id), rule TEXT)")
    await db.execute("INSERT INTO clubs VALUES (1, ?)", (HOST,))
    await db.execute("INSERT INTO club_posts VALUES (1, ?, 'mine'), (1, ?, 'theirs')",
                     (HOST, CAND))
    await db.execute("INSERT INTO club_rules VALUES (1, 'be kind')")
    tables = json.loads((await PrivacyService(db, clock).export(HOST)).document)["tables"]
    assert tables["club_posts"] == [{"club_id": 1, "author_user_id": HOST, "text": "mine"}]
    assert tables["club_rules"] == [{"club_id": 1, "rule": "be kind"}]


@pytest.mark.sqlite_only
async def test_a_reader_elsewhere_keeps_the_wal_and_the_summary_says_so(
    db: Database, content: Content, clock: FixedClock
) -> None:
    await filled(db, content, clock)
    reader = await aiosqlite.connect(db.path, isolation_level=None)
    try:
        await reader.execute("BEGIN")
        await (await reader.execute("SELECT COUNT(*) FROM mock_notes")).fetchone()
        summary = await PrivacyService(db, clock).delete(IVY)
        assert not summary.wiped and await rows_naming(db, IVY) == {}
        await reader.execute("COMMIT")
    finally:
        await reader.close()
    assert await PrivacyService(db, clock).delete(IVY) == DataSummary({}, 0, (), True)
    assert traces(db.path, IVY, [IVY_NOTE, IVY_ANSWER]) == {}
