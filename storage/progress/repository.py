"""Progress's own tables: answers, preferences and weekly-digest claims.

FSRS cards, grading and drill history are in ``storage.progress.cards``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

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
    substantive: bool = True  # bot.answers.is_substantive: only these earn points


@dataclass(frozen=True)
class Preferences:
    reminders: bool = False
    delivery: str = "thread"
    remind_time: time | None = None  # local time of the daily reminder; None: the guild's
    zone: str | None = None  # IANA zone of remind_time; None: the guild's
    next_remind_at: datetime | None = None


@dataclass(frozen=True)
class DigestClaim:
    channel_id: int
    message_id: int | None
    completed: bool


class ProgressRepository:
    """Progress's own tables. Each method is one statement or one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def database(self) -> Database:
        """The connection, for the sibling repositories built next to this one."""
        return self._db

    # -- answers ---------------------------------------------------------------

    async def record_answer(self, answer: Answer) -> bool:
        """Store the day's first answer, or upgrade the day when a substantive answer
        follows a one-liner; False when nothing changed (already answered that day)."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO progress_answers (guild_id, user_id, local_date, thread_id, "
                "message_id, prompt_id, answered_at, substantive) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id, local_date) DO UPDATE SET substantive = 1, "
                "thread_id = excluded.thread_id, message_id = excluded.message_id, "
                "answered_at = excluded.answered_at "
                "WHERE excluded.substantive = 1 AND progress_answers.substantive = 0",
                (answer.guild_id, answer.user_id, answer.local_date.isoformat(),
                 answer.thread_id, answer.message_id, answer.prompt_id,
                 to_db(answer.answered_at), int(answer.substantive)),
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

    # -- preferences -------------------------------------------------------------

    async def preferences(self, guild_id: int, user_id: int) -> Preferences:
        row = await self._db.fetchone(
            "SELECT reminders, delivery, remind_time, zone, next_remind_at "
            "FROM progress_preferences WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None:
            return Preferences()
        return Preferences(
            bool(row["reminders"]), row["delivery"],
            time.fromisoformat(row["remind_time"]) if row["remind_time"] else None,
            row["zone"], from_db(row["next_remind_at"]) if row["next_remind_at"] else None,
        )

    async def set_reminders(
        self, guild_id: int, user_id: int, preferences: Preferences, now: datetime
    ) -> None:
        """Opt in or out, where and when; ``next_remind_at`` is the reminder's timer."""
        p = preferences
        await self._db.execute(
            "INSERT INTO progress_preferences (guild_id, user_id, reminders, delivery, "
            "remind_time, zone, next_remind_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET reminders = excluded.reminders, "
            "delivery = excluded.delivery, remind_time = excluded.remind_time, "
            "zone = excluded.zone, next_remind_at = excluded.next_remind_at, "
            "updated_at = excluded.updated_at",
            (guild_id, user_id, int(p.reminders), p.delivery,
             p.remind_time.strftime("%H:%M") if p.remind_time else None, p.zone,
             to_db(p.next_remind_at) if p.next_remind_at else None, to_db(now)),
        )

    async def due_reminders(self, now: datetime) -> list[tuple[int, int, Preferences]]:
        """(guild, member, preferences) of every opted-in member whose reminder time has
        come, or who has no reminder time computed yet (set by a migration)."""
        rows = await self._db.fetchall(
            "SELECT guild_id, user_id FROM progress_preferences WHERE reminders = 1 "
            "AND (next_remind_at IS NULL OR next_remind_at <= ?) ORDER BY next_remind_at",
            (to_db(now),),
        )
        return [(row["guild_id"], row["user_id"],
                 await self.preferences(row["guild_id"], row["user_id"])) for row in rows]

    async def claim_reminder(
        self, guild_id: int, user_id: int, seen: datetime | None, following: datetime
    ) -> bool:
        """Move a due reminder to its next time; True only for the one caller that should
        send (compare-and-set on the time it was seen at, so a restart or a second task
        neither loses nor repeats a reminder)."""
        changed = await self._db.execute(
            "UPDATE progress_preferences SET next_remind_at = ? WHERE guild_id = ? "
            "AND user_id = ? AND reminders = 1 AND next_remind_at IS NOT DISTINCT FROM ?",
            (to_db(following), guild_id, user_id, to_db(seen) if seen else None),
        )
        return changed == 1

    async def next_reminder_at(self) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT MIN(next_remind_at) FROM progress_preferences WHERE reminders = 1"
        )
        return from_db(row[0]) if row and row[0] else None

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
