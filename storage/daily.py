"""Daily schedules and the exactly-once claim rows of each cohort day's post (their SQL; the
SELECTs and row decoders are in ``storage.daily_rows``)."""

from __future__ import annotations

from datetime import date, datetime

from bot.daily.models import Attention, PostKind, PostRecord, Schedule
from storage.daily_rows import POST_KEY, SELECT_POSTS, SELECT_SCHEDULES, post_from, schedule_from
from storage.db import Database, to_db


class DailyRepository:
    """All SQL of the daily feature. Each method is one statement or one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- schedules -------------------------------------------------------------

    async def save_schedule(self, schedule: Schedule, now: datetime) -> None:
        """Insert or update in place; a changed start date bumps the epoch and clears pauses.

        The ping role is written in the same statement (None keeps the stored one): the
        post falls due the moment the schedule is saved, and a second write could land
        after the post was built, leaving it without its Subscribe button."""
        await self._db.execute(
            "INSERT INTO daily_schedules (guild_id, channel_id, post_time, timezone, start_date, "
            "created_at, updated_at, channel_kind, ping_role_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
            "channel_kind = excluded.channel_kind, "
            "ping_role_id = COALESCE(excluded.ping_role_id, daily_schedules.ping_role_id), "
            "post_time = excluded.post_time, timezone = excluded.timezone, "
            "epoch = daily_schedules.epoch + CASE WHEN daily_schedules.start_date != excluded.start_date "
            "THEN 1 ELSE 0 END, "
            "paused_days = CASE WHEN daily_schedules.start_date != excluded.start_date THEN 0 "
            "ELSE daily_schedules.paused_days END, "
            "paused_at_day = CASE WHEN daily_schedules.start_date != excluded.start_date THEN NULL "
            "ELSE daily_schedules.paused_at_day END, "
            "start_date = excluded.start_date, attention = NULL, attention_detail = NULL, "
            "attention_since = NULL, updated_at = excluded.updated_at",
            (
                schedule.guild_id,
                schedule.channel_id,
                schedule.post_time.strftime("%H:%M"),
                schedule.timezone,
                schedule.start_date.isoformat(),
                to_db(now),
                to_db(now),
                schedule.channel_kind.value,
                schedule.ping_role_id,
            ),
        )

    async def schedule(self, guild_id: int) -> Schedule | None:
        row = await self._db.fetchone(
            SELECT_SCHEDULES + " WHERE guild_id = ?", (guild_id,)
        )
        return schedule_from(row) if row else None

    async def all_schedules(self) -> list[Schedule]:
        rows = await self._db.fetchall(
            SELECT_SCHEDULES + " ORDER BY guild_id"
        )
        return [schedule_from(row) for row in rows]

    async def set_ping_role(self, guild_id: int, role_id: int | None, now: datetime) -> None:
        await self._db.execute(
            "UPDATE daily_schedules SET ping_role_id = ?, updated_at = ? WHERE guild_id = ?",
            (role_id, to_db(now), guild_id),
        )

    # -- answers ----------------------------------------------------------------

    async def claim_answer(
        self, guild_id: int, thread_id: int, user_id: int, message_id: int, cohort_day: int,
        now: datetime,
    ) -> bool:
        """Record a member's first answer in a daily thread; False if they already answered."""
        async with self._db.transaction() as tx:  # rowcount, not lastrowid, tells a no-op
            cursor = await tx.execute(
                "INSERT INTO daily_answers (guild_id, thread_id, user_id, message_id, "
                "cohort_day, answered_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (thread_id, user_id) DO NOTHING",
                (guild_id, thread_id, user_id, message_id, cohort_day, to_db(now)),
            )
            return cursor.rowcount == 1

    async def answer_count(self, thread_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM daily_answers WHERE thread_id = ?", (thread_id,)
        )
        return int(row["n"]) if row else 0

    async def set_pause(
        self, guild_id: int, paused_at_day: int | None, paused_days: int, now: datetime
    ) -> None:
        await self._db.execute(
            "UPDATE daily_schedules SET paused_at_day = ?, paused_days = ?, updated_at = ? "
            "WHERE guild_id = ?",
            (paused_at_day, paused_days, to_db(now), guild_id),
        )

    async def set_attention(
        self, guild_id: int, attention: Attention, detail: str, now: datetime
    ) -> None:
        """Record a problem; ``attention_since`` keeps the first time this same problem was seen."""
        await self._db.execute(
            "UPDATE daily_schedules SET attention_since = CASE WHEN attention IS NOT DISTINCT FROM ? "
            "AND attention_detail IS NOT DISTINCT FROM ? THEN attention_since ELSE ? END, "
            "attention = ?, attention_detail = ?, updated_at = ? WHERE guild_id = ?",
            (attention.value, detail, to_db(now), attention.value, detail, to_db(now), guild_id),
        )

    async def clear_attention(self, guild_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE daily_schedules SET attention = NULL, attention_detail = NULL, "
            "attention_since = NULL, updated_at = ? WHERE guild_id = ? AND attention IS NOT NULL",
            (to_db(now), guild_id),
        )

    async def delete_schedule(self, guild_id: int) -> None:
        await self._db.execute("DELETE FROM daily_schedules WHERE guild_id = ?", (guild_id,))

    # -- posts -------------------------------------------------------------------

    async def claim(
        self,
        schedule: Schedule,
        day: int,
        on: date,
        kind: PostKind,
        now: datetime,
    ) -> PostRecord:
        """Claim cohort day ``day`` (or return the existing claim) and count the attempt.

        The unique key (guild, epoch, day) makes the claim race-free across tasks
        and processes: whoever comes second gets the first claim back, with its ids.
        """
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO daily_posts (guild_id, epoch, cohort_day, local_date, kind, "
                "channel_id, claimed_at, channel_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, epoch, cohort_day) DO NOTHING",
                (schedule.guild_id, schedule.epoch, day, on.isoformat(), kind.value,
                 schedule.channel_id, to_db(now), schedule.channel_kind.value),
            )
            # Until its message is sent, a claim follows the schedule to a new channel
            # (the organiser replaced a deleted one); after that it stays where it began.
            await tx.execute(
                "UPDATE daily_posts SET attempts = attempts + 1, channel_id = CASE "
                "WHEN message_id IS NULL THEN ? ELSE channel_id END, channel_kind = CASE "
                "WHEN message_id IS NULL THEN ? ELSE channel_kind END WHERE guild_id = ? "
                "AND epoch = ? AND cohort_day = ? AND completed_at IS NULL",
                (schedule.channel_id, schedule.channel_kind.value, schedule.guild_id,
                 schedule.epoch, day),
            )
            row = await tx.fetchone(
                SELECT_POSTS + POST_KEY, (schedule.guild_id, schedule.epoch, day)
            )
        assert row is not None  # noqa: S101 - inserted or already there, inside one transaction
        return post_from(row)

    async def post(self, guild_id: int, epoch: int, day: int) -> PostRecord | None:
        row = await self._db.fetchone(SELECT_POSTS + POST_KEY, (guild_id, epoch, day))
        return post_from(row) if row else None

    async def last_post(self, guild_id: int) -> PostRecord | None:
        row = await self._db.fetchone(
            SELECT_POSTS + " WHERE guild_id = ? ORDER BY claimed_at DESC, id DESC LIMIT 1",
            (guild_id,),
        )
        return post_from(row) if row else None

    async def post_by_thread(self, thread_id: int) -> PostRecord | None:
        """The daily post whose discussion thread this is, if any (for auto-review, progress)."""
        row = await self._db.fetchone(SELECT_POSTS + " WHERE thread_id = ?", (thread_id,))
        return post_from(row) if row else None

    async def record_message(self, post_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE daily_posts SET message_id = ? WHERE id = ?", (message_id, post_id)
        )

    async def record_thread(self, post_id: int, thread_id: int) -> None:
        await self._db.execute(
            "UPDATE daily_posts SET thread_id = ? WHERE id = ?", (thread_id, post_id)
        )

    async def record_forum_post(self, post_id: int, thread_id: int) -> None:
        """A forum post is its thread and starter message at once: both ids in one write."""
        await self._db.execute(
            "UPDATE daily_posts SET message_id = ?, thread_id = ? WHERE id = ?",
            (thread_id, thread_id, post_id),
        )

    async def record_tags(self, post_id: int, note: str | None) -> None:
        await self._db.execute(
            "UPDATE daily_posts SET tags_done = 1, tags_note = ? WHERE id = ?", (note, post_id)
        )

    async def record_count_shown(self, post_id: int, count: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE daily_posts SET count_shown = ?, count_edited_at = ? WHERE id = ?",
            (count, to_db(now), post_id),
        )

    async def record_roll_call(self, post_id: int, message_id: int | None, now: datetime) -> None:
        await self._db.execute(
            "UPDATE daily_posts SET roll_call_at = ?, roll_call_message_id = ? WHERE id = ?",
            (to_db(now), message_id, post_id),
        )

    async def post_by_id(self, post_id: int) -> PostRecord | None:
        row = await self._db.fetchone(SELECT_POSTS + " WHERE id = ?", (post_id,))
        return post_from(row) if row else None

    async def posts_awaiting_roll_call(self, since: date) -> list[PostRecord]:
        """Finished posts with a thread, from local date ``since`` on, whose end-of-day
        list is not done yet (each guild's own day decides when it is due)."""
        rows = await self._db.fetchall(
            SELECT_POSTS + " WHERE completed_at IS NOT NULL AND thread_id IS NOT NULL "
            "AND roll_call_at IS NULL AND local_date >= ? ORDER BY id", (since.isoformat(),),
        )
        return [post_from(row) for row in rows]

    async def posts_with_stale_count(self, since: date) -> list[PostRecord]:
        """Recent posts whose shown answer count is behind the answers recorded."""
        rows = await self._db.fetchall(
            SELECT_POSTS + " WHERE completed_at IS NOT NULL AND thread_id IS NOT NULL "  # noqa: S608 - constants only
            "AND local_date >= ? AND count_shown < (SELECT COUNT(*) FROM daily_answers a "
            "WHERE a.thread_id = daily_posts.thread_id) ORDER BY id", (since.isoformat(),),
        )
        return [post_from(row) for row in rows]

    async def answers(self, thread_id: int) -> list[tuple[int, int]]:
        """(user_id, message_id) of each member's first answer in a daily thread, in order."""
        rows = await self._db.fetchall(
            "SELECT user_id, message_id FROM daily_answers WHERE thread_id = ? "
            "ORDER BY answered_at, id", (thread_id,),
        )
        return [(row["user_id"], row["message_id"]) for row in rows]

    async def record_opener(self, post_id: int) -> None:
        await self._db.execute("UPDATE daily_posts SET opener_sent = 1 WHERE id = ?", (post_id,))

    async def complete(self, post_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE daily_posts SET completed_at = ?, last_error = NULL WHERE id = ?",
            (to_db(now), post_id),
        )

    async def record_error(self, post_id: int, error: str) -> None:
        await self._db.execute(
            "UPDATE daily_posts SET last_error = ? WHERE id = ?", (error[:500], post_id)
        )
