"""What people say and judge during a round: transcript, notes, scores, votes, export.

Kept apart from ``service.py`` (the clock and its announcements) because these
are plain records with role checks; each one also counts as activity, so a
round where the candidate keeps answering never pauses itself as idle.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import Phase, Question
from bot.errors import BotError
from bot.mock import machine
from bot.mock.model import (
    CastVote,
    MockSession,
    Note,
    PhaseSlot,
    Role,
    Score,
    Status,
    TranscriptEntry,
    Vote,
)
from bot.mock.scorecard import Scorecard, tally
from bot.mock.service import MockService

MAX_ENTRY_CHARS = 4000
NOTE_ROLES = (Role.INTERVIEWER, Role.BAR_RAISER)
SCORER_ROLES = (Role.OBSERVER, Role.BAR_RAISER, Role.INTERVIEWER)
VOTER_ROLES = (Role.INTERVIEWER, Role.BAR_RAISER)
# The repository stores nothing for a member who left the round (or erased their data)
# between the role check and the write; this is what they hear.
GONE = "You are no longer in this round, so nothing was saved."


@dataclass(frozen=True)
class ExportPhase:
    phase: Phase
    slot: PhaseSlot
    transcript: tuple[TranscriptEntry, ...]
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Export:
    """Everything ``mock/export.md.j2`` needs to write the round as a Markdown file."""

    session: MockSession
    question: Question
    phases: tuple[ExportPhase, ...]
    general_notes: tuple[Note, ...]
    scores: tuple[Score, ...]
    scorecards: tuple[Scorecard, ...]


class MockJournal:
    """Records of a round, checked against who plays which role."""

    def __init__(self, service: MockService) -> None:
        self.service = service
        self.repo = service.repo

    async def record_message(
        self, thread_id: int, user_id: int, message_id: int, text: str
    ) -> bool:
        """Record a candidate's thread message in the current phase; False if not recorded."""
        session = await self.repo.by_thread(thread_id)
        if session is None or session.state.role_of(user_id) is not Role.CANDIDATE:
            return False
        index = session.state.current_index()
        if index is None or not text.strip():
            return False
        entry = TranscriptEntry(index, user_id, text[:MAX_ENTRY_CHARS], self.service.clock.now())
        recorded = await self.repo.add_transcript(session.session_id, entry, "message", message_id)
        await self.service.apply(session.session_id, machine.record_activity)
        return recorded

    async def submit_answer(self, session_id: int, user_id: int, text: str) -> int:
        """Record a ``/mock answer`` submission; returns the phase index it went to."""
        session = await self.service.apply(session_id, machine.record_activity)
        if session.state.role_of(user_id) is not Role.CANDIDATE:
            raise BotError("Only the candidate can submit answers in this round.")
        index = session.state.current_index()
        if index is None:
            raise BotError("Answers are recorded while the round runs.")
        if not text.strip():
            raise BotError("The answer is empty.")
        entry = TranscriptEntry(index, user_id, text[:MAX_ENTRY_CHARS], self.service.clock.now())
        if not await self.repo.add_transcript(session_id, entry, "answer", None):
            raise BotError(GONE)
        return index

    async def add_note(self, session_id: int, user_id: int, text: str) -> None:
        """A private note from an interviewer or bar raiser, shown only on the scorecard."""
        session = await self.service.apply(session_id, machine.record_activity)
        if session.state.role_of(user_id) not in NOTE_ROLES:
            raise BotError("Only an interviewer or the bar raiser can take notes.")
        note = Note(session.state.current_index(), user_id, text[:MAX_ENTRY_CHARS],
                    self.service.clock.now())
        if not await self.repo.add_note(session_id, note):
            raise BotError(GONE)

    async def score(self, session_id: int, scorer_user_id: int, item_id: str, met: bool) -> None:
        """One scorer's judgement of one checklist item, for every candidate in the round."""
        session = await self._scoring_session(
            session_id, scorer_user_id, SCORER_ROLES,
            "Only a watcher, an interviewer or the bar raiser can score the candidate.",
        )
        if item_id not in {item.id for item in self.service.content.rubric.checklist}:
            raise BotError("That is not a checklist item.")
        for candidate in session.state.users_with(Role.CANDIDATE):
            score = Score(scorer_user_id, candidate, item_id, met)
            await self.repo.set_score(session_id, score, self.service.clock.now())

    async def vote(self, session_id: int, voter_user_id: int, vote: Vote) -> dict[Vote, int]:
        """Cast or change a hire vote; returns the live tally for the (first) candidate."""
        session = await self._scoring_session(
            session_id, voter_user_id, VOTER_ROLES,
            "Only an interviewer or the bar raiser can vote.",
        )
        candidates = session.state.users_with(Role.CANDIDATE)
        for candidate in candidates:
            cast = CastVote(voter_user_id, candidate, vote)
            await self.repo.set_vote(session_id, cast, self.service.clock.now())
        votes = await self.repo.votes(session_id)
        return tally(votes, candidates[0]) if candidates else {option: 0 for option in Vote}

    async def _scoring_session(
        self, session_id: int, user_id: int, roles: tuple[Role, ...], refusal: str
    ) -> MockSession:
        session = await self.service.apply(session_id, machine.record_activity)
        if session.state.status is Status.LOBBY:
            raise BotError("Scores and votes open once the round has started.")
        if session.state.role_of(user_id) not in roles:
            raise BotError(refusal)
        return session

    async def export(self, session_id: int, user_id: int) -> Export:
        """The round so far, for any participant, during or after it."""
        session = await self.service.apply(session_id, machine.record_activity)
        if session.state.role_of(user_id) is None:
            raise BotError("Join the round first: only participants can export it.")
        transcript = await self.repo.transcript(session_id)
        # Notes are private until the scorecard: an export made mid-round leaves them out.
        ended = session.state.status is Status.ENDED
        notes = await self.repo.notes(session_id) if ended else []
        rubric = self.service.content.rubric
        phases = tuple(
            ExportPhase(
                phase=rubric.phases[slot.index],
                slot=slot,
                transcript=tuple(e for e in transcript if e.phase_index == slot.index),
                notes=tuple(n for n in notes if n.phase_index == slot.index),
            )
            for slot in session.state.phases
        )
        return Export(
            session=session,
            question=self.service.content.question(session.question_id),
            phases=phases,
            general_notes=tuple(n for n in notes if n.phase_index is None),
            scores=tuple(await self.repo.scores(session_id)),
            scorecards=tuple(await self.service.scorecards(session)),
        )
