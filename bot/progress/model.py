"""Values shared by the progress rules: the checklist items and per-item tallies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.content.model import CHECKLIST_IDS

# The five success-formula items, in rubric.yaml's order. Ties between items
# (same hit rate) are broken by this order so that results are deterministic.
CHECKLIST_ITEMS: tuple[str, ...] = CHECKLIST_IDS


@dataclass(frozen=True)
class ItemTally:
    """How often one checklist item was met across a set of reviews."""

    item: str
    met: int
    total: int

    @property
    def hit_rate(self) -> float | None:
        """Fraction of reviews meeting the item; None when there is nothing to judge."""
        return self.met / self.total if self.total else None


def tallies_from_counts(met: dict[str, int], total: int) -> tuple[ItemTally, ...]:
    """One tally per checklist item, in order, from "reviews meeting item" counts."""
    return tuple(ItemTally(item, met.get(item, 0), total) for item in CHECKLIST_ITEMS)


def weakest_item(tallies: tuple[ItemTally, ...]) -> ItemTally | None:
    """The item with the lowest hit rate, or None before the first review.

    An item met in every review is not "weak", so a member with a perfect
    record gets no weakest item rather than an arbitrary one.
    """
    judged = [t for t in tallies if t.hit_rate is not None and t.hit_rate < 1.0]
    if not judged:
        return None
    order = {item: index for index, item in enumerate(CHECKLIST_ITEMS)}
    return min(judged, key=lambda t: (t.hit_rate, order.get(t.item, len(order))))


@dataclass(frozen=True)
class LocalWindow:
    """Local days ``first``..``last`` of a guild, also as the UTC instants they span.

    Answers are keyed by local date and reviews and mock sessions by instant; one
    window gives each query the bound it needs, so they count the same days.
    """

    first: date
    last: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return local_midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        """The instant the day after ``last`` starts (exclusive)."""
        return local_midnight(self.last + timedelta(days=1), self.zone)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant local day ``day`` starts: the bound for "since that day" queries."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class CardState:
    """One member's FSRS card for one checklist item (see ``bot.progress.repetition``).

    ``state``, ``step``, ``stability`` and ``difficulty`` are ``fsrs.Card``'s fields,
    stored as they are; ``due_at`` is when the item should be drilled again.
    """

    item: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due_at: datetime
    last_review_at: datetime | None = None


@dataclass(frozen=True)
class GradedReview:
    """One stored review as spaced repetition needs it: per item, met and weak."""

    id: int
    guild_id: int
    user_id: int
    met: dict[str, bool]
    weak: frozenset[str]
    created_at: datetime


@dataclass(frozen=True)
class MemberHistory:
    """A member's dated activity since a day: the inputs of the /progress trends."""

    answer_days: list[date]  # substantive answers only: the ones that earn points
    review_days: list[tuple[date, int]]  # (local day, best score) per best-of-day review
    labels: list[tuple[datetime, str, bool]]  # (instant, checklist item, met) per review
    mocks: list[tuple[datetime, str]]  # (started, role) per mock round


# -- what storage.progress.activity reads for the digest and the points -------------


@dataclass(frozen=True)
class Participation:
    """How many took part in a cohort week, for the weekly digest."""

    members: int  # distinct members who answered, reviewed or joined a mock
    answers: int
    reviews: int
    mock_sessions: int


@dataclass
class MemberActivity:
    """What one member did in a period: the inputs of their points."""

    user_id: int
    answers: int = 0  # substantive daily answers
    reviews: int = 0  # best-of-day reviews: one per prompt per local day
    items_met: int = 0  # summed over those reviews
    mock_roles: dict[str, int] = field(default_factory=dict)  # sessions by role
