"""The booking service's Discord side (``bot.mock.booking_ports``): the event, the thread on
the sign-up message, the lobby, "Interested" users, and the rendering of booking posts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_io import rendered_to_kwargs
from bot.errors import BotError
from bot.mock.booking_ports import EventStatus
from bot.mock.model import MockSession
from bot.mock.model_booking import CHECK_IN_MINUTES, Booking, BookingStatus, Seat
from bot.mock.posts import lobby_variables
from bot.outbox.model import Envelope, message_to_json, nonce_for
from bot.render import RenderedMessage
from cogs.mock._booking_views import check_in_view, signup_view
from cogs.mock._views import lobby_view

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)
THREAD_ALREADY_CREATED = 160004
CHECK_IN_VIEW = "mock_booking_check_in"
EVENT_NAME_LIMIT, LOCATION_LIMIT = 100, 100


class DiscordBooking:
    """``BookingDiscord``: every Discord call of a booking, and its rendering."""

    def __init__(self, bot: BarRaiser) -> None:
        self.bot = bot
        bot.outbox_sender.add_view(CHECK_IN_VIEW,
                                   lambda spec: check_in_view(int(spec["booking_id"])))

    def signup(self, booking: Booking) -> RenderedMessage:
        seats = {seat.value: [h.user_id] if (h := booking.holder(seat)) else []
                 for seat in (Seat.CANDIDATE, Seat.INTERVIEWER, Seat.BAR_RAISER)}
        event_url = (f"https://discord.com/events/{booking.guild_id}/{booking.event_id}"
                     if booking.event_id else None)
        return self.bot.renderer.render(
            "mock/booking_signup.md.j2", booking=booking,
            question=self.bot.content.question(booking.question_id), seats=seats,
            waitlist=[h.user_id for h in booking.waitlist], event_url=event_url,
            check_in_minutes=CHECK_IN_MINUTES)

    def signup_kwargs(self, booking: Booking) -> dict[str, Any]:
        return rendered_to_kwargs(self.signup(booking)) | {"view": signup_view(
            booking.booking_id, open_for_seats=booking.status is BookingStatus.SCHEDULED)}

    async def open_thread(self, booking: Booking) -> int:
        title = self.bot.content.question(booking.question_id).title
        name = f"Mock · {title}"[:100]
        channel = self.bot.get_channel(booking.channel_id) or \
            await self.bot.fetch_channel(booking.channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise BotError(f"channel {booking.channel_id} cannot hold threads")
        if booking.signup_message_id is not None:
            try:
                thread = await channel.get_partial_message(booking.signup_message_id)\
                    .create_thread(name=name, auto_archive_duration=1440)
            except discord.HTTPException as error:
                if error.code == THREAD_ALREADY_CREATED:
                    return booking.signup_message_id  # the thread shares the message's id
                if not isinstance(error, discord.NotFound):
                    raise
            else:
                return thread.id
        thread = await channel.create_thread(name=name, type=discord.ChannelType.public_thread)
        return thread.id

    async def post_lobby(self, session: MockSession, booking: Booking) -> int:
        if session.thread_id is None:
            raise BotError(f"round {session.session_id} has no thread yet")
        lobby = self.bot.renderer.render("mock/lobby.md.j2",
                                         **lobby_variables(self.bot.content, session))
        thread = self.bot.get_partial_messageable(session.thread_id)
        sent = await thread.send(
            **rendered_to_kwargs(lobby),
            nonce=nonce_for(session.thread_id, f"booking:{booking.booking_id}:lobby"),
            view=lobby_view(session.session_id, self.bot.content.rubric.checklist))
        return sent.id

    async def set_event_status(self, booking: Booking, status: EventStatus) -> None:
        if booking.event_id is None:
            return
        try:
            await self.bot.http.edit_scheduled_event(booking.guild_id, booking.event_id,
                                                     status=int(status))
        except discord.HTTPException as error:
            log.warning("booking %s: event %s not set to %s: %s %s", booking.booking_id,
                        booking.event_id, status.name, error.status, error.text)

    async def interested(self, booking: Booking) -> list[int] | None:
        if booking.event_id is None:
            return None
        me = self.bot.user.id if self.bot.user else 0
        users: list[int] = []
        after = 0
        try:
            while True:
                page = await self.bot.http.get_scheduled_event_users(
                    booking.guild_id, booking.event_id, limit=100, with_member=False,
                    after=after)
                users += [int(entry["user"]["id"]) for entry in page]
                if len(page) < 100:
                    break
                after = int(page[-1]["user"]["id"])
        except discord.HTTPException as error:
            log.warning("booking %s: interested users unavailable: %s", booking.booking_id,
                        error.text)
            return None
        return [user_id for user_id in users if user_id != me]

    def post(self, owner: Booking, channel_id: int, template: str, key: str,
             ping: Sequence[int], **variables: object) -> Envelope:
        rendered = self.bot.renderer.render(template, **variables)
        payload: dict[str, Any] = {"message": message_to_json(rendered)}
        if template.endswith("booking_opened.md.j2"):
            payload["view"] = {"name": CHECK_IN_VIEW, "booking_id": owner.booking_id}
        return Envelope(key, "mock_booking", channel_id, owner.guild_id, payload,
                        mentions=tuple(int(user_id) for user_id in ping))

    def kick(self) -> None:
        self.bot.outbox.kick()

    async def refresh_signup(self, booking: Booking) -> None:
        if booking.signup_message_id is None:
            return
        message = self.bot.get_partial_messageable(booking.channel_id)\
            .get_partial_message(booking.signup_message_id)
        try:
            await message.edit(**self.signup_kwargs(booking))
        except discord.HTTPException as error:
            log.warning("booking %s: sign-up message not refreshed: %s", booking.booking_id,
                        error.text)

    async def create_event(self, booking: Booking, channel: discord.TextChannel,
                           voice: discord.VoiceChannel | None) -> int:
        question = self.bot.content.question(booking.question_id)
        name = f"Mock interview · {question.title}"[:EVENT_NAME_LIMIT]
        description = (f"A {booking.length_minutes}-minute mock system-design round on "
                       f"{question.title}. Take a seat in #{channel.name}; pressing "
                       "Interested puts you on the waitlist.")
        guild = channel.guild
        if voice is not None:
            event = await guild.create_scheduled_event(
                name=name, start_time=booking.starts_at, entity_type=discord.EntityType.voice,
                channel=voice, privacy_level=discord.PrivacyLevel.guild_only,
                description=description)
        else:
            event = await guild.create_scheduled_event(
                name=name, start_time=booking.starts_at,
                entity_type=discord.EntityType.external,
                location=f"#{channel.name} (a thread opens at the start)"[:LOCATION_LIMIT],
                end_time=booking.starts_at + timedelta(minutes=booking.length_minutes),
                privacy_level=discord.PrivacyLevel.guild_only, description=description)
        return event.id
