"""The mock repository on a real migrated SQLite file."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.clock import FixedClock
from bot.mock import machine, roles
from bot.mock.model import (
    CastVote,
    MockState,
    Note,
    Role,
    Score,
    Status,
    TranscriptEntry,
    Vote,
)
from storage.db import Database
from storage.introspect import read_schema
from storage.mock import MockRepository
from tests.test_mock_support import CANDIDATE, HOST, INTERVIEWER, RAISER, lobby, minutes

PHASE_IDS = ("requirements", "high_level", "deep_dive", "scale", "operations")


async def create(repo: MockRepository, state: MockState, guild_id: int = 10) -> int | None:
    return await repo.create(
        guild_id=guild_id, channel_id=20, question_id="shopping_cart", length_minutes=45,
        phase_ids=PHASE_IDS, state=state, max_live=2,
    )


async def test_a_round_round_trips_through_every_state(db: Database, clock: FixedClock) -> None:
    repo = MockRepository(db)
    state = lobby(clock)
    session_id = await create(repo, state)
    assert session_id is not None
    await repo.attach_thread(session_id, 555)
    loaded = await repo.by_thread(555)
    assert loaded is not None and loaded.state == state
    for step in (
        lambda s: machine.start(s, HOST, clock.now()),
        lambda s: machine.pause(s, HOST, clock.advance(minutes(2))),
        lambda s: machine.extend(s, INTERVIEWER, 3, clock.now()),
        lambda s: machine.resume(s, HOST, clock.advance(minutes(9))),
        lambda s: roles.leave(s, HOST, clock.now()),
        lambda s: machine.end(s, CANDIDATE, clock.advance(minutes(1)), can_manage_threads=False),
    ):
        before, state = state, step(state)
        await repo.save(session_id, state, before=before)  # writes only what changed
        reloaded = await repo.get(session_id)
        assert reloaded is not None and reloaded.state == state
    assert state.status is Status.ENDED and state.host_user_id == CANDIDATE


async def test_a_full_save_without_before_rewrites_everything(
    db: Database, clock: FixedClock
) -> None:
    repo = MockRepository(db)
    session_id = await create(repo, lobby(clock))
    assert session_id is not None
    state = machine.start(roles.leave(lobby(clock), HOST, clock.now()), CANDIDATE, clock.now())
    await repo.save(session_id, state)
    reloaded = await repo.get(session_id)
    assert reloaded is not None and reloaded.state == state


async def test_the_live_limit_is_checked_with_the_insert(db: Database, clock: FixedClock) -> None:
    repo = MockRepository(db)
    first, second = await create(repo, lobby(clock)), await create(repo, lobby(clock))
    assert first is not None and second is not None
    assert await create(repo, lobby(clock)) is None
    assert await create(repo, lobby(clock), guild_id=11) is not None  # another guild
    ended = machine.end(lobby(clock), HOST, clock.now(), can_manage_threads=False)
    await repo.save(first, ended)
    assert await create(repo, lobby(clock)) is not None
    assert [session_id for session_id, _guild in await repo.live_ids()] == [second, 3, 4]


async def test_concurrent_creates_never_pass_the_live_limit(db: Database, clock: FixedClock) -> None:
    """On PostgreSQL the creates run on different connections at once: the count and the
    insert are serialised per guild, so 10 racing creates fill exactly the 2 free slots."""
    repo = MockRepository(db)
    made = await asyncio.gather(*(create(repo, lobby(clock)) for _ in range(10)))
    assert sum(session is not None for session in made) == 2
    assert len(await repo.live_ids()) == 2


async def test_an_announcement_is_claimed_once_with_its_stale_keys(
    db: Database, clock: FixedClock
) -> None:
    repo = MockRepository(db)
    session_id = await create(repo, lobby(clock))
    assert session_id is not None
    assert await repo.claim(session_id, ["catch_up:1", "phase:0", "probe:0"], clock.now())
    assert not await repo.claim(session_id, ["catch_up:1"], clock.now())
    assert not await repo.claim(session_id, ["probe:0"], clock.now())
    loaded = await repo.get(session_id)
    assert loaded is not None
    assert loaded.state.sent == {"catch_up:1", "phase:0", "probe:0"}


async def test_transcript_notes_scores_and_votes(db: Database, clock: FixedClock) -> None:
    repo = MockRepository(db)
    session_id = await create(repo, lobby(clock))
    assert session_id is not None
    entry = TranscriptEntry(0, CANDIDATE, "100M DAU, p99 < 100 ms", clock.now())
    assert await repo.add_transcript(session_id, entry, "message", 9001)
    assert not await repo.add_transcript(session_id, entry, "message", 9001)  # replayed event
    assert await repo.add_transcript(session_id, replace(entry, text="again"), "answer", None)
    assert [e.text for e in await repo.transcript(session_id)] == [entry.text, "again"]
    await repo.add_note(session_id, Note(1, INTERVIEWER, "skipped numbers", clock.now()))
    assert [n.text for n in await repo.notes(session_id)] == ["skipped numbers"]
    await repo.set_score(session_id, Score(RAISER, CANDIDATE, "numbers_always", True), clock.now())
    await repo.set_score(session_id, Score(RAISER, CANDIDATE, "numbers_always", False), clock.now())
    assert await repo.scores(session_id) == [Score(RAISER, CANDIDATE, "numbers_always", False)]
    await repo.set_vote(session_id, CastVote(RAISER, CANDIDATE, Vote.HIRE), clock.now())
    await repo.set_vote(session_id, CastVote(RAISER, CANDIDATE, Vote.STRONG_HIRE), clock.now())
    assert await repo.votes(session_id) == [CastVote(RAISER, CANDIDATE, Vote.STRONG_HIRE)]
    await repo.mark_scorecard_posted(session_id, CANDIDATE, clock.now())
    await repo.mark_scorecard_posted(session_id, CANDIDATE, clock.now())  # once is enough
    assert await repo.scorecards_posted(session_id) == [CANDIDATE]


async def test_every_user_column_ends_in_user_id(db: Database) -> None:
    rows = [{"tbl": name, "col": column.name} for name, table in (await read_schema(db)).items()
            if name.startswith("mock_") for column in table.columns]
    people = [r["col"] for r in rows if "user" in r["col"] or r["col"] in ("host", "author")]
    assert people and all(col.endswith("user_id") for col in people)
    assert "role" in {r["col"] for r in rows if r["tbl"] == "mock_participants"}
    assert Role.CANDIDATE.value == "candidate"
