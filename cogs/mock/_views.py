"""The lobby and scorecard buttons of a mock round, and the views that lay them out.

Every component that must keep working after a restart is a
``discord.ui.DynamicItem``: its custom_id carries the round id (and the role,
action or vote), and the database carries everything else, so no view has to
be re-registered per message. Each callback hands the press to the cog
(``_handlers.py``), which turns it into one service call. The checklist scoring
components live in ``_scoring_views.py``; the answer form with ``/mock answer``
(``_records.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.content import ChecklistItem
from bot.mock.model import Role, Status, Vote
from cogs.mock._handlers import handlers
from cogs.mock._scoring_views import SCORING_ITEMS, ScoringButton

if TYPE_CHECKING:
    from bot.app import BarRaiser

ROLE_LABELS = {
    Role.CANDIDATE: ("Join as candidate", discord.ButtonStyle.success),
    Role.INTERVIEWER: ("Join as interviewer", discord.ButtonStyle.primary),
    Role.BAR_RAISER: ("Join as bar raiser", discord.ButtonStyle.primary),
    Role.OBSERVER: ("Watch", discord.ButtonStyle.secondary),
}
ACTION_LABELS = {
    "leave": ("Leave", discord.ButtonStyle.secondary),
    "start": ("Start", discord.ButtonStyle.success),
    "pair": ("Allow pair mode", discord.ButtonStyle.secondary),
}
VOTE_LABELS = {
    Vote.STRONG_HIRE: ("Strong hire", discord.ButtonStyle.success),
    Vote.HIRE: ("Hire", discord.ButtonStyle.success),
    Vote.NO_HIRE: ("No hire", discord.ButtonStyle.danger),
    Vote.STRONG_NO_HIRE: ("Strong no hire", discord.ButtonStyle.danger),
}


class RoleButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mock:(?P<session>\d+):join:(?P<role>[a-z_]+)",
):
    def __init__(self, session_id: int, role: Role) -> None:
        label, style = ROLE_LABELS[role]
        super().__init__(discord.ui.Button(
            label=label, style=style, custom_id=f"mock:{session_id}:join:{role.value}"
        ))
        self.session_id, self.role = session_id, role

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> RoleButton:
        return cls(int(match["session"]), Role(match["role"]))

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_join(interaction, self.session_id, self.role)


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mock:(?P<session>\d+):(?P<action>leave|start|pair)",
):
    def __init__(self, session_id: int, action: str) -> None:
        label, style = ACTION_LABELS[action]
        super().__init__(discord.ui.Button(
            label=label, style=style, custom_id=f"mock:{session_id}:{action}"
        ))
        self.session_id, self.action = session_id, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> ActionButton:
        return cls(int(match["session"]), match["action"])

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_action(interaction, self.session_id, self.action)


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mock:(?P<session>\d+):vote:(?P<vote>[a-z_]+)",
):
    def __init__(self, session_id: int, vote: Vote) -> None:
        label, style = VOTE_LABELS[vote]
        super().__init__(discord.ui.Button(
            label=label, style=style, custom_id=f"mock:{session_id}:vote:{vote.value}"
        ))
        self.session_id, self.vote = session_id, vote

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> VoteButton:
        return cls(int(match["session"]), Vote(match["vote"]))

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_vote(interaction, self.session_id, self.vote)


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mock:(?P<session>\d+):feedback",
):
    """**My feedback** on the scorecard: the private notes, ephemerally, to the candidate only."""

    def __init__(self, session_id: int) -> None:
        super().__init__(discord.ui.Button(
            label="My feedback", emoji="🔒", style=discord.ButtonStyle.secondary,
            custom_id=f"mock:{session_id}:feedback",
        ))
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> FeedbackButton:
        return cls(int(match["session"]))

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_feedback(interaction, self.session_id)


class SwitchButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"mock:(?P<session>\d+):switch:(?P<role>[a-z_]+)",
):
    """The candidate's confirmation that they give up the seat for ``role``."""

    def __init__(self, session_id: int, role: Role) -> None:
        super().__init__(discord.ui.Button(
            label=f"Yes, leave the candidate seat: {ROLE_LABELS[role][0].lower()}",
            style=discord.ButtonStyle.danger, custom_id=f"mock:{session_id}:switch:{role.value}",
        ))
        self.session_id, self.role = session_id, role

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> SwitchButton:
        return cls(int(match["session"]), Role(match["role"]))

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await handlers(interaction).on_switch(interaction, self.session_id, self.role)


DYNAMIC_ITEMS = (RoleButton, ActionButton, VoteButton, FeedbackButton, SwitchButton,
                 *SCORING_ITEMS)


def lobby_view(
    session_id: int, items: tuple[ChecklistItem, ...], status: Status = Status.LOBBY
) -> discord.ui.View | None:
    """What the lobby offers as the round stands: in the lobby, roles, Leave/Start/pair
    mode; once started, only **Score the checklist** (watchers score mid-round); once
    ended, nothing (``None``: the components are removed)."""
    if status is Status.ENDED:
        return None
    view = discord.ui.View(timeout=None)
    if status is Status.LOBBY:
        for role in ROLE_LABELS:
            view.add_item(RoleButton(session_id, role))
        for action in ACTION_LABELS:
            view.add_item(ActionButton(session_id, action))
        return view
    view.add_item(ScoringButton(session_id))
    return view


def switch_view(session_id: int, role: Role) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SwitchButton(session_id, role))
    return view


def scorecard_view(session_id: int, items: tuple[ChecklistItem, ...]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for vote in VOTE_LABELS:
        view.add_item(VoteButton(session_id, vote))
    view.add_item(FeedbackButton(session_id))
    view.add_item(ScoringButton(session_id))
    return view
