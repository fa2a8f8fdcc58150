"""Grading FSRS cards from stored reviews, behind one watermark.

Reviews are written by the review feature; progress grades them afterwards, in
id order, and moves the watermark in the same transaction as the cards, so a
crash grades a batch completely or not at all and never twice. /drill runs a
catch-up first, so a drill right after a /check already reflects it.
"""

from __future__ import annotations

from bot.progress.model import CHECKLIST_ITEMS, CardState, GradedReview
from bot.progress.repetition import grade, new_card, review
from storage.progress import CardRepository

BATCH = 500


class CardGrader:
    def __init__(self, cards: CardRepository) -> None:
        self._cards = cards

    async def grade_new_reviews(self) -> int:
        """Grade every review stored since the last run; how many were graded."""
        graded = 0
        while True:
            seen = await self._cards.watermark()
            batch = await self._cards.ungraded_reviews(seen, BATCH)
            if not batch:
                return graded
            by_member: dict[tuple[int, int], list[GradedReview]] = {}
            for stored in batch:
                by_member.setdefault((stored.guild_id, stored.user_id), []).append(stored)
            changed: list[tuple[int, int, CardState]] = []
            for (guild_id, user_id), reviews in by_member.items():
                cards = await self._cards.cards(guild_id, user_id)
                for stored in reviews:
                    apply(cards, stored)
                changed += [(guild_id, user_id, card) for card in cards.values()]
            if not await self._cards.save_grades(changed, seen, batch[-1].id):
                continue  # another task graded this batch first: read on from its watermark
            graded += len(batch)


def apply(cards: dict[str, CardState], stored: GradedReview) -> None:
    """Grade each checklist item's card (created on its first review) in place."""
    for item in CHECKLIST_ITEMS:
        if item not in stored.met:
            continue
        card = cards.get(item) or new_card(item, stored.created_at)
        rating = grade(stored.met[item], item in stored.weak)
        cards[item] = review(card, rating, stored.created_at)
