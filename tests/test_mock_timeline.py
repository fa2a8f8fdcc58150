"""What a round announces and when: no repeats, no losses, one catch-up after downtime."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.mock import machine, roles
from bot.mock.model import MockState, Role, Status
from bot.mock.timeline import Kind, due, next_wakeup, revised, settle
from tests.test_mock_support import CANDIDATE, HOST, T0, keep_active, lobby, minutes, post_due, running


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


def run_to_end(state: MockState, clock: FixedClock) -> list[str]:
    """Follow the timer like the service does, keeping the round active; return posted keys."""
    posted: list[str] = []
    while (wake := next_wakeup(state, clock.now())) is not None:
        clock.set(wake)
        state = keep_active(state, clock)
        state, keys = post_due(state, clock)
        posted += keys
    return posted


def test_start_posts_the_brief_then_phase_1(clock: FixedClock) -> None:
    state = machine.start(lobby(clock), HOST, clock.now())
    assert [a.key for a in settle(state, clock.now()).announcements] == [
        "brief", "lobby:running", "phase:0"]


def test_a_whole_round_posts_each_announcement_once_in_order(clock: FixedClock) -> None:
    posted = run_to_end(running(clock), clock)
    assert posted == [
        "probe:0", "warning:0:5", "phase:1",
        "probe:1", "warning:1:10", "phase:2",
        "probe:2", "warning:2:15", "phase:3",
        "probe:3", "warning:3:10", "phase:4",
        "probe:4", "warning:4:5", "scorecard",
    ]
    assert clock.now() == T0 + minutes(45)


def test_warning_fires_two_scaled_minutes_before_the_deadline(clock: FixedClock) -> None:
    state = machine.start(
        roles.join(
            roles.join(machine.new_session(HOST, (5, 5, 5, 5, 5), 1.0, clock.now()),
                         2, Role.CANDIDATE, clock.now()),
            3, Role.INTERVIEWER, clock.now()),
        HOST, clock.now())
    state, _ = post_due(state, clock)
    assert next_wakeup(state, clock.now()) == T0 + timedelta(seconds=2.5)  # mid-phase probe
    state = replace(state, sent=state.sent | {"probe:0"})
    assert next_wakeup(state, clock.now()) == T0 + timedelta(seconds=3)  # 5 - 2 scaled minutes


def test_short_phases_skip_the_warning_but_keep_the_probe(clock: FixedClock) -> None:
    posted = run_to_end(running(clock, (1, 2, 3, 1, 1)), clock)
    assert "warning:0:1" not in posted and "warning:1:2" not in posted
    assert {"probe:0", "probe:1", "warning:2:3", "scorecard"} <= set(posted)


def test_next_cancels_the_rest_of_the_phase(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(1))
    state = machine.next_phase(state, HOST, clock.now())
    state, keys = post_due(state, clock)
    assert keys == ["phase:1"]
    assert "probe:0" not in run_to_end(state, clock)


def test_extend_re_arms_the_warning_for_the_new_box(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(3.5))
    state, keys = post_due(state, clock)
    assert keys == ["probe:0", "warning:0:5"]
    state = machine.extend(state, HOST, 4, clock.now())
    assert next_wakeup(state, clock.now()) == T0 + minutes(7)
    clock.set(T0 + minutes(7))
    assert post_due(state, clock)[1] == ["warning:0:9"]


def test_pause_holds_announcements_until_resume(clock: FixedClock) -> None:
    state = machine.pause(running(clock), HOST, clock.now())
    assert next_wakeup(state, clock.now()) == T0 + timedelta(hours=24)
    clock.advance(minutes(10))
    assert due(state, clock.now()) == ()
    state = machine.resume(state, HOST, clock.now())
    assert next_wakeup(state, clock.now()) == T0 + minutes(12.5)


@pytest.mark.parametrize("down_from, down_for, expected", [
    (2, 0.75, ["probe:0"]),                  # mid-phase: the missed probe is still posted
    (2, 1, ["probe:0", "warning:0:5"]),      # both missed, both still relevant
    (2, 4, ["catch_up:0", "phase:1"]),       # phase 1 ran out while down: one catch-up
    (2, 20, ["catch_up:1", "phase:2"]),      # several phases: still one catch-up
])
def test_restart_while_running_neither_repeats_nor_loses(
    clock: FixedClock, down_from: float, down_for: float, expected: list[str]
) -> None:
    state = running(clock)
    clock.advance(minutes(down_from))
    state, _ = post_due(state, clock)
    clock.advance(minutes(down_for))
    state, keys = post_due(state, clock)
    assert keys == expected
    assert post_due(state, clock)[1] == []  # a second restart posts nothing


def test_round_that_ended_while_down_gets_one_catch_up_and_its_scorecard(
    clock: FixedClock,
) -> None:
    state = running(clock)
    clock.advance(minutes(29))  # idle would pause it at 30; the last deadline is at 45
    state = keep_active(state, clock)
    clock.advance(minutes(20))
    state, keys = post_due(state, clock)
    assert state.status is Status.ENDED
    assert keys == ["catch_up:4", "scorecard"]
    catch_up = due(replace(state, sent=frozenset({"brief", "phase:0"})), clock.now())[0]
    assert catch_up.missed_phases == (0, 1, 2, 3, 4)


def test_restart_while_paused_posts_nothing_and_keeps_time_left(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(2))
    state = machine.pause(state, HOST, clock.now())
    clock.advance(minutes(60))
    state, keys = post_due(state, clock)
    assert keys == [] and state.time_left(clock.now()) == minutes(3)


def test_restart_in_the_lobby_and_after_the_end_posts_nothing(clock: FixedClock) -> None:
    assert settle(lobby(clock), clock.now()).announcements == ()
    ended = machine.end(running(clock), HOST, clock.now(), can_manage_threads=False)
    ended, keys = post_due(ended, clock)
    assert keys == ["scorecard"]
    clock.advance(minutes(5))
    assert post_due(ended, clock)[1] == []
    assert next_wakeup(ended, clock.now()) is None


def test_idle_pause_is_announced_once(clock: FixedClock) -> None:
    state = running(clock, (20, 20, 20, 20, 20))
    for at in (10, 18, 20, 25):  # probe, warning, phase 2: all on time
        clock.set(T0 + minutes(at))
        state, _ = post_due(state, clock)
    clock.set(T0 + minutes(31))
    state, keys = post_due(state, clock)
    assert state.status is Status.PAUSED and state.paused_at == T0 + minutes(30)
    assert keys == ["probe:1", "idle_pause:2026-03-02T18:30:00+00:00"]
    assert due(state, clock.now()) == ()


def test_end_while_paused_posts_the_scorecard(clock: FixedClock) -> None:
    state = machine.pause(running(clock), HOST, clock.now())
    clock.advance(minutes(3))
    state = machine.end(state, HOST, clock.now(), can_manage_threads=False)
    announcements = due(state, clock.now())
    assert [a.kind for a in announcements] == [Kind.SCORECARD]


# -- the lobby message: one edit owed per revision of what it shows --------------------------

def test_a_roster_host_or_pair_change_is_a_lobby_revision(clock: FixedClock) -> None:
    before = lobby(clock)
    joined = revised(before, roles.join(before, 7, Role.OBSERVER, clock.now()))
    assert joined.lobby_revision == before.lobby_revision + 1
    paired = revised(joined, roles.set_pair_mode(joined, HOST, True, clock.now()))
    assert paired.lobby_revision == joined.lobby_revision + 1
    handed = revised(paired, roles.leave(paired, HOST, clock.now()))  # the host passes on
    assert handed.host_user_id != HOST and handed.lobby_revision == paired.lobby_revision + 1


def test_activity_the_start_and_the_end_are_no_lobby_revision(clock: FixedClock) -> None:
    before = lobby(clock)
    clock.advance(minutes(1))
    assert revised(before, machine.record_activity(before, clock.now())) == \
        machine.record_activity(before, clock.now())
    started = machine.start(before, HOST, clock.now())
    assert revised(before, started).lobby_revision == before.lobby_revision  # lobby:running
    ended = roles.leave(machine.end(before, HOST, clock.now(), can_manage_threads=False),
                        CANDIDATE, clock.now())  # a roster change of an ended round
    assert ended.status is Status.ENDED and revised(before, ended) == ended


def test_only_the_newest_lobby_revision_is_owed_and_once(clock: FixedClock) -> None:
    state = lobby(clock)
    for user in (7, 8, 9):  # three joins, none of whose edits was claimed (a crash)
        state = revised(state, roles.join(state, user, Role.OBSERVER, clock.now()))
    owed = due(state, clock.now())
    assert [(a.key, a.kind) for a in owed] == [(f"lobby:{state.lobby_revision}", Kind.LOBBY)]
    claimed = replace(state, sent=state.sent | {owed[0].key})
    assert due(claimed, clock.now()) == ()
    ended = revised(state, machine.end(state, HOST, clock.now(), can_manage_threads=False))
    assert "lobby:" not in " ".join(a.key for a in due(ended, clock.now()))  # the closing edits it
