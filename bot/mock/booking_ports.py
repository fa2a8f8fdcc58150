"""The booking service's ports: what the cog does for it (Discord calls, rendering) and
where the server's time zone comes from. Implemented in ``cogs/mock/_booking_discord.py``."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.mock.model import MockSession
from bot.mock.model_booking import Booking
from bot.outbox.model import Envelope


class EventStatus(IntEnum):
    """Discord's guild scheduled event statuses."""

    SCHEDULED = 1
    ACTIVE = 2
    COMPLETED = 3
    CANCELED = 4


class BookingDiscord(Protocol):
    """The cog's side: Discord calls and rendering, never business rules."""

    async def open_thread(self, booking: Booking) -> int:
        """The round's thread (on the sign-up message, so asking twice gives the same one)."""

    async def post_lobby(self, session: MockSession, booking: Booking) -> int:
        """Post the round's lobby in its thread (stable nonce); its message id."""

    async def set_event_status(self, booking: Booking, status: EventStatus) -> None:
        """Best effort: a missing event or permission is logged, never raised."""

    async def interested(self, booking: Booking) -> list[int] | None:
        """Who pressed "Interested" on the event (None when Discord can't say)."""

    def post(self, owner: Booking, channel_id: int, template: str, key: str,
             ping: Sequence[int], **variables: object) -> Envelope:
        """An outbox envelope that pings exactly ``ping``."""

    def kick(self) -> None: ...

    async def refresh_signup(self, booking: Booking) -> None:
        """Best effort: show the booking as it now stands on its sign-up message."""


class ServerZones(Protocol):
    async def zone(self, guild_id: int) -> ZoneInfo | None: ...
