"""The mock service's ``Announcer``: a round's posts as outbox envelopes.

Rendering happens here (the cog owns templates and views); sending is the
outbox's job, in the background, so no command waits for Discord to post a
phase. A scorecard is rendered and stored before it is enqueued: if Discord
never takes it, the group still has it (export, ``/privacy export``) and votes
still have a card to refer to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.mock.model import MockSession, Status
from bot.mock.posts import Post, lobby_variables
from bot.mock.timeline import Kind
from bot.outbox.model import Action, Envelope, message_to_json
from cogs.mock._views import lobby_view, scorecard_view

if TYPE_CHECKING:
    from bot.app import BarRaiser
    from cogs.mock._cog import MockCog

SCORECARD_VIEW = "mock_scorecard"
LOBBY_VIEW = "mock_lobby"


class ThreadAnnouncer:
    """The service's ``Announcer``: envelopes addressed to a round's thread by id."""

    def __init__(self, bot: BarRaiser, cog: MockCog) -> None:
        self.bot, self.cog = bot, cog
        bot.outbox_sender.add_view(SCORECARD_VIEW, self._scorecard_view)
        bot.outbox_sender.add_view(LOBBY_VIEW, self._lobby_view)

    async def prepare(self, session: MockSession, post: Post, key: str) -> Envelope | None:
        if session.thread_id is None:
            return None
        if post.kind is Kind.LOBBY:
            return await self._lobby_edit(session, key)
        rendered = self.bot.renderer.render(post.template, **post.variables)
        payload: dict[str, Any] = {"message": message_to_json(rendered)}
        card = post.variables.get("card") if post.kind is Kind.SCORECARD else None
        if (view := self.cog.voice.view_spec(session, post)) is not None:
            payload["view"] = view
        if card is not None:
            payload["view"] = {"name": SCORECARD_VIEW, "session_id": session.session_id}
            # Recorded as it is queued: the outbox now owns delivering it, and the text
            # itself is rebuilt from the round's rows whenever it is shown again.
            await self.cog.service.cards.posted(session.session_id, card.candidate_user_id)
        return Envelope(key, f"mock_{post.kind.value}", session.thread_id, session.guild_id,
                        payload, mentions=post.mentions)

    async def _lobby_edit(self, session: MockSession, key: str) -> Envelope | None:
        """The lobby message edited in place, its controls matching the round's state,
        drawn as ``/mock start`` drew it (with the suggested candidate)."""
        if session.thread_id is None or session.lobby_message_id is None:
            return None
        variables = await self.cog.voice.lobby_variables(session)
        rendered = self.bot.renderer.render("mock/lobby.md.j2", **variables)
        edit: dict[str, Any] = {"message_id": session.lobby_message_id,
                                "message": message_to_json(rendered)}
        if session.state.status is not Status.ENDED:
            edit["view"] = {"name": LOBBY_VIEW, "session_id": session.session_id,
                            "status": session.state.status.value}
        return Envelope(key, "mock_lobby", session.thread_id, session.guild_id, {"edit": edit})

    def closing(self, session: MockSession, key: str) -> Envelope | None:
        """Close the lobby, then archive (not lock) so the group can keep discussing."""
        if session.thread_id is None:
            return None
        payload: dict[str, Any] = {}
        if session.lobby_message_id is not None:
            lobby = self.bot.renderer.render(
                "mock/lobby.md.j2", **lobby_variables(self.bot.content, session)
            )
            payload["edit"] = {"message_id": session.lobby_message_id,
                               "message": message_to_json(lobby)}
        return Envelope(key, "mock_archive", session.thread_id, session.guild_id, payload,
                        Action.ARCHIVE)

    def kick(self) -> None:
        self.bot.outbox.kick()

    def _lobby_view(self, spec: dict[str, Any]) -> Any:
        return lobby_view(int(spec["session_id"]), self.bot.content.rubric.checklist,
                          Status(spec["status"]))

    def _scorecard_view(self, spec: dict[str, Any]) -> Any:
        view = scorecard_view(int(spec["session_id"]), self.bot.content.rubric.checklist)
        return self.cog.voice.with_rerun(view, int(spec["session_id"]))
