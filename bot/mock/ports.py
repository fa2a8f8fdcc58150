"""What the mock service needs from outside it, and its settings.

The cog implements the ports: ``Announcer`` turns a round's post into an outbox envelope,
``Timers`` wakes the service at an instant, ``PanelCards`` lays a voice round's ticks onto
its scorecards; ``GuildLimits`` reads a server's own cap on live rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.mock.model import MockSession, TranscriptEntry
from bot.mock.posts import Post
from bot.mock.scorecard import Scorecard
from bot.outbox.model import Envelope


class Announcer(Protocol):
    """The cog's side of announcing: render into the outbox, never touching Discord here."""

    async def prepare(self, session: MockSession, post: Post, key: str) -> Envelope | None:
        """The outbox envelope for ``post`` (a scorecard is rendered and stored first);
        None when the round has no thread."""

    def closing(self, session: MockSession, key: str) -> Envelope | None:
        """The envelope that closes the lobby and archives the thread after the scorecard."""

    def kick(self) -> None:
        """Start delivering what was just enqueued, in the background."""


class Timers(Protocol):
    def arm(self, session_id: int, at: datetime) -> None: ...

    def cancel(self, session_id: int) -> None: ...


class PanelCards(Protocol):
    """A voice round's panel ticks laid onto its scorecards (``bot.mock.panel.MockPanel``)."""

    async def with_panel(self, session: MockSession, cards: list[Scorecard],
                         transcript: list[TranscriptEntry]) -> list[Scorecard]: ...


class GuildLimit(Protocol):
    @property
    def mock_max_sessions(self) -> int | None: ...


class GuildLimits(Protocol):
    """Per-guild settings (``storage.guilds.GuildRepository`` satisfies it)."""

    async def settings(self, guild_id: int) -> GuildLimit: ...


@dataclass(frozen=True)
class MockConfig:
    minute_seconds: float = 60.0
    max_per_guild: int = 10
