"""The gateway websocket: HELLO, IDENTIFY, heartbeats, READY, RESUME, INVALID_SESSION.

One bot, one or more shards. A session IDENTIFYs for ``[shard_id, shard_count]`` (default
``[0, 1]``) and receives the events of the guilds that shard owns,
``(guild_id >> 22) % shard_count``, as on Discord; DMs go to shard 0. Several sessions may
hold the same shard at once (a hand-off): each gets every event of that shard. Events get
sequence numbers and are kept in each session's log so a RESUME replays whatever the bot
missed, as Discord does. ``compress=zlib-stream`` gets
one zlib context per connection flushed with Z_SYNC_FLUSH, exactly the framing
discord.py's decompressor expects.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from standin.ids import app_id_from_token
from standin.notify import Notifier
from standin.world import World

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, ACK = 0, 1, 2, 6, 7, 9, 10, 11
GUILDS, GUILD_MEMBERS, GUILD_PRESENCES = 1 << 0, 1 << 1, 1 << 8
GUILD_VOICE_STATES, GUILD_SCHEDULED_EVENTS = 1 << 7, 1 << 16
GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT = 1 << 9, 1 << 12, 1 << 15
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
HEARTBEAT_INTERVAL_MS = 41_250
_MESSAGE_EVENTS = ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE")
#: Events that need an intent other than GUILDS (Discord's intents table).
_EVENT_INTENTS = {"VOICE_STATE_UPDATE": GUILD_VOICE_STATES} | {
    f"GUILD_SCHEDULED_EVENT_{kind}": GUILD_SCHEDULED_EVENTS
    for kind in ("CREATE", "UPDATE", "DELETE", "USER_ADD", "USER_REMOVE")}


@dataclass(eq=False)
class Connection:
    """One websocket; a writer task drains ``outbox`` so dispatching never awaits."""

    ws: web.WebSocketResponse
    compressor: Any | None
    outbox: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)

    async def write_forever(self) -> None:
        while (payload := await self.outbox.get()) is not None:
            text = json.dumps(payload)
            try:
                if self.compressor is None:
                    await self.ws.send_str(text)
                else:
                    data = self.compressor.compress(text.encode())
                    await self.ws.send_bytes(data + self.compressor.flush(zlib.Z_SYNC_FLUSH))
            except (ConnectionError, RuntimeError):
                return


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's rule for which shard receives a guild's events."""
    return (guild_id >> 22) % shard_count


