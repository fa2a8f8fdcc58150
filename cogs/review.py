"""/check, the "Check against checklist" message command, and auto-review in daily threads.

Thin by design: parse the interaction, call ``ReviewService``, render
``review/card.md.j2`` or ``review/compact.md.j2``, send. Replies keep the bot's
default ``AllowedMentions.none()``, and quoted answer text goes through the
``user`` filter in the templates, so "@everyone" or "{{ 7*7 }}" in an answer
is echoed literally and pings nobody.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.content import PHASE_IDS
from bot.discord_io import rendered_to_kwargs, send
from bot.errors import BotError
from bot.forms import AnswerForm
from bot.review import Review, Reviewer
from bot.review.service import AnswerSource, ReviewService
from bot.text import echo
from storage.daily import DailyRepository
from storage.guilds import GuildRepository
from storage.reviews import ReviewRepository

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)

ANSWER_LIMIT = 4_000
PHASES = (*PHASE_IDS, "full")


def parse_phase(raw: str | None) -> str | None:
    """'High level' → 'high_level'; empty → None; anything else is a clear error."""
    cleaned = (raw or "").strip().lower().replace("-", "_").replace(" ", "_")
    if not cleaned:
        return None
    if cleaned not in PHASES:
        raise BotError(f"Unknown phase `{echo(cleaned, 30)}`: use one of {', '.join(PHASES)}.")
    return cleaned


CHECK_FORM = AnswerForm(
    title="Check an answer",
    answer_id="review:answer",
    answer_label="Your answer",
    placeholder="Paste your design answer: requirements, numbers, failures, ops, owners…",
    max_length=ANSWER_LIMIT,
    phase_id="review:phase",
)
CHECK_FORM_ID = "form:check"


class ReviewCog(commands.Cog):
    def __init__(self, bot: BarRaiser) -> None:
        self.bot = bot
        self.service: ReviewService
        self.menu = app_commands.ContextMenu(
            name="Check against checklist", callback=self.check_message
        )

    async def cog_load(self) -> None:
        content = self.bot.content
        self.service = ReviewService(
            Reviewer(content.rubric, content.questions),
            ReviewRepository(self.bot.database),
            GuildRepository(self.bot.database),
            DailyRepository(self.bot.database),
            content,
            self.bot.clock,
        )
        self.bot.tree.add_command(self.menu)
        self.bot.forms.register(re.escape(CHECK_FORM_ID), CHECK_FORM, "check", self.on_check_form)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)
        self.bot.forms.unregister(re.escape(CHECK_FORM_ID))

    @app_commands.command(name="check", description="Check a design answer against the checklist")
    async def check(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await self.bot.forms.open(interaction, CHECK_FORM, CHECK_FORM_ID)

    async def on_check_form(self, interaction: discord.Interaction[BarRaiser],
                            match: re.Match[str], values: Mapping[str, str]) -> None:
        """Acknowledge at once, then review: when many members submit together, each
        review's CPU would otherwise delay every later acknowledgement (a 200-burst's
        p99 went from ~310 ms to ~90 ms on a 2-core box: `python -m bot bench --only ack`)."""
        origin = AnswerSource(interaction.user.id, interaction.guild_id, "check")
        phase = parse_phase(values.get(CHECK_FORM.phase_id or "", ""))
        await interaction.response.defer(ephemeral=True, thinking=True)
        review = self.service.review(origin, values.get(CHECK_FORM.answer_id, ""), phase)
        await self.send_card(interaction, review, source_label=None)
        await self.service.record(origin, review)

    async def check_message(
        self, interaction: discord.Interaction[BarRaiser], message: discord.Message
    ) -> None:
        """Review any message, privately, for the member who asked; stored for its author."""
        origin = AnswerSource(message.author.id, interaction.guild_id, "context_menu", message.id)
        review = self.service.review(origin, message.content, cooldown_user_id=interaction.user.id)
        await self.send_card(interaction, review, source_label=f"Review of {message.jump_url}")
        await self.service.record(origin, review)

    async def send_card(
        self, interaction: discord.Interaction[BarRaiser], review: Review, source_label: str | None
    ) -> None:
        message = self.bot.renderer.render(
            "review/card.md.j2", review=review, source_label=source_label
        )
        await send(interaction, message)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Auto-review answers in daily-prompt threads when the guild turned it on."""
        # The channel may be uncached (threads the bot opened over REST): whether it is a
        # daily-prompt thread is the database's call, inside the service.
        if message.author.bot or message.guild is None or not message.content:
            return
        origin = AnswerSource(message.author.id, message.guild.id, "auto", message.id)
        try:
            review = await self.service.auto_review(origin, message.channel.id, message.content)
            if review is None:
                return
            reply = self.bot.renderer.render("review/compact.md.j2", review=review)
            await message.reply(**rendered_to_kwargs(reply), mention_author=False)
        except discord.HTTPException as error:
            log.warning("auto-review reply in thread %s failed: %s", message.channel.id, error)


async def setup(bot: BarRaiser) -> None:
    await bot.add_cog(ReviewCog(bot))
