"""What counts as a member's answer to the day's prompt, and recording the first one.

One rule, in one function (``is_substantive_answer``), because three features ask
the same question: auto-review (only an answer gets a review), the "answered today"
count, and progress points. Chat in the thread ("I agree with Alice!", "what about
hot keys?", a reply to someone else's answer) is discussion, not an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.clock import Clock
from storage.daily import DailyRepository

MIN_ANSWER_WORDS = 40
_WORD = re.compile(r"[^\W_][\w'’.%$-]*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def is_question(text: str) -> bool:
    """Most of the message asks rather than answers: half or more of its sentences end in "?".

    A long answer that ends by asking the group something is still an answer; a
    message that is mostly questions is someone asking for help or probing another.
    """
    ends = _SENTENCE_END.findall(text.strip())
    if not ends:
        return False
    return sum("?" in end for end in ends) * 2 >= len(ends)


def is_substantive_answer(text: str, *, replies_to_other_member: bool = False) -> bool:
    """A first-class answer to the prompt: ≥ 40 words, not a reply to another member's
    message, and not a question. Everything else in a daily thread is conversation."""
    if replies_to_other_member:
        return False
    return word_count(text) >= MIN_ANSWER_WORDS and not is_question(text)


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
        if not is_substantive_answer(text, replies_to_other_member=replies_to_other_member):
            return None
        post = await self._repo.post_by_thread(thread_id)
        if post is None or post.guild_id != guild_id:
            return None
        claimed = await self._repo.claim_answer(
            guild_id, thread_id, user_id, message_id, post.cohort_day, self._clock.now()
        )
        return Answer(guild_id, thread_id, user_id, message_id, post.cohort_day) if claimed else None
