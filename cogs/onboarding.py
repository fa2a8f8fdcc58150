"""/help, /doctor, /settings and the welcome message when the bot joins a server."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.daily.validation import RoleView
from bot.discord_io import require_guild, send
from bot.onboarding.doctor import GuildView
from bot.onboarding.help import (
    CommandSpec,
    OptionSpec,
    find_command,
    help_overview,
    load_help_entries,
    usable_commands,
)
from bot.onboarding.model import ChannelView
from bot.onboarding.service import OnboardingService
from bot.onboarding.settings import GuildSettingsService
from bot.permissions import (
    ALL_NEEDS,
    DAILY_FORUM_NEEDS,
    DAILY_FORUM_TAG_NEEDS,
    Need,
    missing_permissions,
)
from cogs.daily._roles import bot_role_view, role_view

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)


FORUM_NEEDS = (*DAILY_FORUM_NEEDS, *DAILY_FORUM_TAG_NEEDS)


def channel_view(channel: discord.abc.GuildChannel, me: discord.Member) -> ChannelView:
    """What the bot may do in ``channel``; a forum is checked for what daily posts need."""
    forum = isinstance(channel, discord.ForumChannel)
    needs: tuple[Need, ...] = FORUM_NEEDS if forum else ALL_NEEDS
    perms = channel.permissions_for(me)
    return ChannelView(channel.id, channel.name, channel.position,
                       tuple(missing_permissions(perms, needs)), needs, forum)


def guild_view(guild: discord.Guild, here: object) -> GuildView:
    """The server as /doctor's checks read it; ``here`` is the channel it ran in."""
    me = guild.me

    def channel(channel_id: int) -> ChannelView | None:
        found = guild.get_channel(channel_id)
        return channel_view(found, me) if found is not None else None

    def role(role_id: int) -> RoleView | None:
        found = guild.get_role(role_id)
        return role_view(found) if found is not None else None

    return GuildView(
        guild.id,
        channel_view(here, me) if isinstance(here, discord.abc.GuildChannel) else None,
        channel, role, bot_role_view(guild), me.guild_permissions,
    )


def _required(command: app_commands.Command | app_commands.ContextMenu) -> int | None:
    """default_member_permissions as Discord applies it: set on the top-level command."""
    root = command.root_parent if isinstance(command, app_commands.Command) else None
    permissions = (root or command).default_permissions
    return permissions.value if permissions is not None else None


def command_specs(tree: app_commands.CommandTree) -> list[CommandSpec]:
    """Every registered slash command (subcommands by qualified name) and message menu."""
    specs = [
        CommandSpec(
            cmd.qualified_name, cmd.description,
            tuple(OptionSpec(p.display_name, p.description, p.required) for p in cmd.parameters),
            required_permissions=_required(cmd),
        )
        for cmd in tree.walk_commands()
        if isinstance(cmd, app_commands.Command)
    ]
    specs += [CommandSpec(menu.name, "", context_menu=True, required_permissions=_required(menu))
              for menu in tree.get_commands(type=discord.AppCommandType.message)]
    return specs


def member_permissions(interaction: discord.Interaction[BarRaiser]) -> int:
    """The member's server-wide permissions (what default_member_permissions is checked
    against); 0 in DMs, where admin commands don't exist."""
    user = interaction.user
    return user.guild_permissions.value if isinstance(user, discord.Member) else 0


class Onboarding(commands.Cog):
    def __init__(self, bot: BarRaiser) -> None:
        self.bot = bot
        help_path = (bot.settings.content_dir or Path(bot.renderer.templates_dir).parent) / "help.yaml"
        self.help_entries = load_help_entries(help_path)
        self.service: OnboardingService
        self.settings_service: GuildSettingsService

    async def cog_load(self) -> None:
        bot = self.bot
        self.settings_service = GuildSettingsService.from_database(bot.database, bot.clock,
                                                                   bot.settings)
        self.service = OnboardingService(bot.database, self.settings_service, bot.outbox,
                                         bot.renderer, bot.clock,
                                         bot.settings.message_content_intent,
                                         bot.intents.voice_states)

    # -- /help ------------------------------------------------------------------------

    @app_commands.command(name="help", description="What Bar Raiser can do, or how one command works")
    @app_commands.describe(command="A command to explain in detail, e.g. daily setup")
    async def help(self, interaction: discord.Interaction[BarRaiser], command: str | None = None) -> None:
        specs = usable_commands(command_specs(self.bot.tree), member_permissions(interaction))
        if command:
            item = find_command(command, specs, self.help_entries)
            message = self.bot.renderer.render("onboarding/help_command.md.j2", item=item)
        else:
            groups = help_overview(specs, self.help_entries)
            message = self.bot.renderer.render("onboarding/help_overview.md.j2", groups=groups)
        await send(interaction, message)

    @help.autocomplete("command")
    async def help_autocomplete(
        self, interaction: discord.Interaction[BarRaiser], current: str
    ) -> list[app_commands.Choice[str]]:
        specs = usable_commands(command_specs(self.bot.tree), member_permissions(interaction))
        names = sorted(spec.name for spec in specs)
        return [app_commands.Choice(name=n, value=n) for n in names if current.lower() in n.lower()][:25]

    # -- /doctor ----------------------------------------------------------------------

    @app_commands.command(
        name="doctor", description="Check the bot's permissions, schedule and database here"
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def doctor(self, interaction: discord.Interaction[BarRaiser]) -> None:
        guild = require_guild(interaction)
        lines = await self.service.doctor(guild_view(guild, interaction.channel))
        await send(interaction, self.bot.renderer.render("onboarding/doctor.md.j2", lines=lines))

    # -- /settings --------------------------------------------------------------------

    @app_commands.command(name="settings", description="Show or change this server's Bar Raiser settings")
    @app_commands.describe(
        auto_review="Privately review each member's first answer of the day in daily threads",
        mock_max_sessions="How many mock interviews may run at once here (1-50, 0 = default)",
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def settings(
        self,
        interaction: discord.Interaction[BarRaiser],
        auto_review: bool | None = None,
        mock_max_sessions: app_commands.Range[int, 0, 50] | None = None,
    ) -> None:
        report = await self.settings_service.change(
            require_guild(interaction).id, auto_review, mock_max_sessions)
        message = self.bot.renderer.render(
            "onboarding/settings.md.j2", settings=report.settings, schedule=report.schedule,
            default_mock_max=report.default_mock_max, changed=list(report.changed),
        )
        await send(interaction, message)

    # -- welcome ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.welcome(guild)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Guilds that invited the bot while it was offline get their welcome now."""
        for guild in self.bot.guilds:
            if await self.service.needs_welcome(guild.id):
                await self.welcome(guild)

    async def welcome(self, guild: discord.Guild) -> None:
        """Enqueue the welcome once per server; the outbox delivers it (and retries)."""
        me = guild.me
        system = channel_view(guild.system_channel, me) if guild.system_channel else None
        channels = [channel_view(c, me) for c in guild.text_channels]
        if await self.service.welcome(guild.id, guild.name, system, channels):
            self.bot.outbox.kick()


async def setup(bot: BarRaiser) -> None:
    await bot.add_cog(Onboarding(bot))
