"""/check, the "Check against checklist" message command, and auto-review in daily threads.

Thin by design: parse the interaction, call ``ReviewService``, render
``review/card.md.j2``, send. Auto-review never posts a card in public: a member's
first substantive answer of the day (``bot.daily.answers``) gets a 📝 reaction and a
"See my review" button that shows the card to its author only. Replies keep the bot's
default ``AllowedMentions.none()``, and quoted answer text goes through the
``user`` filter in the templates, so "@everyone" or "{{ 7*7 }}" in an answer
is echoed literally and pings nobody.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.content import PHASE_IDS
from bot.daily.answers import AnswerBook
from bot.discord_io import (
    question_choices,
    rendered_to_kwargs,
    replies_to_other_member,
    run_component,
    send,
)
from bot.errors import BotError, require_question
from bot.forms import AnswerForm
from bot.review import Review, Reviewer
from bot.review.service import AnswerSource, ReviewService

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)

ANSWER_LIMIT = 4_000
PHASES = (*PHASE_IDS, "full")


PHASE_CHOICES = [
    app_commands.Choice(name=phase.replace("_", " ").capitalize(), value=phase) for phase in PHASES
]
RESUBMIT_SECONDS = 15 * 60


CHECK_FORM = AnswerForm(
    title="Check an answer",
    answer_id="review:answer",
    answer_label="Your answer",
    placeholder="Paste your design answer: requirements, numbers, failures, ops, owners…",
    max_length=ANSWER_LIMIT,
)
# The phase and question picked on the command travel in the form's custom_id, so a
# submit after a restart still knows them (``bot.forms``): ``form:check``,
# ``form:check:<phase>``, ``form:check:<phase>:<question>`` (phase may be empty).
CHECK_FORM_TEMPLATE = r"form:check(?::(?P<phase>[a-z_]{0,20})(?::(?P<question>[a-z][a-z0-9_]{0,70}))?)?"


def check_form_id(phase: str | None, question_id: str | None = None) -> str:
    if question_id:
        return f"form:check:{phase or ''}:{question_id}"
    return f"form:check:{phase}" if phase else "form:check"


class SeeReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"review:see:(?P<channel>\d+):(?P<message>\d+):(?P<user>\d+)",
):
    """Survives restarts: the custom_id names the answer and its author; the card is rebuilt."""

    def __init__(self, channel_id: int, message_id: int, user_id: int) -> None:
        super().__init__(discord.ui.Button(
            label="See my review", emoji="📝", style=discord.ButtonStyle.secondary,
            custom_id=f"review:see:{channel_id}:{message_id}:{user_id}",
        ))
        self.channel_id, self.message_id, self.user_id = channel_id, message_id, user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> SeeReviewButton:
        return cls(int(match["channel"]), int(match["message"]), int(match["user"]))

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        cog: Any = interaction.client.get_cog("ReviewCog")
        await run_component(interaction, cog.show_auto_review(
            interaction, self.channel_id, self.message_id, self.user_id))


class ResubmitView(discord.ui.View):
    """"Edit and resubmit" under a refusal: reopens the form with the answer filled in.

    In memory on purpose (the answer is up to 4,000 characters, far more than a
    custom_id holds); after a restart or 15 minutes the button stops answering.
    """

    def __init__(self, cog: ReviewCog, owner_id: int, answer: str, form_id: str) -> None:
        super().__init__(timeout=RESUBMIT_SECONDS)
        self.cog, self.owner_id, self.answer, self.form_id = cog, owner_id, answer, form_id

    @discord.ui.button(label="Edit and resubmit", style=discord.ButtonStyle.primary)
    async def resubmit(
        self, interaction: discord.Interaction[BarRaiser], _: discord.ui.Button[ResubmitView]
    ) -> None:
        self.cog.service.ensure_can_review(interaction.user.id)  # BotError: said, button kept
        await self.cog.bot.forms.open(interaction, CHECK_FORM, self.form_id, answer=self.answer)

    async def on_error(
        self, interaction: discord.Interaction[BarRaiser], error: Exception, _: object
    ) -> None:
        await interaction.client.tree.on_error(interaction, error)  # type: ignore[arg-type]


class ReviewCog(commands.Cog):
    def __init__(self, bot: BarRaiser) -> None:
        self.bot = bot
        self.service: ReviewService
        self.menu = app_commands.ContextMenu(
            name="Check against checklist", callback=self.check_message
        )

    async def cog_load(self) -> None:
        content = self.bot.content
        self.service = ReviewService.from_database(
            self.bot.database, Reviewer(content.rubric, content.questions), content,
            self.bot.clock, erasure=self.bot.erasure,
        )
        self.answers = AnswerBook.from_database(self.bot.database, self.bot.clock)
        self.bot.tree.add_command(self.menu)
        self.bot.add_dynamic_items(SeeReviewButton)
        self.bot.forms.register(CHECK_FORM_TEMPLATE, CHECK_FORM, "check", self.on_check_form)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)
        self.bot.remove_dynamic_items(SeeReviewButton)
        self.bot.forms.unregister(CHECK_FORM_TEMPLATE)

    @app_commands.command(name="check", description="Check a design answer against the checklist")
    @app_commands.describe(
        phase="The interview phase the answer is for (optional)",
        question="The question it answers (optional): tips then use its system and probes",
    )
    @app_commands.choices(phase=PHASE_CHOICES)
    async def check(
        self,
        interaction: discord.Interaction[BarRaiser],
        phase: app_commands.Choice[str] | None = None,
        question: str | None = None,
    ) -> None:
        # The rate limit and the question are checked before the form opens, so nobody
        # types an answer only to be refused; the review itself counts the limit.
        self.service.ensure_can_review(interaction.user.id)
        if question is not None:
            require_question(question, self.bot.content.questions)
        form_id = check_form_id(phase.value if phase else None, question)
        await self.bot.forms.open(interaction, CHECK_FORM, form_id)

    @check.autocomplete("question")
    async def question_autocomplete(
        self, interaction: discord.Interaction[BarRaiser], current: str
    ) -> list[app_commands.Choice[str]]:
        return question_choices(self.bot.content, current)

    async def on_check_form(self, interaction: discord.Interaction[BarRaiser],
                            match: re.Match[str], values: Mapping[str, str]) -> None:
        """Acknowledge at once, then review: when many members submit together, each
        review's CPU would otherwise delay every later acknowledgement (a 200-burst's
        p99 went from ~310 ms to ~90 ms on a 2-core box: `python -m bot bench --only ack`).
        A refusal after submit keeps the text for "Edit and resubmit"."""
        phase = match["phase"] if match["phase"] in PHASES else None
        # A question removed from questions.yaml since the form opened: review without it.
        question = match["question"] if match["question"] in self.bot.content.questions else None
        answer = values.get(CHECK_FORM.answer_id, "")
        origin = AnswerSource(interaction.user.id, interaction.guild_id, "check")
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            review = self.service.review(origin, answer, phase, question_id=question)
        except BotError as error:
            await self.send_refusal(interaction, error.user_message, answer, match.group(0))
            return
        await self.send_card(interaction, review, source_label=None)
        await self.service.record(origin, review, answer)

    async def check_message(
        self, interaction: discord.Interaction[BarRaiser], message: discord.Message
    ) -> None:
        """Review any message, privately, for the member who asked.

        A review belongs to whoever asked: on your own message it is your review and
        is stored; on someone else's it is only shown to you, and nothing naming the
        author is stored (they never asked for a review).
        """
        origin = AnswerSource(interaction.user.id, interaction.guild_id, "context_menu", message.id)
        review = self.service.review(origin, message.content)
        await self.send_card(interaction, review, source_label=f"Review of {message.jump_url}")
        if message.author.id == interaction.user.id:
            await self.service.record(origin, review, message.content)

    async def send_card(
        self, interaction: discord.Interaction[BarRaiser], review: Review, source_label: str | None
    ) -> None:
        message = self.bot.renderer.render(
            "review/card.md.j2", review=review, source_label=source_label
        )
        await send(interaction, message)

    async def send_refusal(
        self, interaction: discord.Interaction[BarRaiser], reason: str, answer: str, form_id: str
    ) -> None:
        """The refusal, with "Edit and resubmit" reopening the same form (same phase and
        question) with the answer filled in."""
        message = self.bot.renderer.render("review/refused.md.j2", message=reason)
        await send(interaction, message, view=ResubmitView(self, interaction.user.id, answer, form_id))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A member's first substantive answer in a daily thread: record it and, with
        auto-review on, react 📝 and offer the author a private review."""
        # The channel may be uncached (threads the bot opened over REST): whether it is a
        # daily-prompt thread is the database's call, inside the services.
        if message.author.bot or message.guild is None or not message.content:
            return
        answer = await self.answers.accept(
            message.guild.id, message.channel.id, message.author.id, message.id,
            message.content, replies_to_other_member=replies_to_other_member(message),
        )
        if answer is None:
            return
        self.bot.dispatch("daily_answer", answer.thread_id)  # the post's count catches up
        origin = AnswerSource(message.author.id, message.guild.id, "auto", message.id)
        try:
            review = await self.service.auto_review(
                origin, message.channel.id, message.content, replies_to_other_member(message)
            )
            if review is None:
                return
            await message.add_reaction("📝")
            view = discord.ui.View(timeout=None)
            view.add_item(SeeReviewButton(message.channel.id, message.id, message.author.id))
            ready = self.bot.renderer.render("daily/review_ready.md.j2")
            await message.reply(**rendered_to_kwargs(ready), view=view, mention_author=False,
                                silent=True)
        except discord.HTTPException as error:
            log.warning("auto-review in thread %s failed: %s", message.channel.id, error)

    async def show_auto_review(
        self, interaction: discord.Interaction[BarRaiser], channel_id: int, message_id: int,
        user_id: int,
    ) -> None:
        """The card, to the answer's author only (ephemeral); anyone else is told so."""
        if interaction.user.id != user_id:
            raise BotError("Only the answer's author can open this review. For your own, "
                           "right-click your answer → Apps → Check against checklist.")
        channel = interaction.client.get_channel(channel_id) or await interaction.client.fetch_channel(
            channel_id)
        try:
            answer = await channel.fetch_message(message_id)  # type: ignore[union-attr]
        except discord.NotFound:
            raise BotError("That answer was deleted, so there is nothing to review.") from None
        review = await self.service.thread_review(channel_id, answer.content)
        await self.send_card(interaction, review, source_label=f"Review of {answer.jump_url}")



async def setup(bot: BarRaiser) -> None:
    await bot.add_cog(ReviewCog(bot))
