"""The progress commands and the daily-thread answer listener. Thin: parse, call, render, send."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import rendered_to_kwargs, replies_to_other_member, send
from bot.progress.privacy import PrivacyService
from bot.progress.reminders import ReminderService
from bot.progress.service import Period, ProgressService
from bot.progress.weekly import DigestService
from cogs.progress._delivery import Courier
from cogs.progress._views import ConfirmDelete

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)

CHART_FILENAME = "progress.png"
EXPORT_FILENAME = "bar-raiser-my-data.json"
ANSWER_COUNTED = "✅"


class ProgressCog(commands.Cog):
    privacy = app_commands.Group(name="privacy", description="See or delete what Bar Raiser "
                                 "stores about you")

    def __init__(self, bot: BarRaiser) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        bot = self.bot
        self.service = ProgressService.from_database(bot.database, bot.content, bot.clock)
        self.reminders = ReminderService.from_database(bot.database, self.service, bot.clock)
        self.digests = DigestService.from_database(bot.database, bot.content, bot.clock)
        self.privacy_service = PrivacyService(bot.database, bot.clock, bot.erasure)
        self.courier = Courier(bot, self.reminders, self.digests)
        self.courier.start()

    async def cog_unload(self) -> None:
        self.courier.stop()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Catch up at once on reminders and digests that fell due while the bot was down."""
        self.bot.tasks.spawn(self.courier.tick(), name="progress catch-up")

    # -- answers in daily threads --------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Count the first message of the day by a member in a daily-prompt thread.

        Whether it earns the daily points is judged from its text (which needs the
        message-content intent; without it no answer is substantive) and never
        stored. The reaction tells the member it counted (and is how tests observe it).
        """
        if message.author.bot or not isinstance(message.channel, discord.Thread):
            return
        recorded = await self.service.record_answer(
            message.channel.id, message.author.id, message.id, message.created_at,
            message.content, replies_to_other_member(message),
        )
        if not recorded:
            return
        try:
            await message.add_reaction(ANSWER_COUNTED)
        except discord.HTTPException as error:  # no Add Reactions here: counting still happened
            log.info("could not acknowledge an answer in %s: %s", message.channel.id, error)

    # -- /progress ---------------------------------------------------------------

    @app_commands.command(name="progress", description="Streaks, checklist hit rates, "
                          "weakest item and activity chart")
    @app_commands.describe(member="Whose progress to show (default: yours)")
    @app_commands.guild_only()
    async def progress(
        self, interaction: discord.Interaction[BarRaiser], member: discord.Member | None = None
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101 - guild_only
        target = member or interaction.user
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.service.member_progress(interaction.guild_id, target.id)
        names = {item.id: item.name for item in self.bot.content.rubric.checklist}
        message = self.bot.renderer.render(
            "progress/progress.md.j2", progress=report, member_name=target.display_name,
            names=names, own=target.id == interaction.user.id,
        )
        kwargs = rendered_to_kwargs(message)
        if not report.has_data:  # a short "how to start" instead of an empty chart
            await interaction.followup.send(ephemeral=True, **kwargs)
            return
        chart = await asyncio.to_thread(self.service.chart, report)
        kwargs["embed"].set_image(url=f"attachment://{CHART_FILENAME}")
        await interaction.followup.send(
            ephemeral=True, file=discord.File(io.BytesIO(chart), CHART_FILENAME), **kwargs
        )

    # -- /leaderboard ------------------------------------------------------------

    @app_commands.command(name="leaderboard", description="Top 10 by points, and your rank")
    @app_commands.describe(period="The last 7 days, or all time")
    @app_commands.guild_only()
    async def leaderboard(
        self, interaction: discord.Interaction[BarRaiser],
        period: Literal["week", "all"] = "week",
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101 - guild_only
        board = await self.service.leaderboard(
            interaction.guild_id, interaction.user.id, Period(period)
        )
        message = self.bot.renderer.render(
            "progress/leaderboard.md.j2", board=board, period=period,
            invoker_id=interaction.user.id, rules=self.service.rules.describe(),
        )
        await send(interaction, message)

    # -- /drill ------------------------------------------------------------------

    @app_commands.command(name="drill", description="A prompt for your most overdue "
                          "checklist item, or spaced-repetition reminders on or off")
    @app_commands.describe(
        item="A checklist item to drill instead of the most overdue one (name or id)",
        remind="Spaced repetition: a daily reminder when checklist items are due",
        delivery="Where reminders go: a mention in the daily thread, or a DM",
        time="Your local time for reminders, HH:MM (default: the daily prompt's time)",
        timezone="Your time zone, e.g. Europe/Berlin (default: the server's)",
    )
    @app_commands.guild_only()
    async def drill(
        self, interaction: discord.Interaction[BarRaiser],
        item: str | None = None,
        remind: Literal["on", "off"] | None = None,
        delivery: Literal["thread", "dm"] | None = None,
        time: str | None = None,
        timezone: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None  # noqa: S101 - guild_only
        if remind is None and delivery is None and time is None and timezone is None:
            choice = await self.service.drill(interaction.guild_id, interaction.user.id, item)
            message = self.bot.renderer.render(
                "progress/drill.md.j2", drill=choice, mention=False, user_id=0
            )
            await send(interaction, message)
            return
        current, following = await self.reminders.set_reminders(
            interaction.guild_id, interaction.user.id,
            enabled=None if remind is None else remind == "on", delivery=delivery,
            at=time, zone=timezone,
        )
        dms_closed = False
        if current.reminders and current.delivery == "dm":
            dms_closed = not await self.courier.confirm_dm(interaction.user)
        due_count = await self.reminders.due_count(interaction.guild_id, interaction.user.id)
        message = self.bot.renderer.render(
            "progress/reminders.md.j2", preferences=current, following=following,
            dms_closed=dms_closed, due_count=due_count,
        )
        await send(interaction, message)

    # -- /privacy ----------------------------------------------------------------

    @privacy.command(name="export", description="Get a JSON file of everything stored about you")
    async def privacy_export(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        export = await self.privacy_service.export(interaction.user.id)
        message = self.bot.renderer.render(
            "progress/privacy_export.md.j2", rows=export.summary.rows,
            tables=export.summary.tables,
        )
        attachment = discord.File(io.BytesIO(export.document), EXPORT_FILENAME)
        await send(interaction, message, file=attachment)

    @privacy.command(name="delete", description="Delete everything stored about you")
    async def privacy_delete(self, interaction: discord.Interaction[BarRaiser]) -> None:
        view = ConfirmDelete(interaction.user.id, self._confirmed_delete)
        message = self.bot.renderer.render("progress/privacy_confirm.md.j2")
        await send(interaction, message, view=view)

    async def _confirmed_delete(self, interaction: discord.Interaction[BarRaiser]) -> None:
        # Acknowledge first: handing on a hosted round may post its scorecard to Discord.
        await interaction.response.defer()
        summary = await self.privacy_service.delete(interaction.user.id)
        log.info("deleted member data: %d rows from %d tables", summary.rows, len(summary.tables))
        message = self.bot.renderer.render(
            "progress/privacy_deleted.md.j2", rows=summary.rows, tables=summary.tables,
            cleared=summary.cleared, handed_on=summary.handed_on, wiped=summary.wiped,
        )
        await interaction.edit_original_response(view=None, **rendered_to_kwargs(message))
