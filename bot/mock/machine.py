"""The mock-round state machine: lobby → running(phase i) ⇄ paused → ended.

Every function takes a ``MockState`` and the current instant and returns a new
``MockState``; none of them touch Discord, the database or the wall clock, so
each transition is unit-tested with a ``FixedClock``. Refusals raise
``BotError`` with the sentence the member should read. What to *announce*
after a transition is decided separately by ``timeline.settle``.

Each user-facing transition first calls ``advance`` so it acts on the round as
it stands now, even if a timer is a few milliseconds late. Who plays which role,
and the host, change in ``roles.py``, which uses the guards at the end of this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.errors import BotError
from bot.mock.model import (
    ABANDON_MINUTES,
    IDLE_MINUTES,
    IDLE_WARNING_MINUTES,
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


# -- clock -----------------------------------------------------------------------------------


def start(state: MockState, user_id: int, now: datetime) -> MockState:
    """Start phase 1 now; a second press of Start is a no-op."""
    state = touch(advance(state, now), now)
    if state.status in (Status.RUNNING, Status.PAUSED):
        return state
    refuse_if_ended(state)
    require_host(state, user_id, "start the round")
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
    state = touch(advance(state, now), now)
    index = _require_in_round(state)
    _require_controller(state, user_id, "move to the next phase")
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
        return finish(state, now, EndReason.COMPLETED)
    return state


def pause(state: MockState, user_id: int, now: datetime) -> MockState:
    """Freeze the clock; pausing a paused round is a no-op."""
    state = touch(advance(state, now), now)
    _require_in_round(state)
    _require_controller(state, user_id, "pause the round")
    if state.status is Status.PAUSED:
        return state
    return replace(state, status=Status.PAUSED, paused_at=now, idle_paused=False)


def resume(state: MockState, user_id: int, now: datetime) -> MockState:
    """Restart the clock, moving every remaining deadline later by the paused time."""
    state = touch(advance(state, now), now)
    index = _require_in_round(state)
    _require_controller(state, user_id, "resume the round")
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
    state = touch(advance(state, now), now)
    index = _require_in_round(state)
    _require_controller(state, user_id, "extend the phase")
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
    state = advance(state, now)
    refuse_if_ended(state)
    if user_id != state.host_user_id and not can_manage_threads:
        raise BotError("Only the host or a member with Manage Threads can end the round.")
    return finish(touch(state, now), now, EndReason.ENDED)


def thread_deleted(state: MockState, now: datetime) -> MockState:
    """The thread is gone: end the round so it stops holding a slot and a timer."""
    if state.status is Status.ENDED:
        return state
    return finish(state, now, EndReason.THREAD_DELETED)


def record_activity(state: MockState, now: datetime) -> MockState:
    """Note that someone did something, which keeps the round from idling."""
    return touch(advance(state, now), now)


def keep_going(state: MockState, user_id: int, now: datetime) -> MockState:
    """The idle warning's **Continue**: any participant keeps a quiet round running.

    Before the idle pause it counts as activity; after it, it resumes the round (a
    pause that nobody chose needs no host to undo). A pause the host or an
    interviewer chose stays theirs to lift with ``/mock resume``.
    """
    state = advance(state, now)
    index = _require_in_round(state)
    if state.role_of(user_id) is None and user_id != state.host_user_id:
        raise BotError("Only the round's participants can keep it going.")
    if state.status is Status.PAUSED:
        if not state.idle_paused or state.paused_at is None:
            raise BotError("The round was paused on purpose; the host or an interviewer "
                           "runs `/mock resume`.")
        state = _unpause(state, index, state.paused_at, now)
    return touch(state, now)


def advance(state: MockState, now: datetime) -> MockState:
    """Apply everything the passage of time implies up to ``now``.

    Phases whose deadlines passed are closed at their deadlines; a round with no
    activity for ``IDLE_MINUTES`` pauses at the instant it went idle (not at
    ``now``, so a late check costs the group no time); a round paused, or a lobby
    left, for ``ABANDON_MINUTES`` ends. Pure and idempotent.
    """
    if state.status is Status.LOBBY:
        if now >= state.last_activity_at + state.minutes(ABANDON_MINUTES):
            return finish(state, now, EndReason.ABANDONED)
        return state
    if state.status is Status.RUNNING:
        state = _advance_running(state, now)
    if state.status is Status.PAUSED and state.paused_at is not None:
        abandon_at = state.paused_at + state.minutes(ABANDON_MINUTES)
        if now >= abandon_at:
            return finish(state, abandon_at, EndReason.ABANDONED)
    return state


def _advance_running(state: MockState, now: datetime) -> MockState:
    idle_at = idle_deadline(state)
    horizon = now if idle_at is None else min(now, idle_at)
    phases = list(state.phases)
    for slot in phases:
        if slot.ended_at is None and slot.deadline is not None and slot.deadline <= horizon:
            phases[slot.index] = replace(slot, ended_at=slot.deadline)
    state = replace(state, phases=tuple(phases))
    last_deadline = phases[-1].deadline
    if phases[-1].ended_at is not None and last_deadline is not None:
        return replace(
            state, status=Status.ENDED, ended_at=last_deadline, end_reason=EndReason.COMPLETED
        )
    if idle_at is not None and idle_at <= now:
        return replace(state, status=Status.PAUSED, paused_at=idle_at, idle_paused=True)
    return state


# -- helpers ---------------------------------------------------------------------------------


def finish(state: MockState, now: datetime, reason: EndReason) -> MockState:
    """Close the current phase where the round's clock stands and drop unreached phases."""
    cut = state.frozen_now(now)
    phases = []
    for slot in state.phases:
        if slot.ended_at is not None:
            phases.append(slot)
        elif slot.started_at is not None and slot.started_at <= cut:
            phases.append(replace(slot, deadline=cut, ended_at=cut))
        else:
            phases.append(PhaseSlot(slot.index, slot.planned_minutes, slot.minutes))
    return replace(
        state, status=Status.ENDED, ended_at=now, end_reason=reason, phases=tuple(phases),
        paused_at=None,
    )


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


