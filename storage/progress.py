"""SQL of the progress feature: answers, preferences, reminders and digest claims.

Reviews and mock sessions are other features' tables; this module only reads
the aggregates progress needs from them (see ``ActivityStats``), so that the
leaderboard and /progress stay one indexed query each instead of loading rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.progress.digest import Participation
from bot.progress.model import CHECKLIST_ITEMS, ItemTally, tallies_from_counts
from bot.progress.points import MemberActivity
from bot.progress.repetition import Reminder
from storage.db import Database, from_db, to_db


@dataclass(frozen=True)
class Answer:
    """A member's first answer of the local day in a daily-prompt thread."""

    guild_id: int
    user_id: int
    local_date: date
    thread_id: int
    message_id: int
    prompt_id: str | None
    answered_at: datetime


@dataclass(frozen=True)
class ThreadPost:
    """The daily post a thread belongs to (read from the daily feature's table)."""

    guild_id: int
    epoch: int
    cohort_day: int
    local_date: date


@dataclass(frozen=True)
class Preferences:
    reminders: bool = False
    delivery: str = "thread"
    reviewed_through: int = 0


@dataclass(frozen=True)
class StoredReminder:
    id: int
    guild_id: int
    user_id: int
    delivery: str
    reminder: Reminder


@dataclass(frozen=True)
class DigestClaim:
    channel_id: int
    message_id: int | None
    completed: bool


@dataclass(frozen=True)
class ReviewOutcome:
    """One stored review as the reminder ladder needs it."""

    id: int
    guild_id: int
    user_id: int
    items: dict[str, bool]
    created_at: datetime


def _stored_reminder(row: aiosqlite.Row) -> StoredReminder:
    return StoredReminder(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        delivery=row["delivery"],
        reminder=Reminder(
            item=row["item"],
            due_at=from_db(row["due_at"]),
            step=row["step"],
            consecutive_hits=row["consecutive_hits"],
        ),
    )


_SELECT_REMINDERS = (
    "SELECT id, guild_id, user_id, item, due_at, step, delivery, consecutive_hits "
    "FROM progress_reminders"
)


