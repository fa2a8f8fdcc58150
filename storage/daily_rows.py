"""Rows of the daily tables: the SELECTs and decoding a row into a schedule or a post's claim.

Kept apart from the statements that use them (``storage.daily``), as ``storage.mock_rows``
is for the mock feature: a new column is one change here, in the SELECT and its decoder.
"""

from __future__ import annotations

from datetime import date, time

from bot.daily.models import Attention, ChannelKind, PostKind, PostRecord, Schedule
from storage.db import Row, from_db

SELECT_SCHEDULES = (
    "SELECT guild_id, channel_id, post_time, timezone, start_date, epoch, paused_days, "
    "paused_at_day, attention, attention_detail, attention_since, ping_role_id, channel_kind "
    "FROM daily_schedules"
)
SELECT_POSTS = (
    "SELECT id, guild_id, epoch, cohort_day, local_date, kind, channel_id, claimed_at, "
    "message_id, thread_id, opener_sent, completed_at, attempts, last_error, channel_kind, "
    "tags_done, tags_note, count_shown, count_edited_at, roll_call_at, roll_call_message_id "
    "FROM daily_posts"
)
POST_KEY = " WHERE guild_id = ? AND epoch = ? AND cohort_day = ?"


def schedule_from(row: Row) -> Schedule:
    return Schedule(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        post_time=time.fromisoformat(row["post_time"]),
        timezone=row["timezone"],
        start_date=date.fromisoformat(row["start_date"]),
        epoch=row["epoch"],
        paused_days=row["paused_days"],
        paused_at_day=row["paused_at_day"],
        attention=Attention(row["attention"]) if row["attention"] else None,
        attention_detail=row["attention_detail"],
        attention_since=from_db(row["attention_since"]) if row["attention_since"] else None,
        ping_role_id=row["ping_role_id"],
        channel_kind=ChannelKind(row["channel_kind"]),
    )


def post_from(row: Row) -> PostRecord:
    return PostRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        epoch=row["epoch"],
        cohort_day=row["cohort_day"],
        local_date=date.fromisoformat(row["local_date"]),
        kind=PostKind(row["kind"]),
        channel_id=row["channel_id"],
        claimed_at=from_db(row["claimed_at"]),
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        opener_sent=bool(row["opener_sent"]),
        completed_at=from_db(row["completed_at"]) if row["completed_at"] else None,
        attempts=row["attempts"],
        last_error=row["last_error"],
        channel_kind=ChannelKind(row["channel_kind"]),
        tags_done=bool(row["tags_done"]),
        tags_note=row["tags_note"],
        count_shown=row["count_shown"],
        count_edited_at=from_db(row["count_edited_at"]) if row["count_edited_at"] else None,
        roll_call_at=from_db(row["roll_call_at"]) if row["roll_call_at"] else None,
        roll_call_message_id=row["roll_call_message_id"],
    )
