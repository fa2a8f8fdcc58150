"""Components of voice rounds, the idle warning and Run it back.

Like ``_views.py``, each is a ``discord.ui.DynamicItem`` whose custom_id carries the
round (and the phase, or the choice), so a press after a restart reaches the right
round with no view re-registered; the database holds everything else. Callbacks
hand the press to ``VoiceControls`` (``cogs.mock._voice``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import discord

if TYPE_CHECKING:
    from bot.app import BarRaiser

RERUN_LABELS = {
    "same": ("Run it back · same question", discord.ButtonStyle.primary),
    "new": ("Run it back · new question", discord.ButtonStyle.secondary),
}
LABEL_LIMIT = 100
RERUN_ROW = 4  # a message has rows 0-4


class PanelHandlers(Protocol):
    async def on_ticks(self, interaction: discord.Interaction, session_id: int,
                       phase_index: int, values: list[str]) -> None: ...

    async def on_continue(self, interaction: discord.Interaction, session_id: int) -> None: ...

    async def on_rerun(self, interaction: discord.Interaction, session_id: int,
                       same_question: bool) -> None: ...


def handlers(interaction: discord.Interaction[BarRaiser]) -> PanelHandlers:
    cog: Any = interaction.client.get_cog("Mock")
    controls: PanelHandlers = cog.voice
    return controls


class TickSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"mock:(?P<session>\d+):tick:(?P<phase>\d+)",
):
    """The panel's ticks for one phase: the chosen options are what the candidate delivered."""

    def __init__(self, session_id: int, phase_index: int, deliverables: tuple[str, ...] = ()) -> None:
        options = [discord.SelectOption(label=f"✅ {name}"[:LABEL_LIMIT], value=str(i))
                   for i, name in enumerate(deliverables)]
        super().__init__(discord.ui.Select(
            custom_id=f"mock:{session_id}:tick:{phase_index}",
            placeholder="Panel: tick what the candidate delivered",
            min_values=0,
            max_values=max(1, len(options)),
            options=options or [discord.SelectOption(label="-", value="-")],
        ))
        self.session_id, self.phase_index = session_id, phase_index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> TickSelect:
        select = cls(int(match["session"]), int(match["phase"]))
        if isinstance(item, discord.ui.Select):
            select.item.options = item.options
            select.item.max_values = item.max_values
        return select

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_ticks(interaction, self.session_id, self.phase_index,
                                             self.item.values)


class ContinueButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mock:(?P<session>\d+):continue",
):
    def __init__(self, session_id: int) -> None:
        super().__init__(discord.ui.Button(label="Continue", style=discord.ButtonStyle.success,
                                           custom_id=f"mock:{session_id}:continue"))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> ContinueButton:
        return cls(int(match["session"]))

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_continue(interaction, self.session_id)


class RerunButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mock:(?P<session>\d+):rerun:(?P<which>same|new)",
):
    def __init__(self, session_id: int, which: str) -> None:
        label, style = RERUN_LABELS[which]
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=f"mock:{session_id}:rerun:{which}"))
        self.session_id, self.which = session_id, which

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> RerunButton:
        return cls(int(match["session"]), match["which"])

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_rerun(interaction, self.session_id, self.which == "same")


PANEL_ITEMS = (TickSelect, ContinueButton, RerunButton)


def continue_view(session_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ContinueButton(session_id))
    return view


def add_rerun(view: discord.ui.View, session_id: int) -> discord.ui.View:
    """Run it back under a scorecard, on the last row (the card's own controls fill the first)."""
    for which in RERUN_LABELS:
        button = RerunButton(session_id, which)
        button.item.row = RERUN_ROW
        view.add_item(button)
    return view
