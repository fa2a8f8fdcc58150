"""The /daily command group and the lifecycle of the daily jobs.

Thin by design: each handler checks permissions, calls one ``DailyService``
method, renders one template and replies. The jobs are rebuilt from the
database in ``cog_load`` and cancelled in ``cog_unload``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.daily.answered import WhoAnswered
from bot.daily.delivery import PostResult
from bot.daily.jobs import DailyJobs
from bot.daily.messages import DailyMessages, jump_url, status_variables
from bot.daily.models import ChannelKind, Schedule
from bot.daily.service import DailyService, Outcome
from bot.daily.validation import check_channel_permissions, ping_role_problems
from bot.daily.zones import zone_choices, zone_data
from bot.discord_io import send
from bot.errors import BotError
from bot.onboarding.settings import GuildSettingsService
from bot.permissions import DAILY_FORUM_NEEDS, DAILY_FORUM_TAG_NEEDS, missing_permissions
from cogs.daily._poster import DAILY_NEEDS, DiscordPoster
from cogs.daily._roles import bot_role_view, role_view
from cogs.daily._views import DYNAMIC_ITEMS

if TYPE_CHECKING:
    from bot.app import BarRaiser

log = logging.getLogger(__name__)
manage_server = app_commands.checks.has_permissions(manage_guild=True)
TAGS_WARNING = ("I can't create tags in this forum without **Manage Channels**: posts will go "
                "out untagged until it is granted (the forum's settings → Permissions → Bar Raiser).")


class DailyCog(commands.Cog):
    # Admin-only: members don't see /daily at all (Discord hides it below Manage Server).
    daily = app_commands.Group(
        name="daily", description="The daily roadmap prompt for this server", guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: BarRaiser) -> None:
        self.bot = bot
        self.service: DailyService
        self.jobs: DailyJobs

    async def cog_load(self) -> None:
        bot = self.bot
        poster = DiscordPoster(bot)
        self.service = DailyService.from_database(
            bot.database, bot.content, bot.renderer, bot.clock, poster,
            observe=self._count,
        )
        self.guild_settings = GuildSettingsService.from_database(bot.database, bot.clock,
                                                                 bot.settings)
        self.jobs = DailyJobs(bot.scheduling, self.service, bot.clock, observe=self._count_job)
        self.messages = DailyMessages(bot.renderer, bot.content)
        self.who = WhoAnswered.from_database(bot.database, self.messages, bot.content,
                                             bot.clock, poster, bot.scheduling)
        armed = await self.jobs.rebuild()
        log.info("daily: %d guild schedules armed", armed)
        bot.add_dynamic_items(*DYNAMIC_ITEMS)
        await asyncio.to_thread(zone_data)  # so no autocomplete waits on reading the city list
        bot.tasks.spawn(self._catch_up(), name="daily catch-up")

    async def cog_unload(self) -> None:
        self.jobs.disarm_all()
        self.who.disarm_all()
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    async def _catch_up(self) -> None:
        """Post what fell due while the bot was down, if it is still the same local day.

        Waits for the gateway's READY (the app's ``ready_event``) so channels are cached;
        a bot that never connects just leaves this pending until shutdown cancels it.
        """
        await self.bot.ready_event.wait()
        owed = await self.who.rebuild()
        log.info("daily: %d end-of-day list(s) and answer count(s) armed", owed)
        checked = await self.jobs.catch_up()
        log.info("daily catch-up: %d schedule(s) checked", checked)

    def _count_job(self, outcome: str) -> None:
        """The job catches its own failures, so the scheduler never sees them: count them here."""
        if outcome == "error":
            self.bot.metrics.errors.labels(where="daily_job").inc()

    def _count(self, result: PostResult) -> None:
        outcome = "ok" if result.outcome is Outcome.POSTED else result.outcome.value
        self.bot.metrics.posts.labels(kind="daily", outcome=outcome).inc()
        if result.outcome is Outcome.POSTED:
            self.bot.tasks.spawn(self.who.arm_roll_call(result.record),
                                 name=f"daily end-of-day list {result.record.id}")

    # -- listeners ---------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.service.forget_guild(guild.id)
        self.jobs.disarm(guild.id)

    @commands.Cog.listener()
    async def on_daily_answer(self, thread_id: int) -> None:
        """A member's answer was recorded (``cogs.review``): the post's count catches up."""
        await self.who.answered(thread_id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        if await self.service.channel_deleted(channel.guild.id, channel.id):
            self.jobs.disarm(channel.guild.id)

    # -- commands ------------------------------------------------------------------------

    @daily.command(name="setup", description="Post the day's roadmap prompt in a text channel or a forum")
    @app_commands.describe(
        channel="A text channel (a post and a thread a day) or a forum (a forum post a day)",
        time="Local posting time, 24-hour HH:MM (e.g. 07:30)",
        timezone="A city (London, Bangalore), an abbreviation (PST, IST) or an IANA name",
        start_date="Day 1 of the 12 weeks, YYYY-MM-DD (default: today, or unchanged)",
        auto_review="Privately review each member's first answer of the day in the thread",
        ping_role="A role to mention in each post; members join it with the 🔔 button",
    )
    @manage_server
    async def setup(
        self,
        interaction: discord.Interaction[BarRaiser],
        channel: discord.TextChannel | discord.ForumChannel,
        time: str,
        timezone: str,
        start_date: str | None = None,
        auto_review: bool | None = None,
        ping_role: discord.Role | None = None,
    ) -> None:
        guild = _guild(interaction)
        kind = _channel_kind(channel)
        needs = DAILY_FORUM_NEEDS if kind is ChannelKind.FORUM else DAILY_NEEDS
        missing = missing_permissions(channel.permissions_for(guild.me), needs)
        check_channel_permissions(channel.name, [need.label for need in missing])
        self.guild_settings.check_auto_review(auto_review)
        if ping_role is not None:
            _check_ping_role(guild, ping_role)
        schedule = await self.service.configure(
            guild.id, channel.id, time, timezone, start_date,
            ping_role_id=ping_role.id if ping_role else None, channel_kind=kind,
        )
        if auto_review is not None:
            await self.guild_settings.set_auto_review(guild.id, auto_review)
        await self._rearm(schedule)
        no_tags = missing_permissions(channel.permissions_for(guild.me), DAILY_FORUM_TAG_NEEDS) \
            if kind is ChannelKind.FORUM else []
        await self._reply_status(interaction, "set up", zone_input=timezone,
                                 warning=TAGS_WARNING if no_tags else None)

    @setup.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction[BarRaiser], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=option.label[:100], value=option.zone)
                for option in zone_choices(current)]

    @daily.command(name="unping", description="Stop mentioning the ping role in daily posts")
    @manage_server
    async def unping(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await self.service.set_ping_role(_guild(interaction).id, None)
        await self._reply_status(interaction, "no more pings")

    @daily.command(name="status", description="Channel, next post, cohort day and any problem")
    async def status(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await self._reply_status(interaction, None)

    @daily.command(name="pause", description="Freeze the cohort day until /daily resume")
    @manage_server
    async def pause(self, interaction: discord.Interaction[BarRaiser]) -> None:
        schedule = await self.service.pause(_guild(interaction).id)
        self.jobs.disarm(schedule.guild_id)
        await self._reply_status(interaction, "paused")

    @daily.command(name="resume", description="Continue from the day the group paused at")
    @manage_server
    async def resume(self, interaction: discord.Interaction[BarRaiser]) -> None:
        schedule = await self.service.resume(_guild(interaction).id)
        await self._rearm(schedule)
        await self._reply_status(interaction, "resumed")

    @daily.command(name="now", description="Post today's prompt now if it has not been posted")
    @manage_server
    async def now(self, interaction: discord.Interaction[BarRaiser]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.post_now(_guild(interaction).id)
        record = result.record
        url = jump_url(record.guild_id, *record.post_location) if record.post_location else None
        message = self.bot.renderer.render(
            "daily/now.md.j2", outcome=result.outcome.value, record=record, url=url
        )
        await send(interaction, message)

    # -- helpers ---------------------------------------------------------------------------

    async def _rearm(self, schedule: Schedule) -> None:
        """Arm the next post, and post today's now if its time already passed (catch-up)."""
        self.jobs.arm(schedule)
        self.bot.tasks.spawn(self.service.run_guild(schedule.guild_id),
                             name=f"daily catch-up {schedule.guild_id}")

    async def _reply_status(
        self,
        interaction: discord.Interaction[BarRaiser],
        headline: str | None,
        zone_input: str | None = None,
        warning: str | None = None,
    ) -> None:
        status = await self.service.status(_guild(interaction).id)
        message = self.bot.renderer.render(
            "daily/status.md.j2",
            **status_variables(status, headline, self.jobs.problem(status.schedule.guild_id),
                               zone_input, warning),
        )
        await send(interaction, message)

    # -- buttons on the daily post ---------------------------------------------------------

    async def on_subscribe(self, interaction: discord.Interaction[BarRaiser], role_id: int) -> None:
        """Give or take the ping role for whoever pressed 🔔, and tell only them."""
        guild = _guild(interaction)
        await self.service.subscription_role(guild.id, role_id)
        role, member = guild.get_role(role_id), interaction.user
        if role is None or not isinstance(member, discord.Member):
            raise BotError("That ping role no longer exists: ask an organiser to run `/doctor`.")
        subscribed = any(r.id == role_id for r in member.roles)
        try:
            if subscribed:
                await member.remove_roles(role, reason="Daily prompt: unsubscribe button")
            else:
                await member.add_roles(role, reason="Daily prompt: subscribe button")
        except discord.Forbidden:
            raise BotError(f"I'm not allowed to {'take' if subscribed else 'give'} @{role.name} "
                           "right now: an organiser can run `/doctor` to see the fix.") from None
        message = self.bot.renderer.render(
            "daily/subscribed.md.j2", subscribed=not subscribed, role_id=role_id
        )
        await send(interaction, message)

    async def on_what_counts(
        self, interaction: discord.Interaction[BarRaiser], prompt_id: str
    ) -> None:
        await send(interaction, self.messages.what_counts(prompt_id))


def _check_ping_role(guild: discord.Guild, role: discord.Role) -> None:
    """Refuse a ping role that doesn't exist here, or that I couldn't give or mention."""
    known = guild.get_role(role.id)
    problems = ping_role_problems(role_view(known) if known else None, bot_role_view(guild))
    if problems:
        raise BotError(" ".join(problems) + " Then run `/daily setup` again.")


def _channel_kind(channel: discord.abc.GuildChannel) -> ChannelKind:
    """A text or announcement channel, or a forum; anything else is refused with the fix."""
    if isinstance(channel, discord.ForumChannel) and channel.type is discord.ChannelType.forum:
        return ChannelKind.FORUM
    if isinstance(channel, discord.TextChannel):
        return ChannelKind.TEXT
    raise BotError(f"#{channel.name} is a {str(channel.type).replace('_', ' ')} channel, where "
                   "I can't post prompts: pick a text channel or a forum for `channel`.")


def _guild(interaction: discord.Interaction[BarRaiser]) -> discord.Guild:
    if interaction.guild is None:
        raise BotError("Daily prompts belong to a server: use this command in one.")
    return interaction.guild
