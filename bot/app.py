"""The bot process: ``BarRaiser``, a ``commands.Bot`` that owns the shared parts.

``setup_hook`` opens and migrates the database, loads and validates the
content, starts the one scheduler, loads every extension in ``cogs/`` and
syncs application commands only when they changed since the last sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import logging
import pkgutil
from collections.abc import Mapping
from typing import Any

import discord
import yarl
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord import app_commands
from discord.ext import commands

import cogs
from bot.budget import RequestBudget
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.content import Content, load_content
from bot.discord_io import send
from bot.erasure import Erasure
from bot.forms import FormRouter
from bot.metrics import Metrics
from bot.outbox.model import OutboxRow, PostError
from bot.outbox.sender import DiscordSender, SchedulerWaker
from bot.outbox.service import Outbox
from bot.presence import Presence
from bot.render import TEMPLATES_DIR, Renderer
from bot.scheduling import Scheduling
from bot.sharding import Ownership
from bot.startup import check_files
from bot.tasks import BackgroundTasks
from bot.tree import BarRaiserTree
from storage.db import Database
from storage.guilds import CommandSyncRepository, GuildRepository
from storage.outbox import OutboxRepository

log = logging.getLogger(__name__)

# A stop (SIGTERM) ends within 5 s (see bot.runner): in-flight work gets 3 s. What is cut
# short is durable anyway: posts live in the database and are re-driven at start.
PRESENCE_LEAVE_SECONDS = 1.0  # shutdown must stay quick even with the database away
IN_FLIGHT_GRACE_SECONDS = 3.0


def extension_names() -> list[str]:
    """Every module or package directly under ``cogs/`` (private ones start with ``_``)."""
    return sorted(
        f"cogs.{info.name}"
        for info in pkgutil.iter_modules(cogs.__path__)
        if not info.name.startswith("_")
    )


def build_intents(settings: Settings) -> discord.Intents:
    """Only what the features use; message content is privileged and opt-in."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    # Booked mock rounds: their event's "Interested" presses (GUILD_SCHEDULED_EVENT_USER_*).
    intents.guild_scheduled_events = True
    intents.message_content = settings.message_content_intent
    intents.voice_states = True  # which voice channel a /mock start host is in (not privileged)
    return intents


def shard_options(settings: Settings) -> dict[str, Any]:
    """discord.py's sharding arguments: none asks Discord how many shards, and runs them all."""
    if not settings.shard_count:
        return {}
    return {"shard_count": settings.shard_count, "shard_ids": list(settings.shard_ids or ())}


