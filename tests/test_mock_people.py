"""Issue 17's people rules without Discord: pings, private notes, the decision, the export,
one score per item, and the outbox's ping lists on a real SQLite file."""

from __future__ import annotations

from dataclasses import replace

import discord
import pytest

from bot.clock import FixedClock
from bot.content import load_content
from bot.errors import BotError
from bot.mock import feedback, machine, roles
from bot.mock.decision import one_line
from bot.mock.export import ExportRecord, duration, readable
from bot.mock.model import Decision, MockSession, Note, Role, Status, Vote
from bot.mock.notify import pings_for, to_ping
from bot.mock.timeline import Kind
from bot.outbox.model import Envelope
from bot.outbox.sender import allowed_mentions
from storage.db import Database
from storage.mock import MockRepository
from storage.outbox import OutboxRepository
from storage.privacy import delete_user, export_user
from tests.test_mock_storage import create
from tests.test_mock_support import (
    CANDIDATE,
    HOST,
    INTERVIEWER,
    RAISER,
    T0,
    WATCHER,
    lobby,
    running,
)

CONTENT = load_content()


def test_pings_go_to_the_participants_minus_the_quiet_ones() -> None:
    state = running(FixedClock(T0))
    everyone = (HOST, CANDIDATE, INTERVIEWER, RAISER, WATCHER)
    assert to_ping(state) == everyone
    assert to_ping(state, {WATCHER, 12345}) == (HOST, CANDIDATE, INTERVIEWER, RAISER)
    for kind in (Kind.PHASE, Kind.WARNING, Kind.SCORECARD):
        assert pings_for(kind, state) == everyone
    for kind in (Kind.BRIEF, Kind.PROBE, Kind.CATCH_UP, Kind.IDLE_PAUSE, Kind.LOBBY):
        assert pings_for(kind, state) == ()


def test_allowed_mentions_name_users_and_never_everyone_or_roles() -> None:
    allowed = allowed_mentions((1, 2)).to_dict()
    assert allowed["parse"] == [] and allowed["users"] == [1, 2]
    assert "roles" not in allowed and not allowed.get("replied_user")
    assert allowed_mentions(()).to_dict() == discord.AllowedMentions.none().to_dict()


def test_only_the_candidate_reads_private_notes() -> None:
    state = running(FixedClock(T0))
    notes = [Note(0, INTERVIEWER, "private", T0), Note(0, RAISER, "public", T0, public=True)]
    assert [n.text for n in feedback.public_notes(notes)] == ["public"]
    assert [n.text for n in feedback.private_notes_for(state, CANDIDATE, notes)] == ["private"]
    for other in (HOST, INTERVIEWER, RAISER, WATCHER):
        assert feedback.private_notes_for(state, other, notes) == ()
        with pytest.raises(BotError, match="only for the candidate"):
            roles.require_feedback_reader(state, other)
    # Exports: nothing before the end; then public for all, private for the candidate too.
    assert feedback.notes_for_export(state, CANDIDATE, notes) == ()
    ended = replace(state, status=Status.ENDED)
    assert [n.text for n in feedback.notes_for_export(ended, WATCHER, notes)] == ["public"]
    assert len(feedback.notes_for_export(ended, CANDIDATE, notes)) == 2


def test_role_rules_exist_once_in_the_state_machine() -> None:
    state = running(FixedClock(T0))
    roles.require_candidate(state, CANDIDATE)
    for who in (HOST, INTERVIEWER, RAISER, WATCHER):
        with pytest.raises(BotError, match="Only the candidate can submit answers"):
            roles.require_candidate(state, who)
    roles.require_decider(state, RAISER)
    for who in (CANDIDATE, INTERVIEWER, WATCHER):
        with pytest.raises(BotError, match="Only the bar raiser"):
            roles.require_decider(state, who)
    assert roles.on_panel(state, INTERVIEWER) and roles.on_panel(state, RAISER)
    assert not roles.on_panel(state, WATCHER) and not roles.on_panel(state, CANDIDATE)


