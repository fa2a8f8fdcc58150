"""The data of one mock round: who is in it and where its clock stands.

Everything here is an immutable value. The state machine (``machine.py``)
returns new values instead of mutating, so a transition can be computed,
checked and persisted as one unit, and tests can compare before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

WARNING_MINUTES = 2
"""Session minutes before a phase deadline at which the group is warned."""

IDLE_MINUTES = 30
"""Session minutes without activity after which a running text round pauses itself."""

IDLE_WARNING_MINUTES = 2
"""Session minutes before the idle pause at which a text round warns, with a Continue button."""

PAIR_CANDIDATES = 2
"""Pair mode is two candidates: exactly two, no more, no fewer."""

ABANDON_MINUTES = 24 * 60
"""Session minutes a round may stay paused (or sit in its lobby) before it ends."""


class Status(StrEnum):
    LOBBY = "lobby"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class Mode(StrEnum):
    """How the group talks: typing in the thread, or speaking in a voice channel."""

    TEXT = "text"
    VOICE = "voice"


class Role(StrEnum):
    CANDIDATE = "candidate"
    INTERVIEWER = "interviewer"
    BAR_RAISER = "bar_raiser"
    OBSERVER = "observer"


class EndReason(StrEnum):
    COMPLETED = "completed"
    ENDED = "ended"
    ABANDONED = "abandoned"
    THREAD_DELETED = "thread_deleted"


@dataclass(frozen=True)
class Participant:
    user_id: int
    role: Role
    joined_at: datetime


@dataclass(frozen=True)
class PhaseSlot:
    """One phase's box and its absolute instants.

    ``started_at`` is the *effective* start: resuming after a pause moves it
    later by the paused time, so ``deadline - started_at`` is always the box and
    ``ended_at - started_at`` the active time used. Future phases carry planned
    instants that every pause, extension and early end shifts, which keeps all
    deadlines absolute and free of accumulated drift. A phase the round never
    reached has ``started_at`` and ``deadline`` of ``None``.
    """

    index: int
    planned_minutes: int
    minutes: int
    started_at: datetime | None = None
    deadline: datetime | None = None
    ended_at: datetime | None = None

    def shifted(self, delta: timedelta) -> PhaseSlot:
        """This phase with its planned instants moved by ``delta`` (ended phases stay put)."""
        if self.ended_at is not None or self.started_at is None or self.deadline is None:
            return self
        return PhaseSlot(
            self.index,
            self.planned_minutes,
            self.minutes,
            self.started_at + delta,
            self.deadline + delta,
        )

    def used_seconds(self) -> float:
        """Active seconds the phase ran (0 for a phase the round never reached)."""
        if self.started_at is None or self.ended_at is None:
            return 0.0
        return max(0.0, (self.ended_at - self.started_at).total_seconds())


@dataclass(frozen=True)
class MockState:
    """Everything the state machine needs to decide what happens next."""

    host_user_id: int
    minute_seconds: float
    phases: tuple[PhaseSlot, ...]
    created_at: datetime
    last_activity_at: datetime
    status: Status = Status.LOBBY
    participants: tuple[Participant, ...] = ()
    pair_mode: bool = False
    started_at: datetime | None = None
    paused_at: datetime | None = None
    idle_paused: bool = False
    ended_at: datetime | None = None
    end_reason: EndReason | None = None
    sent: frozenset[str] = field(default_factory=frozenset)
    mode: Mode = Mode.TEXT
    lobby_revision: int = 0
    """How many times what the lobby message shows (roster, host, pair mode) has changed:
    saved with the change, so the edit it owes (``lobby:<revision>``) is claimed like
    any announcement and re-driven after a crash between the save and the claim."""

    def minutes(self, count: float) -> timedelta:
        """``count`` session minutes as a real duration (scaled by ``minute_seconds``)."""
        return timedelta(seconds=count * self.minute_seconds)

    def role_of(self, user_id: int) -> Role | None:
        return next((p.role for p in self.participants if p.user_id == user_id), None)

    def users_with(self, role: Role) -> tuple[int, ...]:
        return tuple(p.user_id for p in self.participants if p.role is role)

    def current_index(self) -> int | None:
        """The running phase: the first one not yet ended, or ``None`` outside a round."""
        if self.status not in (Status.RUNNING, Status.PAUSED):
            return None
        return next((slot.index for slot in self.phases if slot.ended_at is None), None)

    def frozen_now(self, now: datetime) -> datetime:
        """The instant the round's clock reads: time stands still while paused."""
        if self.status is Status.PAUSED and self.paused_at is not None:
            return self.paused_at
        if self.status is Status.ENDED and self.ended_at is not None:
            return min(now, self.ended_at)
        return now

    def time_left(self, now: datetime) -> timedelta | None:
        """Time left in the current phase, frozen while paused."""
        index = self.current_index()
        if index is None:
            return None
        deadline = self.phases[index].deadline
        if deadline is None:
            return None
        return max(timedelta(0), deadline - self.frozen_now(now))


class Vote(StrEnum):
    STRONG_HIRE = "strong_hire"
    HIRE = "hire"
    NO_HIRE = "no_hire"
    STRONG_NO_HIRE = "strong_no_hire"


@dataclass(frozen=True)
class MockSession:
    """A stored round: where it lives in Discord, what it asks, and its state."""

    session_id: int
    guild_id: int
    channel_id: int
    thread_id: int | None
    lobby_message_id: int | None
    question_id: str
    length_minutes: int
    state: MockState
    voice_channel_id: int | None = None


@dataclass(frozen=True)
class TranscriptEntry:
    phase_index: int
    author_user_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Note:
    """An interviewer's or bar raiser's note; private ones reach only the candidate."""

    phase_index: int | None
    author_user_id: int
    text: str
    created_at: datetime
    public: bool = False


@dataclass(frozen=True)
class Score:
    scorer_user_id: int
    candidate_user_id: int
    item_id: str
    met: bool


@dataclass(frozen=True)
class CastVote:
    voter_user_id: int
    candidate_user_id: int
    vote: Vote


@dataclass(frozen=True)
class Decision:
    """The bar raiser's final call on a candidate, with a one-line reason."""

    candidate_user_id: int
    decided_by_user_id: int
    call: Vote
    reason: str
    decided_at: datetime
