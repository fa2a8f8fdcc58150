"""The narrow seam between the daily service and Discord.

The service only ever needs four things from Discord; keeping them behind this
protocol lets a unit test inject a poster that dies at any step of a post, and
lets the cog supply the discord.py implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.daily.tags import ForumTag
from bot.outbox.model import (
    ChannelGoneError,
    MissingPermissionsError,
    PostError,
    TransientPostError,
)
from bot.render import RenderedMessage

__all__ = [
    "ChannelGoneError",
    "ForumPoster",
    "MissingPermissionsError",
    "PostError",
    "PostExtras",
    "Poster",
    "TransientPostError",
]


@dataclass(frozen=True)
class PostExtras:
    """What a daily post carries beside its text: the one role it may ping, its buttons.

    ``ping_role_id`` is the only mention the post's allowed mentions list (and, with
    ``subscribe``, the role the Subscribe button toggles); ``what_counts`` is the
    prompt id whose checklist definitions the "What counts" button shows.
    """

    ping_role_id: int | None = None
    what_counts: str | None = None


class ForumPoster(Protocol):
    """What a forum-mode post needs beside ``Poster``: posts and tags."""

    async def create_forum_post(
        self, forum_id: int, name: str, message: RenderedMessage, extras: PostExtras | None,
        tag_ids: tuple[int, ...],
    ) -> int:
        """Create a forum post (its thread and starter message at once); returns its id,
        which is the thread's id and the starter message's id."""
        ...

    async def find_forum_post(self, forum_id: int, marker: str) -> int | None:
        """An open post of the bot's in the forum whose starter message contains ``marker``."""
        ...

    async def forum_tags(self, forum_id: int) -> list[ForumTag]:
        """The forum's tags as Discord has them now."""
        ...

    async def forum_requires_tag(self, forum_id: int) -> bool:
        """Whether the forum refuses posts without a tag (its "Require tags" setting)."""
        ...

    async def add_forum_tags(self, forum_id: int, names: tuple[str, ...]) -> list[ForumTag]:
        """Add tags (keeping every existing one); returns the forum's tags afterwards."""
        ...

    async def set_post_tags(self, post_id: int, tag_ids: tuple[int, ...]) -> None:
        """Set the tags applied to a forum post (the same set twice changes nothing)."""
        ...


class Poster(ForumPoster, Protocol):
    """Sends the daily post. Every method may raise one of the ``PostError`` types."""

    async def send_message(
        self, channel_id: int, message: RenderedMessage, nonce: str | None = None,
        extras: PostExtras | None = None,
    ) -> int:
        """Send ``message`` to a channel or thread; returns the message id.

        A ``nonce`` is sent with ``enforce_nonce``: a repeat within Discord's window
        returns the first message instead of posting again. Without ``extras``
        nothing is pinged and no buttons are attached.
        """
        ...

    async def find_message(self, channel_id: int, marker: str) -> int | None:
        """A recent message by the bot in the channel whose text contains ``marker``.

        Used only when resuming a post whose send may have reached Discord
        before the process died, so the message is not sent twice.
        """
        ...

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        """Open a public thread on the message; returns its id.

        Must be idempotent: if the message already has a thread, return it.
        """
        ...

    async def edit_message(
        self, channel_id: int, message_id: int, message: RenderedMessage,
        extras: PostExtras | None = None,
    ) -> None:
        """Replace the text of one of the bot's own messages (buttons stay as they are)."""
        ...

    async def display_names(self, guild_id: int, user_ids: list[int]) -> dict[int, str]:
        """Members' display names; a member who left is missing from the answer."""
        ...
