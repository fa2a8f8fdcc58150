"""Read-only queries over other features' tables: daily posts, reviews and mock sessions.

Progress needs aggregates (hit rates per item, points per member) that the
owning repositories do not offer; they are kept here, in one place, so a schema
change in those features has one file to follow. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.progress.digest import Participation
from bot.progress.model import CHECKLIST_ITEMS, ItemTally, LocalWindow, tallies_from_counts
from bot.progress.points import MemberActivity
from storage.db import Database, from_db, to_db
from storage.reviews import ReviewRepository


@dataclass(frozen=True)
class ThreadPost:
    """The daily post a thread belongs to (read from the daily feature's table)."""

    guild_id: int
    epoch: int
    cohort_day: int
    local_date: date


@dataclass(frozen=True)
class ReviewOutcome:
    """One stored review as the reminder ladder needs it."""

    id: int
    guild_id: int
    user_id: int
    items: dict[str, bool]
    created_at: datetime


class ActivityReader:
    """What members did in the daily, review and mock features, as progress needs it."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._reviews = ReviewRepository(db)

    async def post_for_thread(self, thread_id: int) -> ThreadPost | None:
        """The daily post whose answer thread this is; None for any other thread."""
        row = await self._db.fetchone(
            "SELECT guild_id, epoch, cohort_day, local_date FROM daily_posts WHERE thread_id = ?",
            (thread_id,),
        )
        if row is None:
            return None
        return ThreadPost(row["guild_id"], row["epoch"], row["cohort_day"],
                          date.fromisoformat(row["local_date"]))

    async def posted_dates(self, guild_id: int) -> set[date]:
        """Local days on which the guild got a daily post: the days a streak can break on."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT local_date FROM daily_posts WHERE guild_id = ?", (guild_id,)
        )
        return {date.fromisoformat(row["local_date"]) for row in rows}

    async def member_tallies(self, guild_id: int, user_id: int) -> tuple[ItemTally, ...]:
        """Per-item hit counts over all of a member's reviews in the guild."""
        rates = await self._reviews.hit_rates(guild_id, user_id)
        total = max((rates[item].total for item in CHECKLIST_ITEMS if item in rates), default=0)
        return tallies_from_counts({label: rate.met for label, rate in rates.items()}, total)

    async def group_tallies(
        self, guild_id: int, start: datetime, end: datetime
    ) -> tuple[ItemTally, ...]:
        """Per-item hit counts over the guild's reviews between two instants."""
        params = (guild_id, to_db(start), to_db(end))
        total = await self._db.fetchone(
            "SELECT COUNT(*) FROM reviews WHERE guild_id = ? AND created_at >= ? "
            "AND created_at < ?",
            params,
        )
        rows = await self._db.fetchall(
            "SELECT l.label, SUM(l.value) AS met FROM reviews r "
            "JOIN review_labels l ON l.review_id = r.id "
            "WHERE r.guild_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY l.label",
            params,
        )
        return tallies_from_counts({row["label"]: row["met"] for row in rows}, _count(total))

    async def review_instants(self, guild_id: int, user_id: int, since: datetime) -> list[datetime]:
        rows = await self._db.fetchall(
            "SELECT created_at FROM reviews WHERE guild_id = ? AND user_id = ? AND created_at >= ?",
            (guild_id, user_id, to_db(since)),
        )
        return [from_db(row["created_at"]) for row in rows]

    async def reviewed_prompt_ids(self, guild_id: int, user_id: int, since: datetime) -> set[str]:
        rows = await self._db.fetchall(
            "SELECT DISTINCT prompt_id FROM reviews WHERE guild_id = ? AND user_id = ? "
            "AND created_at >= ? AND prompt_id IS NOT NULL",
            (guild_id, user_id, to_db(since)),
        )
        return {row["prompt_id"] for row in rows}

    async def latest_review_id(self, guild_id: int, user_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT MAX(id) FROM reviews WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return int(row[0]) if row and row[0] is not None else 0

    async def unapplied_reviews(self) -> list[ReviewOutcome]:
        """Opted-in members' reviews newer than their watermark, oldest first."""
        rows = await self._db.fetchall(
            "SELECT r.id, r.guild_id, r.user_id, r.created_at, l.label, l.value "
            "FROM progress_preferences p JOIN reviews r ON r.guild_id = p.guild_id "
            "AND r.user_id = p.user_id AND r.id > p.reviewed_through "
            "JOIN review_labels l ON l.review_id = r.id "
            "WHERE p.reminders = 1 ORDER BY r.id",
        )
        outcomes: dict[int, ReviewOutcome] = {}
        for row in rows:
            outcome = outcomes.setdefault(row["id"], ReviewOutcome(
                row["id"], row["guild_id"], row["user_id"], {}, from_db(row["created_at"])
            ))
            if row["label"] in CHECKLIST_ITEMS:
                outcome.items[row["label"]] = bool(row["value"])
        return list(outcomes.values())

    async def mock_roles(self, guild_id: int, user_id: int) -> dict[str, int]:
        """Mock sessions the member took part in that actually started, by role."""
        rows = await self._db.fetchall(
            "SELECT p.role, COUNT(*) AS sessions FROM mock_participants p "
            "JOIN mock_sessions s ON s.session_id = p.session_id "
            "WHERE s.guild_id = ? AND p.user_id = ? AND s.started_at IS NOT NULL GROUP BY p.role",
            (guild_id, user_id),
        )
        return {row["role"]: row["sessions"] for row in rows}

    async def participation(self, guild_id: int, window: LocalWindow) -> Participation:
        """The group's activity in a window of local days (the digest's last week)."""
        start, end = to_db(window.start), to_db(window.end)
        row = await self._db.fetchone(_PARTICIPATION, (
            guild_id, start, end,
            guild_id, window.first.isoformat(), window.last.isoformat(),
            guild_id, start, end,
        ))
        assert row is not None  # noqa: S101 - an aggregate always returns a row
        return Participation(row["members"], row["answers"], row["reviews"], row["mocks"])

    async def member_activity(
        self, guild_id: int, window: LocalWindow | None = None
    ) -> list[MemberActivity]:
        """What every member did in the window (or ever): the leaderboard's input."""
        if window is None:
            rows = await self._db.fetchall(_ACTIVITY_ALL_TIME, (guild_id, guild_id, guild_id))
        else:
            start, end = to_db(window.start), to_db(window.end)
            rows = await self._db.fetchall(_ACTIVITY_IN_WINDOW, (
                guild_id, window.first.isoformat(), window.last.isoformat(),
                guild_id, start, end, guild_id, start, end,
            ))
        members: dict[int, MemberActivity] = {}
        for row in rows:
            member = members.setdefault(row["user_id"], MemberActivity(row["user_id"]))
            if row["kind"] == "answer":
                member.answers = row["n"]
            elif row["kind"] == "review":
                member.reviews, member.items_met = row["n"], row["met"] or 0
            else:
                member.mock_roles[row["role"]] = row["n"]
        return list(members.values())


def _count(row: aiosqlite.Row | None) -> int:
    return int(row[0]) if row and row[0] is not None else 0


# Answers count by local date, reviews and mocks by instant.
_PARTICIPATION = """
SELECT COUNT(DISTINCT user_id) AS members,
       COALESCE(SUM(kind = 'answer'), 0) AS answers,
       COALESCE(SUM(kind = 'review'), 0) AS reviews,
       COUNT(DISTINCT session_id) AS mocks
FROM (
    SELECT user_id, 'review' AS kind, NULL AS session_id FROM reviews
     WHERE guild_id = ? AND created_at >= ? AND created_at < ?
    UNION ALL
    SELECT user_id, 'answer', NULL FROM progress_answers
     WHERE guild_id = ? AND local_date BETWEEN ? AND ?
    UNION ALL
    SELECT p.user_id, 'mock', s.session_id FROM mock_sessions s
      JOIN mock_participants p ON p.session_id = s.session_id
     WHERE s.guild_id = ? AND s.started_at >= ? AND s.started_at < ?
)
"""

# One row per member and kind of activity (per role for mocks); points are
# computed in Python from PointsRules, so the SQL holds no rules.
_ACTIVITY_IN_WINDOW = """
SELECT user_id, 'answer' AS kind, NULL AS role, COUNT(*) AS n, 0 AS met FROM progress_answers
 WHERE guild_id = ? AND local_date BETWEEN ? AND ? GROUP BY user_id
UNION ALL
SELECT user_id, 'review', NULL, COUNT(*), SUM(score) FROM reviews
 WHERE guild_id = ? AND created_at >= ? AND created_at < ? GROUP BY user_id
UNION ALL
SELECT p.user_id, 'mock', p.role, COUNT(*), 0 FROM mock_sessions s
  JOIN mock_participants p ON p.session_id = s.session_id
 WHERE s.guild_id = ? AND s.started_at >= ? AND s.started_at < ? GROUP BY p.user_id, p.role
"""

# All time: answers and reviews from the trigger-kept totals (one row per member).
_ACTIVITY_ALL_TIME = """
SELECT user_id, 'answer' AS kind, NULL AS role, answers AS n, 0 AS met FROM progress_totals
 WHERE guild_id = ? AND answers > 0
UNION ALL
SELECT user_id, 'review', NULL, reviews, items_met FROM progress_totals
 WHERE guild_id = ? AND reviews > 0
UNION ALL
SELECT p.user_id, 'mock', p.role, COUNT(*), 0 FROM mock_sessions s
  JOIN mock_participants p ON p.session_id = s.session_id
 WHERE s.guild_id = ? AND s.started_at IS NOT NULL GROUP BY p.user_id, p.role
"""
