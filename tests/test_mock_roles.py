"""Role rules fixed at the start, pair mode as two candidates, and phase moves that cannot
skip a phase (issue 13, items 16 and 17): the machine, the repository and the service."""

from __future__ import annotations

import asyncio

import pytest

from bot.clock import FixedClock
from bot.content import Content, load_content
from bot.errors import BotError
from bot.mock import machine, roles
from bot.mock.journal import MockJournal
from bot.mock.model import (
    CastVote,
    EndReason,
    MockState,
    Note,
    Role,
    Score,
    Status,
    TranscriptEntry,
    Vote,
)
from bot.render import Renderer
from storage.db import Database
from storage.mock import MockRepository, StaleRound
from tests.test_mock_service import Thread, Timers, build, started
from tests.test_mock_storage import create
from tests.test_mock_support import (
    CANDIDATE,
    HOST,
    INTERVIEWER,
    RAISER,
    STRANGER,
    T0,
    WATCHER,
    lobby,
    minutes,
    running,
)

SECOND = 77


@pytest.fixture
def round_clock() -> FixedClock:
    return FixedClock(T0)


def paired(clock: FixedClock) -> MockState:
    state = roles.set_pair_mode(lobby(clock), HOST, True, clock.now())
    return roles.join(state, SECOND, Role.CANDIDATE, clock.now())


def test_after_the_start_nobody_joins_or_switches(round_clock: FixedClock) -> None:
    state = machine.start(paired(round_clock), HOST, round_clock.now())
    for user, role in ((CANDIDATE, Role.BAR_RAISER), (RAISER, Role.CANDIDATE),
                       (STRANGER, Role.OBSERVER), (WATCHER, Role.INTERVIEWER)):
        with pytest.raises(BotError, match="Roles are fixed once the round starts"):
            roles.join(state, user, role, round_clock.now())
    assert roles.join(state, CANDIDATE, Role.CANDIDATE, round_clock.now()) == state
    left = roles.leave(state, CANDIDATE, round_clock.now())
    with pytest.raises(BotError, match="fixed"):  # leaving is final
        roles.join(left, CANDIDATE, Role.CANDIDATE, round_clock.now())
    paused = machine.pause(state, HOST, round_clock.now())
    with pytest.raises(BotError, match="fixed"):
        roles.join(paused, CANDIDATE, Role.BAR_RAISER, round_clock.now())


def test_pair_mode_is_two_candidates(round_clock: FixedClock) -> None:
    now = round_clock.now()
    state = paired(round_clock)
    assert state.users_with(Role.CANDIDATE) == (CANDIDATE, SECOND)
    with pytest.raises(BotError, match="two candidates, and both places are taken"):
        roles.join(state, STRANGER, Role.CANDIDATE, now)
    with pytest.raises(BotError, match="one of them picks another role"):
        roles.set_pair_mode(state, HOST, False, now)
    one = roles.set_pair_mode(lobby(round_clock), HOST, True, now)
    with pytest.raises(BotError, match="Pair mode needs two candidates"):
        machine.start(one, HOST, now)
    started_ = machine.start(state, HOST, now)
    with pytest.raises(BotError, match="Pair mode is fixed once the round starts"):
        roles.set_pair_mode(started_, HOST, False, now)
    # A candidate may still switch to another role in the lobby, freeing the place, once
    # they confirm giving up the seat.
    with pytest.raises(roles.ConfirmLeavingCandidate) as asked:
        roles.join(state, SECOND, Role.OBSERVER, now)
    assert asked.value.role is Role.OBSERVER
    moved = roles.join(state, SECOND, Role.OBSERVER, now, confirmed=True)
    assert roles.join(moved, STRANGER, Role.CANDIDATE, now).users_with(Role.CANDIDATE) == (
        CANDIDATE, STRANGER)


def test_next_ends_only_the_phase_the_command_found(round_clock: FixedClock) -> None:
    state = running(round_clock)
    round_clock.advance(1)
    first = machine.next_phase(state, HOST, round_clock.now(), expected=0)
    assert first.current_index() == 1
    round_clock.advance(1)
    with pytest.raises(BotError, match="already moved on to phase 2"):
        machine.next_phase(first, INTERVIEWER, round_clock.now(), expected=0)
    later = machine.next_phase(first, INTERVIEWER, round_clock.now(), expected=1)
    assert later.current_index() == 2
    # A command that found phase 3 but arrives after phase 3's deadline ends nothing.
    round_clock.advance(minutes(16))
    with pytest.raises(BotError, match="already moved on to phase 4"):
        machine.next_phase(later, HOST, round_clock.now(), expected=2)


