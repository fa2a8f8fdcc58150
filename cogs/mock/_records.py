"""The /mock record commands: notes, the candidate's answer form, the Markdown export.

A mixin of ``MockCog`` like ``_people.py``; the rules live in ``bot.mock.journal``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_io import send
from bot.mock import roles
from cogs.mock._views import ANSWER_FORM, answer_form_id

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bot.app import BarRaiser
    from bot.mock.journal import MockJournal
    from bot.mock.model import MockSession
    from bot.mock.service import MockService
    from bot.render import RenderedMessage

Interaction = discord.Interaction["BarRaiser"]


class RecordCommands:
    """``/mock note``, ``/mock answer`` (and its form), ``/mock export``."""

    bot: BarRaiser
    service: MockService
    journal: MockJournal

    if TYPE_CHECKING:
        def _render(self, template: str, **variables: object) -> RenderedMessage: ...
        def _reply(self, what: str, **variables: object) -> RenderedMessage: ...
        async def _here(self, interaction: Interaction) -> MockSession: ...
        async def _guard(self, interaction: Interaction,
                         work: Callable[[], Awaitable[None]]) -> None: ...
        async def export_file(self, interaction: Interaction,
                              session: MockSession) -> discord.File: ...

    @app_commands.command(name="note", description="A note: private feedback for the candidate, "
                                                   "or public on the scorecard")
    @app_commands.describe(text="What you noticed (interviewers and bar raiser)",
                           visibility="private (default): only the candidate reads it; "
                                      "public: on the scorecard")
    @app_commands.choices(visibility=[app_commands.Choice(name="private", value="private"),
                                      app_commands.Choice(name="public", value="public")])
    async def note(self, interaction: Interaction, text: app_commands.Range[str, 1, 1000],
                   visibility: str = "private") -> None:
        session = await self._here(interaction)
        public = visibility == "public"
        await self.journal.add_note(session.session_id, interaction.user.id, text, public=public)
        await send(interaction, self._reply("noted_public" if public else "noted"))

    @app_commands.command(name="answer", description="Submit your answer for this phase")
    async def answer(self, interaction: Interaction) -> None:
        session = await self._here(interaction)
        roles.require_candidate(session.state, interaction.user.id)
        await self.bot.forms.open(interaction, ANSWER_FORM, answer_form_id(session.session_id))

    async def on_answer_form(self, interaction: Interaction, match: re.Match[str],
                             values: Mapping[str, str]) -> None:
        """The candidate's answer, by the round id in the form's custom_id (restart-proof)."""
        session_id = int(match["session"])
        text = values.get(ANSWER_FORM.answer_id, "")

        async def work() -> None:
            index = await self.journal.submit_answer(session_id, interaction.user.id, text)
            phase_name = self.bot.content.rubric.phases[index].name
            await send(interaction, self._render(
                "mock/answer.md.j2", user_id=interaction.user.id, phase_name=phase_name,
                text=text), ephemeral=False)
        await self._guard(interaction, work)

    @app_commands.command(name="export", description="The round as a Markdown file")
    async def export(self, interaction: Interaction) -> None:
        session = await self._here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        file = await self.export_file(interaction, session)
        await send(interaction, self._reply("export"), file=file)
