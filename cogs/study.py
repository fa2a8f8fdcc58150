"""/prompt, /roadmap and /guide: the study material on demand, always ephemeral."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.daily.messages import prompt_variables
from bot.daily.study import StudyService
from bot.discord_io import send

if TYPE_CHECKING:
    from bot.app import BarRaiser


class StudyCog(commands.Cog):
    def __init__(self, bot: BarRaiser) -> None:
        self.bot = bot
        self.service: StudyService

    async def cog_load(self) -> None:
        self.service = StudyService.from_database(self.bot.database, self.bot.content,
                                                  self.bot.clock)

    @app_commands.command(name="prompt", description="Show a roadmap prompt (default: today's)")
    @app_commands.describe(week="Week of the roadmap, 1-12", day="Day of that week, 1-7")
    async def prompt(
        self,
        interaction: discord.Interaction[BarRaiser],
        week: app_commands.Range[int, 1, 12] | None = None,
        day: app_commands.Range[int, 1, 7] | None = None,
    ) -> None:
        found = await self.service.prompt(interaction.guild_id, week, day)
        is_today = week is None and day is None and interaction.guild_id is not None \
            and await self.service.cohort_day(interaction.guild_id) is not None
        message = self.bot.renderer.render(
            "study/prompt.md.j2", **prompt_variables(self.bot.content, found), is_today=is_today
        )
        await send(interaction, message)

    @app_commands.command(name="roadmap", description="The 12-week plan and this week's priorities")
    async def roadmap(self, interaction: discord.Interaction[BarRaiser]) -> None:
        view = await self.service.roadmap(interaction.guild_id)
        message = self.bot.renderer.render(
            "study/roadmap.md.j2", weeks=view.weeks, focus=view.focus,
            current_week=view.current_week, day=view.day,
        )
        await send(interaction, message)

    @app_commands.command(name="guide", description="Any topic of the interview guide")
    @app_commands.describe(topic="Pattern, technology, concept, principle, comparison…")
    async def guide(self, interaction: discord.Interaction[BarRaiser], topic: str) -> None:
        entry = self.service.guide_topic(topic)
        await send(interaction, self.bot.renderer.render("study/guide_topic.md.j2", topic=entry))

    @guide.autocomplete("topic")
    async def _topic_choices(
        self, interaction: discord.Interaction[BarRaiser], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=f"{t.name} ({t.kind})"[:100], value=t.id)
            for t in self.service.guide_choices(current)
        ]


async def setup(bot: BarRaiser) -> None:
    await bot.add_cog(StudyCog(bot))
