"""The mock service's ``Announcer``: what a round says in its thread, and archiving it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.discord_io import rendered_to_kwargs
from bot.mock.model import MockSession
from bot.mock.posts import Post, lobby_variables
from bot.mock.service import ThreadGone
from bot.mock.timeline import Kind
from cogs.mock._views import scorecard_view

if TYPE_CHECKING:
    from bot.app import BarRaiser
    from cogs.mock._cog import MockCog


class ThreadAnnouncer:
    """The service's ``Announcer``: posts to a round's thread by id, no cache needed."""

    def __init__(self, bot: BarRaiser, cog: MockCog) -> None:
        self.bot, self.cog = bot, cog

    async def post(self, session: MockSession, post: Post) -> None:
        if session.thread_id is None:
            return
        rendered = self.bot.renderer.render(post.template, **post.variables)
        card = post.variables.get("card") if post.kind is Kind.SCORECARD else None
        extra: dict[str, Any] = {}
        if card is not None:
            extra["view"] = scorecard_view(session.session_id, self.bot.content.rubric.checklist)
        thread = self.bot.get_partial_messageable(session.thread_id)
        try:
            await thread.send(**rendered_to_kwargs(rendered), **extra)
        except discord.NotFound as error:
            raise ThreadGone(session.thread_id) from error
        self.bot.metrics.posts.labels(kind=f"mock_{post.kind.value}", outcome="ok").inc()
        if card is not None:
            await self.cog.service.scorecard_posted(session.session_id, card.candidate_user_id)

    async def archive(self, session: MockSession) -> None:
        """Close the lobby, then archive (not lock) so the group can keep discussing."""
        if session.thread_id is None:
            return
        if session.lobby_message_id is not None:
            lobby = self.bot.renderer.render(
                "mock/lobby.md.j2", **lobby_variables(self.bot.content, session)
            )
            message = self.bot.get_partial_messageable(session.thread_id).get_partial_message(
                session.lobby_message_id
            )
            await message.edit(**rendered_to_kwargs(lobby), view=None)
        thread = await self.bot.fetch_channel(session.thread_id)
        if isinstance(thread, discord.Thread):
            await thread.edit(archived=True)
