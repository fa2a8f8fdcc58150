"""The progress service: what /progress, /leaderboard and /drill show, and answer recording.

It reads the guild's schedule for its time zone and posting days, the
member's answers, reviews and mock sessions through the repositories, and
applies the pure rules of this package. No Discord types in or out.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.content import Content
from bot.content.model import DailyPrompt
from bot.daily.cohort import plan_for_day
from bot.progress.charts import WEEKS, render_progress_chart
from bot.progress.drills import DrillChoice, choose_prompt, drill_target
from bot.progress.model import ItemTally, LocalWindow, local_midnight, weakest_item
from bot.progress.points import Leaderboard, PointsRules, rank_members
from bot.progress.streaks import Streaks, compute_streaks, unposted_days
from storage.daily import DailyRepository
from storage.progress import ActivityReader, Answer, ProgressRepository

RECENT_DAYS = 14  # a prompt answered or reviewed this recently is not drilled again
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


@dataclass(frozen=True)
class Drill:
    choice: DrillChoice[DailyPrompt]
    item_name: str
    tip: str


class ProgressService:
    def __init__(
        self,
        repo: ProgressRepository,
        activity: ActivityReader,
        daily: DailyRepository,
        content: Content,
        clock: Clock,
        rules: PointsRules | None = None,
    ) -> None:
        self._repo = repo
        self._activity = activity
        self._daily = daily
        self._content = content
        self._clock = clock
        self.rules = rules or PointsRules()

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
        self, thread_id: int, user_id: int, message_id: int, sent_at: datetime
    ) -> bool:
        """Count a message in a daily-prompt thread as the day's answer; False otherwise.

        Any other thread, and a member's second answer of the same local day,
        is ignored, so listening to every message is cheap and idempotent.
        """
        post = await self._activity.post_for_thread(thread_id)
        if post is None:
            return False
        zone = await self.zone(post.guild_id)
        plan = plan_for_day(self._content.roadmap, post.cohort_day)
        prompt_id = plan.prompt.id if plan and plan.prompt else None
        answer = Answer(post.guild_id, user_id, sent_at.astimezone(zone).date(), thread_id,
                        message_id, prompt_id, sent_at)
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
        return MemberProgress(
            user_id=user_id,
            today=today,
            days_answered=len(answered),
            streaks=await self._streaks(guild_id, answered, today),
            reviews=tallies[0].total if tallies else 0,
            tallies=tallies,
            weakest=weakest,
            weakest_tip=self._content.rubric.item(weakest.item).tip if weakest else None,
            mock_roles=await self._activity.mock_roles(guild_id, user_id),
            activity=dict(activity),
        )

    async def _streaks(self, guild_id: int, answered: list[date], today: date) -> Streaks:
        """Streaks where days without a daily post (paused, not started) are skipped."""
        if not answered:
            return Streaks(0, 0)
        posted = await self._activity.posted_dates(guild_id)
        return compute_streaks(answered, today, unposted_days(answered[0], today, posted))

    def chart(self, progress: MemberProgress) -> bytes:
        """PNG bytes; CPU-bound, so callers on the event loop use asyncio.to_thread."""
        names = {item.id: item.name for item in self._content.rubric.checklist}
        weakest = progress.weakest.item if progress.weakest else None
        return render_progress_chart(
            progress.tallies, names, progress.activity, progress.today, weakest
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

    async def drill(self, guild_id: int, user_id: int, item: str | None = None) -> Drill:
        """A prompt for the member's weakest item (or ``item``), not one done recently."""
        zone, today = await self._local_today(guild_id)
        tallies = await self._activity.member_tallies(guild_id, user_id)
        target = drill_target(tallies, forced=item)
        since = today - timedelta(days=RECENT_DAYS)
        recent = await self._repo.answered_prompt_ids(guild_id, user_id, since)
        recent |= await self._activity.reviewed_prompt_ids(
            guild_id, user_id, local_midnight(since, zone)
        )
        seed = zlib.crc32(f"{user_id}:{today.isoformat()}".encode())
        choice = choose_prompt(self._content.roadmap.all_prompts(), target, recent, seed)
        checklist_item = self._content.rubric.item(target.item)
        return Drill(choice, checklist_item.name, checklist_item.tip)