class ProgressRepository:
    """Progress's own tables. Each method is one statement or one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- answers ---------------------------------------------------------------

    async def record_answer(self, answer: Answer) -> bool:
        """Store the day's first answer; False when the member already answered that day."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO progress_answers (guild_id, user_id, local_date, thread_id, "
                "message_id, prompt_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id, local_date) DO NOTHING",
                (answer.guild_id, answer.user_id, answer.local_date.isoformat(),
                 answer.thread_id, answer.message_id, answer.prompt_id,
                 to_db(answer.answered_at)),
            )
            return cursor.rowcount == 1

    async def answer_dates(self, guild_id: int, user_id: int) -> list[date]:
        rows = await self._db.fetchall(
            "SELECT local_date FROM progress_answers WHERE guild_id = ? AND user_id = ? "
            "ORDER BY local_date",
            (guild_id, user_id),
        )
        return [date.fromisoformat(row["local_date"]) for row in rows]

    async def answer_dates_by_member(self, guild_id: int, since: date) -> dict[int, list[date]]:
        """Every member's answer days since ``since``: the digest's streak leaders."""
        rows = await self._db.fetchall(
            "SELECT user_id, local_date FROM progress_answers WHERE guild_id = ? "
            "AND local_date >= ? ORDER BY user_id, local_date",
            (guild_id, since.isoformat()),
        )
        by_member: dict[int, list[date]] = {}
        for row in rows:
            by_member.setdefault(row["user_id"], []).append(date.fromisoformat(row["local_date"]))
        return by_member

    async def answered_prompt_ids(self, guild_id: int, user_id: int, since: date) -> set[str]:
        rows = await self._db.fetchall(
            "SELECT prompt_id FROM progress_answers WHERE guild_id = ? AND user_id = ? "
            "AND local_date >= ? AND prompt_id IS NOT NULL",
            (guild_id, user_id, since.isoformat()),
        )
        return {row["prompt_id"] for row in rows}

    # -- the daily feature's posts (read only) -----------------------------------

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

    # -- preferences -------------------------------------------------------------

    async def preferences(self, guild_id: int, user_id: int) -> Preferences:
        row = await self._db.fetchone(
            "SELECT reminders, delivery, reviewed_through FROM progress_preferences "
            "WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None:
            return Preferences()
        return Preferences(bool(row["reminders"]), row["delivery"], row["reviewed_through"])

    async def set_reminders(
        self, guild_id: int, user_id: int, enabled: bool, delivery: str,
        reviewed_through: int, now: datetime,
    ) -> None:
        """Opt in or out; opting in starts from ``reviewed_through`` so old misses stay old."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO progress_preferences (guild_id, user_id, reminders, delivery, "
                "reviewed_through, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO UPDATE SET reminders = excluded.reminders, "
                "delivery = excluded.delivery, reviewed_through = excluded.reviewed_through, "
                "updated_at = excluded.updated_at",
                (guild_id, user_id, int(enabled), delivery, reviewed_through, to_db(now)),
            )
            await tx.execute(
                "UPDATE progress_reminders SET delivery = ? WHERE guild_id = ? AND user_id = ?",
                (delivery, guild_id, user_id),
            )
            if not enabled:
                await tx.execute(
                    "DELETE FROM progress_reminders WHERE guild_id = ? AND user_id = ?",
                    (guild_id, user_id),
                )

    async def opted_in(self) -> list[tuple[int, int, Preferences]]:
        rows = await self._db.fetchall(
            "SELECT guild_id, user_id, reminders, delivery, reviewed_through "
            "FROM progress_preferences WHERE reminders = 1"
        )
        return [
            (row["guild_id"], row["user_id"],
             Preferences(True, row["delivery"], row["reviewed_through"]))
            for row in rows
        ]

    # -- reminders ---------------------------------------------------------------

    async def reminders(self, guild_id: int, user_id: int) -> dict[str, StoredReminder]:
        rows = await self._db.fetchall(
            _SELECT_REMINDERS + " WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return {row["item"]: _stored_reminder(row) for row in rows}

    async def apply_reviews(
        self, guild_id: int, user_id: int, changes: dict[str, Reminder | None],
        delivery: str, reviewed_through: int, now: datetime,
    ) -> None:
        """Write the reminders that reviews up to ``reviewed_through`` produced, atomically.

        The watermark moves in the same transaction, so a crash either applies a
        batch of reviews completely or not at all, never twice.
        """
        async with self._db.transaction() as tx:
            for item, reminder in changes.items():
                if reminder is None:
                    await tx.execute(
                        "DELETE FROM progress_reminders WHERE guild_id = ? AND user_id = ? "
                        "AND item = ?",
                        (guild_id, user_id, item),
                    )
                    continue
                await tx.execute(
                    "INSERT INTO progress_reminders (guild_id, user_id, item, due_at, step, "
                    "delivery, consecutive_hits, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, user_id, item) DO UPDATE SET due_at = excluded.due_at, "
                    "step = excluded.step, consecutive_hits = excluded.consecutive_hits",
                    (guild_id, user_id, item, to_db(reminder.due_at), reminder.step, delivery,
                     reminder.consecutive_hits, to_db(now)),
                )
            await tx.execute(
                "UPDATE progress_preferences SET reviewed_through = ? "
                "WHERE guild_id = ? AND user_id = ? AND reviewed_through < ?",
                (reviewed_through, guild_id, user_id, reviewed_through),
            )

    async def due_reminders(self, now: datetime) -> list[StoredReminder]:
        rows = await self._db.fetchall(
            _SELECT_REMINDERS + " WHERE due_at <= ? ORDER BY due_at", (to_db(now),)
        )
        return [_stored_reminder(row) for row in rows]

    async def next_due_at(self) -> datetime | None:
        row = await self._db.fetchone("SELECT MIN(due_at) FROM progress_reminders")
        return from_db(row[0]) if row and row[0] else None

    async def claim_delivery(self, stored: StoredReminder, following: Reminder) -> bool:
        """Move a due reminder to its next rung; True only for the one caller that should send.

        Compare-and-set on the old due_at: a second task or process seeing the
        same due row updates nothing and sends nothing.
        """
        changed = await self._db.execute(
            "UPDATE progress_reminders SET due_at = ?, step = ? WHERE id = ? AND due_at = ?",
            (to_db(following.due_at), following.step, stored.id, to_db(stored.reminder.due_at)),
        )
        return changed == 1

    # -- weekly digest -----------------------------------------------------------

    async def claim_digest(
        self, guild_id: int, epoch: int, week: int, channel_id: int, now: datetime
    ) -> DigestClaim:
        """Claim (or return the existing claim of) one week's digest."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO progress_digests (guild_id, epoch, cohort_week, channel_id, "
                "claimed_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, epoch, cohort_week) DO NOTHING",
                (guild_id, epoch, week, channel_id, to_db(now)),
            )
            row = await tx.fetchone(
                "SELECT channel_id, message_id, completed_at FROM progress_digests "
                "WHERE guild_id = ? AND epoch = ? AND cohort_week = ?",
                (guild_id, epoch, week),
            )
        assert row is not None  # noqa: S101 - inserted or already there, in one transaction
        return DigestClaim(row["channel_id"], row["message_id"], row["completed_at"] is not None)

    async def complete_digest(
        self, guild_id: int, epoch: int, week: int, message_id: int, now: datetime
    ) -> None:
        await self._db.execute(
            "UPDATE progress_digests SET message_id = ?, completed_at = ? "
            "WHERE guild_id = ? AND epoch = ? AND cohort_week = ?",
            (message_id, to_db(now), guild_id, epoch, week),
        )


    # -- other features' activity (read only) --------------------------------------

    async def member_tallies(self, guild_id: int, user_id: int) -> tuple[ItemTally, ...]:
        """Per-item hit counts over all of a member's reviews in the guild."""
        params = (guild_id, user_id)
        total = await self._db.fetchone(
            "SELECT COUNT(*) FROM reviews WHERE guild_id = ? AND user_id = ?", params
        )
        rows = await self._db.fetchall(
            "SELECT l.label, SUM(l.value) AS met FROM reviews r "
            "JOIN review_labels l ON l.review_id = r.id "
            "WHERE r.guild_id = ? AND r.user_id = ? GROUP BY l.label",
            params,
        )
        return tallies_from_counts({row["label"]: row["met"] for row in rows}, _count(total))

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

    async def participation(self, guild_id: int, start: datetime, end: datetime) -> Participation:
        """The group's activity between two instants (the digest's last week)."""
        row = await self._db.fetchone(_PARTICIPATION, (
            guild_id, to_db(start), to_db(end), guild_id, _local_bound(start), _local_bound(end),
            guild_id, to_db(start), to_db(end),
        ))
        assert row is not None  # noqa: S101 - an aggregate always returns a row
        return Participation(row["members"], row["answers"], row["reviews"], row["mocks"])

    async def member_activity(
        self, guild_id: int, since: datetime | None = None
    ) -> list[MemberActivity]:
        """What every member did since ``since`` (or ever): the leaderboard's input."""
        bound = to_db(since) if since else ""
        local = _local_bound(since) if since else ""
        rows = await self._db.fetchall(
            _ACTIVITY, (guild_id, local, guild_id, bound, guild_id, bound)
        )
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


