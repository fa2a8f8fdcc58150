"""What a round should announce, and when: a pure function of its stored instants.

Every announcement has a key unique within its session (``phase:2``,
``warning:2:15``, ``scorecard``). The service claims a key in the database
before posting, so whatever crashes or restarts happen, an announcement is
posted at most once, and ``due`` recomputes from the stored deadlines anything
not yet claimed, so none is lost. Announcements that belong to a phase which
ended while nobody could post (the bot was down) are not replayed one by one:
they are folded into a single catch-up message.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from bot.mock.deadlines import abandon_deadline, idle_deadline, idle_warning_at
from bot.mock.model import WARNING_MINUTES, MockState, PhaseSlot, Status


class Kind(StrEnum):
    BRIEF = "brief"
    PHASE = "phase"
    PROBE = "probe"
    WARNING = "warning"
    CATCH_UP = "catch_up"
    IDLE_WARNING = "idle_warning"
    IDLE_PAUSE = "idle_pause"
    SCORECARD = "scorecard"
    LOBBY = "lobby"  # the lobby message edited: its roster changed, or the round started
    CANCELLED = "cancelled"  # a lobby ended before it started: no scorecard


@dataclass(frozen=True)
class Announcement:
    """A message the round owes the thread.

    ``claims`` are the keys to record atomically before posting: the
    announcement's own key plus, for a catch-up, the stale keys it replaces.
    ``missed_phases`` lists, for a catch-up, the phases that ran while the bot
    could not post.
    """

    key: str
    kind: Kind
    at: datetime
    phase_index: int | None = None
    claims: tuple[str, ...] = ()
    missed_phases: tuple[int, ...] = ()


@dataclass(frozen=True)
class Settled:
    """The announcements due now and when the round next needs attention."""

    announcements: tuple[Announcement, ...]
    wake_at: datetime | None


def settle(state: MockState, now: datetime) -> Settled:
    """Everything to post at ``now`` (in order) and the next instant to look again."""
    return Settled(due(state, now), next_wakeup(state, now))


def revised(before: MockState, after: MockState) -> MockState:
    """``after`` with its lobby revision moved on when the lobby message would show
    something new: a changed roster, host or pair mode on a round that has not ended.

    The start and the end edit the lobby through their own announcements
    (``lobby:running``, the closing), so a status change alone is no revision."""
    shown_before = (before.participants, before.host_user_id, before.pair_mode)
    shown_after = (after.participants, after.host_user_id, after.pair_mode)
    if after.status is Status.ENDED or shown_before == shown_after:
        return after
    return replace(after, lobby_revision=before.lobby_revision + 1)


def lobby_key(revision: int) -> str:
    """The announcement key of the lobby edit that ``revision`` owes."""
    return f"lobby:{revision}"


def _lobby_edit(state: MockState) -> list[Announcement]:
    """The edit the latest lobby revision owes; earlier unclaimed ones are folded into it
    (an edit shows the round as it stands, so only the newest matters)."""
    if state.lobby_revision == 0 or state.status is Status.ENDED:
        return []
    return [Announcement(lobby_key(state.lobby_revision), Kind.LOBBY, state.created_at)]


def scheduled(state: MockState) -> list[Announcement]:
    """Every announcement the round's current instants imply, claimed or not, in time order."""
    if state.started_at is None:
        if state.status is Status.ENDED and state.ended_at is not None:
            return [Announcement("cancelled", Kind.CANCELLED, state.ended_at)]
        return _lobby_edit(state)
    events = [*_lobby_edit(state), Announcement("brief", Kind.BRIEF, state.started_at, 0),
              Announcement("lobby:running", Kind.LOBBY, state.started_at)]
    for slot in state.phases:
        events.extend(_phase_events(state, slot))
    warn_at = idle_warning_at(state)
    if state.status is Status.RUNNING and warn_at is not None:
        # One warning per quiet stretch: any activity moves last_activity_at, and with it the key.
        key = f"idle_warning:{state.last_activity_at.isoformat()}"
        events.append(Announcement(key, Kind.IDLE_WARNING, warn_at))
    if state.status is Status.PAUSED and state.idle_paused and state.paused_at is not None:
        key = f"idle_pause:{state.paused_at.isoformat()}"
        events.append(Announcement(key, Kind.IDLE_PAUSE, state.paused_at))
    if state.status is Status.ENDED and state.ended_at is not None:
        events.append(Announcement("scorecard", Kind.SCORECARD, state.ended_at))
    return sorted(events, key=lambda event: event.at)


def _phase_events(state: MockState, slot: PhaseSlot) -> list[Announcement]:
    """Start, mid-phase probe and warning, each only if it falls inside the phase as run."""
    if slot.started_at is None or slot.deadline is None:
        return []
    i = slot.index
    probe_at = slot.started_at + state.minutes(slot.minutes / 2)
    candidates = [
        Announcement(f"phase:{i}", Kind.PHASE, slot.started_at, i),
        Announcement(f"probe:{i}", Kind.PROBE, probe_at, i),
    ]
    warn_at = slot.started_at + state.minutes(slot.minutes - WARNING_MINUTES)
    if warn_at > slot.started_at:
        candidates.append(Announcement(f"warning:{i}:{slot.minutes}", Kind.WARNING, warn_at, i))
    return [
        event for event in candidates
        if event.kind is Kind.PHASE or event.at < slot.deadline
    ]


def due(state: MockState, now: datetime) -> tuple[Announcement, ...]:
    """Unclaimed announcements whose time has come, stale ones folded into one catch-up."""
    clock = state.frozen_now(now)
    pending = [e for e in scheduled(state) if e.key not in state.sent and e.at <= clock]
    stale = [e for e in pending if _phase_over(state, e, clock)]
    live = [e for e in pending if e not in stale]
    if not stale:
        return tuple(_claiming_itself(e) for e in live)
    missed = tuple(sorted({e.phase_index for e in stale if e.phase_index is not None}))
    last = max(missed)
    catch_up = Announcement(
        f"catch_up:{last}",
        Kind.CATCH_UP,
        clock,
        last,
        claims=(f"catch_up:{last}", *(e.key for e in stale)),
        missed_phases=missed,
    )
    return (catch_up, *(_claiming_itself(e) for e in live))


def _phase_over(state: MockState, event: Announcement, clock: datetime) -> bool:
    if event.kind not in (Kind.BRIEF, Kind.PHASE, Kind.PROBE, Kind.WARNING):
        return False
    if event.phase_index is None:
        return False
    ended_at = state.phases[event.phase_index].ended_at
    return ended_at is not None and ended_at <= clock and event.at < ended_at


def _claiming_itself(event: Announcement) -> Announcement:
    return Announcement(event.key, event.kind, event.at, event.phase_index, (event.key,))


def next_wakeup(state: MockState, now: datetime) -> datetime | None:
    """The next instant at which ``advance``/``due`` could produce something new."""
    if state.status is Status.ENDED:
        return None
    candidates = [abandon_deadline(state)]
    if state.status is Status.RUNNING:
        candidates.append(idle_deadline(state))  # None for a voice round: never idles
        candidates.extend(
            e.at for e in scheduled(state) if e.key not in state.sent and e.at > now
        )
        index = state.current_index()
        if index is not None:
            candidates.append(state.phases[index].deadline)
    return min((at for at in candidates if at is not None), default=None)
