"""Everything the stand-in knows, independent of HTTP and the websocket.

Tests change the world (``add_guild``, ``set_overwrite``, ``delete_channel``, a member
posting a message) and the world tells the gateway which events Discord would send.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from standin import permissions as perms
from standin.errors import StandInUsageError, unknown
from standin.ids import SnowflakeFactory
from standin.mentions import Pinged, pings_of, resolve
from standin.model import DM, Channel, Guild, Member, Role, User, iso_now

Dispatcher = Callable[[str, dict[str, Any]], None]
# How long Discord remembers a nonce for ``enforce_nonce`` ("the past few minutes").
NONCE_WINDOW_SECONDS = 300.0
_SILENT = (1 << 6) | (1 << 7)  # ephemeral, or a deferred response still "thinking"


class World:
    """Users, guilds, channels and messages, plus the hook that turns changes into events."""

    def __init__(self, app_id: int, bot_name: str) -> None:
        self.ids = SnowflakeFactory()
        self.app_id = app_id
        self.users: dict[int, User] = {}
        self.bot_user = User(app_id, bot_name, bot=True)
        self.users[app_id] = self.bot_user
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.channel_order: dict[int, list[int]] = {}
        self.attachments: dict[int, bytes] = {}
        self.announced: set[int] = set()
        self.pings: dict[int, Pinged] = {}  # message id -> who its sending notified
        self.on_dispatch: Dispatcher | None = None
        # (author id, nonce) -> (monotonic time, message id), for ``enforce_nonce``
        self.nonces: dict[tuple[int, str], tuple[float, int]] = {}
        self.nonce_window = NONCE_WINDOW_SECONDS  # ``StandIn(nonce_window=0)``: nonces never dedupe
        self.watchers: list[Dispatcher] = []

    def watch(self, watcher: Dispatcher) -> Callable[[], None]:
        """Call ``watcher(event, data)`` for every world change; returns the unsubscribe.

        The feed for a viewer such as the playground page: every gateway event the world
        raises (whether or not a bot session hears it) plus the changes only the acting
        member sees, which Discord never sends to a bot: ``EPHEMERAL_MESSAGE_CREATE`` /
        ``EPHEMERAL_MESSAGE_UPDATE`` (``interaction_metadata.user`` says for whom),
        ``INTERACTION_CALLBACK`` (modals, autocomplete choices) and reaction changes as
        ``MESSAGE_UPDATE``. Watchers must not raise or block.
        """
        self.watchers.append(watcher)
        return lambda: self.watchers.remove(watcher) if watcher in self.watchers else None

    def observe(self, event: str, data: dict[str, Any]) -> None:
        """Tell the watchers only (never the bot): a change a member sees in the client."""
        for watcher in list(self.watchers):
            watcher(event, data)

    # -- events ---------------------------------------------------------------------------
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.observe(event, data)
        if self.on_dispatch is not None:
            self.on_dispatch(event, data)

    def dispatch_guild(self, guild: Guild, event: str, data: dict[str, Any]) -> None:
        """Send a guild event only once the bot has been told the guild exists."""
        if guild.id in self.announced:
            self.dispatch(event, data)
        else:
            self.observe(event, data)

    # -- builders -------------------------------------------------------------------------
    def add_user(self, name: str) -> User:
        user = User(self.ids.next(), name)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, *, bot_permissions: object = perms.BOT_DEFAULT,
                  channels: tuple[str, ...] = ("general",),
                  everyone_permissions: object = perms.DEFAULT_EVERYONE,
                  on_shard: tuple[int, int] | None = None) -> Guild:
        """``on_shard=(shard_id, shard_count)`` picks an id that shard receives."""
        owner = self.add_user(f"{name}-owner")
        guild_id = self.ids.next_on_shard(*on_shard) if on_shard else self.ids.next()
        guild = Guild(guild_id, name, owner.id, self)
        guild.roles[guild.id] = Role(guild.id, "@everyone", perms.as_int(everyone_permissions))
        guild.members[owner.id] = Member(owner)
        self.guilds[guild.id] = guild
        guild.bot_role_id = guild.add_role(self.bot_user.username, bot_permissions)
        guild.members[self.bot_user.id] = Member(self.bot_user, [guild.bot_role_id])
        for channel_name in channels:
            guild.add_text_channel(channel_name)
        return guild

    def register_channel(self, guild: Guild | None, channel: Channel) -> None:
        if guild is not None:
            guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.channel_order.setdefault(channel.id, [])

    # -- lookups --------------------------------------------------------------------------
    def channel(self, channel_id: int) -> Channel:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise unknown("Channel") from None

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def nonce_message(self, author_id: int, body: dict[str, Any]) -> dict[str, Any] | None:
        """The message this author already created with ``body``'s nonce, when enforced.

        Discord: with ``enforce_nonce`` a nonce is unique per author for a few minutes;
        a repeat returns the first message instead of creating another.
        """
        if body.get("nonce") is None or not body.get("enforce_nonce"):
            return None
        seen = self.nonces.get((author_id, str(body["nonce"])))
        if seen is None or time.monotonic() - seen[0] > self.nonce_window:
            return None
        return self.messages.get(seen[1])

    def remember_nonce(self, author_id: int, body: dict[str, Any], message: dict[str, Any]) -> None:
        if body.get("nonce") is None:
            return
        message["nonce"] = body["nonce"]
        self.nonces[(author_id, str(body["nonce"]))] = (time.monotonic(), int(message["id"]))

    def message(self, message_id: int) -> dict[str, Any]:
        try:
            return self.messages[message_id]
        except KeyError:
            raise unknown("Message") from None

    def require_member(self, guild: Guild, user_id: int) -> Member:
        if user_id not in guild.members:
            raise StandInUsageError(f"user {user_id} is not a member of guild {guild.id}")
        return guild.members[user_id]

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        """What a member scrolling the channel sees: live, non-ephemeral messages in order."""
        return [self.messages[m] for m in self.channel_order.get(channel_id, [])
                if m in self.messages]

    # -- runtime changes ------------------------------------------------------------------
    def delete_channel(self, channel_id: int) -> None:
        channel = self.channel(channel_id)
        guild = self.guild_of(channel)
        del self.channels[channel_id]
        if guild is not None:
            guild.channels.pop(channel_id, None)
            event = "THREAD_DELETE" if channel.is_thread else "CHANNEL_DELETE"
            self.dispatch_guild(guild, event, channel.payload())

    def remove_guild(self, guild_id: int) -> None:
        """The bot is kicked (or the guild deleted): GUILD_DELETE without ``unavailable``."""
        guild = self.guilds.pop(guild_id)
        for channel_id in guild.channels:
            self.channels.pop(channel_id, None)
        if guild_id in self.announced:
            self.announced.discard(guild_id)
            self.dispatch("GUILD_DELETE", {"id": str(guild_id)})

    def update_channel(self, channel: Channel) -> None:
        guild = self.guild_of(channel)
        if guild is not None:
            event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
            self.dispatch_guild(guild, event, channel.payload())

    def update_role(self, guild: Guild, role: Role) -> None:
        self.dispatch_guild(guild, "GUILD_ROLE_UPDATE",
                            {"guild_id": str(guild.id), "role": role.payload()})

    def open_dm(self, user_id: int) -> Channel:
        for channel in self.channels.values():
            if channel.type == DM and channel.recipients[0].id == user_id:
                return channel
        if user_id not in self.users:
            raise unknown("User")
        channel = Channel(self.ids.next(), DM, "", recipients=[self.users[user_id]])
        self.register_channel(None, channel)
        return channel

    # -- messages -------------------------------------------------------------------------
    def build_message(self, channel: Channel, author: User, body: dict[str, Any], *,
                      flags: int = 0, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """A MESSAGE object as Discord returns it, with mentions resolved via allowed_mentions."""
        mentions, roles, everyone = resolve(self, channel, author, body)
        message: dict[str, Any] = {
            "id": str(self.ids.next()), "channel_id": str(channel.id), "type": 0,
            "author": author.payload(), "content": body.get("content") or "",
            "timestamp": iso_now(), "edited_timestamp": None, "tts": bool(body.get("tts")),
            "mention_everyone": everyone, "mentions": mentions, "mention_roles": roles,
            "attachments": [], "embeds": [dict(e, type=e.get("type", "rich"))
                                          for e in body.get("embeds") or []],
            "components": body.get("components") or [], "pinned": False, "reactions": [],
            "flags": flags | (body.get("flags") or 0),
            "allowed_mentions": body.get("allowed_mentions"),
        }
        if channel.guild_id:
            message["guild_id"] = str(channel.guild_id)
        reference = body.get("message_reference")
        if reference:
            message["type"] = 19
            message["message_reference"] = reference
        message.update(extra or {})
        if not message["flags"] & _SILENT:
            self.pings[int(message["id"])] = pings_of(message)
        return message

    def remention(self, message: dict[str, Any]) -> None:
        """After an edit: Discord recomputes the mention fields, but an edit notifies nobody,
        except the first content of a deferred interaction response (its real sending)."""
        channel = self.channel(int(message["channel_id"]))
        author = self.users[int(message["author"]["id"])]
        users, roles, everyone = resolve(self, channel, author, message)
        message.update(mentions=users, mention_roles=roles, mention_everyone=everyone)
        if int(message["id"]) not in self.pings and not message["flags"] & _SILENT:
            self.pings[int(message["id"])] = pings_of(message)

    def store_message(self, message: dict[str, Any], *, visible: bool = True) -> None:
        """Keep a message; ephemeral ones are stored but never shown in the channel."""
        message_id = int(message["id"])
        self.messages[message_id] = message
        if visible:
            self.channel_order.setdefault(int(message["channel_id"]), []).append(message_id)
        else:
            self.observe("EPHEMERAL_MESSAGE_CREATE", message)

    def delete_message(self, message: dict[str, Any]) -> None:
        """Remove a message; MESSAGE_DELETE only for messages others could see."""
        message_id, channel_id = int(message["id"]), int(message["channel_id"])
        self.messages.pop(message_id, None)
        order = self.channel_order.get(channel_id, [])
        if message_id in order:
            order.remove(message_id)
            event = {"id": message["id"], "channel_id": message["channel_id"]}
            if "guild_id" in message:
                event["guild_id"] = message["guild_id"]
            self.dispatch("MESSAGE_DELETE", event)
        else:
            self.observe("EPHEMERAL_MESSAGE_DELETE", {"id": message["id"],
                                                      "channel_id": message["channel_id"]})

    def post_as_member(self, channel_id: int, user_id: int, content: str,
                       reply_to: int | None = None) -> dict[str, Any]:
        """A member types a message (a reply to ``reply_to`` if given): stored and
        dispatched as MESSAGE_CREATE, with ``referenced_message`` as Discord sends it."""
        channel = self.channel(channel_id)
        guild = self.guild_of(channel)
        body: dict[str, Any] = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {"message_id": str(reply_to),
                                         "channel_id": str(channel_id)}
        message = self.build_message(channel, self.users[user_id], body)
        if reply_to is not None:
            message["referenced_message"] = self.message(reply_to)
        if guild is not None:
            member = self.require_member(guild, user_id)
            message["member"] = {k: v for k, v in member.payload().items() if k != "user"}
        self.store_message(message)
        self.dispatch("MESSAGE_CREATE", message)
        return message
