"""Choosing a drill prompt for a member's weakest checklist item.

A drill is only useful if it exercises what the member keeps missing and is
not something they answered last week, so candidates are the roadmap prompts
whose ``stresses`` include the item, minus the recently answered ones.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Generic, Protocol, TypeVar

from bot.errors import BotError
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
    WEAKEST = "weakest"  # lowest hit rate in the member's reviews
    NO_REVIEWS = "no_reviews"  # nothing to judge yet: start at the first item
    ALL_MET = "all_met"  # every item met every time: keep the first item sharp
    REMINDER = "reminder"  # a spaced-repetition reminder for a missed item


@dataclass(frozen=True)
class DrillTarget:
    item: str
    reason: DrillReason
    tally: ItemTally | None


@dataclass(frozen=True)
class DrillChoice(Generic[P]):
    prompt: P
    target: DrillTarget
    fresh: bool  # False when every candidate was answered recently and one was reused


def drill_target(tallies: tuple[ItemTally, ...], forced: str | None = None) -> DrillTarget:
    """Which item to drill, and why, from the member's per-item tallies.

    ``forced`` is the item of a spaced-repetition reminder, which overrides the
    weakest item because the member missed it most recently.
    """
    if forced is not None:
        tally = next((t for t in tallies if t.item == forced), None)
        return DrillTarget(forced, DrillReason.REMINDER, tally)
    weakest = weakest_item(tallies)
    if weakest is not None:
        return DrillTarget(weakest.item, DrillReason.WEAKEST, weakest)
    reviewed = any(t.total for t in tallies)
    reason = DrillReason.ALL_MET if reviewed else DrillReason.NO_REVIEWS
    return DrillTarget(CHECKLIST_ITEMS[0], reason, tallies[0] if tallies else None)


def choose_prompt(
    prompts: Sequence[P], target: DrillTarget, recent_ids: Collection[str], seed: int
) -> DrillChoice[P]:
    """Pick a prompt stressing ``target.item``, preferring ones not answered recently.

    ``seed`` (e.g. user id + local day) rotates the pick so a member asking again
    tomorrow gets another prompt, while asking twice today gives the same one.
    """
    stressing = sorted((p for p in prompts if target.item in p.stresses), key=_order)
    if not stressing:
        raise BotError(f"No roadmap prompt stresses {target.item} yet; ask an admin to add one.")
    fresh = [p for p in stressing if p.id not in recent_ids]
    pool = fresh or stressing
    return DrillChoice(prompt=pool[seed % len(pool)], target=target, fresh=bool(fresh))


def _order(prompt: StressedPrompt) -> tuple[int, str]:
    return (prompt.cohort_day, prompt.id)