def test_the_candidate_confirms_before_leaving_the_seat() -> None:
    clock = FixedClock(T0)
    state = lobby(clock)
    for role in (Role.INTERVIEWER, Role.BAR_RAISER, Role.OBSERVER):
        with pytest.raises(roles.ConfirmLeavingCandidate):
            roles.join(state, CANDIDATE, role, clock.now())
    same = roles.join(state, CANDIDATE, Role.CANDIDATE, clock.now())
    assert same.role_of(CANDIDATE) is Role.CANDIDATE
    moved = roles.join(state, CANDIDATE, Role.OBSERVER, clock.now(), confirmed=True)
    assert moved.role_of(CANDIDATE) is Role.OBSERVER and not moved.users_with(Role.CANDIDATE)
    # Others switch freely.
    assert roles.join(state, WATCHER, Role.INTERVIEWER, clock.now()).role_of(WATCHER) is \
        Role.INTERVIEWER


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (45, "45 s"), (59.6, "1 min"), (170.36, "2 min 50 s"), (300, "5 min"),
    (3725, "62 min 5 s"),
])
def test_durations_read_like_people_say_them(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_a_reason_is_one_line() -> None:
    assert one_line("  clear numbers,\n\nweak   ops ") == "clear numbers, weak ops"
    assert len(one_line("x" * 500)) == 200


def test_the_export_names_people_and_hides_no_one_behind_an_id() -> None:
    clock = FixedClock(T0)
    state = running(clock, (3, 3, 3, 3, 3))
    clock.advance(170.36)  # 2 min 50.36 s into a 3-minute phase
    state = machine.end(state, HOST, clock.now(), can_manage_threads=False)
    session = MockSession(7, 10, 20, 30, None, "shopping_cart", 15, state)
    record = ExportRecord(
        session=session, question=CONTENT.question("shopping_cart"), reader_user_id=CANDIDATE,
        transcript=(), notes=(Note(0, INTERVIEWER, "tighten the APIs", T0),),
        scores=(), votes=(),
        decisions=(Decision(CANDIDATE, RAISER, Vote.HIRE, "clear numbers", T0),),
        scorecards=(),
    )
    names = {HOST: "Hana", CANDIDATE: "Cato", INTERVIEWER: "Ivy", RAISER: "Bea"}
    x = readable(record, CONTENT, names)
    assert x.phases[0].used == "2 min 50 s" and x.phases[0].box == "3 min"
    assert not x.phases[1].reached
    assert ("Candidate", "Cato") in x.people and ("Watching", "a former member") in x.people
    assert x.decisions == ("Hire for Cato, by Bea: clear numbers",)
    assert x.phases[0].notes[0].private and x.with_private


async def test_outbox_rows_carry_their_ping_list_until_sent(db: Database) -> None:
    repo = OutboxRepository(db)
    now = T0
    await repo.enqueue([Envelope("k1", "mock_phase", 5, 10, {"message": {"content": "x"}},
                                 mentions=(11, 12)),
                        Envelope("k2", "mock_probe", 5, 10, {"message": {"content": "y"}})], now)
    await repo.enqueue([Envelope("k1", "mock_phase", 5, 10, {}, mentions=(11, 12))], now)
    first, second = await repo.by_key("k1"), await repo.by_key("k2")
    assert first is not None and second is not None
    assert sorted(first.mentions) == [11, 12] and second.mentions == ()
    # /privacy finds the ping list by user_id, and a delete takes the member off it.
    assert "outbox_mentions" in await export_user(db, 11)
    deleted, _ = await delete_user(db, 11)
    assert deleted.get("outbox_mentions") == 1
    assert (await repo.by_key("k1")).mentions == (12,)  # type: ignore[union-attr]
    await repo.mark_sent(first.post_id, 99, now)
    assert (await repo.by_key("k1")).mentions == ()  # type: ignore[union-attr]


async def test_quiet_members_and_decisions_are_stored_per_member(
    db: Database, clock: FixedClock
) -> None:
    repo = MockRepository(db)
    state = machine.start(lobby(clock), HOST, clock.now())
    sid = await create(repo, state)
    assert sid is not None
    await repo.set_quiet(10, WATCHER, True, clock.now())
    await repo.set_quiet(10, WATCHER, True, clock.now())  # twice is once
    await repo.set_quiet(11, CANDIDATE, True, clock.now())  # another server
    assert await repo.quiet_among(10, [HOST, CANDIDATE, WATCHER]) == {WATCHER}
    await repo.set_quiet(10, WATCHER, False, clock.now())
    assert await repo.quiet_among(10, [WATCHER]) == frozenset()
    first = Decision(CANDIDATE, RAISER, Vote.NO_HIRE, "thin on numbers", clock.now())
    assert await repo.set_decision(sid, first)
    assert await repo.set_decision(sid, replace(first, call=Vote.HIRE, reason="fair"))
    assert [(d.call, d.reason) for d in await repo.decisions(sid)] == [(Vote.HIRE, "fair")]
    assert not await repo.set_decision(sid, replace(first, decided_by_user_id=31337))
    await repo.add_note(sid, Note(0, INTERVIEWER, "open", clock.now(), public=True))
    await repo.add_note(sid, Note(0, INTERVIEWER, "closed", clock.now()))
    assert [(n.text, n.public) for n in await repo.notes(sid)] == [("open", True),
                                                                   ("closed", False)]
