"""Turns a cohort day's plan into the messages the bot sends, through the templates.

Shared by the service (real posts) and ``python -m bot preview`` (proof-reading),
so what an organiser proof-reads is byte for byte what the group gets.
"""

from __future__ import annotations

from datetime import date

from bot.content import Content
from bot.daily.cohort import DayPlan, day_in_week, must_prompts
from bot.daily.models import PostKind
from bot.render import RenderedMessage, Renderer

_TEMPLATES = {
    PostKind.PROMPT: "daily/prompt.md.j2",
    PostKind.GRADUATION: "daily/graduation.md.j2",
    PostKind.REVIEW: "daily/review_cycle.md.j2",
}


def post_marker(day: int, on: date) -> str:
    """The text that identifies one day's post on Discord (footer of the post, end of the opener).

    A restarted bot looks for it in recent channel history to tell whether its
    last send reached Discord before it died.
    """
    return f"Day {day} · {on.isoformat()}"


class DailyMessages:
    """Renders the daily post and its thread opener for a ``DayPlan``."""

    def __init__(self, renderer: Renderer, content: Content) -> None:
        self._renderer = renderer
        self._content = content

    def post(self, plan: DayPlan, marker: str) -> RenderedMessage:
        return self._renderer.render(_TEMPLATES[plan.kind], **self._variables(plan, marker))

    def opener(self, plan: DayPlan, marker: str) -> RenderedMessage:
        return self._renderer.render("daily/thread_opener.md.j2", **self._variables(plan, marker))

    def _variables(self, plan: DayPlan, marker: str) -> dict[str, object]:
        rubric = self._content.rubric
        prompt = plan.prompt
        week = self._content.roadmap.week(prompt.week) if prompt else None
        return {
            "plan": plan,
            "day": plan.day,
            "prompt": prompt,
            "week": week,
            "weekday": day_in_week(prompt.cohort_day) if prompt else None,
            "stresses": [rubric.item(i) for i in prompt.stresses] if prompt else [],
            "principles": [rubric.principle(p) for p in prompt.principles] if prompt else [],
            "angle": plan.angle,
            "review_round": plan.review_round,
            "must_count": len(must_prompts(self._content.roadmap)),
            "total_days": self._content.roadmap.TOTAL_DAYS,
            "marker": marker,
        }
