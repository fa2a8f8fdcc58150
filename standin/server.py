"""``StandIn``: the local Discord. Start it, build guilds, point the bot at ``api_base``.

See docs/STANDIN.md for the contract. Only the parts of API v10 Bar Raiser uses are
served; anything else answers 404 and shows up in ``standin.unhandled()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from standin import permissions as perms
from standin.actions import MemberActions
from standin.channels import Channels
from standin.commands import Commands, CommandSync
from standin.errors import StandInUsageError, unknown
from standin.gateway import Gateway
from standin.ids import SnowflakeFactory, make_token
from standin.mentions import Pinged
from standin.model import Guild
from standin.notify import Notifier
from standin.permissions import Overwrite
from standin.responses import Responses
from standin.roles import MemberRoles
from standin.router import Call, RecordedRequest, Router
from standin.scheduled_events import EventActions, ScheduledEvents
from standin.thread_members import ThreadMembers
from standin.traffic import Fault, FaultPlan, RateLimiter
from standin.voice import VoiceActions
from standin.world import NONCE_WINDOW_SECONDS, World


class StandIn(MemberActions, VoiceActions, EventActions):
    """A Discord API v10 + gateway on 127.0.0.1, with state, recording and fault injection."""

    def __init__(self, *, bot_name: str = "Bar Raiser", privileged_intents: int = 0,
                 global_limit: int = 50, bucket_limit: int = 50, bucket_window: float = 1.0,
                 app_id: int | None = None, shards: int = 1,
                 nonce_window: float = NONCE_WINDOW_SECONDS) -> None:
        self.app_id = app_id or SnowflakeFactory().next()
        self.token = make_token(self.app_id)
        self.notifier = Notifier()
        self.world = World(self.app_id, bot_name)
        self.world.nonce_window = nonce_window
        self.faults = FaultPlan()
        self.limiter = RateLimiter(bucket_limit, bucket_window, global_limit)
        self.router = Router(self.token, self.faults, self.limiter, self.notifier)
        self.gateway = Gateway(self.world, self.token, self.notifier, privileged_intents, shards)
        self.commands = Commands(self.world)
        self.channels = Channels(self.world, "")
        self.responses = Responses(self.world, self.channels)
        self.roles = MemberRoles(self.world)
        self.scheduled_events = ScheduledEvents(self.world)
        self.thread_member_routes = ThreadMembers(self.world, self.channels,
                                                  lambda: self.gateway.allowed_intents)
        for part in (self.commands, self.channels, self.responses, self.roles,
                     self.scheduled_events, self.thread_member_routes, self):
            part.install(self.router)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._download)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.router.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        self.channels.base_url = self.base_url
        self.gateway.url = f"ws://127.0.0.1:{port}/gateway"

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        """What DISCORD_API_BASE must be set to."""
        return f"{self.base_url}/api/v10"

    @property
    def bot_user_id(self) -> int:
        return self.world.bot_user.id

    # -- built-in routes ------------------------------------------------------------------
    def install(self, router: Router) -> None:
        router.add("GET", "/gateway", self._gateway)
        router.add("GET", "/gateway/bot", self._gateway_bot)
        router.add("GET", "/users/@me", self._me)
        router.add("GET", "/oauth2/applications/@me", self._application)
        router.add("GET", "/applications/@me", self._application)
        router.add("GET", "/users/{user_id}", self._user)
        router.add("GET", "/guilds/{guild_id}/members/{user_id}", self._member)

    async def _gateway(self, call: Call) -> tuple[int, Any]:
        return 200, {"url": self.gateway.url}

    async def _gateway_bot(self, call: Call) -> tuple[int, Any]:
        return 200, {"url": self.gateway.url, "shards": self.gateway.shard_count, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}}

    async def _me(self, call: Call) -> tuple[int, Any]:
        return 200, self.world.bot_user.payload() | {"verified": True, "mfa_enabled": False,
                                                     "flags": 0, "locale": "en-US"}

    async def _application(self, call: Call) -> tuple[int, Any]:
        flags = (1 << 19) if self.gateway.allowed_intents & (1 << 15) else 0
        owner = {"id": "1", "username": "owner", "discriminator": "0", "avatar": None,
                 "global_name": "owner", "public_flags": 0}
        return 200, {"id": str(self.app_id), "name": self.world.bot_user.username, "icon": None,
                     "description": "", "rpc_origins": [], "bot_public": True,
                     "bot_require_code_grant": False, "owner": owner, "team": None,
                     "verify_key": "0" * 64, "flags": flags, "summary": "",
                     "interactions_endpoint_url": None, "tags": [], "redirect_uris": [],
                     "approximate_guild_count": len(self.world.guilds)}

    async def _user(self, call: Call) -> tuple[int, Any]:
        user = self.world.users.get(call.params["user_id"])
        if user is None:
            raise unknown("User")
        return 200, user.payload()

    async def _member(self, call: Call) -> tuple[int, Any]:
        guild = self.world.guilds.get(call.params["guild_id"])
        if guild is None:
            raise unknown("Guild")
        member = guild.members.get(call.params["user_id"])
        if member is None:
            raise unknown("Member")
        return 200, member.payload()

    async def _download(self, request: web.Request) -> web.Response:
        data = self.world.attachments.get(int(request.match_info["attachment_id"]))
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data)

    # -- building the world ---------------------------------------------------------------
    def add_guild(self, name: str, *, bot_permissions: object = perms.BOT_DEFAULT,
                  channels: tuple[str, ...] = ("general",),
                  everyone_permissions: object = perms.DEFAULT_EVERYONE,
                  on_shard: tuple[int, int] | None = None) -> Guild:
        """A guild with the bot in it; GUILD_CREATE is sent at once if the bot is connected."""
        guild = self.world.add_guild(name, bot_permissions=bot_permissions, channels=channels,
                                     everyone_permissions=everyone_permissions, on_shard=on_shard)
        self.gateway.announce_guild(guild.id)
        return guild

    def remove_guild(self, guild_id: int) -> None:
        self.world.remove_guild(guild_id)

    def delete_channel(self, channel_id: int) -> None:
        self.disconnect_voice_channel(channel_id)  # Discord disconnects who was in it
        self.world.delete_channel(channel_id)

    def set_overwrite(self, channel_id: int, target_id: int, *, allow: object = 0,
                      deny: object = 0) -> None:
        """Set (replace) a role or member overwrite on a channel; dispatches CHANNEL_UPDATE."""
        channel = self.world.channel(channel_id)
        guild = self.world.guild_of(channel)
        if guild is None:
            raise StandInUsageError("overwrites exist only on guild channels")
        kind = 0 if target_id in guild.roles else 1
        channel.overwrites = [o for o in channel.overwrites if o.id != target_id]
        channel.overwrites.append(Overwrite(target_id, kind, perms.as_int(allow),
                                            perms.as_int(deny)))
        self.world.update_channel(channel)

    def set_role_permissions(self, guild_id: int, role_id: int, permissions: object) -> None:
        """Change a role (the bot's role is ``guild.bot_role_id``); dispatches GUILD_ROLE_UPDATE."""
        guild = self.world.guilds[guild_id]
        role = guild.roles[role_id]
        role.permissions = perms.as_int(permissions)
        self.world.update_role(guild, role)

    def set_role_position(self, guild_id: int, role_id: int, position: int) -> None:
        """Move a role in the hierarchy (higher is more powerful); dispatches GUILD_ROLE_UPDATE."""
        guild = self.world.guilds[guild_id]
        role = guild.roles[role_id]
        role.position = position
        self.world.update_role(guild, role)

    def member_roles(self, guild_id: int, user_id: int) -> list[int]:
        """The role ids a member holds now (what Discord shows in their profile)."""
        return list(self.world.guilds[guild_id].members[user_id].role_ids)

    def post_message(self, channel_id: int, user_id: int, content: str,
                     reply_to: int | None = None) -> dict[str, Any]:
        """A member sends a message (MESSAGE_CREATE, content blanked without the intent);
        ``reply_to`` makes it a reply to that message."""
        return self.world.post_as_member(channel_id, user_id, content, reply_to)

    def dm_channel(self, user_id: int) -> int:
        """The DM channel between the bot and a member (where a member runs DM commands)."""
        return self.world.open_dm(user_id).id

    def close_dms(self, user_id: int) -> None:
        """The member disallows DMs: the bot's DM sends fail with 403/50007."""
        self.world.users[user_id].dms_open = False

    # -- faults ---------------------------------------------------------------------------
    def fail_next(self, method: str, path_pattern: str, status: int = 500, times: int = 1) -> None:
        """The next ``times`` matching requests answer ``status`` (500 JSON, 502/503 HTML)."""
        self.faults.add(Fault(method, path_pattern, "fail", times, status=status))

    def delay_next(self, method: str, path_pattern: str, seconds: float, times: int = 1) -> None:
        """The next matching requests are held ``seconds`` before being served normally."""
        self.faults.add(Fault(method, path_pattern, "delay", times, seconds=seconds))

    def fail_after_next(self, method: str, path_pattern: str, status: int = 502,
                        times: int = 1) -> None:
        """Ambiguous failures: the next matching requests take effect, then answer ``status``.

        Discord's edge does this when it loses the origin's answer: the message exists,
        the caller sees a 5xx (discord.py retries 500/502/504 by itself, not 503).
        """
        self.faults.add(Fault(method, path_pattern, "ambiguous", times, status=status))

    def rate_limit_next(self, method: str, path_pattern: str, retry_after: float,
                        global_: bool = False, times: int = 1) -> None:
        """The next matching requests get a 429 with ``retry_after`` (global if asked)."""
        self.faults.add(Fault(method, path_pattern, "ratelimit", times, seconds=retry_after,
                              global_=global_))

    async def drop_websocket(self, code: int = 4000) -> None:
        await self.gateway.drop(code)

    def invalidate_session(self) -> None:
        self.gateway.invalidate()

    def request_reconnect(self) -> None:
        self.gateway.request_reconnect()

    # -- what happened --------------------------------------------------------------------
    def requests(self, method: str | None = None, route: str | None = None
                 ) -> list[RecordedRequest]:
        """Recorded requests, filtered by method and route template (``/channels/{channel_id}``)."""
        return [r for r in self.router.records
                if (method is None or r.method == method) and (route is None or r.route == route)]

    @property
    def internal_errors(self) -> list[BaseException]:
        """Crashes inside the stand-in's own handlers (answered 500); should stay empty."""
        return self.router.internal_errors

    def unhandled(self) -> list[RecordedRequest]:
        """Requests to endpoints the stand-in does not serve (each is a gap to fill)."""
        return [r for r in self.router.records if r.route == "?"]

    async def wait_for_request(self, predicate: Callable[[RecordedRequest], bool],
                               timeout: float = 5.0) -> RecordedRequest:  # noqa: ASYNC109 (names what timed out)
        """The first answered request (already made or future) matching ``predicate``."""
        return await self.notifier.wait_for(
            lambda: next((r for r in self.router.records if r.status and predicate(r)), None),
            timeout, "a matching request")

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0,  # noqa: ASYNC109 (names what timed out)
                         what: str = "a condition") -> Any:
        """Wait for any stand-in state to satisfy ``predicate`` (re-checked on every change)."""
        return await self.notifier.wait_for(predicate, timeout, what)

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return self.world.channel_messages(channel_id)

    def channel(self, channel_id: int) -> dict[str, Any]:
        """A channel or thread as Discord describes it now (``thread_metadata.archived``, …)."""
        return self.world.channels[channel_id].payload()

    def message(self, message_id: int) -> dict[str, Any]:
        return self.world.message(message_id)

    def pinged(self, message: dict[str, Any]) -> Pinged:
        """Who the message notified when it was sent: ``.users``, ``.roles``, ``.everyone``."""
        return self.world.pings.get(int(message["id"]), Pinged())

    def thread_members(self, thread_id: int) -> set[int]:
        """User ids in the thread's member list (the bot included once it joined)."""
        return set(self.world.channel(thread_id).thread_member_ids)

    def attachment_bytes(self, attachment: dict[str, Any]) -> bytes:
        return self.world.attachments[int(attachment["id"])]

    @property
    def command_syncs(self) -> list[CommandSync]:
        return self.commands.syncs

    def registered_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return self.commands.registered.get(guild_id, [])