@dataclass
class Session:
    id: str
    intents: int
    shard_id: int = 0
    shard_count: int = 1
    sequence: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None

    def owns(self, guild_id: int | None) -> bool:
        """Guild events go to the guild's shard; events outside any guild (DMs) to shard 0."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id


class Gateway:
    """Serves ``/gateway``; the stand-in's ``world`` calls ``dispatch`` for every change."""

    def __init__(self, world: World, token: str, notifier: Notifier,
                 allowed_intents: int, shard_count: int = 1) -> None:
        self.world = world
        self.token = token
        self.notifier = notifier
        self.allowed_intents = allowed_intents
        self.shard_count = shard_count  # what ``GET /gateway/bot`` recommends
        self.url = ""
        self.sessions: dict[str, Session] = {}
        # Called with (event, data) each time an event goes to a session: how a benchmark
        # times exactly when "Discord" sent READY or a GUILD_CREATE.
        self.on_send: list[Callable[[str, dict[str, Any]], None]] = []
        self.session: Session | None = None  # the newest; the only one for an unsharded bot
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.close_codes: list[int] = []  # codes the stand-in closed connections with
        self.connect_queries: list[dict[str, str]] = []
        self._connections: set[Connection] = set()
        world.on_dispatch = self.dispatch

    # -- dispatching ----------------------------------------------------------------------
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        guild_id = _guild_of(event, data)
        for session in list(self.sessions.values()):
            if session.owns(guild_id):
                self._send(session, event, data)
        self.notifier.notify()

    def _send(self, session: Session, event: str, data: dict[str, Any]) -> None:
        if not self._subscribed(session, event, data):
            return
        session.sequence += 1
        payload = {"op": DISPATCH, "t": event, "s": session.sequence,
                   "d": self._redact(session, event, data)}
        session.log.append(payload)
        if session.connection is not None:
            session.connection.outbox.put_nowait(payload)
        for listener in self.on_send:
            listener(event, data)

    def sessions_of(self, guild_id: int | None) -> list[Session]:
        """The sessions that receive events of ``guild_id`` (None: DMs)."""
        return [session for session in self.sessions.values() if session.owns(guild_id)]

    def _subscribed(self, session: Session, event: str, data: dict[str, Any]) -> bool:
        if event in _EVENT_INTENTS:
            return bool(session.intents & _EVENT_INTENTS[event])
        if event == "THREAD_MEMBERS_UPDATE" and not session.intents & GUILD_MEMBERS:
            # Without GUILD_MEMBERS, only when the bot itself was added or removed.
            me = str(self.world.bot_user.id)
            return bool(session.intents & GUILDS) and (
                any(m["user_id"] == me for m in data.get("added_members", []))
                or me in data.get("removed_member_ids", []))
        if event in _MESSAGE_EVENTS:
            needed = GUILD_MESSAGES if data.get("guild_id") else DIRECT_MESSAGES
            return bool(session.intents & needed)
        if event.startswith("GUILD_MEMBER"):  # privileged on Discord
            return bool(session.intents & GUILD_MEMBERS)
        if event.startswith(("GUILD_", "CHANNEL_", "THREAD_")):
            return bool(session.intents & GUILDS)
        return True

    def _redact(self, session: Session, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Without MESSAGE_CONTENT, Discord blanks other people's guild messages."""
        if event == "GUILD_CREATE" and not session.intents & GUILD_VOICE_STATES:
            return dict(data, voice_states=[])  # and no voice states without the intent
        if event not in _MESSAGE_EVENTS or session.intents & MESSAGE_CONTENT:
            return data
        bot_id = str(self.world.bot_user.id)
        mentioned = any(user["id"] == bot_id for user in data.get("mentions", []))
        if not data.get("guild_id") or data.get("author", {}).get("id") == bot_id or mentioned:
            return data
        return dict(data, content="", embeds=[], attachments=[], components=[])

    # -- the websocket --------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.connect_queries.append(dict(request.query))
        compressed = request.query.get("compress") == "zlib-stream"
        connection = Connection(ws, zlib.compressobj() if compressed else None)
        self._connections.add(connection)
        writer = asyncio.create_task(connection.write_forever())
        connection.outbox.put_nowait({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS},
                                      "s": None, "t": None})
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._on_payload(connection, json.loads(message.data))
        finally:
            self._connections.discard(connection)
            for session in self.sessions.values():
                if session.connection is connection:
                    session.connection = None
            connection.outbox.put_nowait(None)
            await writer
            self.notifier.notify()
        return ws

    async def _on_payload(self, connection: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            connection.outbox.put_nowait({"op": ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            await self._identify(connection, data)
        elif op == RESUME:
            await self._resume(connection, data)

    async def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.token or app_id_from_token(data["token"]) is None:
            await self._close(connection, 4004, "Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED & ~self.allowed_intents:
            await self._close(connection, 4014, "Disallowed intent(s).")
            return
        shard_id, shard_count = data.get("shard") or (0, 1)
        if not 0 <= shard_id < shard_count:
            await self._close(connection, 4010, "Invalid shard.")
            return
        self.identifies.append({k: v for k, v in data.items() if k != "token"})
        session = Session(secrets.token_hex(16), intents, shard_id, shard_count, connection=connection)
        self._replace_sessions_of(session)
        self.sessions[session.id] = session
        self.session = session
        self._send(session, "READY", self._ready_payload(session))
        for guild in list(self.world.guilds.values()):
            if session.owns(guild.id):
                self.world.announced.add(guild.id)
                self._send(session, "GUILD_CREATE", self.world.guilds[guild.id].payload())
        self.notifier.notify()

    def _replace_sessions_of(self, new: Session) -> None:
        """A fresh IDENTIFY on a connection ends the sessions that connection held.

        Sessions on other connections stay, even for the same shard: two processes may
        hold one shard during a hand-off, and both get its events, as on Discord.
        """
        for old in [s for s in self.sessions.values() if s.connection is new.connection]:
            del self.sessions[old.id]
        if new.shard_count == 1:
            # An unsharded bot that identifies again (after INVALID_SESSION) replaces its old session.
            for old in [s for s in self.sessions.values() if s.shard_count == 1 and s.connection is None]:
                del self.sessions[old.id]

    async def _close(self, connection: Connection, code: int, reason: str) -> None:
        self.close_codes.append(code)
        await connection.ws.close(code=code, message=reason.encode())

    def announce_guild(self, guild_id: int, *, lazy_load: bool = False) -> None:
        """GUILD_CREATE: at READY for every guild, later when the bot joins a new one.

        Like Discord, only the lazy-load after READY says ``unavailable: false``; a guild
        the bot has just joined has no ``unavailable`` key, which is how discord.py tells
        ``on_guild_join`` from ``on_guild_available``.
        """
        if not self.sessions_of(guild_id):
            return
        self.world.announced.add(guild_id)
        payload = self.world.guilds[guild_id].payload()
        if not lazy_load:
            payload.pop("unavailable")
        self.dispatch("GUILD_CREATE", payload)

    def _ready_payload(self, session: Session) -> dict[str, Any]:
        flags = (1 << 19) if self.allowed_intents & MESSAGE_CONTENT else 0
        return {
            "v": 10, "user": self.world.bot_user.payload() | {"verified": True, "flags": 0,
                                                               "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in self.world.guilds if session.owns(g)],
            "session_id": session.id, "session_type": "normal",
            "shard": [session.shard_id, session.shard_count],
            "resume_gateway_url": self.url, "private_channels": [], "relationships": [],
            "application": {"id": str(self.world.app_id), "flags": flags},
            "_trace": ["standin"],
        }

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        self.resumes.append({k: v for k, v in data.items() if k != "token"})
        if session is None or data.get("token") != self.token:
            connection.outbox.put_nowait({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        for payload in session.log:
            if payload["s"] > (data.get("seq") or 0):
                connection.outbox.put_nowait(payload)
        session.connection = connection
        self._send(session, "RESUMED", {"_trace": ["standin"]})
        self.notifier.notify()

    # -- faults ---------------------------------------------------------------------------
    async def drop(self, code: int = 4000) -> None:
        """Close the bot's socket with a resumable code; later events wait for the RESUME."""
        session = self.session
        if session is None or session.connection is None:
            raise RuntimeError("stand-in: no bot connected to drop")
        connection, session.connection = session.connection, None
        await self._close(connection, code, "stand-in dropped the connection")

    def invalidate(self) -> None:
        """Op 9 with d=false: the bot must forget its session and IDENTIFY again."""
        session = self.session
        if session is None or session.connection is None:
            raise RuntimeError("stand-in: no bot connected to invalidate")
        session.connection.outbox.put_nowait({"op": INVALID_SESSION, "d": False, "s": None,
                                              "t": None})
        del self.sessions[session.id]
        self.session = None

    def request_reconnect(self) -> None:
        """Op 7: Discord asks the bot to reconnect and resume."""
        if self.session is not None and self.session.connection is not None:
            self.session.connection.outbox.put_nowait({"op": RECONNECT, "d": None, "s": None,
                                                       "t": None})

    async def close_all(self) -> None:
        for connection in list(self._connections):
            await connection.ws.close(code=1001, message=b"stand-in stopping")


def _guild_of(event: str, data: dict[str, Any]) -> int | None:
    """The guild an event belongs to, which decides its shard; None for DMs and READY-likes."""
    if event.startswith("GUILD_") and "guild_id" not in data and "id" in data:
        return int(data["id"])  # GUILD_CREATE / GUILD_UPDATE / GUILD_DELETE carry the guild itself
    guild_id = data.get("guild_id")
    return int(guild_id) if guild_id else None
