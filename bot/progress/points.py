"""Points and the leaderboard.

Points reward showing up (a substantive daily answer), practising deliberately
(the day's best review of each prompt, more for answers that meet more checklist
items) and the expensive thing, mock interviews. They cannot be farmed: a
one-liner earns no daily points, a second review of the same prompt the same day
adds only if it is better, and the same text again adds nothing. The same rules
object drives the totals, the text ``/leaderboard`` shows and (through a test)
the points tables in README.md and docs/PROGRESS.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from bot.answers import MIN_WORDS
from bot.progress.model import CHECKLIST_ITEMS, MemberActivity

LEADERBOARD_SIZE = 10


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

    def table(self) -> list[tuple[str, str]]:
        """(activity, points) rows: the one source of /leaderboard's rules and the
        points tables in README.md and docs/PROGRESS.md (a test compares them)."""
        top = self.for_review(len(CHECKLIST_ITEMS))
        rows = [
            (f"Answering the daily prompt in its thread with a real answer ({MIN_WORDS}+ "
             "words, not a reply to another member, not a question)",
             f"{self.daily_answer}, once per day"),
            ("Your best review of each prompt each day (the same answer again adds nothing)",
             f"{self.review_base}, plus {self.review_per_item_met} for each checklist item "
             f"the answer meets ({self.for_review(0)} to {top})"),
        ]
        by_points: dict[int, list[str]] = {}
        for role, points in self.mock_by_role.items():
            by_points.setdefault(points, []).append(role.replace("_", " "))
        for points, roles in sorted(by_points.items(), reverse=True):
            rows.append((f"Each mock session, as {' or '.join(roles)}", str(points)))
        return rows

    def describe(self) -> list[str]:
        """The rules as short lines, for /leaderboard."""
        return [f"{activity}: {points}" for activity, points in self.table()]


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
