"""The weekly digest: which guilds are due one, what it says, and its exactly-once claim.

Due means: the guild's cohort is on the first day of a week after the first,
and its daily posting time has passed today (local). The claim row
(guild_id, epoch, cohort_week) is written before sending and completed with the
message id after; a claim left incomplete by a crash is resumed, and the
sender looks for the digest's marker in the channel before sending again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.clock import Clock
from bot.content import Content
from bot.daily.cohort import cohort_day, local_date
from bot.daily.models import Schedule
from bot.daily.timing import today_instant
from bot.progress.digest import DAYS_PER_WEEK, Digest, WeekPreview, build_digest, digest_week_due
from bot.progress.model import LocalWindow, local_midnight
from bot.progress.streaks import compute_streaks, unposted_days
from bot.sharding import Ownership
from storage.daily import DailyRepository
from storage.db import Database
from storage.progress import ActivityReader, ProgressRepository

STREAK_LOOKBACK_DAYS = 120  # enough history for any running streak worth leading


@dataclass(frozen=True)
class DueDigest:
    guild_id: int
    epoch: int
    week: int
    channel_id: int
    digest: Digest

    @property
    def marker(self) -> str:
        """Text in the sent message that identifies it when resuming a half-done send."""
        return f"[digest {self.epoch}.{self.week}]"


class DigestService:
    def __init__(
        self, repo: ProgressRepository, activity: ActivityReader, daily: DailyRepository,
        content: Content, clock: Clock,
        ownership: Ownership | None = None,
    ) -> None:
        self._owns = (ownership or Ownership()).owns
        self._repo = repo
        self._activity = activity
        self._daily = daily
        self._content = content
        self._clock = clock

    @classmethod
    def from_database(cls, db: Database, content: Content, clock: Clock) -> DigestService:
        return cls(ProgressRepository(db), ActivityReader(db), DailyRepository(db), content, clock)

    async def claim_due(self) -> list[DueDigest]:
        """Claim and build every digest due now; completed weeks are never returned."""
        due = []
        for schedule in await self._daily.all_schedules():
            if not self._owns(schedule.guild_id):
                continue  # the shard process of that server sends it
            digest = await self._claim(schedule)
            if digest is not None:
                due.append(digest)
        return due

    async def _claim(self, schedule: Schedule) -> DueDigest | None:
        now = self._clock.now()
        if schedule.stopped or now < today_instant(schedule, now):
            return None
        today = local_date(schedule, now)
        week = digest_week_due(cohort_day(schedule, today))
        if week is None:
            return None
        claim = await self._repo.claim_digest(
            schedule.guild_id, schedule.epoch, week, schedule.channel_id, now
        )
        if claim.completed:
            return None
        digest = await self.build(schedule, week, today)
        return DueDigest(schedule.guild_id, schedule.epoch, week, claim.channel_id, digest)

    async def complete(self, due: DueDigest, message_id: int) -> None:
        await self._repo.complete_digest(
            due.guild_id, due.epoch, due.week, message_id, self._clock.now()
        )

    async def build(self, schedule: Schedule, week: int, today: date) -> Digest:
        """The digest of the seven local days before ``today`` (a week's first day)."""
        guild_id, zone = schedule.guild_id, schedule.zone
        window = LocalWindow(today - timedelta(days=DAYS_PER_WEEK), today - timedelta(days=1), zone)
        participation = await self._activity.participation(guild_id, window)
        tallies = await self._activity.group_tallies(guild_id, window.start, window.end)
        before = LocalWindow(window.first - timedelta(days=DAYS_PER_WEEK),
                             window.first - timedelta(days=1), zone)
        previous = await self._activity.group_tallies(guild_id, before.start, before.end)
        posted = await self._activity.posted_dates(guild_id)
        since = today - timedelta(days=STREAK_LOOKBACK_DAYS)
        histories = await self._repo.answer_dates_by_member(guild_id, since)
        rounds = await self._activity.mock_round_instants(
            guild_id, since=local_midnight(since, zone)
        )
        streaks = {
            user: compute_streaks(
                days, today, unposted_days(days[0], today, posted),
                [instant.astimezone(zone).date() for instant in rounds.get(user, ())],
            ).current
            for user, days in histories.items()
        }
        tips = {item.id: item.tip for item in self._content.rubric.checklist}
        return build_digest(week, participation, streaks, tallies, tips,
                            self._preview(week + 1), previous)

    def _preview(self, number: int) -> WeekPreview | None:
        roadmap = self._content.roadmap
        if not 1 <= number <= len(roadmap.weeks):
            return None
        week = roadmap.week(number)
        return WeekPreview(number, week.theme, week.must)

