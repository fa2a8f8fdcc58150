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
from bot.forms import AnswerForm
from bot.mock import roles

if TYPE_CHECKING:

    from bot.app import BarRaiser
    from bot.mock.journal import MockJournal
    from bot.mock.model import MockSession
    from bot.mock.service import MockService
    from cogs.mock._replies import RoundReplies

Interaction = discord.Interaction["BarRaiser"]

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


class RecordCommands:
    """``/mock note``, ``/mock answer`` (and its form), ``/mock export``."""

    bot: BarRaiser
    service: MockService
    journal: MockJournal
    replies: RoundReplies

    if TYPE_CHECKING:  # in ``_people.py``, with the rest of the readable export
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
        session = await self.replies.here(interaction)
        public = visibility == "public"
        await self.journal.add_note(session.session_id, interaction.user.id, text, public=public)
        await send(interaction, self.replies.reply("noted_public" if public else "noted"))

    @app_commands.command(name="answer", description="Submit your answer for this phase")
    async def answer(self, interaction: Interaction) -> None:
        session = await self.replies.here(interaction)
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
            await send(interaction, self.replies.render(
                "mock/answer.md.j2", user_id=interaction.user.id, phase_name=phase_name,
                text=text), ephemeral=False)
        await self.replies.guard(interaction, work)

    @app_commands.command(name="export", description="The round as a Markdown file")
    async def export(self, interaction: Interaction) -> None:
        session = await self.replies.here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        file = await self.export_file(interaction, session)
        await send(interaction, self.replies.reply("export"), file=file)