class BarRaiser(commands.AutoShardedBot):
    """The bot. Cogs reach the shared parts through its attributes.

    Always the sharded client: without SHARD_COUNT it runs as many shards as
    Discord recommends, all in this process; with SHARD_COUNT and SHARD_IDS it
    runs only those, and ``ownership`` says which servers' timed work is its own.
    """

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        # The bot never joins voice; discord.py's "voice will NOT be supported"
        # warnings at every start would only send operators looking for a problem.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=build_intents(settings),
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=BarRaiserTree,
            max_messages=None,
            # GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE ("Interested" on a booked round's event)
            # name only a user id, and discord.py drops them for users it has not cached,
            # which without the Members intent is nearly everyone: the booking cog reads
            # them from the raw gateway payload (on_socket_raw_receive) instead.
            enable_debug_events=True,
            guild_ready_timeout=settings.guild_ready_timeout,
            **shard_options(settings),
        )
        self.ownership = (Ownership(settings.shard_count, settings.shard_ids)
                          if settings.shard_count and settings.shard_ids else Ownership())
        self.settings = settings
        self.budget = RequestBudget.share_of(self.ownership)
        self.http.request = self.budget.wrap(self.http.request)  # type: ignore[method-assign]  # per instance, not a global
        self.clock: Clock = clock or SystemClock()
        self.metrics = Metrics()
        self.tasks = BackgroundTasks()
        self.erasure = Erasure()  # shared by every service that writes about members
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.scheduling = Scheduling(self.scheduler, self.ownership, self.tasks)
        self.ready_event = asyncio.Event()
        self.content: Content = load_content(settings.content_dir)
        templates = settings.content_dir / "templates" if settings.content_dir else TEMPLATES_DIR
        self.renderer = Renderer(templates)
        check_files(settings, self.renderer)  # one clear line (StartupError) before anything starts
        self.forms = FormRouter(self.refuse)
        self.db: Database | None = None  # opened in setup_hook, inside the running loop
        self.outbox_sender = DiscordSender(self)
        self._outbox: Outbox | None = None  # needs the open database: see ``outbox``
        self.presence: Presence | None = None  # shard processes only, once the database is open
        self._presence_beat: asyncio.Task[None] | None = None
        if settings.custom_api_base:
            # REST calls go to the configured base from the very first request (login).
            # discord.py reads the base only from this class attribute (its webhook adapter,
            # which carries interaction responses, too), so there is no per-client setting.
            discord.http.Route.BASE = settings.discord_api_base

    @property
    def database(self) -> Database:
        if self.db is None:
            raise RuntimeError("the database is opened in setup_hook")
        return self.db

    @property
    def outbox(self) -> Outbox:
        """The one outbox for everything the bot posts on its own (``bot.outbox``)."""
        if self._outbox is None:  # built on first use, once the database is open
            self._outbox = Outbox(
                OutboxRepository(self.database), self.clock, self.outbox_sender,
                SchedulerWaker(self.scheduling),
                lambda coro, name: self.tasks.spawn(coro, name=name), ownership=self.ownership,
            )
            self._outbox.listen(self._count_post)
        return self._outbox

    async def setup_hook(self) -> None:
        if self.settings.custom_api_base:
            await self._use_configured_gateway()
        self.db = await Database.open(self.settings.database, schema=self.settings.database_schema)
        await self.db.migrate()
        if self.settings.shard_count:
            await self._join_shard_presence(self.db)
        self.scheduler.add_listener(self._job_finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        self.scheduler.start()
        for name in extension_names():
            await self.load_extension(name)
        self.outbox.kick()  # re-drive what a crash or an outage left pending
        await self.sync_commands_if_changed()
        if self.settings.metrics_port:
            self.metrics.serve(self.settings.metrics_port)
        # What start-up loaded (modules, content, templates) lives as long as the process. Out
        # of the cyclic collector's sight, a full collection stops walking it each time: on a
        # busy 2-core machine those walks (~130,000 objects, 100-250 ms) were the slowest
        # tenth of /leaderboard and /progress.
        gc.freeze()

    async def _join_shard_presence(self, db: Database) -> None:
        """Pace REST calls to this process's share of the live shard processes (bot.presence)."""
        self.presence = Presence.from_database(db, self.clock, self.ownership, self.budget)
        await self.presence.join()
        self._presence_beat = self.tasks.spawn(self.presence.run(), name="shard presence")

    async def _count_post(self, row: OutboxRow, error: PostError | None) -> None:
        outcome = "ok" if error is None else "impossible"
        self.metrics.posts.labels(kind=row.kind, outcome=outcome).inc()

    async def on_interaction(self, interaction: discord.Interaction[BarRaiser]) -> None:
        """Route form submits (``bot.forms``), through the same error boundary as commands."""
        try:
            await self.forms.dispatch(interaction)
        except Exception as error:
            await self.tree.on_error(interaction, error)  # type: ignore[arg-type]

    async def refuse(self, interaction: discord.Interaction[BarRaiser], what: str,
                      variables: Mapping[str, Any]) -> None:
        """Refusals decided before feature code runs, from ``core/refused.md.j2``."""
        await send(interaction, self.renderer.render("core/refused.md.j2", what=what, **variables))

    def _job_finished(self, event: JobExecutionEvent) -> None:
        """Count every scheduler job by kind (the id's prefix) and time it from its due time."""
        kind = event.job_id.split(":", 1)[0]
        outcome = "error" if event.exception else "ok"
        self.metrics.jobs.labels(job=kind, outcome=outcome).inc()
        late = (self.clock.now() - event.scheduled_run_time).total_seconds()
        self.metrics.job_duration.labels(job=kind).observe(max(late, 0.0))
        if event.exception:
            self.metrics.errors.labels(where="scheduler").inc()
            log.error("scheduler job %s failed", event.job_id, exc_info=event.exception)

    async def _use_configured_gateway(self) -> None:
        """Take the gateway URL from ``GET /gateway/bot`` of the configured API.

        discord.py's plain client connects to Discord's fixed gateway address,
        and falls back to it after an invalid session; pointing it at the URL
        the configured server announces keeps every connection there.
        """
        _, url, _ = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        log.info("using gateway %s from %s", url, self.settings.discord_api_base)

    async def sync_commands_if_changed(self) -> bool:
        """Sync app commands only when their definition changed; True if a sync happened."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        scope = f"guild:{guild.id}" if guild else "global"
        payload = sorted(
            (cmd.to_dict(self.tree) for cmd in self.tree.get_commands(guild=guild)),
            key=lambda c: (c.get("type", 1), c["name"]),
        )
        fingerprint = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        repo = CommandSyncRepository(self.database)
        won, previous = await repo.claim(scope, fingerprint, self.clock.now())
        if not won:  # unchanged, or another shard process is syncing this very set
            log.info("application commands unchanged since last sync (%s)", scope)
            return False
        try:
            await self.tree.sync(guild=guild)
        except BaseException:
            await repo.release(scope, fingerprint, previous)
            raise
        log.info("synced %d application commands (%s)", len(payload), scope)
        return True

    async def on_ready(self) -> None:
        self.metrics.gateway_latency.set_function(lambda: self.latency if self.latency < 1e9 else 0.0)
        repo = GuildRepository(self.database)
        await repo.joined([(guild.id, guild.name) for guild in self.guilds], self.clock.now())
        self.metrics.guilds.set(len(self.guilds))
        log.info("ready as %s in %d guilds", self.user, len(self.guilds))
        self.ready_event.set()

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await GuildRepository(self.database).joined([(guild.id, guild.name)], self.clock.now())
        self.metrics.guilds.set(len(self.guilds))

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await GuildRepository(self.database).left(guild.id, self.clock.now())
        self.metrics.guilds.set(len(self.guilds))

    async def on_app_command_completion(
        self, interaction: discord.Interaction,
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        self.record_command(interaction, "ok")

    def record_command(self, interaction: discord.Interaction, outcome: str) -> None:
        """One log line and two metrics per command: guild, command, latency, outcome."""
        name = interaction.command.qualified_name if interaction.command else "?"
        latency = (discord.utils.utcnow() - interaction.created_at).total_seconds()
        self.metrics.interactions.labels(command=name, outcome=outcome).inc()
        self.metrics.interaction_latency.labels(command=name).observe(max(latency, 0.0))
        log.info("command guild=%s command=%s latency_ms=%.0f outcome=%s",
                 interaction.guild_id, name, latency * 1000, outcome)

    async def close(self) -> None:
        """Stop timers first, let in-flight work finish, then disconnect and close the DB."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._outbox is not None:
            self._outbox.stop()  # posts in flight finish below; pending rows wait for the restart
        if self._presence_beat is not None:
            self._presence_beat.cancel()  # beats forever: nothing for the grace below to wait on
        # Work started after ready gets time to finish; a bot that never became
        # ready (bad intents, network) has nothing worth waiting for.
        await self.tasks.close(grace_seconds=IN_FLIGHT_GRACE_SECONDS if self.ready_event.is_set() else 0.0)
        await super().close()
        if self.db is not None:
            if self.presence is not None:
                # Best effort, and brief: the row goes stale in seconds anyway.
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(PRESENCE_LEAVE_SECONDS):
                        await self.presence.leave()
            await self.db.close()
            self.db = None
