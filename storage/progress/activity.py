"""Read-only queries over other features' tables: daily posts, reviews and mock sessions.

Progress needs aggregates (hit rates per item, points per member) that the
owning repositories do not offer; they are kept here, in one place, so a schema
change in those features has one file to follow. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.progress.model import (
    CHECKLIST_ITEMS,
    ItemTally,
    LocalWindow,
    MemberActivity,
    MemberHistory,
    Participation,
    tallies_from_counts,
)
from storage.db import Database, Row, from_db, to_db
from storage.reviews import ReviewRepository


@dataclass(frozen=True)
class ThreadPost:
    """The daily post a thread belongs to (read from the daily feature's table)."""

    guild_id: int
    epoch: int
    cohort_day: int
    local_date: date


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

    async def mock_round_instants(
        self, guild_id: int, user_id: int | None = None, since: datetime | None = None
    ) -> dict[int, list[datetime]]:
        """When each member (or one) started mock rounds as candidate or interviewer:
        the rounds that earn streak freezes."""
        rows = await self._db.fetchall(
            "SELECT p.user_id, s.started_at FROM mock_sessions s "
            "JOIN mock_participants p ON p.session_id = s.session_id "
            "WHERE s.guild_id = ? AND s.started_at IS NOT NULL AND s.started_at >= ? "
            "AND p.role IN ('candidate', 'interviewer') AND (CAST(? AS BIGINT) IS NULL OR p.user_id = ?) "
            "ORDER BY s.started_at",
            (guild_id, to_db(since) if since else "", user_id, user_id),
        )
        found: dict[int, list[datetime]] = {}
        for row in rows:
            found.setdefault(row["user_id"], []).append(from_db(row["started_at"]))
        return found

    async def member_history(self, guild_id: int, user_id: int, since: date) -> MemberHistory:
        """Everything the trend chart needs since local day ``since`` (instants from the
        UTC midnight a day earlier, so no local day is cut short; the caller filters)."""
        key = (guild_id, user_id)
        early = to_db(datetime.combine(since, datetime.min.time(), tzinfo=UTC)
                      - timedelta(days=1))
        answers = await self._db.fetchall(
            "SELECT local_date FROM progress_answers WHERE guild_id = ? AND user_id = ? "
            "AND substantive = 1 AND local_date >= ?", (*key, since.isoformat()),
        )
        days = await self._db.fetchall(
            "SELECT local_date, best_score FROM progress_review_days WHERE guild_id = ? "
            "AND user_id = ? AND local_date >= ?", (*key, since.isoformat()),
        )
        labels = await self._db.fetchall(
            "SELECT r.created_at, l.label, l.value FROM reviews r "
            "JOIN review_labels l ON l.review_id = r.id "
            "WHERE r.guild_id = ? AND r.user_id = ? AND r.created_at >= ?", (*key, early),
        )
        mocks = await self._db.fetchall(
            "SELECT s.started_at, p.role FROM mock_sessions s "
            "JOIN mock_participants p ON p.session_id = s.session_id "
            "WHERE s.guild_id = ? AND p.user_id = ? AND s.started_at >= ?", (*key, early),
        )
        return MemberHistory(
            answer_days=[date.fromisoformat(r["local_date"]) for r in answers],
            review_days=[(date.fromisoformat(r["local_date"]), r["best_score"]) for r in days],
            labels=[(from_db(r["created_at"]), r["label"], bool(r["value"])) for r in labels
                    if r["label"] in CHECKLIST_ITEMS],
            mocks=[(from_db(r["started_at"]), r["role"]) for r in mocks],
        )

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
            first, last = window.first.isoformat(), window.last.isoformat()
            rows = await self._db.fetchall(_ACTIVITY_IN_WINDOW, (
                guild_id, first, last, guild_id, first, last, guild_id, start, end,
            ))
        members: dict[int, MemberActivity] = {}
        # Unpacked by position (the queries' column order): a name lookup per cell was most
        # of the leaderboard's time at 1,000 members.
        for user_id, kind, role, n, met in rows:
            member = members.get(user_id)
            if member is None:
                member = members[user_id] = MemberActivity(user_id)
            if kind == "answer":
                member.answers = n
            elif kind == "review":
                member.reviews, member.items_met = n, met or 0
            else:
                member.mock_roles[role] = n
        return list(members.values())


def _count(row: Row | None) -> int:
    return int(row[0]) if row and row[0] is not None else 0


# Answers count by local date, reviews and mocks by instant.
_PARTICIPATION = """
SELECT COUNT(DISTINCT user_id) AS members,
       COALESCE(SUM(CASE WHEN kind = 'answer' THEN 1 ELSE 0 END), 0) AS answers,
       COALESCE(SUM(CASE WHEN kind = 'review' THEN 1 ELSE 0 END), 0) AS reviews,
       COUNT(DISTINCT session_id) AS mocks
FROM (
    SELECT user_id, 'review' AS kind, CAST(NULL AS BIGINT) AS session_id FROM reviews
     WHERE guild_id = ? AND created_at >= ? AND created_at < ?
    UNION ALL
    SELECT user_id, 'answer', NULL FROM progress_answers
     WHERE guild_id = ? AND local_date BETWEEN ? AND ?
    UNION ALL
    SELECT p.user_id, 'mock', s.session_id FROM mock_sessions s
      JOIN mock_participants p ON p.session_id = s.session_id
     WHERE s.guild_id = ? AND s.started_at >= ? AND s.started_at < ?
) AS activity
"""

# One row per member and kind of activity (per role for mocks), columns in the order
# member_activity unpacks them (user_id, kind, role, n, met); points are
# computed in Python from PointsRules, so the SQL holds no rules. Only substantive
# answers and each day's best review per prompt (progress_review_days) earn points.
_ACTIVITY_IN_WINDOW = """
SELECT user_id, 'answer' AS kind, NULL AS role, COUNT(*) AS n, 0 AS met FROM progress_answers
 WHERE guild_id = ? AND local_date BETWEEN ? AND ? AND substantive = 1 GROUP BY user_id
UNION ALL
SELECT user_id, 'review', NULL, COUNT(*), SUM(best_score) FROM progress_review_days
 WHERE guild_id = ? AND local_date BETWEEN ? AND ? GROUP BY user_id
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
