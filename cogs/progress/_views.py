"""The /privacy delete confirmation: two buttons only the invoking member can press.

It is deliberately not persistent: a confirmation for an irreversible delete
should not survive a restart or linger; after the timeout it asks again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.discord_io import rendered_to_kwargs

if TYPE_CHECKING:
    from bot.app import BarRaiser

CONFIRM_SECONDS = 120

OnConfirm = Callable[[discord.Interaction["BarRaiser"]], Awaitable[None]]


class ConfirmDelete(discord.ui.View):
    def __init__(self, owner_id: int, on_confirm: OnConfirm) -> None:
        super().__init__(timeout=CONFIRM_SECONDS)
        self.owner_id = owner_id
        self._on_confirm = on_confirm

    async def interaction_check(self, interaction: discord.Interaction[BarRaiser]) -> bool:
        """Only the member whose data it is may confirm; anyone else is told so."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the member who asked can confirm deleting their data.", ephemeral=True
        )
        return False

    @discord.ui.button(label="Delete everything", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[BarRaiser], _: discord.ui.Button[ConfirmDelete]
    ) -> None:
        self.stop()
        await self._on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[BarRaiser], _: discord.ui.Button[ConfirmDelete]
    ) -> None:
        self.stop()
        message = interaction.client.renderer.render("progress/privacy_cancelled.md.j2")
        await interaction.response.edit_message(view=None, **rendered_to_kwargs(message))
