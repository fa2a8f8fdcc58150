"""The mock lobby and scorecard buttons: join, leave, start, pair mode, votes and scores.

A mixin of ``MockCog`` like ``_people.py``; ``_views.py`` routes each press here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.discord_io import rendered_to_kwargs, send
from bot.errors import BotError
from bot.mock import roles
from bot.mock.model import Role, Status, Vote

if TYPE_CHECKING:
    from bot.app import BarRaiser
    from bot.mock.journal import MockJournal
    from bot.mock.service import MockService
    from cogs.mock._replies import RoundReplies

Interaction = discord.Interaction["BarRaiser"]


class ComponentHandlers:
    """The lobby and scorecard components, each behind ``replies.guard`` (a refusal is
    ephemeral)."""

    bot: BarRaiser
    service: MockService
    journal: MockJournal
    replies: RoundReplies

    if TYPE_CHECKING:  # in ``_people.py``, the other half of the round's people
        def seat_in_thread(self, thread_id: int | None, user_id: int) -> None: ...
        async def ask_to_switch(self, interaction: Interaction, session_id: int,
                                role: Role) -> None: ...

    async def on_join(self, interaction: Interaction, session_id: int, role: Role) -> None:
        async def work() -> None:
            await self.replies.own_session(interaction, session_id)
            try:
                session = await self.service.join(session_id, interaction.user.id, role)
            except roles.ConfirmLeavingCandidate:
                await self.ask_to_switch(interaction, session_id, role)
                return
            await self._acknowledge(interaction)
            self.seat_in_thread(session.thread_id, interaction.user.id)
        await self.replies.guard(interaction, work)

    async def on_action(self, interaction: Interaction, session_id: int, action: str) -> None:
        async def work() -> None:
            session = await self.replies.own_session(interaction, session_id)
            user_id = interaction.user.id
            if action != "pair" and session.state.role_of(user_id) is None \
                    and user_id != session.state.host_user_id:
                raise BotError("Join the round first with one of the lobby buttons.")
            if action == "leave":
                await self.service.leave(session_id, user_id)
            elif action == "start":
                await self.service.start(session_id, user_id)
            else:
                await self.service.pair_mode(session_id, user_id, not session.state.pair_mode)
            await self._acknowledge(interaction)
        await self.replies.guard(interaction, work)

    async def _acknowledge(self, interaction: Interaction) -> None:
        """Acknowledge a lobby press without a reply: the lobby message itself is edited by
        the round's own announcement of the change (``timeline.revised``), through the
        outbox, so the edit survives a restart and one mechanism draws every lobby."""
        await interaction.response.defer()

    async def on_vote(self, interaction: Interaction, session_id: int, vote: Vote) -> None:
        async def work() -> None:
            await self.replies.own_session(interaction, session_id)
            counts = await self.journal.vote(session_id, interaction.user.id, vote)
            if not await self._refresh_card(interaction, session_id):
                text = " · ".join(f"{v.value.replace('_', ' ')} {n}" for v, n in counts.items())
                await send(interaction, self.replies.reply("vote_saved", tally=text))
        await self.replies.guard(interaction, work)

    async def on_scores(self, interaction: Interaction, session_id: int,
                        values: list[str]) -> None:
        async def work() -> None:
            await self.replies.own_session(interaction, session_id)
            picks = self.journal.read_picks(values)
            await self.journal.score_many(session_id, interaction.user.id, picks)
            if not await self._refresh_card(interaction, session_id):
                await send(interaction, self.replies.reply("scores_saved"))
        await self.replies.guard(interaction, work)

    async def _refresh_card(self, interaction: Interaction, session_id: int) -> bool:
        """Re-render a single-candidate scorecard in place (the live tally); False otherwise."""
        session = await self.service.in_thread(interaction.channel_id or 0)
        cards = await self.service.cards.of(session)
        if session.state.status is not Status.ENDED or len(cards) != 1:
            return False
        rendered = self.replies.render(
            "mock/scorecard.md.j2", question=self.bot.content.question(session.question_id),
            session_id=session_id, card=cards[0],
            end_reason=(session.state.end_reason.value if session.state.end_reason else "ended"),
        )
        await interaction.response.edit_message(**rendered_to_kwargs(rendered))
        return True
