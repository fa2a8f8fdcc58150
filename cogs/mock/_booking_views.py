"""The buttons of a booked round: seats and Cancel on the sign-up message, "I'm here" in
the thread. ``DynamicItem``s: the booking id rides in the custom_id, so presses keep
working after a restart without re-registering views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.mock.model_booking import Seat
from cogs.mock._handlers import mock_cog

if TYPE_CHECKING:
    from bot.app import BarRaiser

SEAT_LABELS = {
    Seat.CANDIDATE: ("Candidate", discord.ButtonStyle.success),
    Seat.INTERVIEWER: ("Interviewer", discord.ButtonStyle.primary),
    Seat.BAR_RAISER: ("Bar raiser", discord.ButtonStyle.primary),
    Seat.WAITLIST: ("Waitlist", discord.ButtonStyle.secondary),
}
PRESS_LABELS = {
    **{f"seat:{seat.value}": label for seat, label in SEAT_LABELS.items()},
    "leave": ("Leave", discord.ButtonStyle.secondary),
    "cancel": ("Cancel booking", discord.ButtonStyle.danger),
    "here": ("I'm here", discord.ButtonStyle.success),
}
"""Every button of a booking by what its custom_id says after the booking id."""


class BookingHandlers(Protocol):
    async def on_booking_press(self, interaction: discord.Interaction, booking_id: int,
                               press: str) -> None: ...


class BookingButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                    template=r"mockbook:(?P<booking>\d+):(?P<press>seat:[a-z_]+|leave|cancel|here)"):
    """``mockbook:<booking id>:<press>``: a seat (``seat:<seat>``), Leave, Cancel or I'm here.

    The custom_ids are those the seat and action buttons always had, so sign-up messages
    posted before a restart (or before this class) keep working."""

    def __init__(self, booking_id: int, press: str) -> None:
        label, style = PRESS_LABELS[press]
        super().__init__(discord.ui.Button(
            label=label, style=style, custom_id=f"mockbook:{booking_id}:{press}"))
        self.booking_id, self.press = booking_id, press

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: Any) -> BookingButton:
        return cls(int(match["booking"]), match["press"])

    async def callback(self, interaction: discord.Interaction[BarRaiser]) -> None:
        handlers: BookingHandlers = mock_cog(interaction)
        await handlers.on_booking_press(interaction, self.booking_id, self.press)


BOOKING_ITEMS = (BookingButton,)


def signup_view(booking_id: int, *, open_for_seats: bool) -> discord.ui.View | None:
    """Seats, Leave and Cancel while the booking waits; nothing once it opened or ended."""
    if not open_for_seats:
        return None
    view = discord.ui.View(timeout=None)
    for press in PRESS_LABELS:
        if press != "here":
            view.add_item(BookingButton(booking_id, press))
    return view


def check_in_view(booking_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(BookingButton(booking_id, "here"))
    return view
