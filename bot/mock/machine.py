"""The mock-round state machine: lobby → running(phase i) ⇄ paused → ended.

Every function takes a ``MockState`` and the current instant and returns a new
``MockState``; none of them touch Discord, the database or the wall clock, so
each transition is unit-tested with a ``FixedClock``. Refusals raise
``BotError`` with the sentence the member should read. What to *announce*
after a transition is decided separately by ``timeline.settle``.

Each user-facing transition first calls ``deadlines.advance`` so it acts on the round
as it stands now, even if a timer is a few milliseconds late. Who plays which role, the
host, and who may drive the clock are ``roles.py``'s rules; this module asks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.errors import BotError
from bot.mock import deadlines, roles
from bot.mock.model import (
    PAIR_CANDIDATES,
    EndReason,
    MockState,
    Mode,
    Participant,
    PhaseSlot,
    Role,
    Status,
)

EXTEND_MIN_MINUTES = 1
EXTEND_MAX_MINUTES = 10


def new_session(
    host_user_id: int, minutes: Sequence[int], minute_seconds: float, now: datetime,
    mode: Mode = Mode.TEXT,
) -> MockState:
    """A lobby whose host watches until they pick a role."""
    return MockState(
        mode=mode,
        host_user_id=host_user_id,
        minute_seconds=minute_seconds,
        phases=tuple(PhaseSlot(i, box, box) for i, box in enumerate(minutes)),
        created_at=now,
        last_activity_at=now,
        participants=(Participant(host_user_id, Role.OBSERVER, now),),
    )


# -- the clock -----------------------------------------------------------------------------------


def start(state: MockState, user_id: int, now: datetime) -> MockState:
    """Start phase 1 now; a second press of Start is a no-op."""
    state = deadlines.touch(deadlines.advance(state, now), now)
    if state.status in (Status.RUNNING, Status.PAUSED):
        return state
    roles.refuse_if_ended(state)
    roles.require_host(state, user_id, "start the round")
    if not state.users_with(Role.CANDIDATE):
        raise BotError("The round needs a candidate first: someone presses **Join as candidate**.")
    if state.pair_mode and len(state.users_with(Role.CANDIDATE)) != PAIR_CANDIDATES:
        raise BotError(
            "Pair mode needs two candidates: a second member presses **Join as candidate**, "
            "or the host turns pair mode off."
        )
    phases = _lay_out(state, state.phases, 0, now)
    return replace(state, status=Status.RUNNING, started_at=now, phases=phases)


def next_phase(
    state: MockState, user_id: int, now: datetime, expected: int | None = None
) -> MockState:
    """End the current phase now; ending the last one ends the round.

    ``expected`` is the phase the member's command found running: a press ends only
    that phase. Two presses at the same instant both meant it, so the second finds it
    already over and is refused instead of skipping the next one.
    """
    state = deadlines.touch(deadlines.advance(state, now), now)
    index = _require_in_round(state)
    roles.require_controller(state, user_id, "move to the next phase")
    if expected is not None and index != expected:
        raise BotError(
            f"The round already moved on to phase {index + 1} just before you asked. "
            "Run `/mock next` again if you mean to end that one too."
        )
    cut = state.frozen_now(now)
    closed = replace(state.phases[index], deadline=cut, ended_at=cut)
    phases = _lay_out(state, _with_slot(state.phases, closed), index + 1, cut)
    state = replace(state, phases=phases)
    if index + 1 == len(phases):
        return deadlines.finish(state, now, EndReason.COMPLETED)
    return state


def pause(state: MockState, user_id: int, now: datetime) -> MockState:
    """Freeze the clock; pausing a paused round is a no-op."""
    state = deadlines.touch(deadlines.advance(state, now), now)
    _require_in_round(state)
    roles.require_controller(state, user_id, "pause the round")
    if state.status is Status.PAUSED:
        return state
    return replace(state, status=Status.PAUSED, paused_at=now, idle_paused=False)


def resume(state: MockState, user_id: int, now: datetime) -> MockState:
    """Restart the clock, moving every remaining deadline later by the paused time."""
    state = deadlines.touch(deadlines.advance(state, now), now)
    index = _require_in_round(state)
    roles.require_controller(state, user_id, "resume the round")
    if state.status is Status.RUNNING or state.paused_at is None:
        return state
    return _unpause(state, index, state.paused_at, now)


def _unpause(state: MockState, index: int, paused_at: datetime, now: datetime) -> MockState:
    """Running again from ``now``: every remaining deadline moves by the paused time."""
    shift = now - paused_at
    phases = tuple(slot.shifted(shift) if slot.index >= index else slot for slot in state.phases)
    return replace(state, status=Status.RUNNING, paused_at=None, idle_paused=False, phases=phases)


def extend(state: MockState, user_id: int, minutes: int, now: datetime) -> MockState:
    """Give the current phase ``minutes`` more; later deadlines move with it."""
    state = deadlines.touch(deadlines.advance(state, now), now)
    index = _require_in_round(state)
    roles.require_controller(state, user_id, "extend the phase")
    if not EXTEND_MIN_MINUTES <= minutes <= EXTEND_MAX_MINUTES:
        raise BotError(
            f"Extend by {EXTEND_MIN_MINUTES}-{EXTEND_MAX_MINUTES} minutes at a time."
        )
    slot = state.phases[index]
    if slot.deadline is None:
        return state
    deadline = slot.deadline + state.minutes(minutes)
    longer = replace(slot, minutes=slot.minutes + minutes, deadline=deadline)
    phases = _lay_out(state, _with_slot(state.phases, longer), index + 1, deadline)
    return replace(state, phases=phases)


def end(state: MockState, user_id: int, now: datetime, *, can_manage_threads: bool) -> MockState:
    """End the round now (host or a member with Manage Threads)."""
    state = deadlines.advance(state, now)
    roles.refuse_if_ended(state)
    if user_id != state.host_user_id and not can_manage_threads:
        raise BotError("Only the host or a member with Manage Threads can end the round.")
    return deadlines.finish(deadlines.touch(state, now), now, EndReason.ENDED)


def thread_deleted(state: MockState, now: datetime) -> MockState:
    """The thread is gone: end the round so it stops holding a slot and a timer."""
    if state.status is Status.ENDED:
        return state
    return deadlines.finish(state, now, EndReason.THREAD_DELETED)


def record_activity(state: MockState, now: datetime) -> MockState:
    """Note that someone did something, which keeps the round from idling."""
    return deadlines.touch(deadlines.advance(state, now), now)


def keep_going(state: MockState, user_id: int, now: datetime) -> MockState:
    """The idle warning's **Continue**: any participant keeps a quiet round running.

    Before the idle pause it counts as activity; after it, it resumes the round (a
    pause that nobody chose needs no host to undo). A pause the host or an
    interviewer chose stays theirs to lift with ``/mock resume``.
    """
    state = deadlines.advance(state, now)
    index = _require_in_round(state)
    if state.role_of(user_id) is None and user_id != state.host_user_id:
        raise BotError("Only the round's participants can keep it going.")
    if state.status is Status.PAUSED:
        if not state.idle_paused or state.paused_at is None:
            raise BotError("The round was paused on purpose; the host or an interviewer "
                           "runs `/mock resume`.")
        state = _unpause(state, index, state.paused_at, now)
    return deadlines.touch(state, now)


# -- helpers ---------------------------------------------------------------------------------


def _lay_out(
    state: MockState, phases: tuple[PhaseSlot, ...], first: int, start_at: datetime
) -> tuple[PhaseSlot, ...]:
    """Chain phases ``first..`` back to back from ``start_at``: each starts at the last deadline."""
    laid = list(phases)
    cursor = start_at
    for slot in phases[first:]:
        deadline = cursor + state.minutes(slot.minutes)
        laid[slot.index] = replace(slot, started_at=cursor, deadline=deadline, ended_at=None)
        cursor = deadline
    return tuple(laid)


def _with_slot(phases: tuple[PhaseSlot, ...], slot: PhaseSlot) -> tuple[PhaseSlot, ...]:
    return tuple(slot if p.index == slot.index else p for p in phases)


def _require_in_round(state: MockState) -> int:
    index = state.current_index()
    if state.status is Status.LOBBY:
        raise BotError("The round has not started yet; the host presses **Start**.")
    roles.refuse_if_ended(state)
    if index is None:
        raise BotError("This round has no phase running.")
    return index