def touch(state: MockState, now: datetime) -> MockState:
    if state.status is Status.ENDED:
        return state
    return replace(state, last_activity_at=max(state.last_activity_at, now))


def refuse_if_ended(state: MockState) -> None:
    if state.status is Status.ENDED:
        raise BotError("This round has ended. Start a new one with `/mock start`.")


def _require_in_round(state: MockState) -> int:
    index = state.current_index()
    if state.status is Status.LOBBY:
        raise BotError("The round has not started yet; the host presses **Start**.")
    refuse_if_ended(state)
    if index is None:
        raise BotError("This round has no phase running.")
    return index


def require_host(state: MockState, user_id: int, action: str) -> None:
    if user_id != state.host_user_id:
        raise BotError(f"Only the host can {action}.")


def _require_controller(state: MockState, user_id: int, action: str) -> None:
    if user_id != state.host_user_id and state.role_of(user_id) is not Role.INTERVIEWER:
        raise BotError(f"Only the host or an interviewer can {action}.")


def idle_deadline(state: MockState) -> datetime | None:
    """When a running text round would pause itself for lack of activity.

    ``None`` for a voice round: its people talk in the voice channel, so a quiet
    thread says nothing about whether the round is alive.
    """
    if state.mode is Mode.VOICE:
        return None
    return state.last_activity_at + state.minutes(IDLE_MINUTES)


def idle_warning_at(state: MockState) -> datetime | None:
    """When a running text round warns that it is about to pause itself (``None``: never)."""
    idle_at = idle_deadline(state)
    if idle_at is None:
        return None
    return idle_at - state.minutes(IDLE_WARNING_MINUTES)


def abandon_deadline(state: MockState) -> datetime | None:
    """When a lobby or paused round would end as abandoned (``None`` if it cannot)."""
    if state.status is Status.LOBBY:
        return state.last_activity_at + state.minutes(ABANDON_MINUTES)
    if state.status is Status.PAUSED and state.paused_at is not None:
        return state.paused_at + state.minutes(ABANDON_MINUTES)
    return None


