"""Turn a due announcement into the template and variables that say it.

The service decides *what* each message carries (which phase, which probe,
which deadline); the templates in ``prompts/templates/mock/`` decide the words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.content import Content, Question
from bot.mock.model import (
    IDLE_MINUTES,
    IDLE_WARNING_MINUTES,
    WARNING_MINUTES,
    EndReason,
    MockSession,
    Role,
)
from bot.mock.notify import pings_for
from bot.mock.scorecard import Scorecard
from bot.mock.timeline import Announcement, Kind


@dataclass(frozen=True)
class Post:
    """A message for the round's thread: render ``template`` with ``variables``.

    ``mentions``: the only users it may ping (``bot.mock.notify``); the template names
    them as ``ping_ids``. A ``LOBBY`` post edits the lobby message instead of posting.
    """

    kind: Kind
    template: str
    variables: Mapping[str, object] = field(default_factory=dict)
    mentions: tuple[int, ...] = ()


def probe_for(content: Content, question: Question, phase_index: int, session_id: int) -> str:
    """The interviewer's mid-phase probe: the question's own probes for the phase first,
    then the key questions of the principles the question exercises.

    The session id picks one, so two groups on the same question hear different probes
    and a restart re-derives the same one.
    """
    phase_id = content.rubric.phases[phase_index].id
    pool = list(question.probes.get(phase_id, ()))
    for principle_id in question.principles:
        pool.extend(content.rubric.principle(principle_id).key_questions)
    if not pool:
        return "What breaks at 10x load?"
    return pool[session_id % len(pool)]


def posts_for(
    content: Content,
    session: MockSession,
    announcement: Announcement,
    scorecards: Sequence[Scorecard] = (),
    quiet: frozenset[int] = frozenset(),
) -> tuple[Post, ...]:
    """The messages for ``announcement``: one, or one scorecard per candidate.

    ``quiet``: participants who turned mock pings off (left out of ``mentions``).
    """
    pings = pings_for(announcement.kind, session.state, quiet)
    if announcement.kind is Kind.LOBBY:
        return (lobby_post(content, session),)
    if announcement.kind is Kind.CANCELLED:
        return (Post(Kind.CANCELLED, "mock/cancelled.md.j2", {"session_id": session.session_id}),)
    if announcement.kind is not Kind.SCORECARD:
        post = _post_for(content, session, announcement)
        return (Post(post.kind, post.template, {**post.variables, "ping_ids": pings}, pings),)
    common = {
        "question": content.question(session.question_id),
        "session_id": session.session_id,
        "end_reason": (session.state.end_reason or EndReason.ENDED).value,
        "ping_ids": pings,
    }
    cards: Sequence[Scorecard | None] = scorecards or [None]
    return tuple(
        Post(Kind.SCORECARD, "mock/scorecard.md.j2", {**common, "card": card}, pings)
        for card in cards
    )


def lobby_post(content: Content, session: MockSession) -> Post:
    """The lobby as the round stands now (an edit of the lobby message)."""
    return Post(Kind.LOBBY, "mock/lobby.md.j2", lobby_variables(content, session))


def _post_for(content: Content, session: MockSession, announcement: Announcement) -> Post:
    question = content.question(session.question_id)
    state = session.state
    common: dict[str, object] = {"question": question, "session_id": session.session_id,
                                 "voice_channel_id": session.voice_channel_id}
    kind = announcement.kind
    if kind is Kind.BRIEF:
        return Post(kind, "mock/brief.md.j2", {
            **common, "phases": content.rubric.phases, "minutes": _boxes(session),
        })
    if kind is Kind.CATCH_UP:
        missed = [content.rubric.phases[i].name for i in announcement.missed_phases]
        current = state.current_index()
        now_phase = content.rubric.phases[current].name if current is not None else None
        return Post(kind, "mock/catch_up.md.j2", {**common, "missed": missed,
                                                  "current": now_phase})
    if kind is Kind.IDLE_WARNING:
        return Post(kind, "mock/idle_warning.md.j2", {
            **common, "quiet_minutes": IDLE_MINUTES - IDLE_WARNING_MINUTES,
            "left": IDLE_WARNING_MINUTES,
        })
    if kind is Kind.IDLE_PAUSE:
        return Post(kind, "mock/idle_pause.md.j2", {**common, "idle_minutes": IDLE_MINUTES})
    index = announcement.phase_index if announcement.phase_index is not None else 0
    slot = state.phases[index]
    phase_vars = {
        **common,
        "phase": content.rubric.phases[index],
        "number": index + 1,
        "total": len(state.phases),
        "minutes": slot.minutes,
        "ends_at": slot.deadline,
    }
    if kind is Kind.PHASE:
        return Post(kind, "mock/phase.md.j2", phase_vars)
    if kind is Kind.WARNING:
        return Post(kind, "mock/warning.md.j2", {**phase_vars, "left": WARNING_MINUTES})
    probe = probe_for(content, question, index, session.session_id)
    return Post(kind, "mock/probe.md.j2", {**phase_vars, "probe": probe})


def _boxes(session: MockSession) -> list[int]:
    return [slot.minutes for slot in session.state.phases]


def roles_of(session: MockSession) -> dict[str, tuple[int, ...]]:
    """Participants grouped by role value, for the roster templates."""
    return {role.value: session.state.users_with(role) for role in Role}


def lobby_variables(content: Content, session: MockSession) -> dict[str, object]:
    """What ``mock/lobby.md.j2`` shows: the roster, the plan and whether it started."""
    return {
        "question": content.question(session.question_id),
        "session_id": session.session_id,
        "host_user_id": session.state.host_user_id,
        "length": session.length_minutes,
        "phases": content.rubric.phases,
        "minutes": _boxes(session),
        "roles": roles_of(session),
        "pair_mode": session.state.pair_mode,
        "status": session.state.status.value,
        "voice_channel_id": session.voice_channel_id,
        "suggested": None,
        "started": session.state.started_at is not None,
    }


def status_variables(
    content: Content, session: MockSession, now: datetime, undelivered: Sequence[object] = ()
) -> dict[str, object]:
    """What ``mock/status.md.j2`` shows: the phase, time left (frozen while paused), roles,
    and the round's posts the outbox could not deliver yet (``OutboxRow``s)."""
    state = session.state
    index = state.current_index()
    left = state.time_left(now)
    slot = state.phases[index] if index is not None else None
    return {
        "question": content.question(session.question_id),
        "session_id": session.session_id,
        "host_user_id": state.host_user_id,
        "status": state.status.value,
        "roles": roles_of(session),
        "number": index + 1 if index is not None else 0,
        "total": len(state.phases),
        "phase": content.rubric.phases[index] if index is not None else None,
        "ends_at": slot.deadline if slot else None,
        "left_minutes": round(left.total_seconds() / state.minute_seconds, 1) if left else 0,
        "undelivered": list(undelivered),
    }
