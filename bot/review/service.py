"""Reviews as a bot feature: rate-limited, stored for progress, auto-review rules.

The cogs call this; it calls the checker and the repositories. No discord here:
ids and text in, ``Review`` out, ``BotError`` for what the member should hear.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.answers import fingerprint, is_substantive, is_weak_evidence, new_salt
from bot.clock import Clock
from bot.content import Content, DailyPrompt
from bot.erasure import Erasure, asked_now
from bot.errors import BotError
from bot.review.cooldown import Cooldown
from bot.review.engine import Reviewer
from bot.review.model import Review
from storage.daily import DailyRepository
from storage.db import Database
from storage.guilds import GuildRepository
from storage.reviews import NewReview, ReviewRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerSource:
    """Who asked for a review of what: the member, where, and how.

    ``user_id`` is the member the review belongs to: always the one who asked. A
    review of someone else's message (the context menu) is never recorded.
    """

    user_id: int
    guild_id: int | None
    source: str  # check | context_menu | auto | cli | mock
    message_id: int | None = None
    # When the member asked: a review asked for before they erased their data is not stored.
    asked_at: int = field(default_factory=asked_now, compare=False)


class ReviewService:
    """Review answers for members, within their cooldown, and remember the results."""

    def __init__(
        self,
        reviewer: Reviewer,
        reviews: ReviewRepository,
        guilds: GuildRepository,
        daily: DailyRepository,
        content: Content,
        clock: Clock,
        cooldown: Cooldown | None = None,
        erasure: Erasure | None = None,
    ) -> None:
        self._reviewer = reviewer
        self._reviews = reviews
        self._guilds = guilds
        self._daily = daily
        self._content = content
        self._clock = clock
        self.cooldown = cooldown or Cooldown(clock)
        self._erasure = erasure or Erasure()

    @classmethod
    def from_database(cls, db: Database, reviewer: Reviewer, content: Content, clock: Clock,
                      erasure: Erasure | None = None) -> ReviewService:
        """The service over the bot's database (the cog's way in: cogs see no repository)."""
        return cls(reviewer, ReviewRepository(db), GuildRepository(db), DailyRepository(db),
                   content, clock, erasure=erasure)

    async def check(
        self,
        origin: AnswerSource,
        text: str,
        phase: str | None = None,
        *,
        cooldown_user_id: int | None = None,
    ) -> Review:
        """Review ``text`` for a member who asked and store it: ``review`` then ``record``."""
        review = self.review(origin, text, phase, cooldown_user_id=cooldown_user_id)
        await self.record(origin, review, text)
        return review

    def review(
        self,
        origin: AnswerSource,
        text: str,
        phase: str | None = None,
        *,
        cooldown_user_id: int | None = None,
        question_id: str | None = None,
    ) -> Review:
        """Review ``text`` for a member who asked (/check, the context menu), with no I/O.

        With ``question_id`` the review reads the answer against that question: its
        numbers are the prompt's, not the answer's, and tips use its system and probes.

        The cooldown counts against whoever asked, ``cooldown_user_id`` when that is
        someone else (the context menu on another member's message). Cogs reply with
        the review first and ``record`` it after, so the member's card never waits
        behind database writes (200 simultaneous checks queue on the one write lock).
        """
        self._refuse_if_waiting(self.cooldown.hit(cooldown_user_id or origin.user_id))
        return self._reviewer.review(text, phase=phase, question=question_id)

    def ensure_can_review(self, user_id: int) -> None:
        """Refuse now (BotError) when the member would be refused a review: /check asks
        before opening its form, so nobody types an answer only to be told to wait.
        Nothing is counted; ``review`` counts."""
        self._refuse_if_waiting(self.cooldown.wait_for(user_id))

    def _refuse_if_waiting(self, wait: int) -> None:
        if wait:
            raise BotError(
                f"Slow down: {self.cooldown.limit} reviews per "
                f"{int(self.cooldown.window.total_seconds())} s is the limit. "
                f"Try again in {wait} s."
            )

    async def record(self, origin: AnswerSource, review: Review, text: str) -> bool:
        """Store a review for ``origin.user_id``, the member who asked, for progress."""
        return await self._store(origin, review, text, prompt=None)

    async def auto_review(
        self, origin: AnswerSource, thread_id: int, text: str,
        replies_to_other_member: bool = False,
    ) -> Review | None:
        """A compact review for an answer posted in a daily-prompt thread, or None when
        auto-review is off, the message is not a substantive answer
        (``bot.answers.is_substantive``), the thread is not a prompt thread, the member
        is cooling down, the message has nothing to review, or it was already reviewed."""
        if origin.guild_id is None or not is_substantive(text, replies_to_other_member):
            return None
        if not (await self._guilds.settings(origin.guild_id)).auto_review:
            return None
        prompt = await self._thread_prompt(thread_id)
        if prompt is None or self.cooldown.hit(origin.user_id):
            return None
        review = self._reviewer.review(text, question=prompt.question, prompt=prompt.prompt)
        if review.problem is not None:
            return None
        stored = await self._store(origin, review, text, prompt=prompt)
        return review if stored else None

    async def thread_review(self, thread_id: int, text: str) -> Review:
        """The auto-review of an answer, again, for its author's "See my review" button.

        Reviewing is deterministic, so the card is rebuilt from the message rather
        than stored; nothing is recorded and no cooldown is spent.
        """
        prompt = await self._thread_prompt(thread_id)
        if prompt is None:
            return self._reviewer.review(text)
        return self._reviewer.review(text, question=prompt.question, prompt=prompt.prompt)

    async def _thread_prompt(self, thread_id: int) -> DailyPrompt | None:
        post = await self._daily.post_by_thread(thread_id)
        if post is None or post.kind != "prompt":
            return None
        try:
            return self._content.roadmap.prompt_for_cohort_day(post.cohort_day)
        except KeyError:
            return None

    async def _store(
        self, origin: AnswerSource, review: Review, text: str, prompt: DailyPrompt | None
    ) -> bool:
        """Store a real review (not "nothing to review"); False when the message was
        already reviewed, or the member already had this same text reviewed (each
        message and each answer counts once for progress), or when the member erased
        their data after asking (``bot.erasure``). Only a salted hash of the text is
        stored, and the guild's local day, for best-of-day points."""
        if review.problem is not None:
            return False
        now = self._clock.now()
        local_date = None
        if origin.guild_id is not None:
            schedule = await self._daily.schedule(origin.guild_id)
            local_date = now.astimezone(schedule.zone).date() if schedule else now.date()
        async with self._erasure.recording(origin.user_id, origin.asked_at) as allowed:
            if not allowed:
                log.info("a review asked for before its member erased their data: not stored")
                return False
            salt = await self._reviews.salt(origin.user_id, new_salt())
            stored = await self._reviews.add(
                NewReview(
                    user_id=origin.user_id, guild_id=origin.guild_id, source=origin.source,
                    score=review.score, failure_count=review.failure_count, labels=review.labels(),
                    prompt_id=prompt.id if prompt else None, phase=review.phase,
                    message_id=origin.message_id, local_date=local_date,
                    answer_hash=fingerprint(salt, text),
                    weak=frozenset(i.id for i in review.items if i.met and is_weak_evidence(i.evidence)),
                ),
                now,
            )
        if stored is None:
            log.info("review of message %s not stored: already reviewed, or the same text",
                     origin.message_id)
        return stored is not None