def test_a_departing_host_hands_on_or_ends_the_round(round_clock: FixedClock) -> None:
    state = running(round_clock)
    handed = roles.depart(state, HOST, round_clock.now())
    assert handed.host_user_id == CANDIDATE and handed.status is Status.RUNNING
    alone = machine.new_session(HOST, (5, 5), 60, round_clock.now())
    ended = roles.depart(alone, HOST, round_clock.now())
    assert ended.status is Status.ENDED and ended.end_reason is EndReason.ENDED
    member = roles.depart(state, RAISER, round_clock.now())
    assert member.host_user_id == HOST and member.role_of(RAISER) is None


async def test_a_phase_is_closed_once_in_storage(db: Database, round_clock: FixedClock) -> None:
    """Two writers that both loaded phase 1 running: the second save is rolled back."""
    repo = MockRepository(db)
    sid = await create(repo, lobby(round_clock))
    assert sid is not None
    begun = machine.start(lobby(round_clock), HOST, round_clock.now())
    await repo.save(sid, begun)
    loaded = (await repo.get(sid)).state
    round_clock.advance(1)
    one = machine.next_phase(loaded, HOST, round_clock.now())
    other = machine.next_phase(loaded, INTERVIEWER, round_clock.now())
    await repo.save(sid, one, before=loaded)
    with pytest.raises(StaleRound):
        await repo.save(sid, other, before=loaded)
    stored = (await repo.get(sid)).state
    assert stored.current_index() == 1 and stored.last_activity_at == one.last_activity_at


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


async def test_two_next_pressed_together_end_one_phase(
    db: Database, content: Content, round_clock: FixedClock
) -> None:
    thread = Thread(Renderer())
    service = build(db, content, round_clock, thread, Timers())
    seen = await started(service)
    sid = seen.session_id
    round_clock.advance(1)
    results = await asyncio.gather(  # both commands found phase 1 running
        service.next(sid, HOST, seen.state), service.next(sid, INTERVIEWER, seen.state),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, BotError)]
    assert len(refused) == 1 and "moved on" in refused[0].user_message
    assert (await service.repo.get(sid)).state.current_index() == 1
    assert thread.kinds().count("phase") == 2  # phase 1 and phase 2, not phase 3


async def test_a_candidate_cannot_score_by_switching_roles_mid_round(
    db: Database, content: Content, round_clock: FixedClock
) -> None:
    service = build(db, content, round_clock, Thread(Renderer()), Timers())
    sid = (await started(service)).session_id
    with pytest.raises(BotError, match="fixed"):
        await service.join(sid, CANDIDATE, Role.BAR_RAISER)
    with pytest.raises(BotError, match="Only a watcher"):
        await MockJournal(service).score(sid, CANDIDATE, "customer_first", True)
    assert await service.repo.scores(sid) == []


async def test_nothing_said_or_judged_lands_for_a_member_off_the_roster(
    db: Database, content: Content, round_clock: FixedClock
) -> None:
    """The roster check is in the write itself: a member removed between the role check
    and the write (a /privacy delete racing a note, a vote, a score) is never named."""
    service = build(db, content, round_clock, Thread(Renderer()), Timers())
    sid = (await started(service)).session_id
    repo, now = service.repo, round_clock.now()
    await service.leave(sid, RAISER)
    await service.leave(sid, CANDIDATE)
    assert not await repo.add_note(sid, Note(0, RAISER, "late", now))
    assert not await repo.add_transcript(sid, TranscriptEntry(0, CANDIDATE, "late", now),
                                         "answer", None)
    assert not await repo.set_score(sid, Score(INTERVIEWER, CANDIDATE, "customer_first", True),
                                    now)
    assert not await repo.set_vote(sid, CastVote(INTERVIEWER, CANDIDATE, Vote.HIRE), now)
    assert await repo.add_note(sid, Note(0, INTERVIEWER, "still here", now))
    rows = await db.fetchone(
        "SELECT (SELECT COUNT(*) FROM mock_transcript) + (SELECT COUNT(*) FROM mock_scores) "
        "+ (SELECT COUNT(*) FROM mock_votes) + (SELECT COUNT(*) FROM mock_notes)"
    )
    assert rows[0] == 1