def _local_bound(instant: datetime) -> str:
    """Answers are keyed by local date; a UTC bound's date is close enough for windows."""
    return instant.date().isoformat()


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
     WHERE guild_id = ? AND local_date >= ? AND local_date < ?
    UNION ALL
    SELECT p.user_id, 'mock', s.session_id FROM mock_sessions s
      JOIN mock_participants p ON p.session_id = s.session_id
     WHERE s.guild_id = ? AND s.started_at >= ? AND s.started_at < ?
)
"""

# One row per member and kind of activity (per role for mocks); points are
# computed in Python from PointsRules, so the SQL holds no rules.
_ACTIVITY = """
SELECT user_id, 'answer' AS kind, NULL AS role, COUNT(*) AS n, 0 AS met FROM progress_answers
 WHERE guild_id = ? AND local_date >= ? GROUP BY user_id
UNION ALL
SELECT user_id, 'review', NULL, COUNT(*), SUM(score) FROM reviews
 WHERE guild_id = ? AND created_at >= ? GROUP BY user_id
UNION ALL
SELECT p.user_id, 'mock', p.role, COUNT(*), 0 FROM mock_sessions s
  JOIN mock_participants p ON p.session_id = s.session_id
 WHERE s.guild_id = ? AND s.started_at >= ? GROUP BY p.user_id, p.role
"""
