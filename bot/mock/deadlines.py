"""How time moves a mock round on its own: phases close at their deadlines, a quiet text
round pauses, a lobby or paused round left alone ends, and the instants each happens at.

Pure functions over ``MockState`` like ``machine.py`` (the transitions members make) and
``roles.py`` (who plays what): both call ``advance`` first, so every transition acts on the
round as it stands now, and ``timeline.py`` reads the deadlines to arm the next timer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.mock.model import (
    ABANDON_MINUTES,
    IDLE_MINUTES,
    IDLE_WARNING_MINUTES,
    EndReason,
    MockState,
    Mode,
    PhaseSlot,
    Status,
)


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


def touch(state: MockState, now: datetime) -> MockState:
    """Note activity at ``now`` (what keeps a round from idling); an ended round stays ended."""
    if state.status is Status.ENDED:
        return state
    return replace(state, last_activity_at=max(state.last_activity_at, now))


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
