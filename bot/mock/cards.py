"""A round's scorecards, rebuilt from its rows whenever they are shown or posted.

Nothing renders or keeps a scorecard as text: ``build_scorecard`` (``scorecard.py``) makes
one per candidate from the transcript, notes, scores, votes and the bar raiser's call as
they stand, so a member's erasure takes their part out of every later showing.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.content import Content
from bot.mock.model import MockSession, Mode, Role
from bot.mock.ports import PanelCards
from bot.mock.scorecard import AutoReviewer, Scorecard, build_scorecard
from storage.mock import MockRepository


class Scorecards:
    """The scorecards of a round; ``panel`` lays a voice round's ticks onto them (the voice
    controls set it once they are built)."""

    def __init__(self, repo: MockRepository, content: Content, clock: Clock, *,
                 reviewer: AutoReviewer | None = None, panel: PanelCards | None = None) -> None:
        self.repo, self.content, self.clock = repo, content, clock
        self.reviewer = reviewer
        self.panel = panel

    async def of(self, session: MockSession) -> list[Scorecard]:
        """One scorecard per candidate, from everything stored so far."""
        sid = session.session_id
        transcript = await self.repo.transcript(sid)
        notes, scores, votes = (
            await self.repo.notes(sid), await self.repo.scores(sid), await self.repo.votes(sid)
        )
        decisions = await self.repo.decisions(sid)
        candidates = session.state.users_with(Role.CANDIDATE) or tuple(
            dict.fromkeys(e.author_user_id for e in transcript)
        )
        cards = [
            build_scorecard(
                rubric=self.content.rubric, state=session.state,
                question_id=session.question_id, candidate_user_id=user_id,
                transcript=transcript, notes=notes, scores=scores, votes=votes,
                reviewer=self.reviewer, decisions=decisions,
            )
            for user_id in candidates
        ]
        if self.panel is not None and session.state.mode is Mode.VOICE:
            cards = await self.panel.with_panel(session, cards, transcript)
        return cards

    async def posted(self, session_id: int, candidate_user_id: int) -> None:
        """Remember the scorecard went out; its content is rebuilt from the round's rows
        (``of``), never kept as text that would outlive a member's erasure."""
        await self.repo.mark_scorecard_posted(session_id, candidate_user_id, self.clock.now())
