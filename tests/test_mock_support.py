"""Builders shared by the mock tests (no tests here): a round at a known instant and cast."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.clock import FixedClock
from bot.mock import deadlines, machine, roles
from bot.mock.model import MockState, Role
from bot.mock.timeline import settle

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
HOST, CANDIDATE, INTERVIEWER, RAISER, WATCHER, STRANGER = 1, 2, 3, 4, 5, 99
GUIDE_MINUTES = (5, 10, 15, 10, 5)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


def lobby(clock: FixedClock, box: tuple[int, ...] = GUIDE_MINUTES) -> MockState:
    """A lobby with a candidate, an interviewer, a bar raiser and a watcher (host watching)."""
    state = machine.new_session(HOST, box, 60, clock.now())
    for user, role in (
        (CANDIDATE, Role.CANDIDATE),
        (INTERVIEWER, Role.INTERVIEWER),
        (RAISER, Role.BAR_RAISER),
        (WATCHER, Role.OBSERVER),
    ):
        state = roles.join(state, user, role, clock.now())
    return state


def running(clock: FixedClock, box: tuple[int, ...] = GUIDE_MINUTES) -> MockState:
    """A round started at ``clock.now()`` whose start announcements are already posted."""
    state = machine.start(lobby(clock, box), HOST, clock.now())
    return post_due(state, clock)[0]


def post_due(state: MockState, clock: FixedClock) -> tuple[MockState, list[str]]:
    """Do what the service does: advance, claim every due announcement, return their keys."""
    state = deadlines.advance(state, clock.now())
    settled = settle(state, clock.now())
    keys = [a.key for a in settled.announcements]
    claimed: Iterable[str] = (key for a in settled.announcements for key in a.claims)
    return replace(state, sent=state.sent | frozenset(claimed)), keys


def keep_active(state: MockState, clock: FixedClock) -> MockState:
    return machine.record_activity(state, clock.now())
