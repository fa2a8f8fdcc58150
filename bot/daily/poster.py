"""The narrow seam between the daily service and Discord.

The service only ever needs four things from Discord; keeping them behind this
protocol lets a unit test inject a poster that dies at any step of a post, and
lets the cog supply the discord.py implementation.
"""

from __future__ import annotations

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
    "Poster",
    "TransientPostError",
]


class Poster(Protocol):
    """Sends the daily post. Every method may raise one of the ``PostError`` types."""

    async def send_message(
        self, channel_id: int, message: RenderedMessage, nonce: str | None = None
    ) -> int:
        """Send ``message`` to a channel or thread; returns the message id.

        A ``nonce`` is sent with ``enforce_nonce``: a repeat within Discord's window
        returns the first message instead of posting again.
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
