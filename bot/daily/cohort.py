"""Cohort arithmetic: which day of the 12-week plan a guild is on, and what that day posts.

Cohort day = local calendar days since the start date, + 1, minus the days the
group spent paused. While paused the day is frozen at the one the group will
continue with, so resuming never skips the paused days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.content import DailyPrompt, Roadmap
from bot.daily.models import PostKind, Schedule

DAYS_PER_WEEK = 7
GRADUATION_DAY = Roadmap.TOTAL_DAYS + 1


def local_date(schedule: Schedule, instant: datetime) -> date:
    """The calendar date in the guild's zone at ``instant``."""
    return instant.astimezone(schedule.zone).date()


def cohort_day(schedule: Schedule, on: date) -> int:
    """The cohort day on local date ``on``; 0 or less before the start date."""
    if schedule.paused_at_day is not None:
        return schedule.paused_at_day
    return (on - schedule.start_date).days + 1 - schedule.paused_days


def week_of(day: int) -> int:
    """Week number of a cohort day (1-based; may exceed 12 after graduation)."""
    return (day - 1) // DAYS_PER_WEEK + 1


def day_in_week(day: int) -> int:
    return (day - 1) % DAYS_PER_WEEK + 1


def frozen_day(schedule: Schedule, today: date, today_done: bool) -> int:
    """The cohort day a pause freezes at: the next one the group has not been given."""
    day = cohort_day(schedule, today)
    return max(1, day + 1 if today_done else day)


def paused_days_after_resume(schedule: Schedule, next_post_date: date) -> int:
    """Paused days such that ``next_post_date`` carries the frozen day.

    Never lower than before (a resume cannot move the cohort forward), which also
    covers pausing before the start date: resuming then keeps the original start.
    """
    if schedule.paused_at_day is None:
        return schedule.paused_days
    wanted = (next_post_date - schedule.start_date).days + 1 - schedule.paused_at_day
    return max(schedule.paused_days, wanted)


@dataclass(frozen=True, slots=True)
class DayPlan:
    """What one cohort day posts. ``angle`` is the probe a review day re-asks with."""

    day: int
    kind: PostKind
    prompt: DailyPrompt | None = None
    angle: str | None = None
    review_round: int = 0

    @property
    def week(self) -> int:
        return week_of(self.day)

    @property
    def title(self) -> str:
        if self.prompt is None:
            return "Graduation"
        return self.prompt.title

    @property
    def thread_name(self) -> str | None:
        """Discord thread names are limited to 100 characters; graduation opens none."""
        if self.kind is PostKind.GRADUATION:
            return None
        name = f"Day {self.day} · {self.title}"
        return name if len(name) <= 100 else name[:99] + "…"


def plan_for_day(roadmap: Roadmap, day: int) -> DayPlan | None:
    """The post for cohort day ``day``; None before the start.

    Days 1-84 follow the roadmap; day 85 is the graduation; from day 86 the
    must-tier prompts come round again, each time with the next of its probes
    as the new angle, so a second lap does not repeat the first.
    """
    if day < 1:
        return None
    if day <= Roadmap.TOTAL_DAYS:
        return DayPlan(day, PostKind.PROMPT, roadmap.prompt_for_cohort_day(day))
    if day == GRADUATION_DAY:
        return DayPlan(day, PostKind.GRADUATION)
    musts = must_prompts(roadmap)
    index = day - GRADUATION_DAY - 1
    review_round, position = divmod(index, len(musts))
    prompt = musts[position]
    angle = prompt.probes[review_round % len(prompt.probes)]
    return DayPlan(day, PostKind.REVIEW, prompt, angle, review_round + 1)


def must_prompts(roadmap: Roadmap) -> tuple[DailyPrompt, ...]:
    """The must-tier prompts in roadmap order: what the review cycle revisits."""
    return tuple(p for p in roadmap.all_prompts() if p.tier == "must")
