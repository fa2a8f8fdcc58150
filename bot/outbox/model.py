"""The outbox's plain data: a post waiting to be sent, its state, and the failure kinds.

Everything the bot posts on its own goes through one outbox. A row is written
before anything is sent, so a crash, a 503 or a full Discord queue can delay a
post but never lose it; the nonce makes a retry after an ambiguous failure (the
message was created but the answer was lost) return the first message instead
of posting a second one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.render import EmbedField, EmbedSpec, RenderedMessage


class PostError(Exception):
    """Base for failures a sender reports in Discord-free terms: retrying cannot help."""


class TransientPostError(PostError):
    """Discord 5xx, a 429 discord.py gave up on, or a network error: worth retrying."""


class ChannelGoneError(PostError):
    """The channel (or thread) no longer exists: retrying will never help."""


class MissingPermissionsError(PostError):
    """The bot lacks permissions in the channel; ``missing`` names them for the organiser."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing) or "unknown permission")
        self.missing = missing


class State(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    IMPOSSIBLE = "impossible"


class Action(StrEnum):
    """SEND posts ``payload["message"]`` (or, with only ``payload["edit"]``, edits that message);
    ARCHIVE edits a message (optional) and archives a thread."""

    SEND = "send"
    ARCHIVE = "archive"


def nonce_for(channel_id: int, key: str) -> str:
    """A stable nonce (Discord allows 25 characters) for the post ``key`` in a channel.

    Derived, not random, so every retry and every process sends the same one;
    the channel id (a snowflake) keeps keys that repeat across databases apart.
    """
    return hashlib.blake2s(f"{channel_id}:{key}".encode(), digest_size=12).hexdigest()[:25]


@dataclass(frozen=True)
class Envelope:
    """What a feature hands the outbox: where, what, and the key that makes it once-only."""

    key: str
    kind: str
    channel_id: int
    guild_id: int | None
    payload: Mapping[str, Any] = field(default_factory=dict)
    action: Action = Action.SEND
    # The only users the post may ping (stored as ids in ``outbox_mentions``, where
    # /privacy delete finds them); empty means it pings nobody.
    mentions: tuple[int, ...] = ()

    @property
    def nonce(self) -> str:
        return nonce_for(self.channel_id, self.key)


@dataclass(frozen=True)
class OutboxRow:
    """One stored post and where its delivery stands."""

    post_id: int
    key: str
    kind: str
    action: Action
    guild_id: int | None
    channel_id: int
    payload: Mapping[str, Any]
    nonce: str
    state: State
    attempts: int
    next_attempt_at: datetime
    attempted_at: datetime | None
    last_error: str | None
    message_id: int | None
    created_at: datetime
    done_at: datetime | None
    mentions: tuple[int, ...] = ()

    def message(self) -> RenderedMessage | None:
        """The rendered message in the payload, if any."""
        raw = self.payload.get("message")
        return message_from_json(raw) if raw else None

    def only_edits(self) -> int | None:
        """The message this row does nothing but edit (None for a post, an archive, or an
        edit with more to do). A later such edit of the same message supersedes it: the
        message ends as the last edit says either way."""
        if self.action is not Action.SEND or set(self.payload) != {"edit"}:
            return None
        return int(self.payload["edit"]["message_id"])


# Discord remembers a nonce for "a few minutes"; a retry later than this after the last
# attempt started cannot rely on it and looks for the message in recent history first.
NONCE_TRUST = timedelta(minutes=2)


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt ``n + 1`` after ``n`` failures: doubling, capped; give up after ``give_up``.

    Discord outages last seconds to minutes; a post that has failed for a day
    (a mock round long over, a welcome nobody will read) is marked impossible.
    """

    base_seconds: float = 2.0
    cap_seconds: float = 300.0
    give_up: timedelta = timedelta(hours=24)

    def delay(self, failures: int) -> timedelta:
        exponent = min(max(failures - 1, 0), 30)
        return timedelta(seconds=min(self.cap_seconds, self.base_seconds * 2**exponent))


# -- the payload codec ----------------------------------------------------------------------


def message_to_json(message: RenderedMessage) -> dict[str, Any]:
    embed = message.embed
    return {
        "content": message.content,
        "embed": None if embed is None else {
            "title": embed.title, "description": embed.description, "footer": embed.footer,
            "color": embed.color, "url": embed.url,
            "fields": [[f.name, f.value, f.inline] for f in embed.fields],
        },
    }


def message_from_json(raw: Mapping[str, Any]) -> RenderedMessage:
    embed = raw.get("embed")
    return RenderedMessage(
        content=raw.get("content"),
        embed=None if embed is None else EmbedSpec(
            title=embed["title"], description=embed["description"], footer=embed["footer"],
            color=embed["color"], url=embed["url"],
            fields=tuple(EmbedField(name, value, inline) for name, value, inline in embed["fields"]),
        ),
    )


def dump_payload(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True)


def load_payload(text: str | None) -> Mapping[str, Any]:
    return json.loads(text) if text else {}
