"""Read-only study views: /prompt, /roadmap and /guide.

They share the daily feature's notion of "today" (the guild's cohort day), so a
member asking for today's prompt sees the one the group was given.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.content import Content, DailyPrompt, GuideTopic, Week
from bot.content.topics import find_topic, fold, roadmap_topic_names
from bot.daily.cohort import DAYS_PER_WEEK, cohort_day, local_date, plan_for_day, week_of
from bot.errors import BotError
from bot.text import echo
from storage.daily import DailyRepository
from storage.db import Database

WEEKS = 12


@dataclass(frozen=True)
class RoadmapView:
    """The plan with the group's place in it; ``current_week`` is None without a schedule."""

    weeks: tuple[Week, ...]
    focus: Week
    current_week: int | None
    day: int | None


class StudyService:
    def __init__(self, repo: DailyRepository, content: Content, clock: Clock) -> None:
        self._repo = repo
        self._content = content
        self._clock = clock

    @classmethod
    def from_database(cls, db: Database, content: Content, clock: Clock) -> StudyService:
        return cls(DailyRepository(db), content, clock)

    async def cohort_day(self, guild_id: int | None) -> int | None:
        """The guild's cohort day today, or None without a schedule or before day 1."""
        schedule = await self._repo.schedule(guild_id) if guild_id is not None else None
        if schedule is None:
            return None
        day = cohort_day(schedule, local_date(schedule, self._clock.now()))
        return day if day >= 1 else None

    async def prompt(self, guild_id: int | None, week: int | None, day: int | None) -> DailyPrompt:
        """The asked-for prompt; missing parts default to today's (or week 1, day 1).

        After graduation "today" is the review cycle's prompt, and on graduation day
        itself the roadmap's last one.
        """
        roadmap = self._content.roadmap
        today = await self.cohort_day(guild_id)
        if week is None and day is None:
            plan = plan_for_day(roadmap, today) if today else None
            if plan is None:
                return roadmap.prompt(1, 1)
            return plan.prompt or roadmap.prompt_for_cohort_day(roadmap.TOTAL_DAYS)
        if week is None:
            week = min(week_of(today), WEEKS) if today else 1
        _check_range("week", week, WEEKS)
        _check_range("day", day or 1, DAYS_PER_WEEK)
        return roadmap.prompt(week, day or 1)

    async def roadmap(self, guild_id: int | None) -> RoadmapView:
        """After graduation no week is current and the focus stays on the last one."""
        today = await self.cohort_day(guild_id)
        current = week_of(today) if today and week_of(today) <= WEEKS else None
        focus = current or (WEEKS if today else 1)
        weeks = self._content.roadmap.weeks
        return RoadmapView(weeks, weeks[focus - 1], current, today)

    def guide_topics(self) -> list[GuideTopic]:
        return self._content.guide_topics()

    def guide_choices(self, query: str, limit: int = 25) -> list[GuideTopic]:
        """Autocomplete, best match first, over names, aliases, ids and kinds.

        Discord shows at most 25 choices. With nothing typed, those are the topics the
        roadmap names, in study order; every other entry appears as soon as part of its
        name (or an alias: "cap", "ops", "kafka") is typed.
        """
        topics = self.guide_topics()
        folded = fold(query)
        if not folded:
            featured = [find_topic(topics, name) for name in roadmap_topic_names(
                self._content.roadmap)]
            ordered = {t.id: t for t in (*(t for t in featured if t is not None), *topics)}
            return list(ordered.values())[:limit]
        scored = [(score, index, topic) for index, topic in enumerate(topics)
                  if (score := _match_score(folded, topic)) is not None]
        scored.sort(key=lambda item: (item[0], item[1]))
        return [topic for _, _, topic in scored[:limit]]

    def guide_topic(self, topic: str) -> GuideTopic:
        """By id (what autocomplete sends), name or alias (what a member may type)."""
        found = find_topic(self.guide_topics(), topic)
        if found is not None:
            return found
        close = ", ".join(f"`{t.name}`" for t in self.guide_choices(topic, 3))
        hint = f" Closest: {close}." if close else ""
        raise BotError(f"There is no guide topic `{echo(topic)}`.{hint} Pick one from the list.")


def _match_score(query: str, topic: GuideTopic) -> int | None:
    """0 exact name or alias, 1 name prefix, 2 alias prefix or a word of the name,
    3 part of the name, an alias or the id, 4 the kind ("phase", "principle")."""
    name, aliases = fold(topic.name), [fold(a) for a in topic.aliases]
    if query == name or query in aliases:
        return 0
    if name.startswith(query):
        return 1
    if any(a.startswith(query) for a in aliases) or any(
            word.startswith(query) for word in name.split()):
        return 2
    if query in name or any(query in a for a in aliases) or query in fold(topic.id):
        return 3
    if query in fold(topic.kind):
        return 4
    return None


def _check_range(name: str, value: int, highest: int) -> None:
    if not 1 <= value <= highest:
        raise BotError(f"{name} must be between 1 and {highest}, not {value}.")
