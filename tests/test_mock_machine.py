"""Every transition of the mock-round state machine, with a FixedClock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.errors import BotError
from bot.mock import deadlines, machine, roles
from bot.mock.model import EndReason, Role, Status
from tests.test_mock_support import (
    CANDIDATE,
    GUIDE_MINUTES,
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


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


# -- lobby -----------------------------------------------------------------------------------


def test_new_session_makes_the_host_a_watcher(clock: FixedClock) -> None:
    state = machine.new_session(HOST, GUIDE_MINUTES, 60, clock.now())
    assert state.status is Status.LOBBY
    assert state.role_of(HOST) is Role.OBSERVER
    assert [slot.minutes for slot in state.phases] == list(GUIDE_MINUTES)


def test_joining_twice_is_idempotent_and_switching_keeps_join_order(clock: FixedClock) -> None:
    state = lobby(clock)
    assert roles.join(state, WATCHER, Role.OBSERVER, clock.now()).participants == (
        state.participants
    )
    switched = roles.join(state, WATCHER, Role.BAR_RAISER, clock.now())
    assert switched.role_of(WATCHER) is Role.BAR_RAISER
    assert [p.user_id for p in switched.participants] == [p.user_id for p in state.participants]


def test_second_candidate_is_refused_unless_pair_mode(clock: FixedClock) -> None:
    state = lobby(clock)
    with pytest.raises(BotError, match="already has a candidate"):
        roles.join(state, STRANGER, Role.CANDIDATE, clock.now())
    with pytest.raises(BotError, match="Only the host"):
        roles.set_pair_mode(state, STRANGER, True, clock.now())
    paired = roles.set_pair_mode(state, HOST, True, clock.now())
    paired = roles.join(paired, STRANGER, Role.CANDIDATE, clock.now())
    assert paired.users_with(Role.CANDIDATE) == (CANDIDATE, STRANGER)


def test_host_leaving_hands_over_to_the_longest_standing_participant(clock: FixedClock) -> None:
    state = lobby(clock)
    state = roles.leave(state, HOST, clock.now())
    assert state.host_user_id == CANDIDATE
    assert state.role_of(HOST) is None
    assert roles.leave(state, HOST, clock.now()) == state  # a second press changes nothing


def test_start_needs_the_host_and_a_candidate(clock: FixedClock) -> None:
    state = lobby(clock)
    with pytest.raises(BotError, match="Only the host can start"):
        machine.start(state, INTERVIEWER, clock.now())
    no_candidate = roles.leave(state, CANDIDATE, clock.now())
    with pytest.raises(BotError, match="needs a candidate"):
        machine.start(no_candidate, HOST, clock.now())


def test_start_lays_phases_back_to_back_and_a_second_press_changes_nothing(
    clock: FixedClock,
) -> None:
    state = machine.start(lobby(clock), HOST, clock.now())
    assert state.status is Status.RUNNING and state.current_index() == 0
    deadlines = [slot.deadline for slot in state.phases]
    assert deadlines == [T0 + minutes(m) for m in (5, 15, 30, 40, 45)]
    clock.advance(1)
    assert machine.start(state, HOST, clock.now()).phases == state.phases


def test_controls_before_start_and_after_end_explain_themselves(clock: FixedClock) -> None:
    with pytest.raises(BotError, match="has not started"):
        machine.pause(lobby(clock), HOST, clock.now())
    ended = machine.end(running(clock), HOST, clock.now(), can_manage_threads=False)
    for attempt in (
        lambda: machine.next_phase(ended, HOST, clock.now()),
        lambda: roles.join(ended, STRANGER, Role.OBSERVER, clock.now()),
        lambda: machine.end(ended, HOST, clock.now(), can_manage_threads=True),
    ):
        with pytest.raises(BotError, match="has ended"):
            attempt()


# -- running ---------------------------------------------------------------------------------


def test_deadlines_passing_close_phases_at_their_deadlines(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(16))
    state = deadlines.advance(state, clock.now())
    assert state.current_index() == 2
    assert [slot.ended_at for slot in state.phases[:2]] == [T0 + minutes(5), T0 + minutes(15)]
    assert state.time_left(clock.now()) == minutes(14)


def test_next_ends_the_phase_now_and_pulls_later_deadlines_in(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(2))
    state = machine.next_phase(state, INTERVIEWER, clock.now())
    assert state.phases[0].ended_at == T0 + minutes(2)
    assert state.phases[0].used_seconds() == 120
    assert state.phases[1].started_at == T0 + minutes(2)
    assert state.phases[4].deadline == T0 + minutes(42)


def test_next_needs_host_or_interviewer(clock: FixedClock) -> None:
    state = running(clock)
    for user in (CANDIDATE, RAISER, WATCHER, STRANGER):
        with pytest.raises(BotError, match="host or an interviewer"):
            machine.next_phase(state, user, clock.now())


def test_next_on_the_last_phase_completes_the_round(clock: FixedClock) -> None:
    state = running(clock, (1, 1, 1, 1, 2))
    clock.advance(minutes(5))
    state = machine.next_phase(state, HOST, clock.now())
    assert state.status is Status.ENDED
    assert state.end_reason is EndReason.COMPLETED
    assert state.ended_at == clock.now()
    assert state.phases[4].used_seconds() == 60


def test_pause_freezes_time_and_resume_shifts_every_future_deadline(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(3))
    state = machine.pause(state, HOST, clock.now())
    clock.advance(minutes(20))
    assert deadlines.advance(state, clock.now()).current_index() == 0
    assert state.time_left(clock.now()) == minutes(2)
    state = machine.resume(state, INTERVIEWER, clock.now())
    assert state.time_left(clock.now()) == minutes(2)
    assert [slot.deadline for slot in state.phases] == [
        T0 + minutes(m + 20) for m in (5, 15, 30, 40, 45)
    ]


def test_pause_and_resume_twice_are_idempotent(clock: FixedClock) -> None:
    state = machine.pause(running(clock), HOST, clock.now())
    clock.advance(5)
    assert machine.pause(state, HOST, clock.now()).paused_at == T0
    resumed = machine.resume(state, HOST, clock.now())
    assert machine.resume(resumed, HOST, clock.now()).phases == resumed.phases


def test_pause_during_the_warning_keeps_the_warning_window(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(4))  # inside phase 1's last two minutes
    state = machine.pause(state, HOST, clock.now())
    clock.advance(minutes(30))
    state = machine.resume(state, HOST, clock.now())
    assert state.time_left(clock.now()) == minutes(1)


def test_extend_after_pause_moves_the_current_and_later_deadlines(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(1))
    state = machine.pause(state, HOST, clock.now())
    state = machine.extend(state, INTERVIEWER, 3, clock.now())
    assert state.status is Status.PAUSED
    assert state.time_left(clock.now()) == minutes(7)
    clock.advance(minutes(10))
    state = machine.resume(state, HOST, clock.now())
    assert state.phases[0].minutes == 8 and state.phases[0].planned_minutes == 5
    assert state.phases[0].deadline == T0 + minutes(18)
    assert state.phases[4].deadline == T0 + minutes(58)


@pytest.mark.parametrize("extra", [0, 11])
def test_extend_outside_1_to_10_is_refused(clock: FixedClock, extra: int) -> None:
    with pytest.raises(BotError, match="1-10"):
        machine.extend(running(clock), HOST, extra, clock.now())


def test_many_pauses_and_extends_accumulate_no_drift(clock: FixedClock) -> None:
    state = running(clock)
    for _ in range(50):
        clock.advance(timedelta(seconds=1.7))
        state = machine.pause(state, HOST, clock.now())
        clock.advance(timedelta(seconds=13.3))
        state = machine.resume(state, HOST, clock.now())
    state = machine.extend(state, HOST, 2, clock.now())
    paused_total = timedelta(seconds=50 * 13.3)
    assert state.phases[4].deadline == T0 + minutes(47) + paused_total


def test_next_while_paused_moves_on_but_stays_paused(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(2))
    state = machine.pause(state, HOST, clock.now())
    clock.advance(minutes(5))
    state = machine.next_phase(state, HOST, clock.now())
    assert state.status is Status.PAUSED and state.current_index() == 1
    assert state.phases[0].ended_at == T0 + minutes(2)
    assert state.time_left(clock.now()) == minutes(10)


# -- ending ----------------------------------------------------------------------------------


def test_end_needs_host_or_manage_threads(clock: FixedClock) -> None:
    state = running(clock)
    with pytest.raises(BotError, match="Manage Threads"):
        machine.end(state, INTERVIEWER, clock.now(), can_manage_threads=False)
    ended = machine.end(state, INTERVIEWER, clock.now(), can_manage_threads=True)
    assert ended.end_reason is EndReason.ENDED


def test_end_while_paused_counts_time_only_up_to_the_pause(clock: FixedClock) -> None:
    state = running(clock)
    clock.advance(minutes(7))
    state = machine.pause(state, HOST, clock.now())
    clock.advance(minutes(40))
    state = machine.end(state, HOST, clock.now(), can_manage_threads=False)
    assert state.status is Status.ENDED and state.ended_at == clock.now()
    assert [slot.used_seconds() for slot in state.phases] == [300, 120, 0, 0, 0]
    assert state.phases[2].started_at is None


def test_thread_deleted_ends_any_live_round(clock: FixedClock) -> None:
    state = machine.thread_deleted(lobby(clock), clock.now())
    assert state.end_reason is EndReason.THREAD_DELETED
    assert machine.thread_deleted(state, clock.now()) == state


def test_last_deadline_passing_completes_the_round_at_that_deadline(clock: FixedClock) -> None:
    state = running(clock)
    for _ in range(9):  # activity every 5 minutes keeps it from idling
        clock.advance(minutes(5))
        state = machine.record_activity(state, clock.now())
    clock.advance(minutes(3))
    state = deadlines.advance(state, clock.now())
    assert state.status is Status.ENDED and state.ended_at == T0 + minutes(45)


# -- abandonment -----------------------------------------------------------------------------


def test_idle_round_pauses_at_the_instant_it_went_idle(clock: FixedClock) -> None:
    state = running(clock, (30, 30, 30, 30, 30))
    clock.advance(minutes(45))
    state = deadlines.advance(state, clock.now())
    assert state.status is Status.PAUSED and state.idle_paused
    assert state.paused_at == T0 + minutes(30)
    assert state.current_index() == 1  # phase 1 ended at 30, before the idle pause


def test_paused_a_day_ends_as_abandoned(clock: FixedClock) -> None:
    state = machine.pause(running(clock), HOST, clock.now())
    clock.advance(timedelta(hours=24))
    state = deadlines.advance(state, clock.now())
    assert state.status is Status.ENDED and state.end_reason is EndReason.ABANDONED
    assert state.ended_at == T0 + timedelta(hours=24)


def test_a_lobby_left_for_a_day_is_abandoned(clock: FixedClock) -> None:
    state = lobby(clock)
    clock.advance(timedelta(hours=23))
    assert deadlines.advance(state, clock.now()).status is Status.LOBBY
    clock.advance(timedelta(hours=1))
    assert deadlines.advance(state, clock.now()).end_reason is EndReason.ABANDONED
