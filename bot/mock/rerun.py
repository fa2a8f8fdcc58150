"""Run it back: the next round for the same people, roles rotated, and who should be candidate.

The role rules (who may press, the rotation) are the state machine's
(``roles.require_run_back``, ``roles.seat_rotated``); this module claims the
press once, opens the lobby through ``MockService.open`` like ``/mock start`` and
counts who has been candidate least in the server for the lobby's suggestion.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from bot.errors import BotError
from bot.mock import roles
from bot.mock.model import MockSession, Participant, Status
from bot.mock.model_panel import Suggestion
from bot.mock.service import MockService
from storage.db import Database
from storage.mock_panel import MockPanelRepository

MIN_TO_SUGGEST = 2  # a suggestion among one person is no suggestion


def suggest(participants: Sequence[Participant], rounds: Mapping[int, int]) -> Suggestion | None:
    """Whoever has been candidate in the fewest rounds; ties go to who joined first."""
    if len(participants) < MIN_TO_SUGGEST:
        return None
    pick = min(participants, key=lambda p: (rounds.get(p.user_id, 0), p.joined_at, p.user_id))
    return Suggestion(pick.user_id, rounds.get(pick.user_id, 0))


class MockReruns:
    @classmethod
    def from_database(cls, service: MockService, db: Database) -> MockReruns:
        """Run it back over the bot's database (the cog's way in: cogs see no repository)."""
        return cls(service, MockPanelRepository(db))

    def __init__(self, service: MockService, repo: MockPanelRepository,
                 rng: random.Random | None = None) -> None:
        self.service = service
        self.repo = repo
        self._rng = rng or random.Random()  # noqa: S311 - picks a study question, not a secret

    async def suggestion(self, session: MockSession) -> Suggestion | None:
        """The lobby's suggested candidate (only while it is a lobby)."""
        if session.state.status is not Status.LOBBY:
            return None
        counts = await self.repo.candidate_rounds(session.guild_id, session.session_id)
        return suggest(session.state.participants, counts)

    async def run_back(self, session_id: int, user_id: int, same_question: bool) -> MockSession:
        """Open the next round's lobby (no thread yet: the cog creates it, then ``opened``).

        Only the first press counts; later ones hear where the next round is.
        """
        previous = await self.service.repo.get(session_id)
        if previous is None:
            raise BotError("That mock round no longer exists.")
        roles.require_run_back(previous.state, user_id)
        now = self.service.clock.now()
        if not await self.repo.claim_rerun(session_id, now):
            thread = await self.repo.rerun_thread(session_id)
            if thread is not None:
                raise BotError(f"This round was already run back: the next one is in <#{thread}>.")
            raise BotError("The next round is being opened right now; its thread appears "
                           "in a moment.")
        try:
            session = await self.service.open(
                guild_id=previous.guild_id, channel_id=previous.channel_id,
                host_user_id=user_id, question_id=self._question(previous, same_question),
                length=previous.length_minutes,
                minutes=",".join(str(slot.planned_minutes) for slot in previous.state.phases),
                voice_channel_id=previous.voice_channel_id,
            )
        except BotError:
            await self.repo.release_rerun(session_id)
            raise
        await self.repo.set_rerun(session_id, session.session_id)
        return await self.service.apply(
            session.session_id, lambda s, at: roles.seat_rotated(s, previous.state, at)
        )

    async def abandon(self, session_id: int, next_session_id: int) -> None:
        """The next round's thread could not be created: free its slot and the press."""
        await self.service.discard(next_session_id)
        await self.repo.release_rerun(session_id)

    def _question(self, previous: MockSession, same_question: bool) -> str:
        if same_question:
            return previous.question_id
        others = sorted(q for q in self.service.content.questions if q != previous.question_id)
        return self._rng.choice(others) if others else previous.question_id
