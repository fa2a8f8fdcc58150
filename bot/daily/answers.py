"""Recording each member's first answer to the day's prompt, exactly once.

What counts as an answer is ``bot.answers.is_substantive``, the one rule that
auto-review, the "answered today" count and progress points all share: chat in
the thread ("I agree with Alice!", "what about hot keys?", a reply to someone
else's answer) is discussion, not an answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers import is_substantive
from bot.clock import Clock
from storage.daily import DailyRepository
from storage.db import Database


@dataclass(frozen=True)
class Answer:
    """A member's first substantive answer in a daily thread."""

    guild_id: int
    thread_id: int
    user_id: int
    message_id: int
    cohort_day: int


class AnswerBook:
    """Records each member's first substantive answer per daily thread, exactly once."""

    def __init__(self, repo: DailyRepository, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock

    @classmethod
    def from_database(cls, db: Database, clock: Clock) -> AnswerBook:
        return cls(DailyRepository(db), clock)

    async def accept(
        self,
        guild_id: int,
        thread_id: int,
        user_id: int,
        message_id: int,
        text: str,
        *,
        replies_to_other_member: bool = False,
    ) -> Answer | None:
        """The answer if this message is the member's first substantive one in a daily
        prompt's thread; None for chat, for other channels, and for a second answer."""
        if not is_substantive(text, replies_to_other_member):
            return None
        post = await self._repo.post_by_thread(thread_id)
        if post is None or post.guild_id != guild_id:
            return None
        claimed = await self._repo.claim_answer(
            guild_id, thread_id, user_id, message_id, post.cohort_day, self._clock.now()
        )
        return Answer(guild_id, thread_id, user_id, message_id, post.cohort_day) if claimed else None
