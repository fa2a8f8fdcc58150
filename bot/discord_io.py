"""The bridge from rendered templates to discord.py sends.

One place decides between an interaction's first response and a followup,
and one place turns an ``EmbedSpec`` into a ``discord.Embed``, so every cog
sends the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import discord
from discord import app_commands

from bot.content import Content
from bot.render import EmbedSpec, RenderedMessage


def to_embed(spec: EmbedSpec) -> discord.Embed:
    embed = discord.Embed(
        title=spec.title, description=spec.description, color=spec.color, url=spec.url
    )
    for item in spec.fields:
        embed.add_field(name=item.name, value=item.value, inline=item.inline)
    if spec.footer:
        embed.set_footer(text=spec.footer)
    return embed


def rendered_to_kwargs(message: RenderedMessage) -> dict[str, Any]:
    """``content=`` and ``embed=`` keyword arguments for any discord.py send or edit."""
    kwargs: dict[str, Any] = {"content": message.content}
    if message.embed is not None:
        kwargs["embed"] = to_embed(message.embed)
    return kwargs


async def send(
    interaction: discord.Interaction,
    message: RenderedMessage,
    *,
    ephemeral: bool = True,
    **extra: Any,
) -> None:
    """Reply to an interaction, as its response if still possible, else as a followup.

    Mentions stay disabled (the bot's default) unless ``allowed_mentions`` is
    passed explicitly in ``extra``.
    """
    kwargs = rendered_to_kwargs(message) | extra
    if kwargs.get("content") is None:
        kwargs.pop("content")
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)


async def run_component(interaction: discord.Interaction, work: Awaitable[None]) -> None:
    """Run a button's handler; components are outside the command tree, so hand their
    errors to its one boundary (a ``BotError`` becomes an ephemeral reply, the rest a ref)."""
    try:
        await work
    except Exception as error:
        await interaction.client.tree.on_error(interaction, error)  # type: ignore[attr-defined]


def require_guild(interaction: discord.Interaction) -> discord.Guild:
    """The interaction's guild; commands marked guild_only never reach here without one."""
    if interaction.guild is None:
        from bot.errors import BotError

        raise BotError("This command only works inside a server.")
    return interaction.guild


def replies_to_other_member(message: discord.Message) -> bool:
    """True when the message replies to someone else's message (not the bot's post, not
    the member's own): chat in a thread, not an answer (``bot.answers.is_substantive``).
    A reply whose original is gone or unknown counts as a reply to someone else."""
    if message.reference is None or message.reference.message_id is None:
        return False
    original = message.reference.resolved
    if not isinstance(original, discord.Message):
        return True
    return not original.author.bot and original.author.id != message.author.id


def message_text(message: discord.Message) -> str:
    """Everything a marker can hide in: the content and each embed's title, text and footer."""
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
    return "\n".join(parts)


async def find_own_message(
    channel: discord.abc.Messageable, me: discord.abc.Snowflake | None,
    matches: Callable[[discord.Message], bool], limit: int,
) -> discord.Message | None:
    """The newest of the bot's own recent messages that ``matches``.

    How a bot that restarted, or lost Discord's answer, finds a post it already made
    instead of posting twice. Errors (no Read Message History) are the caller's call.
    """
    if me is None:
        return None
    async for message in channel.history(limit=limit):
        if message.author.id == me.id and matches(message):
            return message
    return None


async def display_names(guild: discord.Guild, user_ids: Iterable[int]) -> dict[int, str]:
    """Members' names as the server shows them now, from the cache or fetched; a member who
    left is left out. Names are read when shown and never stored (``/privacy delete``).
    Discord's other errors propagate for the caller to translate."""
    names: dict[int, str] = {}
    for user_id in user_ids:
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.NotFound:
                continue  # left the server
        names[user_id] = member.display_name
    return names


def question_choices(content: Content, typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for a ``question`` option: title and category shown, the id sent."""
    return [app_commands.Choice(name=f"{q.title} ({q.category})"[:100], value=q.id)
            for q in content.questions_matching(typed)]
