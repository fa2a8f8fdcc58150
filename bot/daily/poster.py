"""The narrow seam between the daily service and Discord.

The service only ever needs four things from Discord; keeping them behind this
protocol lets a unit test inject a poster that dies at any step of a post, and
lets the cog supply the discord.py implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.outbox.model import (
    ChannelGoneError,
    MissingPermissionsError,
    PostError,
    TransientPostError,
)
from bot.render import RenderedMessage

__all__ = [
    "ChannelGoneError",
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


class Poster(Protocol):
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
