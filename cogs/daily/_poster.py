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
from bot.daily.tags import ForumTag
from bot.discord_io import display_names, find_own_message, message_text, rendered_to_kwargs
from bot.outbox.sender import translate
from bot.permissions import DAILY_CHANNEL_NEEDS, DAILY_FORUM_NEEDS, missing_permissions
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

    async def edit_message(
        self, channel_id: int, message_id: int, message: RenderedMessage,
        extras: PostExtras | None = None,
    ) -> None:
        async with self._translated(channel_id):
            channel = await self._channel(channel_id)
            partial = channel.get_partial_message(message_id)  # type: ignore[attr-defined]
            await partial.edit(**rendered_to_kwargs(message), allowed_mentions=post_mentions(extras))

    async def display_names(self, guild_id: int, user_ids: list[int]) -> dict[int, str]:
        guild = self._bot.get_guild(guild_id)
        if guild is None:
            return {}
        try:
            return await display_names(guild, user_ids)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise translate(error, guild_id, lambda: []) from error

    # -- forum mode -------------------------------------------------------------------------

    async def create_forum_post(
        self, forum_id: int, name: str, message: RenderedMessage, extras: PostExtras | None,
        tag_ids: tuple[int, ...],
    ) -> int:
        view = post_view(extras) if extras else None
        async with self._translated(forum_id):
            forum = await self._forum(forum_id)
            made = await forum.create_thread(
                name=name, auto_archive_duration=1440, **rendered_to_kwargs(message),
                allowed_mentions=post_mentions(extras),
                applied_tags=[discord.Object(tag) for tag in tag_ids],  # type: ignore[misc]
                **({"view": view} if view else {}),
            )
            return made.thread.id

    async def find_forum_post(self, forum_id: int, marker: str) -> int | None:
        me = self._bot.user
        async with self._translated(forum_id):
            forum = await self._forum(forum_id)
            posts = {t.id: t for t in forum.threads if me and t.owner_id == me.id}
            for thread in await forum.guild.active_threads():
                if thread.parent_id == forum_id and me and thread.owner_id == me.id:
                    posts[thread.id] = thread
            for post_id in sorted(posts, reverse=True)[:HISTORY_SCAN_LIMIT]:
                try:
                    starter = await posts[post_id].fetch_message(post_id)
                except discord.NotFound:
                    continue
                if marker in message_text(starter):
                    return post_id
        return None

    async def forum_tags(self, forum_id: int) -> list[ForumTag]:
        async with self._translated(forum_id):
            forum = await self._fresh_forum(forum_id)
            return [ForumTag(tag.id, tag.name) for tag in forum.available_tags]

    async def forum_requires_tag(self, forum_id: int) -> bool:
        async with self._translated(forum_id):
            return (await self._forum(forum_id)).flags.require_tag

    async def add_forum_tags(self, forum_id: int, names: tuple[str, ...]) -> list[ForumTag]:
        async with self._translated(forum_id):
            forum = await self._fresh_forum(forum_id)
            tags = [*forum.available_tags, *(discord.ForumTag(name=name) for name in names)]
            edited = await forum.edit(available_tags=tags, reason="Daily prompt tags")
            fresh = edited if isinstance(edited, discord.ForumChannel) else \
                await self._fresh_forum(forum_id)
            return [ForumTag(tag.id, tag.name) for tag in fresh.available_tags]

    async def set_post_tags(self, post_id: int, tag_ids: tuple[int, ...]) -> None:
        async with self._translated(post_id):
            post = self._bot.get_channel(post_id) or await self._bot.fetch_channel(post_id)
            if not isinstance(post, discord.Thread):
                raise PostError(f"channel {post_id} is not a forum post")
            await post.edit(applied_tags=[discord.Object(tag) for tag in tag_ids])  # type: ignore[misc]

    async def _forum(self, forum_id: int) -> discord.ForumChannel:
        channel = self._bot.get_channel(forum_id)
        if channel is None:
            channel = await self._bot.fetch_channel(forum_id)
        if not isinstance(channel, discord.ForumChannel):
            raise PostError(f"channel {forum_id} is not a forum")
        return channel

    async def _fresh_forum(self, forum_id: int) -> discord.ForumChannel:
        """The forum as Discord has it now: tags added by hand since the cache was filled."""
        channel = await self._bot.fetch_channel(forum_id)
        if not isinstance(channel, discord.ForumChannel):
            raise PostError(f"channel {forum_id} is not a forum")
        return channel

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
        needs = DAILY_FORUM_NEEDS if isinstance(channel, discord.ForumChannel) else DAILY_NEEDS
        return [need.label for need in missing_permissions(perms, needs)]

    @asynccontextmanager
    async def _translated(self, channel_id: int) -> AsyncIterator[None]:
        try:
            yield
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise translate(error, channel_id, lambda: self._missing(channel_id)) from error
