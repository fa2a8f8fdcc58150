"""Forum tags for a day's post: which ones it wants, and which fit in Discord's 20.

Discord allows at most 20 tags per forum, names of 1-20 characters, and 5 tags per
post. A day wants three (kind, week, topic) in that order of importance: when the
forum is full, existing tags are reused by name (case does not matter, as in Discord)
and the ones that do not fit are skipped and reported, never forced in by deleting
someone's tag (a deleted tag falls off every post that had it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.daily.cohort import DayPlan
from bot.daily.models import PostKind

MAX_FORUM_TAGS = 20
MAX_TAG_NAME = 20
MAX_POST_TAGS = 5

_KIND_NAMES = {"concept": "Concept", "design": "Design", "failure_drill": "Failure drill",
               "behavioral": "Behavioral"}


@dataclass(frozen=True)
class ForumTag:
    """A tag as the forum has it."""

    id: int
    name: str


@dataclass(frozen=True)
class TagPlan:
    """What to add to the forum, and what is left out for want of room."""

    create: tuple[str, ...]
    skipped: tuple[str, ...]


def tag_name(text: str) -> str:
    """A name Discord accepts: at most 20 characters, shortened with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_TAG_NAME else text[: MAX_TAG_NAME - 1].rstrip() + "…"


def wanted_tags(plan: DayPlan) -> tuple[str, ...]:
    """The day's tags, most useful first: its kind, its week, its topic."""
    if plan.kind is PostKind.GRADUATION or plan.prompt is None:
        return ("Graduation",)
    kind = "Review" if plan.kind is PostKind.REVIEW else _KIND_NAMES.get(plan.prompt.kind, "Prompt")
    names = [kind]
    if plan.kind is PostKind.PROMPT:
        names.append(f"Week {plan.week}")
    names.append(tag_name(plan.prompt.topic))
    return tuple(dict.fromkeys(tag_name(n) for n in names))[:MAX_POST_TAGS]


def plan_tags(existing: Sequence[ForumTag], wanted: Sequence[str],
              limit: int = MAX_FORUM_TAGS) -> TagPlan:
    """Create the wanted tags the forum lacks while there is room; skip the rest."""
    have = {tag.name.casefold() for tag in existing}
    room = limit - len(existing)
    create, skipped = [], []
    for name in wanted:
        if name.casefold() in have:
            continue
        if room > 0:
            create.append(name)
            have.add(name.casefold())
            room -= 1
        else:
            skipped.append(name)
    return TagPlan(tuple(create), tuple(skipped))


def tag_ids(tags: Sequence[ForumTag], wanted: Sequence[str]) -> tuple[int, ...]:
    """The ids of the wanted tags the forum has, in the wanted order."""
    by_name = {tag.name.casefold(): tag.id for tag in tags}
    return tuple(by_name[n.casefold()] for n in wanted if n.casefold() in by_name)[:MAX_POST_TAGS]


def skipped_note(skipped: Sequence[str], limit: int = MAX_FORUM_TAGS) -> str:
    names = ", ".join(f"“{name}”" for name in skipped)
    return (f"the forum has all {limit} tags Discord allows, so I left out {names}: "
            "delete unused tags in the forum's settings to make room")
