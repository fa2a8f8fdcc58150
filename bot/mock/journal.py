"""What people say and judge during a round: transcript, notes, scores, votes, export.

Kept apart from ``service.py`` (the clock and its announcements) because these
are plain records with role checks; each one also counts as activity, so a
round where the candidate keeps answering never pauses itself as idle.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.errors import BotError
from bot.mock import machine, roles
from bot.mock.export import ExportRecord
from bot.mock.feedback import notes_for_export, private_notes_for
from bot.mock.model import (
    CastVote,
    MockSession,
    MockState,
    Note,
    Role,
    Score,
    Status,
    TranscriptEntry,
    Vote,
)
from bot.mock.scorecard import tally
from bot.mock.service import MockService

MAX_ENTRY_CHARS = 4000
# The repository stores nothing for a member who left the round (or erased their data)
# between the role check and the write; this is what they hear.
GONE = "You are no longer in this round, so nothing was saved."


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
        roles.require_candidate(session.state, user_id)
        index = session.state.current_index()
        if index is None:
            raise BotError("Answers are recorded while the round runs.")
        if not text.strip():
            raise BotError("The answer is empty.")
        entry = TranscriptEntry(index, user_id, text[:MAX_ENTRY_CHARS], self.service.clock.now())
        if not await self.repo.add_transcript(session_id, entry, "answer", None):
            raise BotError(GONE)
        return index

    async def add_note(
        self, session_id: int, user_id: int, text: str, *, public: bool = False
    ) -> None:
        """A note from an interviewer or bar raiser: private ones reach only the candidate
        (``bot.mock.feedback``), public ones are on the scorecard."""
        session = await self.service.apply(session_id, machine.record_activity)
        roles.require_note_taker(session.state, user_id)
        note = Note(session.state.current_index(), user_id, text[:MAX_ENTRY_CHARS],
                    self.service.clock.now(), public)
        if not await self.repo.add_note(session_id, note):
            raise BotError(GONE)

    async def score(self, session_id: int, scorer_user_id: int, item_id: str, met: bool) -> None:
        """One scorer's judgement of one checklist item, for every candidate in the round."""
        await self.score_many(session_id, scorer_user_id, {item_id: met})

    async def score_many(
        self, session_id: int, scorer_user_id: int, picks: dict[str, bool]
    ) -> None:
        """A scorer's judgements, one per item: each replaces their earlier one."""
        session = await self._scoring_session(session_id, scorer_user_id, roles.require_scorer)
        known = {item.id for item in self.service.content.rubric.checklist}
        if not picks or set(picks) - known:
            raise BotError("That is not a checklist item.")
        for candidate in session.state.users_with(Role.CANDIDATE):
            for item_id, met in picks.items():
                score = Score(scorer_user_id, candidate, item_id, met)
                await self.repo.set_score(session_id, score, self.service.clock.now())

    async def my_scores(self, session_id: int, scorer_user_id: int) -> dict[str, bool]:
        """A scorer's current pick per item (for their panel), once they may score."""
        session = await self._scoring_session(session_id, scorer_user_id, roles.require_scorer)
        candidates = session.state.users_with(Role.CANDIDATE)
        return {s.item_id: s.met for s in await self.repo.scores(session_id)
                if s.scorer_user_id == scorer_user_id and candidates
                and s.candidate_user_id == candidates[0]}

    def read_picks(self, values: list[str]) -> dict[str, bool]:
        """The score select's values (``<item>:1`` met, ``<item>:0`` missed) as one choice
        per item; ✅ and ❌ for the same item is refused, and nothing is saved."""
        picks: dict[str, bool] = {}
        names = {item.id: item.name for item in self.service.content.rubric.checklist}
        for value in values:
            item_id, _, flag = value.partition(":")
            met = flag == "1"
            if picks.get(item_id, met) != met:
                raise BotError(f"Pick ✅ or ❌ for {names.get(item_id, item_id)}, not both; "
                               "nothing was saved.")
            picks[item_id] = met
        return picks

    async def vote(self, session_id: int, voter_user_id: int, vote: Vote) -> dict[Vote, int]:
        """Cast or change a hire vote; returns the live tally for the (first) candidate."""
        session = await self._scoring_session(session_id, voter_user_id, roles.require_voter)
        candidates = session.state.users_with(Role.CANDIDATE)
        for candidate in candidates:
            cast = CastVote(voter_user_id, candidate, vote)
            await self.repo.set_vote(session_id, cast, self.service.clock.now())
        votes = await self.repo.votes(session_id)
        return tally(votes, candidates[0]) if candidates else {option: 0 for option in Vote}

    async def _scoring_session(
        self, session_id: int, user_id: int, guard: Callable[[MockState, int], None]
    ) -> MockSession:
        session = await self.service.apply(session_id, machine.record_activity)
        if session.state.status is Status.LOBBY:
            raise BotError("Scores and votes open once the round has started.")
        guard(session.state, user_id)
        return session

    async def export(self, session_id: int, user_id: int) -> ExportRecord:
        """The round so far, for any participant, during or after it: the notes only
        after it ended, the private ones only for the candidate (``feedback``)."""
        session = await self.service.apply(session_id, machine.record_activity)
        if session.state.role_of(user_id) is None:
            raise BotError("Join the round first: only participants can export it.")
        notes = notes_for_export(session.state, user_id, await self.repo.notes(session_id))
        return ExportRecord(
            session=session,
            question=self.service.content.question(session.question_id),
            reader_user_id=user_id,
            transcript=tuple(await self.repo.transcript(session_id)),
            notes=notes,
            scores=tuple(await self.repo.scores(session_id)),
            votes=tuple(await self.repo.votes(session_id)),
            decisions=tuple(await self.repo.decisions(session_id)),
            scorecards=tuple(await self.service.cards.of(session)),
        )

    async def private_feedback(self, session_id: int, user_id: int) -> tuple[Note, ...]:
        """The candidate's private notes (the scorecard's **My feedback**); anyone else
        is refused."""
        session = await self.service.apply(session_id, machine.record_activity)
        roles.require_feedback_reader(session.state, user_id)
        return private_notes_for(session.state, user_id, await self.repo.notes(session_id))
