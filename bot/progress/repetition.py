"""Graded spaced repetition with FSRS: one card per member per checklist item.

Every review the member asked for grades each checklist item's card: met →
Good, met only on weak evidence (``bot.answers.is_weak_evidence``) → Hard,
missed → Again. FSRS (the maintained ``fsrs`` library) turns the grades into
the next due time, so an item the member keeps meeting comes back rarely and
one they keep missing comes back tomorrow. Drills and reminders read the due
times; nothing is climbed on a fixed ladder when a reminder is *sent*.

The scheduler has no minute-long learning steps (members review at most a few
times a day, so a 10-minute step would only make every new card "overdue") and
no fuzzing (the same history gives the same schedule, which tests rely on).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from fsrs import Card, Rating, Scheduler, State

from bot.progress.model import CardState

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def grade(met: bool, weak: bool) -> Rating:
    """The rating a review gives an item."""
    if not met:
        return Rating.Again
    return Rating.Hard if weak else Rating.Good


def new_card(item: str, at: datetime) -> CardState:
    """A card never reviewed: due at once, so its first review schedules it."""
    return CardState(item, int(State.Learning), 0, None, None, at)


def review(card: CardState, rating: Rating, at: datetime) -> CardState:
    """The card after one graded review at ``at``."""
    fsrs_card = Card(
        card_id=1, state=State(card.state), step=card.step, stability=card.stability,
        difficulty=card.difficulty, due=card.due_at, last_review=card.last_review_at,
    )
    after, _ = SCHEDULER.review_card(fsrs_card, rating, at)
    return CardState(
        card.item, int(after.state), after.step, after.stability, after.difficulty, after.due,
        after.last_review,
    )


def due(cards: Iterable[CardState], now: datetime) -> list[CardState]:
    """Cards due now, most overdue first (ties by item, for stability)."""
    return sorted((c for c in cards if c.due_at <= now), key=lambda c: (c.due_at, c.item))
