"""Plain data for the daily-prompt feature: a guild's schedule and one day's post.

Both are frozen dataclasses so the service can pass them around without
worrying about who changed what; the repository builds them from rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo


class PostKind(StrEnum):
    """What a cohort day posts: a roadmap prompt, the graduation, or a review re-ask."""

    PROMPT = "prompt"
    GRADUATION = "graduation"
    REVIEW = "review"


class ChannelKind(StrEnum):
    """Where the daily post goes: a text channel (a post with a thread on it) or a forum
    (each day a forum post, whose starter message is the prompt)."""

    TEXT = "text"
    FORUM = "forum"


class Attention(StrEnum):
    """Why a schedule needs an organiser; CHANNEL_GONE stops posting until setup is re-run."""

    MISSING_PERMISSIONS = "missing_permissions"
    CHANNEL_GONE = "channel_gone"


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """ZoneInfo is cached by the stdlib too, but this keeps 1,000-guild rebuilds allocation-free."""
    return ZoneInfo(name)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Where and when one guild gets its daily prompt, and where its cohort stands.

    ``paused_days`` is the number of local days the cohort was frozen in the past;
    ``paused_at_day`` is set only while paused and holds the cohort day that the
    next post will carry once resumed. ``epoch`` changes whenever the start date
    does, so a restarted cohort can post day 1 again without the exactly-once key
    (guild, epoch, day) thinking it already happened.
    """

    guild_id: int
    channel_id: int
    post_time: time
    timezone: str
    start_date: date
    epoch: int = 1
    paused_days: int = 0
    paused_at_day: int | None = None
    attention: Attention | None = None
    attention_detail: str | None = None
    attention_since: datetime | None = None
    ping_role_id: int | None = None
    channel_kind: ChannelKind = ChannelKind.TEXT

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.timezone)

    @property
    def paused(self) -> bool:
        return self.paused_at_day is not None

    @property
    def stopped(self) -> bool:
        """True when posting cannot happen until an organiser acts (paused or channel gone)."""
        return self.paused or self.attention is Attention.CHANNEL_GONE


@dataclass(frozen=True, slots=True)
class PostRecord:
    """The claim row of one cohort day's post and how far the post got.

    A post is complete when ``completed_at`` is set; until then the ids that are
    present say which steps already happened on Discord, so a retry resumes.
    """

    id: int
    guild_id: int
    epoch: int
    cohort_day: int
    local_date: date
    kind: PostKind
    channel_id: int
    claimed_at: datetime
    message_id: int | None = None
    thread_id: int | None = None
    opener_sent: bool = False
    completed_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    channel_kind: ChannelKind = ChannelKind.TEXT
    tags_done: bool = False
    tags_note: str | None = None
    count_shown: int = 0
    count_edited_at: datetime | None = None
    roll_call_at: datetime | None = None
    roll_call_message_id: int | None = None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    @property
    def post_location(self) -> tuple[int, int] | None:
        """(channel, message) of the post itself: in a forum the starter message lives in
        the forum post (a thread with the message's id), elsewhere in the daily channel."""
        if self.message_id is None:
            return None
        if self.channel_kind is ChannelKind.FORUM:
            return (self.thread_id or self.message_id, self.message_id)
        return (self.channel_id, self.message_id)
