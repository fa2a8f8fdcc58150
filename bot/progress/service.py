"""The progress service: what /progress, /leaderboard and /drill show, and answer recording.

It reads the guild's schedule for its time zone and posting days, the
member's answers, reviews, mock sessions and FSRS cards through the
repositories, and applies the pure rules of this package. No Discord types in
or out.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.answers import is_substantive
from bot.clock import Clock
from bot.content import Content
from bot.content.model import DailyPrompt
from bot.daily.cohort import cohort_day, plan_for_day, week_of
from bot.errors import BotError
from bot.progress.charts import WEEKS, render_progress_chart
from bot.progress.drills import DrillChoice, choose_prompt, drill_targets
from bot.progress.grading import CardGrader
from bot.progress.model import ItemTally, LocalWindow, local_midnight, weakest_item
from bot.progress.points import Leaderboard, PointsRules, rank_members
from bot.progress.repetition import due
from bot.progress.streaks import Streaks, compute_streaks, unposted_days
from bot.progress.trends import Trends, compute_trends, first_trend_day
from bot.text import echo
from storage.daily import DailyRepository
from storage.db import Database
from storage.progress import ActivityReader, Answer, CardRepository, ProgressRepository

RECENT_DAYS = 14  # a prompt answered, reviewed or drilled this recently is not drilled again
WEEK_DAYS = 7


class Period(StrEnum):
    WEEK = "week"  # the last 7 local days, today included
    ALL = "all"


@dataclass(frozen=True)
class MemberProgress:
    user_id: int
    today: date
    days_answered: int
    streaks: Streaks
    reviews: int
    tallies: tuple[ItemTally, ...]
    weakest: ItemTally | None
    weakest_tip: str | None
    mock_roles: Mapping[str, int]
    activity: Mapping[date, int]  # answers + reviews per local day, last 12 weeks
    trends: Trends

    @property
    def has_data(self) -> bool:
        """Anything to chart: without it /progress shows how to start instead."""
        return bool(self.days_answered or self.reviews or self.mock_roles)


@dataclass(frozen=True)
class Drill:
    choice: DrillChoice[DailyPrompt]
    item_name: str
    tip: str
    due_count: int  # checklist items due for review (spaced repetition)


class ProgressService:
    def __init__(
        self,
        repo: ProgressRepository,
        activity: ActivityReader,
        daily: DailyRepository,
        content: Content,
        clock: Clock,
        rules: PointsRules | None = None,
        cards: CardRepository | None = None,
    ) -> None:
        self._repo = repo
        self._activity = activity
        self._cards = cards or CardRepository(repo.database)
        self.grader = CardGrader(self._cards)
        self._daily = daily
        self._content = content
        self._clock = clock
        self.rules = rules or PointsRules()

    @classmethod
    def from_database(cls, db: Database, content: Content, clock: Clock) -> ProgressService:
        """The service over the bot's database (the cog's way in: cogs see no repository)."""
        return cls(ProgressRepository(db), ActivityReader(db), DailyRepository(db), content,
                   clock, cards=CardRepository(db))

    async def zone(self, guild_id: int) -> ZoneInfo:
        """The guild's zone from its daily schedule; UTC for a guild without one."""
        schedule = await self._daily.schedule(guild_id)
        return schedule.zone if schedule else ZoneInfo("UTC")

    async def _local_today(self, guild_id: int) -> tuple[ZoneInfo, date]:
        """The guild's zone and today's date in it: the calendar streaks and windows use."""
        zone = await self.zone(guild_id)
        return zone, self._clock.now().astimezone(zone).date()

    # -- recording ---------------------------------------------------------------

    async def record_answer(
        self, thread_id: int, user_id: int, message_id: int, sent_at: datetime,
        text: str = "", replies_to_other_member: bool = False,
    ) -> bool:
        """Count a message in a daily-prompt thread as the day's answer; False otherwise.

        Any other thread, and a member's second answer of the same local day,
        is ignored, so listening to every message is cheap and idempotent. Chat
        ("I agree!") is not an answer (``bot.answers.is_substantive``). Without the
        message-content intent the text arrives blank and cannot be judged: such a
        message still counts for the streak, but earns no points. The text is judged
        here and never stored.
        """
        substantive = is_substantive(text, replies_to_other_member)
        if text.strip() and not substantive:
            return False
        post = await self._activity.post_for_thread(thread_id)
        if post is None:
            return False
        zone = await self.zone(post.guild_id)
        plan = plan_for_day(self._content.roadmap, post.cohort_day)
        prompt_id = plan.prompt.id if plan and plan.prompt else None
        answer = Answer(post.guild_id, user_id, sent_at.astimezone(zone).date(), thread_id,
                        message_id, prompt_id, sent_at, substantive)
        return await self._repo.record_answer(answer)

    # -- /progress ---------------------------------------------------------------

    async def member_progress(self, guild_id: int, user_id: int) -> MemberProgress:
        zone, today = await self._local_today(guild_id)
        answered = await self._repo.answer_dates(guild_id, user_id)
        tallies = await self._activity.member_tallies(guild_id, user_id)
        weakest = weakest_item(tallies)
        first_day = today - timedelta(weeks=WEEKS)
        since = local_midnight(first_day, zone)
        reviewed = await self._activity.review_instants(guild_id, user_id, since)
        activity = Counter(d for d in answered if d >= first_day)
        activity.update(instant.astimezone(zone).date() for instant in reviewed)
        history = await self._activity.member_history(guild_id, user_id, first_trend_day(today))
        return MemberProgress(
            user_id=user_id,
            today=today,
            days_answered=len(answered),
            streaks=await self._streaks(guild_id, user_id, answered, today, zone),
            reviews=tallies[0].total if tallies else 0,
            tallies=tallies,
            weakest=weakest,
            weakest_tip=self._content.rubric.item(weakest.item).tip if weakest else None,
            mock_roles=await self._activity.mock_roles(guild_id, user_id),
            activity=dict(activity),
            trends=compute_trends(history, today, zone, self.rules),
        )

    async def _streaks(
        self, guild_id: int, user_id: int, answered: list[date], today: date, zone: ZoneInfo
    ) -> Streaks:
        """Streaks where days without a daily post (paused, not started) are skipped,
        and freezes earned by streaks and mock rounds bridge a missed day."""
        rounds = await self._activity.mock_round_instants(guild_id, user_id)
        earned = [instant.astimezone(zone).date() for instant in rounds.get(user_id, ())]
        if not answered:
            return compute_streaks(answered, today, (), earned)
        posted = await self._activity.posted_dates(guild_id)
        return compute_streaks(answered, today, unposted_days(answered[0], today, posted), earned)

    def chart(self, progress: MemberProgress) -> bytes:
        """PNG bytes; CPU-bound, so callers on the event loop use asyncio.to_thread."""
        names = {item.id: item.name for item in self._content.rubric.checklist}
        weakest = progress.weakest.item if progress.weakest else None
        return render_progress_chart(
            progress.tallies, names, progress.activity, progress.today, progress.trends, weakest
        )

    # -- /leaderboard ------------------------------------------------------------

    async def leaderboard(self, guild_id: int, user_id: int, period: Period) -> Leaderboard:
        window = None
        if period is Period.WEEK:
            zone, today = await self._local_today(guild_id)
            window = LocalWindow(today - timedelta(days=WEEK_DAYS - 1), today, zone)
        activity = await self._activity.member_activity(guild_id, window)
        totals = [(member.user_id, self.rules.points_for(member)) for member in activity]
        return rank_members(totals, user_id)

    # -- /drill ------------------------------------------------------------------

    def resolve_item(self, raw: str) -> str:
        """A checklist item id from what a member typed: its id or name, any case."""
        wanted = raw.strip().casefold().replace("_", " ")
        for item in self._content.rubric.checklist:
            if wanted in (item.id.replace("_", " "), item.name.casefold()):
                return item.id
        names = ", ".join(item.name for item in self._content.rubric.checklist)
        raise BotError(f"There is no checklist item called \"{echo(raw, 40)}\". Use one of: {names}.")

    async def reached_week(self, guild_id: int, today: date) -> int:
        """The last roadmap week the guild's cohort has reached (1 without a schedule)."""
        schedule = await self._daily.schedule(guild_id)
        if schedule is None:
            return 1
        return max(1, min(week_of(cohort_day(schedule, today)), len(self._content.roadmap.weeks)))

    async def drill(self, guild_id: int, user_id: int, item: str | None = None) -> Drill:
        """A prompt for the member's most overdue item (or ``item``, an id or name),
        from a week the group has reached, that they have not answered, reviewed or
        been drilled on in the last ``RECENT_DAYS`` days; recorded as seen."""
        forced = self.resolve_item(item) if item is not None else None
        await self.grader.grade_new_reviews()
        zone, today = await self._local_today(guild_id)
        now = self._clock.now()
        due_cards = due((await self._cards.cards(guild_id, user_id)).values(), now)
        tallies = await self._activity.member_tallies(guild_id, user_id)
        targets = drill_targets(tallies, [card.item for card in due_cards], forced)
        since = today - timedelta(days=RECENT_DAYS)
        recent = await self._repo.answered_prompt_ids(guild_id, user_id, since)
        recent |= await self._activity.reviewed_prompt_ids(
            guild_id, user_id, local_midnight(since, zone)
        )
        recent |= await self._cards.drilled_prompt_ids(
            guild_id, user_id, now - timedelta(days=RECENT_DAYS)
        )
        reached = await self.reached_week(guild_id, today)
        prompts = [p for p in self._content.roadmap.all_prompts() if p.week <= reached]
        seed = zlib.crc32(f"{user_id}:{today.isoformat()}".encode())
        choice = choose_prompt(prompts, targets, recent, seed)
        if choice is None:
            raise BotError(self._no_drill_message(forced, prompts, reached))
        await self._cards.record_drill(guild_id, user_id, choice.prompt.id, now)
        checklist_item = self._content.rubric.item(choice.target.item)
        return Drill(choice, checklist_item.name, checklist_item.tip, len(due_cards))

    def _no_drill_message(self, forced: str | None, prompts: list[DailyPrompt], reached: int) -> str:
        weeks = "week 1" if reached == 1 else f"weeks 1 to {reached}"
        if forced is None:
            return (f"You have seen every prompt from {weeks} (the weeks your group has "
                    f"reached) in the last {RECENT_DAYS} days. Come back when the next week "
                    "opens.")
        name = self._content.rubric.item(forced).name
        if not any(forced in prompt.stresses for prompt in prompts):
            return (f"No prompt from {weeks} (the weeks your group has reached) stresses "
                    f"{name} yet. Try another item.")
        return (f"You have seen every {name} prompt from {weeks} in the last {RECENT_DAYS} "
                "days. Try another item, or come back when the next week opens.")
