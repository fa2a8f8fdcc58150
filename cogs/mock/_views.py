"""Buttons, the score select and the answer form of a mock round.

Every component that must keep working after a restart is a
``discord.ui.DynamicItem``: its custom_id carries the round id (and the role,
action or vote), and the database carries everything else, so no view has to
be re-registered per message. Each callback hands the press to the cog, which
turns it into one service call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.content import ChecklistItem
from bot.forms import AnswerForm
from bot.mock.model import Role, Status, Vote

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
ANSWER_MAX_CHARS = 4000
ANSWER_FORM = AnswerForm(
    title="Your answer for this phase",
    answer_id="mock:answer:text",
    answer_label="Answer",
    placeholder="Numbers, components, trade-offs: what you would say to the interviewer",
    max_length=ANSWER_MAX_CHARS,
)
# ``/mock answer`` works without the Message Content intent; the round id rides in the
# form's custom_id, so a submit after a restart still reaches the right round.
ANSWER_FORM_TEMPLATE = r"form:mock-answer:(?P<session>\d+)"


def answer_form_id(session_id: int) -> str:
    return f"form:mock-answer:{session_id}"


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


def handlers(interaction: discord.Interaction[BarRaiser]) -> MockHandlers:
    cog: Any = interaction.client.get_cog("Mock")
    return cog


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


DYNAMIC_ITEMS = (RoleButton, ActionButton, VoteButton, ScoreSelect, FeedbackButton, SwitchButton,
                 ScoringButton, ItemSelect)


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


def scoring_view(
    session_id: int, items: tuple[ChecklistItem, ...], current: dict[str, bool]
) -> discord.ui.View:
    """A scorer's own panel (ephemeral): one select per checklist item, their pick preset."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(ItemSelect(session_id, item.id, item.name, current.get(item.id)))
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
