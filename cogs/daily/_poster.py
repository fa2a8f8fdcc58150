"""The discord.py ``Poster`` for the daily service, translating Discord's errors.

The service only knows four failure kinds; ``bot.outbox.sender.translate`` (shared
with the outbox) decides which Discord response is which, with the missing
permissions named from the bot's effective permissions in the daily channel.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.daily.poster import PostError, PostExtras
from bot.discord_io import find_own_message, message_text, rendered_to_kwargs
from bot.outbox.sender import translate
from bot.permissions import DAILY_CHANNEL_NEEDS, missing_permissions
from bot.render import RenderedMessage
from cogs.daily._views import post_mentions, post_view

if TYPE_CHECKING:
    from bot.app import BarRaiser

UNKNOWN_CHANNEL = 10003
THREAD_ALREADY_CREATED = 160004
HISTORY_SCAN_LIMIT = 50
# Reading history is how a restarted bot finds a post it sent just before dying.
DAILY_NEEDS = DAILY_CHANNEL_NEEDS


class DiscordPoster:
    """Sends the daily post with discord.py, mentions disabled."""

    def __init__(self, bot: BarRaiser) -> None:
        self._bot = bot

    async def send_message(
        self, channel_id: int, message: RenderedMessage, nonce: str | None = None,
        extras: PostExtras | None = None,
    ) -> int:
        view = post_view(extras) if extras else None
        async with self._translated(channel_id):
            channel = await self._channel(channel_id)
            sent = await channel.send(
                **rendered_to_kwargs(message), allowed_mentions=post_mentions(extras),
                **({"nonce": nonce} if nonce else {}),
                **({"view": view} if view else {}),
            )
            return sent.id

    async def find_message(self, channel_id: int, marker: str) -> int | None:
        async with self._translated(channel_id):
            channel = await self._channel(channel_id)
            found = await find_own_message(channel, self._bot.user,
                                           lambda message: marker in message_text(message),
                                           HISTORY_SCAN_LIMIT)
        return found.id if found else None

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        async with self._translated(channel_id):
            channel = await self._channel(channel_id)
            if not isinstance(channel, discord.TextChannel):
                raise PostError(f"channel {channel_id} cannot hold threads")
            try:
                thread = await channel.get_partial_message(message_id).create_thread(
                    name=name, auto_archive_duration=1440
                )
            except discord.HTTPException as error:
                if error.code != THREAD_ALREADY_CREATED:
                    raise
                # A thread started from a message shares the message's id.
                return message_id
            return thread.id

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self._bot.get_channel(channel_id)
        if channel is None:
            channel = await self._bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise PostError(f"channel {channel_id} is not a text channel")
        return channel

    def _missing(self, channel_id: int) -> list[str]:
        """Name what the bot lacks where it posts; the parent channel for a thread."""
        channel = self._bot.get_channel(channel_id)
        if isinstance(channel, discord.Thread):
            channel = channel.parent
        if not isinstance(channel, discord.abc.GuildChannel):
            return []
        perms = channel.permissions_for(channel.guild.me)
        return [need.label for need in missing_permissions(perms, DAILY_NEEDS)]

    @asynccontextmanager
    async def _translated(self, channel_id: int) -> AsyncIterator[None]:
        try:
            yield
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise translate(error, channel_id, lambda: self._missing(channel_id)) from error
