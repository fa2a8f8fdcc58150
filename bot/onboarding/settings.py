"""A server's Bar Raiser settings: the one place that reads and writes them.

``/settings`` and ``/daily setup`` both switch auto-review through
``GuildSettingsService.set_auto_review``, so the rule (no auto-review without the
Message Content intent) and the write are said once. (The mock service reads a
server's session limit, ``GuildLimits``, from the same ``storage.guilds`` row.)
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.daily.models import Schedule
from bot.errors import BotError
from bot.onboarding.doctor import INTENT_FIX
from bot.onboarding.model import GuildSettings
from storage.daily import DailyRepository
from storage.db import Database
from storage.guilds import GuildRepository

MOCK_LIMIT_RANGE = range(1, 51)


def require_intent_for_auto_review(enabling: bool | None, message_content_enabled: bool) -> None:
    """Refuse to switch auto-review on when the bot cannot read thread messages.

    Without the intent Discord delivers thread messages with empty content, so
    auto-review would silently do nothing; the organiser hears the fix instead.
    """
    if enabling and not message_content_enabled:
        raise BotError(
            "Auto-review needs the Message Content intent, which is off for this bot, so "
            f"it would never see an answer. Fix: {INTENT_FIX}; then switch auto-review on."
        )


def parse_mock_limit(raw: int | None) -> int | None:
    """``/settings mock_max_sessions``: 1-50, or 0 to go back to the bot-wide default."""
    if raw is None or raw == 0:
        return None
    if raw not in MOCK_LIMIT_RANGE:
        raise BotError("mock_max_sessions must be between 1 and 50, or 0 for the default.")
    return raw


@dataclass(frozen=True)
class SettingsReport:
    """What ``/settings`` shows: the settings after the change, and what changed."""

    settings: GuildSettings
    schedule: Schedule | None  # the daily schedule, shown beside (``/daily setup`` changes it)
    default_mock_max: int
    changed: tuple[str, ...]


class GuildSettingsService:
    def __init__(self, guilds: GuildRepository, daily: DailyRepository, clock: Clock,
                 message_content_intent: bool, default_mock_max: int) -> None:
        self._guilds = guilds
        self._daily = daily
        self._clock = clock
        self._intent = message_content_intent
        self._default_mock_max = default_mock_max

    @classmethod
    def from_database(cls, db: Database, clock: Clock, settings: Settings) -> GuildSettingsService:
        return cls(GuildRepository(db), DailyRepository(db), clock,
                   settings.message_content_intent, settings.mock_max_per_guild)

    async def settings(self, guild_id: int) -> GuildSettings:
        return await self._guilds.settings(guild_id)

    def check_auto_review(self, enabling: bool | None) -> None:
        """Refuse (BotError) before anything is written when auto-review cannot work."""
        require_intent_for_auto_review(enabling, self._intent)

    async def set_auto_review(self, guild_id: int, enabled: bool) -> None:
        """Switch auto-review for a server (``/settings`` and ``/daily setup``)."""
        self.check_auto_review(enabled)
        await self._guilds.set_auto_review(guild_id, enabled, self._clock.now())

    async def change(
        self, guild_id: int, auto_review: bool | None = None, mock_max_sessions: int | None = None,
    ) -> SettingsReport:
        """``/settings``: check every value first, then write the ones given."""
        self.check_auto_review(auto_review)
        limit = parse_mock_limit(mock_max_sessions)
        changed = []
        if auto_review is not None:
            await self.set_auto_review(guild_id, auto_review)
            changed.append(f"auto_review → {'on' if auto_review else 'off'}")
        if mock_max_sessions is not None:
            await self._guilds.set_mock_max_sessions(guild_id, limit, self._clock.now())
            changed.append(f"mock_max_sessions → {limit or f'default ({self._default_mock_max})'}")
        return SettingsReport(await self._guilds.settings(guild_id),
                              await self._daily.schedule(guild_id), self._default_mock_max,
                              tuple(changed))
