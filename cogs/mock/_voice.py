"""The mock cog's side of voice rounds, the idle warning's Continue and Run it back.

Kept apart from ``_cog.py``: the cog builds one ``VoiceControls`` (``cog.voice``),
whose handlers answer the components in ``_panel_views.py`` and whose view
factories let the outbox attach them to phase posts, idle warnings and scorecards.
Each handler parses the press, makes one service call and renders one template.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_io import rendered_to_kwargs, send
from bot.errors import BotError
from bot.mock import machine
from bot.mock.model import MockSession, Mode
from bot.mock.panel import MockPanel, voice_channel_for
from bot.mock.posts import Post, lobby_variables
from bot.mock.rerun import MockReruns
from bot.mock.timeline import Kind
from cogs.mock._panel_views import PANEL_ITEMS, TickSelect, add_rerun, continue_view
from cogs.mock._scoring_views import ScoreSelect
from cogs.mock._views import lobby_view

if TYPE_CHECKING:
    from bot.app import BarRaiser
    from cogs.mock._cog import MockCog

log = logging.getLogger(__name__)
Interaction = discord.Interaction["BarRaiser"]
PHASE_VIEW = "mock_phase_panel"
CONTINUE_VIEW = "mock_continue"
THREAD_NAME_LIMIT = 100


class VoiceControls:
    def __init__(self, bot: BarRaiser, cog: MockCog) -> None:
        self.bot, self.cog = bot, cog
        self.panel = MockPanel.from_database(cog.service, bot.database)
        self.reruns = MockReruns.from_database(cog.service, bot.database)
        cog.service.cards.panel = self.panel
        bot.outbox_sender.add_view(PHASE_VIEW, self._phase_view)
        bot.outbox_sender.add_view(CONTINUE_VIEW, lambda spec: continue_view(int(spec["session_id"])))

    def load(self) -> None:
        self.bot.add_dynamic_items(*PANEL_ITEMS)

    def unload(self) -> None:
        self.bot.remove_dynamic_items(*PANEL_ITEMS)

    # -- /mock start ---------------------------------------------------------------------

    @staticmethod
    def voice_channel(interaction: Interaction, mode: str | None) -> int | None:
        """The voice round's channel for ``/mock start mode:``, or None for a text round."""
        voice = getattr(interaction.user, "voice", None)
        here = voice.channel.id if voice is not None and voice.channel is not None else None
        return voice_channel_for(Mode(mode) if mode else None, here)

    async def lobby_variables(self, session: MockSession) -> dict[str, object]:
        """The lobby's variables with its suggested candidate."""
        return lobby_variables(self.bot.content, session) | {
            "suggested": await self.reruns.suggestion(session)
        }

    # -- what the outbox attaches --------------------------------------------------------

    def view_spec(self, session: MockSession, post: Post) -> dict[str, Any] | None:
        """The components a post carries, by name (``None``: the announcer decides)."""
        if post.kind is Kind.PHASE and session.state.mode is Mode.VOICE:
            number = post.variables.get("number")
            phase = int(number) - 1 if isinstance(number, int) else 0
            return {"name": PHASE_VIEW, "session_id": session.session_id, "phase": phase}
        if post.kind is Kind.IDLE_WARNING:
            return {"name": CONTINUE_VIEW, "session_id": session.session_id}
        return None

    def _phase_view(self, spec: dict[str, Any]) -> discord.ui.View:
        session_id, phase = int(spec["session_id"]), int(spec["phase"])
        names = tuple(d.name for d in self.bot.content.rubric.phases[phase].deliverables)
        view = discord.ui.View(timeout=None)
        view.add_item(TickSelect(session_id, phase, names))
        view.add_item(ScoreSelect(session_id, self.bot.content.rubric.checklist))
        return view

    def with_rerun(self, view: discord.ui.View, session_id: int) -> discord.ui.View:
        return add_rerun(view, session_id)

    # -- presses -------------------------------------------------------------------------

    async def on_ticks(self, interaction: Interaction, session_id: int, phase_index: int,
                       values: list[str]) -> None:
        async def work() -> None:
            await self.cog.replies.own_session(interaction, session_id)
            chosen = await self.panel.tick(session_id, interaction.user.id, phase_index, values)
            phase = self.bot.content.rubric.phases[phase_index]
            names = [d.name for d in phase.deliverables]
            await send(interaction, self._reply(
                "ticked", phase=phase.name, ticked=[names[i] for i in chosen],
                missing=[n for i, n in enumerate(names) if i not in chosen]))
        await self.cog.replies.guard(interaction, work)

    async def on_continue(self, interaction: Interaction, session_id: int) -> None:
        async def work() -> None:
            await self.cog.replies.own_session(interaction, session_id)
            await self.cog.service.apply(
                session_id, lambda s, now: machine.keep_going(s, interaction.user.id, now))
            done = self._reply("continued", user_id=interaction.user.id)
            await interaction.response.edit_message(**rendered_to_kwargs(done), view=None)
        await self.cog.replies.guard(interaction, work)

    async def on_rerun(self, interaction: Interaction, session_id: int, same_question: bool) -> None:
        async def work() -> None:
            await self.cog.replies.own_session(interaction, session_id)
            session = await self.reruns.run_back(session_id, interaction.user.id, same_question)
            await interaction.response.defer(thinking=True)
            thread = await self._open_thread(session_id, session)
            await send(interaction, self._reply("rerun", user_id=interaction.user.id,
                                                thread_id=thread.id), ephemeral=False)
        await self.cog.replies.guard(interaction, work)

    async def _open_thread(self, previous_id: int, session: MockSession) -> discord.Thread:
        """The next round's thread and lobby, in the channel the last round started from."""
        channel = self.bot.get_channel(session.channel_id)
        title = self.bot.content.question(session.question_id).title
        try:
            if not isinstance(channel, discord.TextChannel):
                raise BotError("The channel this round started from is gone; run "
                               "`/mock start` in another one.")
            thread = await channel.create_thread(
                name=f"Mock · {title}"[:THREAD_NAME_LIMIT], type=discord.ChannelType.public_thread)
        except (discord.HTTPException, BotError) as error:
            await self.reruns.abandon(previous_id, session.session_id)
            if isinstance(error, BotError):
                raise
            raise BotError("I couldn't create the next round's thread. An organiser's "
                           "`/doctor` shows which permission is missing.") from error
        session = await self.cog.service.attach(session.session_id, thread.id)
        lobby = self.bot.renderer.render("mock/lobby.md.j2", **await self.lobby_variables(session))
        message = await thread.send(**rendered_to_kwargs(lobby), view=lobby_view(
            session.session_id, self.bot.content.rubric.checklist))
        await self.cog.service.set_lobby_message(session.session_id, message.id,
                                                 session.state.lobby_revision)
        return thread

    def _reply(self, what: str, **variables: object) -> Any:
        return self.bot.renderer.render("mock/panel_reply.md.j2", what=what, **variables)
