"""The command tree: the one error boundary and the one input bound for interactions.

Every command's error ends here (``on_error``): a ``BotError`` or a refused check
becomes the user's sentence, anything else "Something went wrong (ref ABC123)" with
the traceback logged under the same ref. ``interaction_check`` measures every
string option before any handler runs (``bot.inputs``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_io import send
from bot.errors import BotError
from bot.inputs import oversized_option
from bot.permissions import permission_label
from bot.render import MESSAGE_LIMIT, RenderedMessage
from bot.text import truncate
from storage.retry import storage_problem

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)


class BarRaiserTree(app_commands.CommandTree["BarRaiser"]):
    """The one error boundary for application commands, and the one input bound."""

    async def interaction_check(self, interaction: discord.Interaction[BarRaiser], /) -> bool:
        """Refuse an over-long option value before any handler parses, matches or echoes it."""
        too_long = oversized_option(interaction.command, interaction.data or {})
        if too_long is None:
            return True
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
            return False
        interaction.client.record_command(interaction, "refused")
        await interaction.client.refuse(interaction, "too_long", vars(too_long))
        return False

    async def on_error(
        self, interaction: discord.Interaction[BarRaiser], error: app_commands.AppCommandError
    ) -> None:
        bot = interaction.client
        original = getattr(error, "original", error)
        message, ref = describe_error(original)
        command = interaction.command.qualified_name if interaction.command else "?"
        if ref is not None:
            log.error("command %s failed (ref %s)", command, ref, exc_info=original)
            bot.metrics.errors.labels(where="command").inc()
        bot.record_command(interaction, "error" if ref else "refused")
        try:
            # Never more than Discord takes, whatever a message quotes.
            await send(interaction, RenderedMessage(truncate(message, MESSAGE_LIMIT)))
        except discord.HTTPException:
            log.warning("could not tell the user about an error in %s (ref %s)", command, ref)


def describe_error(error: BaseException) -> tuple[str, str | None]:
    """The message a user sees, and an error ref when the log holds a traceback."""
    if isinstance(error, BotError):
        return error.user_message, None
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(permission_label(p) for p in error.missing_permissions)
        return f"You need the **{names}** permission to use this command.", None
    if isinstance(error, app_commands.BotMissingPermissions):
        names = ", ".join(permission_label(p) for p in error.missing_permissions)
        return (f"I am missing the **{names}** permission here. Ask someone with Manage "
                "Server to grant it (their `/doctor` shows every fix)."), None
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s.", None
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside a server.", None
    if isinstance(error, app_commands.TransformerError):
        return f"That value doesn't work for this option: {error.value!s:.100}", None
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here.", None
    ref = hashlib.blake2s(f"{time.time_ns()}{id(error)}".encode(), digest_size=3).hexdigest().upper()
    problem = storage_problem(error)
    if problem == "full":
        return (f"I couldn't save that: the bot's storage is full. Nothing was half-saved; "
                f"please try again later (ref `{ref}`)."), ref
    if problem == "readonly":
        return (f"I couldn't save that: the database can't be written (the disk or file is "
                f"read-only). Nothing was half-saved; the bot's operator should run "
                f"`python -m bot doctor` (ref `{ref}`)."), ref
    if problem in ("locked", "unreachable"):
        return f"The bot's database is busy right now; try again in a few seconds (ref `{ref}`).", ref
    return f"Something went wrong on my side (ref `{ref}`). It has been logged.", ref
