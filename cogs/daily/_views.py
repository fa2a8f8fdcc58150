"""The daily post's buttons: Subscribe/Unsubscribe (the ping role) and What counts.

Both are ``discord.ui.DynamicItem``s: the custom_id carries the role id or the prompt
id, so a post from last week still works after any number of restarts without a
view being re-registered per message. Each press hands off to the daily cog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.daily.messages import SUBSCRIBE_LABEL, WHAT_COUNTS_LABEL
from bot.daily.poster import PostExtras
from bot.discord_io import run_component

if TYPE_CHECKING:
    from bot.app import BarRaiser


class DailyHandlers(Protocol):
    """What the cog does with each press (implemented by ``cogs.daily._cog.DailyCog``)."""

    async def on_subscribe(self, interaction: discord.Interaction, role_id: int) -> None: ...

    async def on_what_counts(self, interaction: discord.Interaction, prompt_id: str) -> None: ...


def handlers(interaction: discord.Interaction[BarRaiser]) -> DailyHandlers:
    cog: Any = interaction.client.get_cog("DailyCog")
    return cog


class SubscribeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"daily:sub:(?P<role>\d+)",
):
    def __init__(self, role_id: int) -> None:
        super().__init__(discord.ui.Button(
            label=SUBSCRIBE_LABEL, emoji="🔔", style=discord.ButtonStyle.secondary,
            custom_id=f"daily:sub:{role_id}",
        ))
        self.role_id = role_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> SubscribeButton:
        return cls(int(match["role"]))

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await run_component(interaction, handlers(interaction).on_subscribe(interaction,
                                                                            self.role_id))


class WhatCountsButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"daily:counts:(?P<prompt>[a-z0-9_-]{1,80})",
):
    def __init__(self, prompt_id: str) -> None:
        super().__init__(discord.ui.Button(
            label=WHAT_COUNTS_LABEL, emoji="📋", style=discord.ButtonStyle.secondary,
            custom_id=f"daily:counts:{prompt_id}",
        ))
        self.prompt_id = prompt_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> WhatCountsButton:
        return cls(match["prompt"])

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await run_component(interaction, handlers(interaction).on_what_counts(interaction,
                                                                              self.prompt_id))


DYNAMIC_ITEMS = (SubscribeButton, WhatCountsButton)


def post_view(extras: PostExtras) -> discord.ui.View | None:
    """The buttons under a daily post; None when it has none."""
    items: list[discord.ui.Item[Any]] = []
    if extras.what_counts:
        items.append(WhatCountsButton(extras.what_counts))
    if extras.ping_role_id:
        items.append(SubscribeButton(extras.ping_role_id))
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def post_mentions(extras: PostExtras | None) -> discord.AllowedMentions:
    """Only the ping role, never anyone else (a post holds no user text, but still)."""
    if extras is None or not extras.ping_role_id:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(everyone=False, users=False, replied_user=False,
                                   roles=[discord.Object(extras.ping_role_id)])
