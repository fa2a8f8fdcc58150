"""``/mock export`` as a person reads it: names, plain durations, and each phase's record.

The journal gathers the round's rows (``ExportRecord``, with only the notes this
reader may see: ``bot.mock.feedback``); this module turns them into what the
Markdown template prints. Member names come from the cog (display names looked up
when the export is made, never stored), so a member who erased their data reads
as "a former member".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.content import Content, Question
from bot.mock.decision import CALL_LABELS
from bot.mock.model import (
    CastVote,
    Decision,
    MockSession,
    Note,
    Role,
    Score,
    TranscriptEntry,
)
from bot.mock.posts import probe_for
from bot.mock.scorecard import Scorecard

FORMER_MEMBER = "a former member"
ROLE_NAMES = {
    Role.CANDIDATE: "Candidate",
    Role.INTERVIEWER: "Interviewer",
    Role.BAR_RAISER: "Bar raiser",
    Role.OBSERVER: "Watching",
}


def duration(seconds: float) -> str:
    """``2 min 50 s``, ``45 s``, ``5 min``: whole seconds, minutes when there are any."""
    total = max(0, round(seconds))
    minutes, rest = divmod(total, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


@dataclass(frozen=True)
class ExportRecord:
    """Everything stored about a round that ``reader_user_id`` may see."""

    session: MockSession
    question: Question
    reader_user_id: int
    transcript: tuple[TranscriptEntry, ...]
    notes: tuple[Note, ...]
    scores: tuple[Score, ...]
    votes: tuple[CastVote, ...]
    decisions: tuple[Decision, ...]
    scorecards: tuple[Scorecard, ...]


@dataclass(frozen=True)
class Line:
    who: str
    text: str
    at: str = ""
    private: bool = False


@dataclass(frozen=True)
class PhaseRecord:
    number: int
    name: str
    used: str
    box: str
    reached: bool
    answers: tuple[Line, ...]
    probes: tuple[str, ...]
    ticked: tuple[str, ...]
    missing: tuple[str, ...]
    notes: tuple[Line, ...]


@dataclass(frozen=True)
class Readable:
    """What ``mock/export.md.j2`` prints."""

    session_id: int
    title: str
    category: str
    brief: str
    scale: tuple[str, ...]
    status: str
    host: str
    people: tuple[tuple[str, str], ...]
    phases: tuple[PhaseRecord, ...]
    general_notes: tuple[Line, ...]
    scorecards: tuple[Scorecard, ...]
    candidate_names: Mapping[int, str]
    scores: tuple[str, ...]
    votes: tuple[str, ...]
    decisions: tuple[str, ...]
    with_private: bool


def _delivered(card: Scorecard | None, index: int, *, covered: bool) -> tuple[str, ...]:
    """A phase's deliverables that were (or weren't) delivered: by the panel's ticks in a
    voice round, else by what the typed answers covered."""
    if card is None:
        return ()
    if card.panel is not None:
        return tuple(line.name for line in card.panel.phases[index].lines
                     if line.covered == covered)
    phase = card.phases[index]
    return phase.covered if covered else phase.missing


def readable(record: ExportRecord, content: Content, names: Mapping[int, str]) -> Readable:
    """The round as lines of text, with every id turned into a display name."""
    state = record.session.state

    def name(user_id: int) -> str:
        return names.get(user_id) or FORMER_MEMBER

    def note_line(note: Note) -> Line:
        return Line(name(note.author_user_id), note.text, private=not note.public)

    rubric = content.rubric
    items = {item.id: item.name for item in rubric.checklist}
    seconds = 60.0 / state.minute_seconds  # real seconds to session seconds
    cards = {card.candidate_user_id: card for card in record.scorecards}
    first = next(iter(cards.values()), None)
    phases = []
    for slot in state.phases:
        probe = probe_for(content, record.question, slot.index, record.session.session_id)
        phases.append(PhaseRecord(
            number=slot.index + 1,
            name=rubric.phases[slot.index].name,
            used=duration(slot.used_seconds() * seconds),
            box=duration(slot.minutes * 60),
            reached=slot.started_at is not None,
            answers=tuple(Line(name(e.author_user_id), e.text, e.created_at.strftime("%H:%M:%S"))
                          for e in record.transcript if e.phase_index == slot.index),
            probes=(probe,) if f"probe:{slot.index}" in state.sent else (),
            ticked=_delivered(first, slot.index, covered=True),
            missing=_delivered(first, slot.index, covered=False),
            notes=tuple(note_line(n) for n in record.notes if n.phase_index == slot.index),
        ))
    with_private = any(not note.public for note in record.notes)
    return Readable(
        session_id=record.session.session_id,
        title=record.question.title,
        category=record.question.category,
        brief=record.question.brief,
        scale=tuple(record.question.scale),
        status=_status(record.session),
        host=name(state.host_user_id),
        people=tuple((ROLE_NAMES[p.role], name(p.user_id)) for p in state.participants),
        phases=tuple(phases),
        general_notes=tuple(note_line(n) for n in record.notes if n.phase_index is None),
        scorecards=record.scorecards,
        candidate_names={user_id: name(user_id) for user_id in cards},
        scores=tuple(
            f"{name(s.scorer_user_id)} on {name(s.candidate_user_id)}: "
            f"{items.get(s.item_id, s.item_id)} {'met' if s.met else 'not met'}"
            for s in record.scores
        ),
        votes=tuple(f"{name(v.voter_user_id)} on {name(v.candidate_user_id)}: "
                    f"{CALL_LABELS[v.vote]}" for v in record.votes),
        decisions=tuple(f"{CALL_LABELS[d.call]} for {name(d.candidate_user_id)}, by "
                        f"{name(d.decided_by_user_id)}: {d.reason}" for d in record.decisions),
        with_private=with_private,
    )


def people_in(record: ExportRecord) -> Sequence[int]:
    """Every member the export names (the cog looks up their display names)."""
    state = record.session.state
    ids = [state.host_user_id, *(p.user_id for p in state.participants)]
    ids += [e.author_user_id for e in record.transcript]
    ids += [n.author_user_id for n in record.notes]
    ids += [s.scorer_user_id for s in record.scores] + [v.voter_user_id for v in record.votes]
    ids += [d.decided_by_user_id for d in record.decisions]
    return list(dict.fromkeys(i for i in ids if i))


def _status(session: MockSession) -> str:
    state = session.state
    if state.end_reason is None:
        return {"lobby": "in the lobby", "running": "in progress",
                "paused": "paused"}.get(state.status.value, state.status.value)
    if state.started_at is None:
        return "cancelled before it started"
    return {"completed": "ran to its end", "ended": "ended early",
            "abandoned": "abandoned", "thread_deleted": "thread deleted"}[state.end_reason.value]
