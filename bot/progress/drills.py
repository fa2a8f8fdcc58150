"""Choosing what to drill: the most overdue checklist item, and a fresh prompt for it.

A drill is only useful if it exercises what the member is due to practise and is
not something they saw last week. The item comes from the member's FSRS cards
(the most overdue first), else their weakest item; the prompt is a roadmap
prompt that stresses the item, from a week the group has reached, that the member
has not answered, reviewed or been drilled on recently. When the best item has
no fresh prompt, the next candidate item is tried, so a drill never repeats.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Generic, Protocol, TypeVar

from bot.progress.model import CHECKLIST_ITEMS, ItemTally, weakest_item


class StressedPrompt(Protocol):
    """The slice of ``bot.content.DailyPrompt`` a drill needs."""

    @property
    def id(self) -> str: ...

    @property
    def stresses(self) -> tuple[str, ...]: ...

    @property
    def cohort_day(self) -> int: ...


P = TypeVar("P", bound=StressedPrompt)


class DrillReason(Enum):
    OVERDUE = "overdue"  # spaced repetition: the member's most overdue card
    REQUESTED = "requested"  # the member named the item
    WEAKEST = "weakest"  # lowest hit rate in the member's reviews
    NO_REVIEWS = "no_reviews"  # nothing to judge yet: start at the first item
    ALL_MET = "all_met"  # every item met every time: keep the first item sharp
    FALLBACK = "fallback"  # the better targets had no fresh prompt


@dataclass(frozen=True)
class DrillTarget:
    item: str
    reason: DrillReason
    tally: ItemTally | None


@dataclass(frozen=True)
class DrillChoice(Generic[P]):
    prompt: P
    target: DrillTarget


def drill_targets(
    tallies: tuple[ItemTally, ...], due_items: Sequence[str] = (), forced: str | None = None
) -> list[DrillTarget]:
    """Items to drill, best first: ``forced`` alone when the member named one; else the
    due items (most overdue first), the weakest item, then every other item by hit
    rate (lowest first) as fallbacks when the better ones have no fresh prompt."""
    by_item = {t.item: t for t in tallies}
    if forced is not None:
        return [DrillTarget(forced, DrillReason.REQUESTED, by_item.get(forced))]
    targets = [DrillTarget(item, DrillReason.OVERDUE, by_item.get(item)) for item in due_items]
    weakest = weakest_item(tallies)
    if weakest is not None:
        targets.append(DrillTarget(weakest.item, DrillReason.WEAKEST, weakest))
    elif not targets:
        reviewed = any(t.total for t in tallies)
        reason = DrillReason.ALL_MET if reviewed else DrillReason.NO_REVIEWS
        targets.append(DrillTarget(CHECKLIST_ITEMS[0], reason, by_item.get(CHECKLIST_ITEMS[0])))
    order = {item: index for index, item in enumerate(CHECKLIST_ITEMS)}
    rest = sorted(CHECKLIST_ITEMS, key=lambda item: (_rate(by_item.get(item)), order[item]))
    targets += [DrillTarget(item, DrillReason.FALLBACK, by_item.get(item)) for item in rest]
    unique: dict[str, DrillTarget] = {}
    for target in targets:
        unique.setdefault(target.item, target)  # an item keeps its best reason
    return list(unique.values())


def choose_prompt(
    prompts: Sequence[P], targets: Sequence[DrillTarget], recent_ids: Collection[str], seed: int
) -> DrillChoice[P] | None:
    """A prompt stressing the first target that has one not seen recently; None when
    every prompt for every target was seen recently (or none stresses them).

    ``seed`` (e.g. user id + local day) rotates the pick so a member asking again
    tomorrow gets another prompt, while asking twice today gives the same one.
    """
    for target in targets:
        fresh = sorted(
            (p for p in prompts if target.item in p.stresses and p.id not in recent_ids),
            key=_order,
        )
        if fresh:
            return DrillChoice(prompt=fresh[seed % len(fresh)], target=target)
    return None


def _rate(tally: ItemTally | None) -> float:
    return -1.0 if tally is None or tally.hit_rate is None else tally.hit_rate


def _order(prompt: StressedPrompt) -> tuple[int, str]:
    return (prompt.cohort_day, prompt.id)
