"""The bar raiser's final call: strong hire, hire, no hire or strong no hire, and why.

Votes are the panel's opinions; the decision is the bar raiser's call, the way the
loop it rehearses ends. It is recorded once the round has started (usually in the
debrief after it ends), replaces any earlier call, and names one reason of one line,
which the scorecard shows beside the panel's votes.
"""

from __future__ import annotations

from bot.errors import BotError
from bot.mock import machine, roles
from bot.mock.model import Decision, Role, Status, Vote
from bot.mock.service import MockService

REASON_MAX_CHARS = 200
CALL_LABELS = {
    Vote.STRONG_HIRE: "Strong hire",
    Vote.HIRE: "Hire",
    Vote.NO_HIRE: "No hire",
    Vote.STRONG_NO_HIRE: "Strong no hire",
}


def one_line(reason: str) -> str:
    """The reason as one line: newlines and runs of spaces become one space (the templates
    clean and escape it when shown, like all user text)."""
    return " ".join(reason.split())[:REASON_MAX_CHARS]


class MockDecisions:
    """Record the call; the scorecard reads it back (``Scorecards.of``)."""

    def __init__(self, service: MockService) -> None:
        self.service = service

    async def decide(self, session_id: int, user_id: int, call: Vote, reason: str) -> Decision:
        # Checked on the round as stored, so a refusal changes nothing (not even activity).
        stored = await self.service.repo.get(session_id)
        if stored is None:
            raise BotError("That mock round no longer exists.")
        if stored.state.status is Status.LOBBY:
            raise BotError("The decision comes after the interview: start the round first.")
        roles.require_decider(stored.state, user_id)
        text = one_line(reason)
        if not text:
            raise BotError("Give the decision a one-line reason.")
        session = await self.service.apply(session_id, machine.record_activity)
        roles.require_decider(session.state, user_id)  # still the bar raiser under the lock
        candidates = session.state.users_with(Role.CANDIDATE)
        if not candidates:
            raise BotError("This round has no candidate to decide on.")
        now = self.service.clock.now()
        decisions = [Decision(candidate, user_id, call, text, now) for candidate in candidates]
        for decision in decisions:
            if not await self.service.repo.set_decision(session_id, decision):
                raise BotError("You are no longer in this round, so nothing was saved.")
        return decisions[0]
