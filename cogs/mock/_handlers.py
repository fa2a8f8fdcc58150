"""Which cog answers a press of a mock component, and what it does with each.

Components are ``DynamicItem``s routed by custom_id after any restart; their callbacks
find the ``Mock`` cog here and hand it the press (``MockHandlers`` for a round's buttons
and selects, ``BookingHandlers`` in ``_booking_views.py`` for a booking's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.mock.model import Role, Vote

if TYPE_CHECKING:
    from bot.app import BarRaiser


class MockHandlers(Protocol):
    """What the cog does with each press (implemented by ``cogs.mock._cog.MockCog``)."""

    async def on_join(self, interaction: discord.Interaction, session_id: int, role: Role) -> None:
        ...

    async def on_action(
        self, interaction: discord.Interaction, session_id: int, action: str
    ) -> None: ...

    async def on_vote(self, interaction: discord.Interaction, session_id: int, vote: Vote) -> None:
        ...

    async def on_scores(
        self, interaction: discord.Interaction, session_id: int, values: list[str]
    ) -> None: ...

    async def on_feedback(self, interaction: discord.Interaction, session_id: int) -> None: ...

    async def on_scoring(self, interaction: discord.Interaction, session_id: int) -> None: ...

    async def on_item_score(
        self, interaction: discord.Interaction, session_id: int, item_id: str, values: list[str]
    ) -> None: ...

    async def on_switch(
        self, interaction: discord.Interaction, session_id: int, role: Role
    ) -> None: ...


def mock_cog(interaction: discord.Interaction[BarRaiser]) -> Any:
    """The cog that answers every press of a mock component (its handler protocols say what
    each press needs)."""
    return interaction.client.get_cog("Mock")


def handlers(interaction: discord.Interaction[BarRaiser]) -> MockHandlers:
    cog: MockHandlers = mock_cog(interaction)
    return cog
