"""/mock: the cog, its round controls and gateway events (mixins: ``_people``, ``_booking``,
``_records``, ``_components``).

Thin by design: each handler finds the round, makes one service call and
renders one template. Refusals are ``BotError`` from the service; for slash
commands the tree's error boundary answers them, for components ``replies.guard``
does the same.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import question_choices, rendered_to_kwargs, require_guild, send
from bot.errors import BotError
from bot.mock.journal import MockJournal
from bot.mock.ports import MockConfig
from bot.mock.posts import status_variables
from bot.mock.scorecard import engine_reviewer
from bot.mock.service import MockService
from bot.mock.timers import SchedulerTimers
from bot.outbox.model import ChannelGoneError, OutboxRow, PostError
from bot.review import Reviewer
from cogs.mock._announcer import ThreadAnnouncer
from cogs.mock._booking import BookingCommands
from cogs.mock._components import ComponentHandlers
from cogs.mock._people import PeopleCommands
from cogs.mock._records import ANSWER_FORM, ANSWER_FORM_TEMPLATE, RecordCommands
from cogs.mock._replies import RoundReplies
from cogs.mock._views import DYNAMIC_ITEMS, lobby_view
from cogs.mock._voice import VoiceControls

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)
Interaction = discord.Interaction["BarRaiser"]
THREAD_NAME_LIMIT = 100


@app_commands.guild_only()
class MockCog(PeopleCommands, BookingCommands, RecordCommands, ComponentHandlers,
              commands.GroupCog, group_name="mock", name="Mock",
              group_description="Group mock interviews with time boxes and a scorecard"):
    def __init__(self, bot: BarRaiser) -> None:
        self.bot = bot
        self.timers = SchedulerTimers(bot.scheduling, self._tick)
        self.service = MockService.from_database(
            bot.database, bot.content, bot.clock,
            MockConfig(bot.settings.mock_minute_seconds, bot.settings.mock_max_per_guild),
            announcer=ThreadAnnouncer(bot, self), timers=self.timers,
            reviewer=engine_reviewer(Reviewer(bot.content.rubric, bot.content.questions)),
            ownership=bot.ownership,
        )
        self.journal = MockJournal(self.service)
        self.replies = RoundReplies(bot, self.service)
        self.voice = VoiceControls(bot, self)  # voice rounds, idle Continue, Run it back
        self._booking_init()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.voice.load()
        self.bot.outbox.listen(self._delivered)
        self.bot.erasure.add_departure(self.service.depart)
        self.bot.forms.register(ANSWER_FORM_TEMPLATE, ANSWER_FORM, "mock answer",
                                self.on_answer_form)
        self.bot.tasks.spawn(self._resume_all(), name="mock-resume")
        await self._booking_load()

    async def _delivered(self, row: OutboxRow, error: PostError | None) -> None:
        """A round whose thread turned out to be gone when its post was delivered ends."""
        if row.kind.startswith("mock_") and isinstance(error, ChannelGoneError):
            await self.service.thread_deleted(row.channel_id)

    async def cog_unload(self) -> None:
        self._booking_unload()
        self.bot.erasure.remove_departure(self.service.depart)
        self.timers.cancel_all()
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.voice.unload()
        self.bot.forms.unregister(ANSWER_FORM_TEMPLATE)

    async def _resume_all(self) -> None:
        count = await self.service.resume_all()
        log.info("resumed %d live mock rounds", count)

    async def _tick(self, session_id: int) -> None:
        await self.service.tick(session_id)

    # -- /mock start -----------------------------------------------------------------------

    @app_commands.command(name="start", description="Open a mock round in a new thread")
    @app_commands.describe(
        question="A question from the bank (random when omitted)",
        length="Round length in minutes",
        minutes="Per-phase override, e.g. 5,10,15,10,5 (each 1-30)",
        mode="voice: talk in your voice channel, the panel ticks; text: answer in the thread "
             "(default: voice when you are in a voice channel)",
    )
    @app_commands.choices(length=[app_commands.Choice(name="45 minutes", value=45),
                                  app_commands.Choice(name="60 minutes", value=60)],
                          mode=[app_commands.Choice(name="voice", value="voice"),
                                app_commands.Choice(name="text", value="text")])
    @app_commands.guild_only()
    async def start(self, interaction: Interaction, question: str | None = None,
                    length: int = 45, minutes: str | None = None,
                    mode: str | None = None) -> None:
        guild = require_guild(interaction)
        channel = interaction.channel
        if not isinstance(channel, discord.TextChannel):
            raise BotError("Start a mock round from a text channel; it opens its own thread.")
        voice_channel_id = self.voice.voice_channel(interaction, mode)
        await interaction.response.defer(ephemeral=True, thinking=True)
        session = await self.service.open(
            guild_id=guild.id, channel_id=channel.id, host_user_id=interaction.user.id,
            question_id=question, length=length, minutes=minutes,
            voice_channel_id=voice_channel_id,
        )
        title = self.bot.content.question(session.question_id).title
        try:
            thread = await channel.create_thread(
                name=f"Mock · {title}"[:THREAD_NAME_LIMIT], type=discord.ChannelType.public_thread
            )
        except discord.HTTPException as error:
            await self.service.discard(session.session_id)
            raise BotError("I couldn't create a thread here. An organiser's `/doctor` shows which "
                           "permission is missing.") from error
        session = await self.service.attach(session.session_id, thread.id)
        lobby = self.replies.render("mock/lobby.md.j2", **await self.voice.lobby_variables(session))
        message = await thread.send(**rendered_to_kwargs(lobby),
                                    view=lobby_view(session.session_id,
                                                    self.bot.content.rubric.checklist))
        await self.service.set_lobby_message(session.session_id, message.id,
                                             session.state.lobby_revision)
        await send(interaction, self.replies.reply("ready", thread_id=thread.id))
        self.seat_in_thread(thread.id, interaction.user.id)
        await self.invite(session, message)

    @start.autocomplete("question")
    async def question_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return question_choices(self.bot.content, current)

    # -- controls --------------------------------------------------------------------------

    @app_commands.command(name="next", description="End the current phase now")
    async def next_phase(self, interaction: Interaction) -> None:
        session = await self.replies.here(interaction)
        # The phase this press found running: a second press sent with it ends nothing more.
        await self.service.next(session.session_id, interaction.user.id, session.state)
        await send(interaction, self.replies.reply("next", user_id=interaction.user.id), ephemeral=False)

    @app_commands.command(name="pause", description="Pause the clock")
    async def pause(self, interaction: Interaction) -> None:
        session = await self.replies.here(interaction)
        session = await self.service.pause(session.session_id, interaction.user.id)
        left = session.state.time_left(self.bot.clock.now())
        left_minutes = round(left.total_seconds() / session.state.minute_seconds, 1) if left else None
        await send(interaction, self.replies.reply("paused", user_id=interaction.user.id,
                                            left_minutes=left_minutes), ephemeral=False)

    @app_commands.command(name="resume", description="Restart the clock")
    async def resume(self, interaction: Interaction) -> None:
        session = await self.replies.here(interaction)
        await self.service.resume(session.session_id, interaction.user.id)
        await send(interaction, self.replies.reply("resumed", user_id=interaction.user.id),
                   ephemeral=False)

    @app_commands.command(name="extend", description="Give the current phase more time")
    @app_commands.describe(minutes="Extra minutes (1-10)")
    async def extend(self, interaction: Interaction,
                     minutes: app_commands.Range[int, 1, 10]) -> None:
        session = await self.replies.here(interaction)
        session = await self.service.extend(session.session_id, interaction.user.id, minutes)
        index = session.state.current_index()
        ends_at = session.state.phases[index].deadline if index is not None else None
        await send(interaction, self.replies.reply("extended", user_id=interaction.user.id,
                                            minutes=minutes, ends_at=ends_at), ephemeral=False)

    @app_commands.command(name="end", description="End the round and post the scorecard")
    async def end(self, interaction: Interaction) -> None:
        session = await self.replies.here(interaction)
        member = interaction.user
        manage = isinstance(member, discord.Member) and interaction.permissions.manage_threads
        await interaction.response.defer(ephemeral=True, thinking=True)
        ended = await self.service.end(session.session_id, member.id, can_manage_threads=manage)
        await send(interaction, self.replies.reply("ended" if ended.state.started_at else "cancelled"))

    @app_commands.command(name="status", description="Phase, time left and who is who")
    async def status(self, interaction: Interaction) -> None:
        session = await self.replies.here(interaction)
        undelivered = [row for row in await self.bot.outbox.troubles(session.guild_id, "mock_")
                       if row.channel_id == session.thread_id]
        variables = status_variables(self.bot.content, session, self.bot.clock.now(), undelivered)
        await send(interaction, self.replies.render("mock/status.md.j2", **variables))

    # -- gateway events --------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Record the candidate's thread messages (needs the Message Content intent)."""
        if message.author.bot or not isinstance(message.channel, discord.Thread):
            return
        await self.journal.record_message(
            message.channel.id, message.author.id, message.id, message.content
        )

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        await self.service.thread_deleted(payload.thread_id)
