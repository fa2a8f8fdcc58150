"""The buttons of a booked round: seats and Cancel on the sign-up message, "I'm here" in
the thread. ``DynamicItem``s: the booking id rides in the custom_id, so presses keep
working after a restart without re-registering views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.mock.model_booking import Seat

if TYPE_CHECKING:
    from bot.app import BarRaiser

SEAT_LABELS = {
    Seat.CANDIDATE: ("Candidate", discord.ButtonStyle.success),
    Seat.INTERVIEWER: ("Interviewer", discord.ButtonStyle.primary),
    Seat.BAR_RAISER: ("Bar raiser", discord.ButtonStyle.primary),
    Seat.WAITLIST: ("Waitlist", discord.ButtonStyle.secondary),
}
ACTION_LABELS = {
    "leave": ("Leave", discord.ButtonStyle.secondary),
    "cancel": ("Cancel booking", discord.ButtonStyle.danger),
    "here": ("I'm here", discord.ButtonStyle.success),
}


class BookingHandlers(Protocol):
    async def on_booking_seat(self, interaction: discord.Interaction, booking_id: int,
                              seat: Seat) -> None: ...

    async def on_booking_action(self, interaction: discord.Interaction, booking_id: int,
                                action: str) -> None: ...


def _handlers(interaction: discord.Interaction[BarRaiser]) -> BookingHandlers:
    cog: Any = interaction.client.get_cog("Mock")
    return cog


class SeatButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=r"mockbook:(?P<booking>\d+):seat:(?P<seat>[a-z_]+)"):
    def __init__(self, booking_id: int, seat: Seat) -> None:
        label, style = SEAT_LABELS[seat]
        super().__init__(discord.ui.Button(
            label=label, style=style, custom_id=f"mockbook:{booking_id}:seat:{seat.value}"))
        self.booking_id, self.seat = booking_id, seat

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: Any) -> SeatButton:
        return cls(int(match["booking"]), Seat(match["seat"]))

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await _handlers(interaction).on_booking_seat(interaction, self.booking_id, self.seat)


class BookingActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                          template=r"mockbook:(?P<booking>\d+):(?P<action>leave|cancel|here)"):
    def __init__(self, booking_id: int, action: str) -> None:
        label, style = ACTION_LABELS[action]
        super().__init__(discord.ui.Button(
            label=label, style=style, custom_id=f"mockbook:{booking_id}:{action}"))
        self.booking_id, self.action = booking_id, action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: Any) -> BookingActionButton:
        return cls(int(match["booking"]), match["action"])

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await _handlers(interaction).on_booking_action(interaction, self.booking_id, self.action)


BOOKING_ITEMS = (SeatButton, BookingActionButton)


def signup_view(booking_id: int, *, open_for_seats: bool) -> discord.ui.View | None:
    """Seats, Leave and Cancel while the booking waits; nothing once it opened or ended."""
    if not open_for_seats:
        return None
    view = discord.ui.View(timeout=None)
    for seat in SEAT_LABELS:
        view.add_item(SeatButton(booking_id, seat))
    view.add_item(BookingActionButton(booking_id, "leave"))
    view.add_item(BookingActionButton(booking_id, "cancel"))
    return view


def check_in_view(booking_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(BookingActionButton(booking_id, "here"))
    return view
