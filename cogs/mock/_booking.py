"""``/mock schedule``: booking a round ahead (rules in ``bot/mock/booking.py``).

``BookingCommands`` is mixed into ``MockCog`` so the command joins the ``/mock`` group;
``DiscordBooking`` (``_booking_discord.py``) is the service's Discord side.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import question_choices, require_guild, run_component, send
from bot.errors import BotError, require_question
from bot.mock.booking import BookingService
from bot.mock.model import Mode
from bot.mock.model_booking import Seat
from bot.mock.plan import plan_minutes
from bot.permissions import CREATE_EVENTS, MOCK_CHANNEL_NEEDS, missing_permissions
from cogs.mock._booking_discord import DiscordBooking
from cogs.mock._booking_views import BOOKING_ITEMS

if TYPE_CHECKING:
    from bot.app import BarRaiser
    from bot.mock.service import MockService

log = logging.getLogger(__name__)
Interaction = discord.Interaction["BarRaiser"]
INTERESTED_EVENTS = ("GUILD_SCHEDULED_EVENT_USER_ADD", "GUILD_SCHEDULED_EVENT_USER_REMOVE")


def _mode(mode: str | None, voice: discord.VoiceChannel | None) -> Mode:
    if mode is not None:
        return Mode(mode)
    return Mode.VOICE if voice is not None else Mode.TEXT


def _voice_of(member: object) -> discord.VoiceChannel | None:
    state = getattr(member, "voice", None)
    channel = getattr(state, "channel", None)
    return channel if isinstance(channel, discord.VoiceChannel) else None


class BookingCommands:
    """Mixed into ``MockCog``: ``/mock schedule``, the sign-up buttons, "Interested"."""

    bot: BarRaiser
    service: MockService
    booking: BookingService
    booking_discord: DiscordBooking

    def _booking_init(self) -> None:
        self.booking_discord = DiscordBooking(self.bot)
        self.booking = BookingService.from_database(
            self.bot.database, self.service, self.bot.clock, self.bot.scheduling,
            self.booking_discord, self.bot.settings.mock_minute_seconds)

    async def _booking_load(self) -> None:
        self.bot.add_dynamic_items(*BOOKING_ITEMS)
        self.bot.outbox.listen(self._booking_delivered)
        self.bot.erasure.add_departure(self.booking.depart)
        self.bot.tasks.spawn(self._booking_resume(), name="mock-booking-resume")

    def _booking_unload(self) -> None:
        self.bot.erasure.remove_departure(self.booking.depart)
        self.booking.cancel_jobs()
        self.bot.remove_dynamic_items(*BOOKING_ITEMS)

    async def _booking_resume(self) -> None:
        count = await self.booking.resume_all()
        log.info("resumed %d mock bookings", count)

    async def _booking_delivered(self, row: Any, error: Any) -> None:
        """A round's closing post went out: if it was booked, the booking is done."""
        if row.kind != "mock_archive":
            return
        session = await self.service.repo.by_thread(row.channel_id)
        if session is not None:
            await self.booking.round_ended(session.session_id)

    @app_commands.command(name="schedule",
                          description="Book a mock round ahead: seats, a waitlist, an event")
    @app_commands.describe(
        when="2026-12-10 19:00 (server's zone, or add one: … London) or <t:1700000000:F>",
        question="A question from the bank",
        length="Round length in minutes",
        mode="voice (in a voice channel) or text; default voice if you name or sit in one",
        voice_channel="The voice channel of a voice round (default: the one you are in)",
        minutes="Per-phase override, e.g. 5,10,15,10,5 (each 1-30)",
    )
    @app_commands.choices(
        length=[app_commands.Choice(name="45 minutes", value=45),
                app_commands.Choice(name="60 minutes", value=60)],
        mode=[app_commands.Choice(name="voice", value="voice"),
              app_commands.Choice(name="text", value="text")])
    @app_commands.guild_only()
    async def schedule(self, interaction: Interaction, when: app_commands.Range[str, 1, 100],
                       question: str, length: int = 45, mode: str | None = None,
                       voice_channel: discord.VoiceChannel | None = None,
                       minutes: str | None = None) -> None:
        guild = require_guild(interaction)
        channel = interaction.channel
        if not isinstance(channel, discord.TextChannel):
            raise BotError("Book a mock round from a text channel: its sign-up message goes "
                           "there and the round opens in a thread on it.")
        voice = voice_channel or (_voice_of(interaction.user) if mode != "text" else None)
        chosen = _mode(mode, voice)
        if chosen is Mode.VOICE and voice is None:
            raise BotError("A voice round needs a voice channel: name one with "
                           "`voice_channel:`, join one before booking, or pick `mode: text`.")
        self._check_booking_permissions(channel, voice if chosen is Mode.VOICE else None)
        starts_at = await self.booking.parse_when(guild.id, when)
        require_question(question, self.bot.content.questions)
        plan_minutes(self.bot.content.rubric.phases, length, minutes)  # refuse a bad plan now
        await interaction.response.defer(ephemeral=True, thinking=True)
        booking = await self.booking.book(
            guild_id=guild.id, channel_id=channel.id,
            voice_channel_id=voice.id if chosen is Mode.VOICE and voice else None,
            host_user_id=interaction.user.id, question_id=question, length=length,
            minutes=minutes, mode=chosen, starts_at=starts_at)
        try:
            event_id = await self.booking_discord.create_event(
                booking, channel, voice if chosen is Mode.VOICE else None)
        except discord.HTTPException as error:
            await self.booking.discard(booking.booking_id)
            raise BotError("Discord refused the event: " + (error.text or str(error.status))[:200]
                           + ". An organiser's `/doctor` shows what is missing.") from error
        booking = await self.booking.attach(booking.booking_id, event_id=event_id)
        try:
            message = await channel.send(**self.booking_discord.signup_kwargs(booking))
        except discord.HTTPException as error:
            await self.booking.cancel(booking.booking_id, interaction.user.id, can_manage=True)
            raise BotError("I couldn't post the sign-up message here. An organiser's "
                           "`/doctor` shows which permission is missing.") from error
        booking = await self.booking.attach(booking.booking_id, signup_message_id=message.id)
        await send(interaction, self.bot.renderer.render(
            "mock/booking_reply.md.j2", what="booked", booking=booking))

    def _check_booking_permissions(self, channel: discord.TextChannel,
                                   voice: discord.VoiceChannel | None) -> None:
        me = channel.guild.me
        missing = [need.label for need in missing_permissions(channel.permissions_for(me),
                                                              MOCK_CHANNEL_NEEDS)]
        if missing_permissions(me.guild_permissions, (CREATE_EVENTS,)):
            missing.append(CREATE_EVENTS.label)
        if missing:
            names = ", ".join(f"**{name}**" for name in missing)
            raise BotError(f"I can't book a round in #{channel.name}: I'm missing {names}. "
                           "Server Settings → Roles → Bar Raiser → enable them (or grant them "
                           f"in #{channel.name}'s permissions), or book from another channel.")
        if voice is not None:
            granted = voice.permissions_for(me)
            lacking = [label for flag, label in (("view_channel", "View Channel"),
                                                 ("connect", "Connect"),
                                                 ("create_events", "Create Events"))
                       if not getattr(granted, flag) and not granted.administrator]
            if lacking:
                raise BotError(f"I can't put the event in 🔊{voice.name}: I'm missing "
                               f"{', '.join(f'**{x}**' for x in lacking)} there. Grant them in "
                               f"🔊{voice.name}'s permissions, or pick another voice channel.")

    @schedule.autocomplete("question")
    async def schedule_question_choices(self, interaction: Interaction,
                                        current: str) -> list[app_commands.Choice[str]]:
        return question_choices(self.bot.content, current)

    # -- buttons ---------------------------------------------------------------------------

    async def on_booking_press(self, interaction: Interaction, booking_id: int,
                               press: str) -> None:
        """A sign-up button (``seat:<seat>``, ``leave``, ``cancel``) or "I'm here"."""
        async def work() -> None:
            user_id = interaction.user.id
            if press == "here":
                booking = await self.booking.seats.here(booking_id, user_id)
                await send(interaction, self.bot.renderer.render(
                    "mock/booking_reply.md.j2", what="here", booking=booking))
                return
            if press.startswith("seat:"):
                seat = Seat(press.removeprefix("seat:"))
                booking = await self.booking.seats.take(booking_id, user_id, seat)
            elif press == "leave":
                booking = await self.booking.seats.leave(booking_id, user_id)
            else:
                manage = interaction.permissions.manage_events
                booking = await self.booking.cancel(booking_id, user_id, can_manage=manage)
            await interaction.response.edit_message(**self.booking_discord.signup_kwargs(booking))
        await run_component(interaction, work())

    # -- "Interested" on the event ---------------------------------------------------------

    @commands.Cog.listener()
    async def on_socket_raw_receive(self, data: Any) -> None:
        """GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE from the raw payload: discord.py's own
        event needs the member cached, which the bot (no Members intent) rarely has."""
        if isinstance(data, str):  # discord.py 2.x hands over the decompressed JSON text
            if "GUILD_SCHEDULED_EVENT_USER_" not in data:
                return  # every other gateway message: one substring test, no parsing
            data = json.loads(data)
        kind = data.get("t") if isinstance(data, dict) else None
        if kind not in INTERESTED_EVENTS:
            return
        body = data.get("d") or {}
        user_id = int(body.get("user_id", 0))
        if not user_id or (self.bot.user is not None and user_id == self.bot.user.id):
            return
        await self.booking.seats.interested(int(body.get("guild_scheduled_event_id", 0)), user_id,
                                      kind == "GUILD_SCHEDULED_EVENT_USER_ADD")
