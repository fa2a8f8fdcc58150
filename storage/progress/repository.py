"""Progress's own tables: answers, preferences, reminders and weekly-digest claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

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
