"""Points and the leaderboard.

Points reward showing up (a daily answer), practising deliberately (a review,
more for answers that meet more checklist items) and the expensive thing,
mock interviews. The same rules object drives the SQL totals and the text
``/leaderboard`` shows, so the rules members read are the rules applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

LEADERBOARD_SIZE = 10


@dataclass
class MemberActivity:
    """What one member did in a period: the inputs of their points."""

    user_id: int
    answers: int = 0
    reviews: int = 0
    items_met: int = 0  # summed over the reviews
    mock_roles: dict[str, int] = field(default_factory=dict)  # sessions by role


def _default_mock_points() -> Mapping[str, int]:
    return MappingProxyType({"candidate": 15, "interviewer": 10, "bar_raiser": 10, "observer": 5})


@dataclass(frozen=True)
class PointsRules:
    daily_answer: int = 10
    review_base: int = 2
    review_per_item_met: int = 1
    mock_by_role: Mapping[str, int] = field(default_factory=_default_mock_points)
    mock_other_role: int = 5

    def for_review(self, items_met: int) -> int:
        return self.review_base + self.review_per_item_met * items_met

    def for_mock(self, role: str) -> int:
        return self.mock_by_role.get(role, self.mock_other_role)

    def points_for(self, activity: MemberActivity) -> int:
        mocks = sum(self.for_mock(role) * n for role, n in activity.mock_roles.items())
        reviews = self.review_base * activity.reviews + self.review_per_item_met * activity.items_met
        return self.daily_answer * activity.answers + reviews + mocks

    def describe(self) -> list[str]:
        """The rules as short lines, for /leaderboard and docs/PROGRESS.md."""
        roles = ", ".join(
            f"{role.replace('_', ' ')} {points}" for role, points in self.mock_by_role.items()
        )
        return [
            f"Answer the daily prompt in its thread: {self.daily_answer} (once per day)",
            f"Each review: {self.review_base} + {self.review_per_item_met} per checklist item met",
            f"Each mock session, by role: {roles} (any other role {self.mock_other_role})",
        ]


@dataclass(frozen=True)
class Standing:
    rank: int
    user_id: int
    points: int


@dataclass(frozen=True)
class Leaderboard:
    top: tuple[Standing, ...]
    invoker: Standing | None

    @property
    def invoker_in_top(self) -> bool:
        return self.invoker is not None and self.invoker in self.top


def rank_members(
    totals: Sequence[tuple[int, int]], invoker_id: int, size: int = LEADERBOARD_SIZE
) -> Leaderboard:
    """Rank (user_id, points) pairs with standard competition ranking (1, 2, 2, 4).

    Members with equal points share a rank; within a rank, lower user ids come
    first only so that the order is stable. Members with no points are not
    ranked, so the invoker may have no standing at all.
    """
    ordered = sorted((t for t in totals if t[1] > 0), key=lambda t: (-t[1], t[0]))
    standings: list[Standing] = []
    for position, (user_id, points) in enumerate(ordered, start=1):
        tied = standings and standings[-1].points == points
        rank = standings[-1].rank if tied else position
        standings.append(Standing(rank, user_id, points))
    invoker = next((s for s in standings if s.user_id == invoker_id), None)
    return Leaderboard(top=tuple(standings[:size]), invoker=invoker)
