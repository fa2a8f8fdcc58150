"""The outbox's discord.py side: send or archive one row, and translate Discord's errors.

The only Discord-aware part of the outbox. It decides which response is which
failure kind (one place, also used by the daily poster): 5xx, 429 and network
errors are transient, 404 Unknown Channel means the channel is gone, 403 means
missing permissions, anything else is a rejection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.discord_io import find_own_message, rendered_to_kwargs
from bot.outbox.model import (
    Action,
    ChannelGoneError,
    MissingPermissionsError,
    OutboxRow,
    PostError,
    TransientPostError,
    message_from_json,
)
from bot.permissions import SEND_IN_THREADS, WELCOME_NEEDS, missing_permissions
from bot.render import RenderedMessage
from bot.scheduling import Scheduling

if TYPE_CHECKING:
    from bot.app import BarRaiser

UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
ViewFactory = Callable[[dict[str, Any]], discord.ui.View]
# A wake-up that fires late still finds the row due; one dropped as misfired would stall it.
WAKE_GRACE_SECONDS = 24 * 3600
HISTORY_LOOKBACK = 25  # recent messages searched for a post whose answer was lost


def translate(
    error: discord.HTTPException | aiohttp.ClientError | TimeoutError,
    channel_id: int,
    missing: Callable[[], list[str]],
) -> PostError:
    """The Discord-free failure kind for a discord.py error; ``missing`` names lacking permissions."""
    if isinstance(error, discord.NotFound):
        if error.code == UNKNOWN_CHANNEL:
            return ChannelGoneError(f"channel {channel_id}: {error.text}")
        return PostError(f"404 {error.code}: {error.text}")
    if isinstance(error, discord.Forbidden):
        return MissingPermissionsError(missing() or [f"a permission ({error.text})"])
    if isinstance(error, discord.DiscordServerError):
        return TransientPostError(f"{error.status}: {error.text}")
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            return TransientPostError(f"429: {error.text}")
        return PostError(f"{error.status} {error.code}: {error.text}")
    return TransientPostError(f"network: {error!r}")


class DiscordSender:
    """``Sender`` for the outbox: mentions disabled, the row's nonce enforced."""

    def __init__(self, bot: BarRaiser) -> None:
        self._bot = bot
        self._views: dict[str, ViewFactory] = {}

    def add_view(self, name: str, factory: ViewFactory) -> None:
        """Let a cog attach its persistent components to posts that name ``name``."""
        self._views[name] = factory

    async def deliver(self, row: OutboxRow, *, look_first: bool) -> int | None:
        with self._translated(row.channel_id):
            if row.action is Action.ARCHIVE:
                await self._archive(row)
                return None
            message = row.message()
            if message is None:
                raise PostError("nothing to send")
            if look_first and (found := await self._already_sent(row.channel_id, message)):
                return found
            extra: dict[str, Any] = {}
            view_spec = row.payload.get("view")
            if view_spec:
                extra["view"] = self._views[view_spec["name"]](dict(view_spec))
            channel = self._bot.get_partial_messageable(row.channel_id)
            sent = await channel.send(**rendered_to_kwargs(message), nonce=row.nonce,
                                      allowed_mentions=_allowed(row), **extra)
            return sent.id

    async def _already_sent(self, channel_id: int, message: RenderedMessage) -> int | None:
        """A recent message of the bot's with exactly this text and embed (a lost answer).

        Discord's history does not carry nonces, so the rendered post itself is the
        marker. Without Read Message History the check is skipped, not fatal.
        """
        channel = self._bot.get_partial_messageable(channel_id)
        wanted = _fingerprint(message.content, message.embed.title if message.embed else None,
                              message.embed.description if message.embed else None)

        def same_post(seen: discord.Message) -> bool:
            embed = seen.embeds[0] if seen.embeds else None
            return wanted == _fingerprint(seen.content, embed.title if embed else None,
                                          embed.description if embed else None)

        try:
            found = await find_own_message(channel, self._bot.user, same_post, HISTORY_LOOKBACK)
        except discord.Forbidden:
            return None
        return found.id if found else None

    async def _archive(self, row: OutboxRow) -> None:
        """Close a message (e.g. a lobby) and archive the thread; a gone thread is done."""
        edit = row.payload.get("edit")
        partial = self._bot.get_partial_messageable(row.channel_id)
        try:
            if edit:
                message = partial.get_partial_message(int(edit["message_id"]))
                with contextlib.suppress(discord.NotFound):
                    await message.edit(**rendered_to_kwargs(message_from_json(edit["message"])),
                                       view=None)
            thread = await self._bot.fetch_channel(row.channel_id)
        except discord.NotFound as error:
            if error.code == UNKNOWN_CHANNEL:
                return
            raise
        if isinstance(thread, discord.Thread) and not thread.archived:
            await thread.edit(archived=True)

    def _missing(self, channel_id: int) -> list[str]:
        channel = self._bot.get_channel(channel_id)
        needs = WELCOME_NEEDS
        if isinstance(channel, discord.Thread):
            channel, needs = channel.parent, (*WELCOME_NEEDS, SEND_IN_THREADS)
        if not isinstance(channel, discord.abc.GuildChannel):
            return []
        perms = channel.permissions_for(channel.guild.me)
        return [need.label for need in missing_permissions(perms, needs)]

    @contextlib.contextmanager
    def _translated(self, channel_id: int) -> Iterator[None]:
        try:
            yield
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            raise translate(error, channel_id, lambda: self._missing(channel_id)) from error


def _allowed(row: OutboxRow) -> discord.AllowedMentions:
    """Nobody, unless the feature named the users this post is for (``ping_user_ids``):
    then exactly them, never everyone, here or a role."""
    ids = row.payload.get("ping_user_ids") or []
    if not ids:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(everyone=False, roles=False, replied_user=False,
                                   users=[discord.Object(int(user_id)) for user_id in ids])


def _fingerprint(content: str | None, title: str | None, description: str | None) -> tuple[str, str, str]:
    return (content or "", title or "", description or "")


class SchedulerWaker:
    """``Waker`` on the bot's one scheduling adapter: a job ``outbox:<channel_id>`` per channel."""

    def __init__(self, scheduling: Scheduling) -> None:
        self._scheduling = scheduling

    def wake_at(
        self, channel_id: int, at: datetime, callback: Callable[[int], Awaitable[None]]
    ) -> None:
        self._scheduling.once(f"outbox:{channel_id}", at, callback, channel_id,
                              misfire_grace=WAKE_GRACE_SECONDS)
