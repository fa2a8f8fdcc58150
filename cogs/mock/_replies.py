"""How every ``/mock`` handler finds its round and answers.

The cog, its command groups (``_people``, ``_records``, ``_components``, ``_booking``) and
the voice controls all hold this one object (``cog.replies``), so none of them declares or
calls another's private helpers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.discord_io import send
from bot.errors import BotError
from bot.mock.model import MockSession
from bot.mock.service import MockService
from bot.render import RenderedMessage

if TYPE_CHECKING:
    from bot.app import BarRaiser

Interaction = discord.Interaction["BarRaiser"]


class RoundReplies:
    def __init__(self, bot: BarRaiser, service: MockService) -> None:
        self.bot, self.service = bot, service

    def render(self, template: str, **variables: object) -> RenderedMessage:
        return self.bot.renderer.render(template, **variables)

    def reply(self, what: str, **variables: object) -> RenderedMessage:
        """One of ``mock/reply.md.j2``'s short answers."""
        defaults: dict[str, object] = {"left_minutes": None, "ends_at": None}
        return self.render("mock/reply.md.j2", what=what, **(defaults | variables))

    async def here(self, interaction: Interaction) -> MockSession:
        """The round of the thread the command was used in."""
        return await self.service.in_thread(interaction.channel_id or 0)

    async def own_session(self, interaction: Interaction, session_id: int) -> MockSession:
        """The round a pressed component belongs to, which must be this thread's."""
        session = await self.here(interaction)
        if session.session_id != session_id:
            raise BotError("This button belongs to another round.")
        return session

    async def guard(self, interaction: Interaction, work: Callable[[], Awaitable[None]]) -> None:
        """Run a component handler; a ``BotError`` becomes an ephemeral reply."""
        try:
            await work()
        except BotError as error:
            await send(interaction, RenderedMessage(error.user_message))
