"""The values onboarding works with: channels as the bot sees them, and /doctor's lines.

The cog reads these off discord.py objects (``cogs/onboarding.py``); the rules in
``bot/onboarding`` never see a discord.py object. ``storage.guilds`` imports this module,
so it imports nothing but the permission names.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.permissions import Need


@dataclass(frozen=True)
class GuildSettings:
    """What a server changed with ``/settings`` (``storage.guilds`` stores it)."""

    guild_id: int
    auto_review: bool = False
    mock_max_sessions: int | None = None  # None: the bot-wide MOCK_MAX_PER_GUILD


@dataclass(frozen=True)
class ChannelView:
    """A text channel (or forum) and what the bot may do there."""

    id: int
    name: str
    position: int
    missing: tuple[Need, ...]
    needs: tuple[Need, ...] = ()  # what ``missing`` was checked against; () for ALL_NEEDS
    forum: bool = False  # a forum: daily prompts are posts in it, with its own permissions

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
