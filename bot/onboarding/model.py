"""The values onboarding works with: channels as the bot sees them, and /doctor's lines.

The cog reads these off discord.py objects (``cogs/onboarding.py``); the rules in
``bot/onboarding`` never see a discord.py object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.daily.validation import BotRoleView, RoleView
from bot.permissions import Need


@dataclass(frozen=True)
class GuildSettings:
    """What a server changed with ``/settings`` (``storage.guilds`` stores it)."""

    guild_id: int
    auto_review: bool = False
    mock_max_sessions: int | None = None  # None: the bot-wide MOCK_MAX_PER_GUILD


@dataclass(frozen=True)
class ChannelView:
    """A text channel and what the bot may do there."""

    id: int
    name: str
    position: int
    missing: tuple[Need, ...]

    @property
    def can_speak(self) -> bool:
        flags = {need.flag for need in self.missing}
        return not flags & {"view_channel", "send_messages"}


@dataclass(frozen=True)
class DoctorLine:
    """One line of /doctor: ✅ ok, ❌ a problem with its fix, or ℹ️ ``info`` (nothing to fix)."""

    ok: bool
    text: str
    fix: str | None = None
    info: bool = False


@dataclass(frozen=True)
class GuildView:
    """What /doctor needs to know about a server, read from Discord by the cog.

    Lookups are functions so the cog reads only the channel and role the
    database names (the daily channel, the ping role), not the whole server.
    """

    guild_id: int
    here: ChannelView | None  # the channel /doctor ran in, when it is a server channel
    channel: Callable[[int], ChannelView | None]  # a channel by id, None when it is gone
    role: Callable[[int], RoleView | None]  # a role by id, None when it was deleted
    me: BotRoleView  # what the bot may do with roles
