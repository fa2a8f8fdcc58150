"""Sending what the progress services decide is due: drill reminders and weekly digests.

One interval job (``progress:tick``) does the rounds every minute. It holds no
state of its own: reminders and digests are claimed in the database by the
services before anything is sent, so a restart, a second process or a slow
tick can neither lose nor repeat one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING

import discord

from bot.discord_io import find_own_message, message_text, rendered_to_kwargs
from bot.progress.reminders import ReminderDelivery, ReminderService
from bot.progress.weekly import DigestService, DueDigest

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)

JOB_ID = "progress:tick"
TICK_SECONDS = 60
MISFIRE_GRACE_SECONDS = 30
MARKER_LOOKBACK = 25  # recent messages searched for a digest sent just before a crash


class Courier:
    def __init__(self, bot: BarRaiser, reminders: ReminderService, digests: DigestService) -> None:
        self.bot = bot
        self.reminders = reminders
        self.digests = digests
        # A resumable claim is handed to whoever asks, so two rounds at once (the
        # interval job and the on_ready catch-up) could both send it: one at a time.
        self._round = asyncio.Lock()

    def start(self) -> None:
        self.bot.scheduling.every(JOB_ID, TICK_SECONDS, self.tick, misfire_grace=MISFIRE_GRACE_SECONDS)

    def stop(self) -> None:
        self.bot.scheduling.cancel(JOB_ID)

    async def tick(self) -> None:
        """Send due reminders (grading new reviews first) and digests."""
        if not self.bot.is_ready():
            return
        async with self._round:
            for delivery in await self.reminders.due_deliveries():
                await self._guarded(self.send_reminder(delivery), "reminder")
            for due in await self.digests.claim_due():
                await self._guarded(self.send_digest(due), "digest")

    async def _guarded(self, sending: Awaitable[None], kind: str) -> None:
        """One failed send (a closed DM, a deleted channel) must not stop the others."""
        try:
            await sending
            self.bot.metrics.posts.labels(kind=kind, outcome="ok").inc()
        except discord.HTTPException as error:
            log.warning("could not send a %s: %s", kind, error)
            self.bot.metrics.posts.labels(kind=kind, outcome="error").inc()

    async def send_reminder(self, delivery: ReminderDelivery) -> None:
        """By DM when asked (falling back to the thread if DMs are closed), else a mention."""
        message = self.bot.renderer.render(
            "progress/drill.md.j2", drill=delivery.drill, mention=True,
            user_id=delivery.user_id,
        )
        # The one ping the bot sends on purpose: the reminder's own member, nobody else.
        ping = discord.AllowedMentions(users=[discord.Object(delivery.user_id)])
        kwargs = rendered_to_kwargs(message) | {"allowed_mentions": ping}
        if delivery.delivery == "dm":
            try:
                user = await self.bot.fetch_user(delivery.user_id)
                await user.send(**kwargs)
                return
            except discord.Forbidden:
                log.info("DMs closed for a reminder; using the daily thread instead")
        thread_id = await self.reminders.daily_thread(delivery.guild_id)
        if thread_id is None:
            log.info("no daily thread in guild %s for a reminder", delivery.guild_id)
            return
        thread = await self._channel(thread_id)
        await thread.send(**kwargs)

    async def confirm_dm(self, user: discord.abc.User) -> bool:
        """Tell a member who chose DM reminders that they will arrive there; False when
        their DMs are closed, so the command can say so at once instead of the
        reminder quietly falling back to the thread later."""
        message = self.bot.renderer.render("progress/reminders_dm.md.j2")
        try:
            await user.send(**rendered_to_kwargs(message))
        except discord.HTTPException as error:  # 403 (DMs closed) or Discord failing
            log.info("could not confirm DM reminders: %s", error)
            return False
        return True

    async def send_digest(self, due: DueDigest) -> None:
        names = {item.id: item.name for item in self.bot.content.rubric.checklist}
        message = self.bot.renderer.render(
            "progress/digest.md.j2", digest=due.digest, names=names, marker=due.marker
        )
        channel = await self._channel(due.channel_id)
        sent = await self._find_marker(channel, due.marker)
        if sent is None:
            sent = await channel.send(**rendered_to_kwargs(message))
        await self.digests.complete(due, sent.id)

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise TypeError(f"channel {channel_id} cannot hold messages")
        return channel

    async def _find_marker(
        self, channel: discord.abc.Messageable, marker: str
    ) -> discord.Message | None:
        """A digest this bot already sent (before a crash), found by the marker in its footer."""
        try:
            return await find_own_message(channel, self.bot.user,
                                          lambda message: marker in message_text(message),
                                          MARKER_LOOKBACK)
        except discord.Forbidden:
            return None
