"""The checklist scoring components: the presser's own scoring panel and the older
multi-pick select.

**Score the checklist** (``ScoringButton``, on the lobby once the round runs and on the
scorecard) opens a scorer's own ephemeral panel, one ``ItemSelect`` per checklist item,
their current pick preset. Like every mock component they are ``DynamicItem``s: the
custom_id carries the round (and the item), so they work after a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.content import ChecklistItem
from cogs.mock._handlers import handlers

if TYPE_CHECKING:
    from bot.app import BarRaiser


class ScoreSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"mock:(?P<session>\d+):score",
):
    """Up to five checklist judgements at once: ``<item id>:1`` met, ``<item id>:0`` missed.

    Only on messages posted before **Score the checklist** (``ScoringButton``) replaced
    it; a pick of ✅ and ❌ for one item is refused (``MockJournal.read_picks``)."""

    def __init__(self, session_id: int, items: tuple[ChecklistItem, ...] = ()) -> None:
        options = [
            discord.SelectOption(label=f"{mark} {item.name}", value=f"{item.id}:{flag}")
            for item in items
            for mark, flag in (("✅", 1), ("❌", 0))
        ]
        super().__init__(discord.ui.Select(
            custom_id=f"mock:{session_id}:score",
            placeholder="Score the candidate on the checklist",
            min_values=1,
            max_values=max(1, len(items)),
            options=options or [discord.SelectOption(label="-", value="-")],
        ))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> ScoreSelect:
        select = cls(int(match["session"]))
        if isinstance(item, discord.ui.Select):
            select.item.options = item.options
            select.item.max_values = item.max_values
        return select

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_scores(interaction, self.session_id, self.item.values)


class ScoringButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mock:(?P<session>\d+):scoring",
):
    """**Score the checklist**: opens the presser's own scoring panel (``scoring_view``)."""

    def __init__(self, session_id: int) -> None:
        super().__init__(discord.ui.Button(
            label="Score the checklist", emoji="📝", style=discord.ButtonStyle.secondary,
            custom_id=f"mock:{session_id}:scoring",
        ))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> ScoringButton:
        return cls(int(match["session"]))

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_scoring(interaction, self.session_id)


class ItemSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"mock:(?P<session>\d+):item:(?P<item>[a-z0-9_]+)",
):
    """One checklist item in a scorer's own panel: met or missed, one value at most, so a
    scorer's choice for an item can never be ✅ and ❌ at once; the current one is preset."""

    def __init__(self, session_id: int, item_id: str, name: str = "",
                 current: bool | None = None) -> None:
        super().__init__(discord.ui.Select(
            custom_id=f"mock:{session_id}:item:{item_id}",
            placeholder=f"{name or item_id}: not scored yet",
            min_values=1, max_values=1,
            options=[discord.SelectOption(label=f"✅ {name or item_id}: met", value="1",
                                          default=current is True),
                     discord.SelectOption(label=f"❌ {name or item_id}: missed", value="0",
                                          default=current is False)],
        ))
        self.session_id, self.item_id = session_id, item_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> ItemSelect:
        return cls(int(match["session"]), match["item"])

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_item_score(interaction, self.session_id, self.item_id,
                                                  self.item.values)


def scoring_view(
    session_id: int, items: tuple[ChecklistItem, ...], current: dict[str, bool]
) -> discord.ui.View:
    """A scorer's own panel (ephemeral): one select per checklist item, their pick preset."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(ItemSelect(session_id, item.id, item.name, current.get(item.id)))
    return view


SCORING_ITEMS = (ScoreSelect, ScoringButton, ItemSelect)
