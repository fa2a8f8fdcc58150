"""Turns a cohort day's plan into the messages the bot sends, through the templates.

Shared by the service (real posts) and ``python -m bot preview`` (proof-reading),
so what an organiser proof-reads is byte for byte what the group gets.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.content import Content, DailyPrompt
from bot.daily.cohort import GRADUATION_DAY, DayPlan, day_in_week, must_prompts, week_of
from bot.daily.models import PostKind
from bot.daily.poster import PostExtras
from bot.errors import BotError
from bot.render import RenderedMessage, Renderer

if TYPE_CHECKING:  # the service imports this module; only the type is needed here
    from bot.daily.service import DailyStatus

# Button labels, shared by the Discord view and ``python -m bot preview``.
WHAT_COUNTS_LABEL = "What counts"
SUBSCRIBE_LABEL = "Subscribe / Unsubscribe"

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

    def post(
        self, plan: DayPlan, marker: str, ping_role_id: int | None = None, *,
        forum: bool = False, answered: int = 0,
    ) -> RenderedMessage:
        """The public post; with a ping role it mentions that role (and nothing else).

        ``forum``: it is a forum post's starter message (answers go below it, not in a
        thread); ``answered``: how many members have answered so far (shown when > 0).
        """
        return self._renderer.render(
            _TEMPLATES[plan.kind], **self._variables(plan, marker), ping_role_id=ping_role_id,
            forum=forum, answered=answered,
        )

    def roll_call(self, day: int, title: str, answers: list[tuple[str, str]], more: int) -> RenderedMessage:
        """The end-of-day line: who answered (display names, linked to their answers)."""
        return self._renderer.render("daily/roll_call.md.j2", day=day, title=title,
                                     answers=answers, more=more)

    def extras(self, plan: DayPlan, ping_role_id: int | None = None) -> PostExtras:
        """The post's ping and buttons: Subscribe with a ping role, What counts with a prompt."""
        return PostExtras(ping_role_id, plan.prompt.id if plan.prompt else None)

    def what_counts(self, prompt_id: str) -> RenderedMessage:
        """The checklist definitions a prompt stresses, for the "What counts" button."""
        try:
            prompt = self._content.roadmap.prompt_by_id(prompt_id)
        except KeyError:
            raise BotError("That prompt is no longer in the roadmap.") from None
        return self._renderer.render(
            "daily/what_counts.md.j2", **prompt_variables(self._content, prompt)
        )

    def opener(self, plan: DayPlan, marker: str) -> RenderedMessage:
        return self._renderer.render("daily/thread_opener.md.j2", **self._variables(plan, marker))

    def _variables(self, plan: DayPlan, marker: str) -> dict[str, object]:
        prompt_parts = prompt_variables(self._content, plan.prompt) if plan.prompt else {
            "prompt": None, "week": None, "weekday": None, "stresses": [], "principles": []}
        return {
            **prompt_parts,
            "plan": plan,
            "day": plan.day,
            "angle": plan.angle,
            "review_round": plan.review_round,
            "must_count": len(must_prompts(self._content.roadmap)),
            "total_days": self._content.roadmap.TOTAL_DAYS,
            "marker": marker,
        }


def prompt_variables(content: Content, prompt: DailyPrompt) -> dict[str, object]:
    """A roadmap prompt with its week and the rubric entries it names, for any template."""
    rubric = content.rubric
    return {
        "prompt": prompt,
        "week": content.roadmap.week(prompt.week),
        "weekday": day_in_week(prompt.cohort_day),
        "stresses": [rubric.item(item_id) for item_id in prompt.stresses],
        "principles": [rubric.principle(p) for p in prompt.principles],
    }


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def status_variables(
    status: DailyStatus, headline: str | None = None, problem: object | None = None,
    zone_input: str | None = None, warning: str | None = None,
) -> dict[str, object]:
    """Everything ``daily/status.md.j2`` shows, with instants already in the guild's zone.

    ``problem`` (a ``bot.daily.jobs.Problem``) says why today's due post is still waiting.
    ``zone_input`` is what the organiser typed; when it isn't the IANA name itself the
    reply says how it was read ("PST" → America/Los_Angeles), so a wrong guess shows.
    """
    schedule, zone = status.schedule, status.schedule.zone
    last = status.last_post
    typed = (zone_input or "").strip()
    return {
        "headline": headline,
        "problem": problem,
        "warning": warning,
        "zone_input": typed if typed and typed != schedule.timezone else None,
        "schedule": schedule,
        "day": status.day,
        "week": week_of(status.day),
        "total_days": GRADUATION_DAY - 1,
        "post_time": schedule.post_time.strftime("%H:%M"),
        "next_post": status.next_post,
        "next_local": status.next_post.astimezone(zone).strftime("%a %d %b %Y, %H:%M %Z")
        if status.next_post else None,
        "last_post": last,
        "last_url": jump_url(schedule.guild_id, *last.post_location)
        if last and last.post_location else None,
        "attention_since": schedule.attention_since.astimezone(zone).date().isoformat()
        if schedule.attention_since else None,
    }
