"""The ack figure's reference: a discord.py bot whose ``/check`` form only answers "ok".

It runs as its own process (``python -m benchmarks.reference_bot``), exactly as
Bar Raiser does in the figure, so both pay the same gateway and HTTP costs on
their own core while the stand-in works in the bench process. Same intents,
cache settings and allowed mentions as ``BarRaiser``; nothing else.
"""

from __future__ import annotations

import os
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

READY_LINE = "reference bot ready"


class OkModal(discord.ui.Modal, title="Check an answer"):
    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Your answer", style=discord.TextStyle.paragraph, max_length=4000)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)


class ReferenceBot(discord.Client):
    """Syncs its one command before connecting, prints ``READY_LINE`` when ready."""

    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = intents.guild_messages = intents.dm_messages = True
        super().__init__(intents=intents, max_messages=None,
                         allowed_mentions=discord.AllowedMentions.none())
        self.tree: app_commands.CommandTree[Any] = app_commands.CommandTree(self)

        @self.tree.command(name="check", description="Open the answer form")
        async def check(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(OkModal())

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_ready(self) -> None:
        print(READY_LINE, flush=True)


def main() -> None:
    """Connect to the API and gateway named in the environment (the bench's stand-in)."""
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY"])
    ReferenceBot().run(os.environ["DISCORD_TOKEN"], log_handler=None)


if __name__ == "__main__":
    main()
