"""/help, /doctor, /settings and the welcome message when the bot joins a server."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from sqlalchemy.exc import SQLAlchemyError

from bot.daily.timing import upcoming_post
from bot.discord_io import require_guild, send
from bot.doctor import database_problem_text, filesystem_problem
from bot.onboarding import (
    ChannelView,
    CommandSpec,
    DoctorLine,
    OptionSpec,
    channel_lines,
    choose_welcome_channel,
    find_command,
    help_overview,
    intent_line,
    load_help_entries,
    outbox_line,
    parse_mock_limit,
    ping_role_lines,
    require_intent_for_auto_review,
    usable_commands,
)
from bot.outbox.model import Envelope, message_to_json
from bot.permissions import ALL_NEEDS, DAILY_CHANNEL_NEEDS, missing_permissions
from cogs.daily._roles import bot_role_view, role_view
from storage.daily import DailyRepository
from storage.db import discover_migrations, to_db
from storage.guilds import GuildRepository

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)


def channel_view(channel: discord.abc.GuildChannel, me: discord.Member) -> ChannelView:
    perms = channel.permissions_for(me)
    return ChannelView(channel.id, channel.name, channel.position,
                       tuple(missing_permissions(perms, ALL_NEEDS)))


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
        lines: list[DoctorLine] = []
        repo = DailyRepository(self.bot.database)
        schedule = await repo.schedule(guild.id)
        daily_channel = guild.get_channel(schedule.channel_id) if schedule else None
        if daily_channel is not None:
            lines += channel_lines(channel_view(daily_channel, guild.me), "daily prompts")
        if isinstance(interaction.channel, discord.abc.GuildChannel) and interaction.channel != daily_channel:
            lines += channel_lines(channel_view(interaction.channel, guild.me), "this channel")
        settings = await GuildRepository(self.bot.database).settings(guild.id)
        lines.append(intent_line(self.bot.settings.message_content_intent, settings.auto_review))
        last_post = await repo.last_post(guild.id) if schedule else None
        lines.append(self._schedule_line(schedule, last_post, daily_channel, guild.me))
        if schedule is not None and schedule.ping_role_id is not None:
            role = guild.get_role(schedule.ping_role_id)
            lines += ping_role_lines(role_view(role) if role else None, bot_role_view(guild))
        lines.append(await self._database_line())
        lines += await self._outbox_lines(guild.id)
        await send(interaction, self.bot.renderer.render("onboarding/doctor.md.j2", lines=lines))

    def _schedule_line(self, schedule, last_post, channel, me: discord.Member) -> DoctorLine:
        if schedule is None:
            return DoctorLine(False, "Daily prompts: not set up",
                              "/daily setup channel:#your-channel time:07:30 timezone:Europe/London")
        if channel is None:
            return DoctorLine(False, "Daily prompts: the configured channel no longer exists",
                              "run /daily setup with an existing channel")
        if schedule.attention is not None:
            since = schedule.attention_since.date().isoformat() if schedule.attention_since else "?"
            return DoctorLine(False, f"Daily prompts: {schedule.attention_detail} (since {since})",
                              "fix the permission above, then /daily now to post today's prompt")
        missing = missing_permissions(channel.permissions_for(me), DAILY_CHANNEL_NEEDS)
        if missing:
            names = ", ".join(need.label for need in missing)
            return DoctorLine(False, f"Daily prompts: I can't post in #{channel.name} "
                              f"(missing {names})", "grant the permissions listed above")
        if schedule.paused:
            return DoctorLine(True, "Daily prompts: paused (/daily resume to continue)")
        upcoming = upcoming_post(schedule, last_post, self.bot.clock.now())
        when = f"<t:{int(upcoming.timestamp())}:F>" if upcoming else "none scheduled"
        return DoctorLine(True, f"Daily prompts: next post {when} in #{channel.name}")

    async def _database_line(self) -> DoctorLine:
        latest = len(discover_migrations())
        hint = "the host's operator should run `python -m bot doctor` on the bot's machine"
        path = self.bot.database.path
        if path is not None and str(path) != ":memory:":
            problem = await asyncio.to_thread(filesystem_problem, path)
            if problem:
                return DoctorLine(False, f"Database: {problem}", hint)
        try:
            version = await self.bot.database.schema_version()
            await self.bot.database.check_writable()
        except (sqlite3.Error, SQLAlchemyError) as error:
            log.error("doctor: database check failed: %s", error)
            return DoctorLine(False, f"Database: {database_problem_text(error)}", hint)
        return DoctorLine(version == latest, f"Database: writable, schema {version}/{latest}",
                          None if version == latest else "restart the bot to apply migrations")

    async def _outbox_lines(self, guild_id: int) -> list[DoctorLine]:
        """Posts the bot could not make here: impossible ones, and ones still being retried."""
        rows = await self.bot.outbox.troubles(guild_id)
        if not rows:
            return [DoctorLine(True, "Posts: everything the bot posts on its own went out")]
        return [outbox_line(row) for row in rows]

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
        guild_id = require_guild(interaction).id
        require_intent_for_auto_review(auto_review, self.bot.settings.message_content_intent)
        repo = GuildRepository(self.bot.database)
        now = self.bot.clock.now()
        changed = []
        if auto_review is not None:
            await repo.set_auto_review(guild_id, auto_review, now)
            changed.append(f"auto_review → {'on' if auto_review else 'off'}")
        if mock_max_sessions is not None:
            limit = parse_mock_limit(mock_max_sessions)
            await repo.set_mock_max_sessions(guild_id, limit, now)
            default = f"default ({self.bot.settings.mock_max_per_guild})"
            changed.append(f"mock_max_sessions → {limit or default}")
        message = self.bot.renderer.render(
            "onboarding/settings.md.j2",
            settings=await repo.settings(guild_id),
            schedule=await DailyRepository(self.bot.database).schedule(guild_id),
            default_mock_max=self.bot.settings.mock_max_per_guild,
            changed=changed,
        )
        await send(interaction, message)

    # -- welcome ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.welcome(guild)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Guilds that invited the bot while it was offline get their welcome now."""
        repo = GuildRepository(self.bot.database)
        for guild in self.bot.guilds:
            if await repo.welcomed_at(guild.id) is None:
                await self.welcome(guild)

    async def welcome(self, guild: discord.Guild) -> None:
        """Enqueue the welcome once per server; the outbox delivers it (and retries)."""
        me = guild.me
        system = channel_view(guild.system_channel, me) if guild.system_channel else None
        target = choose_welcome_channel(system, [channel_view(c, me) for c in guild.text_channels])
        if target is None:
            log.info("welcome: no channel where I may speak in guild %s", guild.id)
            return
        now = self.bot.clock.now()
        message = self.bot.renderer.render("onboarding/welcome.md.j2", missing=target.missing,
                                           channel_name=target.name)
        welcome = Envelope(f"welcome:{guild.id}:{to_db(now)}", "welcome", target.id, guild.id,
                           {"message": message_to_json(message)})
        if await GuildRepository(self.bot.database).claim_welcome(guild.id, guild.name, now,
                                                                  welcome):
            self.bot.outbox.kick()


async def setup(bot: BarRaiser) -> None:
    await bot.add_cog(Onboarding(bot))
