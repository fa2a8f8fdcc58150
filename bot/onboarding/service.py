"""Onboarding as a service: the welcome a server gets once, and ``/doctor``'s checks.

Discord-free: the cog reads channels and roles into ``bot.onboarding.model`` values
and sends what this returns; the database, the outbox and the schedule are read here.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.doctor import database_problem_text, filesystem_problem
from bot.onboarding.doctor import (
    GuildView,
    channel_lines,
    guild_need_lines,
    intent_line,
    outbox_line,
    ping_role_lines,
    schedule_line,
    tags_line,
    voice_intent_line,
)
from bot.onboarding.model import ChannelView, DoctorLine
from bot.onboarding.settings import GuildSettingsService
from bot.outbox.model import Envelope, message_to_json
from bot.outbox.service import Outbox
from bot.render import Renderer
from storage.daily import DailyRepository
from storage.db import Database, discover_migrations, to_db
from storage.guilds import GuildRepository

log = logging.getLogger(__name__)

OPERATOR_HINT = "the host's operator should run `python -m bot doctor` on the bot's machine"


def choose_welcome_channel(
    system_channel: ChannelView | None, text_channels: Sequence[ChannelView]
) -> ChannelView | None:
    """The system channel if the bot may speak there, else the first text channel where it may."""
    if system_channel is not None and system_channel.can_speak:
        return system_channel
    for channel in sorted(text_channels, key=lambda c: (c.position, c.id)):
        if channel.can_speak:
            return channel
    return None


class OnboardingService:
    def __init__(self, db: Database, settings: GuildSettingsService, outbox: Outbox,
                 renderer: Renderer, clock: Clock, message_content_intent: bool,
                 voice_states_intent: bool = True) -> None:
        self._db = db
        self._guilds = GuildRepository(db)
        self._daily = DailyRepository(db)
        self._settings = settings
        self._outbox = outbox
        self._renderer = renderer
        self._clock = clock
        self._intent = message_content_intent
        self._voice_intent = voice_states_intent

    # -- welcome ----------------------------------------------------------------------

    async def needs_welcome(self, guild_id: int) -> bool:
        """A server that invited the bot while it was offline is welcomed at the next start."""
        return await self._guilds.welcomed_at(guild_id) is None

    async def welcome(self, guild_id: int, guild_name: str, system_channel: ChannelView | None,
                      text_channels: Sequence[ChannelView]) -> bool:
        """Enqueue the welcome once per server; True when enqueued (then kick the outbox).

        The claim and the outbox row commit together (``GuildRepository.claim_welcome``),
        so a crash never leaves a server marked welcomed with nothing to deliver.
        """
        target = choose_welcome_channel(system_channel, text_channels)
        if target is None:
            log.info("welcome: no channel where I may speak in guild %s", guild_id)
            return False
        now = self._clock.now()
        message = self._renderer.render("onboarding/welcome.md.j2", missing=target.missing,
                                        channel_name=target.name)
        welcome = Envelope(f"welcome:{guild_id}:{to_db(now)}", "welcome", target.id, guild_id,
                           {"message": message_to_json(message)})
        return await self._guilds.claim_welcome(guild_id, guild_name, now, welcome)

    # -- /doctor ----------------------------------------------------------------------

    async def doctor(self, guild: GuildView) -> list[DoctorLine]:
        """Every check for one server: channels, intent, schedule, ping role, database, posts."""
        lines: list[DoctorLine] = []
        schedule = await self._daily.schedule(guild.guild_id)
        daily_channel = guild.channel(schedule.channel_id) if schedule else None
        if daily_channel is not None:
            purpose = "daily forum" if daily_channel.forum else "daily prompts"
            lines += channel_lines(daily_channel, purpose)
        if guild.here is not None and (daily_channel is None or guild.here.id != daily_channel.id):
            lines += channel_lines(guild.here, "this channel")
        lines += guild_need_lines(guild.permissions)
        settings = await self._settings.settings(guild.guild_id)
        lines.append(intent_line(self._intent, settings.auto_review))
        lines.append(voice_intent_line(self._voice_intent))
        last_post = await self._daily.last_post(guild.guild_id) if schedule else None
        lines.append(schedule_line(schedule, last_post, daily_channel, self._clock.now()))
        lines += tags_line(last_post)
        if schedule is not None and schedule.ping_role_id is not None:
            lines += ping_role_lines(guild.role(schedule.ping_role_id), guild.me)
        lines.append(await self.database_line())
        lines += await self.outbox_lines(guild.guild_id)
        return lines

    async def database_line(self) -> DoctorLine:
        latest = len(discover_migrations())
        path = self._db.path  # None on PostgreSQL: no file to check
        if path is not None and str(path) != ":memory:":
            problem = await asyncio.to_thread(filesystem_problem, path)
            if problem:
                return DoctorLine(False, f"Database: {problem}", OPERATOR_HINT)
        try:
            version = await self._db.schema_version()
            await self._db.check_writable()
        except (sqlite3.Error, SQLAlchemyError) as error:
            log.error("doctor: database check failed: %s", error)
            return DoctorLine(False, f"Database: {database_problem_text(error)}", OPERATOR_HINT)
        return DoctorLine(version == latest, f"Database: writable, schema {version}/{latest}",
                          None if version == latest else "restart the bot to apply migrations")

    async def outbox_lines(self, guild_id: int) -> list[DoctorLine]:
        """Posts the bot could not make here: impossible ones, and ones still being retried."""
        rows = await self._outbox.troubles(guild_id)
        if not rows:
            return [DoctorLine(True, "Posts: everything the bot posts on its own went out")]
        return [outbox_line(row) for row in rows]
