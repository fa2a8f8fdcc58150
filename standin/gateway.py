"""The gateway websocket: HELLO, IDENTIFY, heartbeats, READY, RESUME, INVALID_SESSION.

One bot, one shard. Events get sequence numbers and are kept in the session's log so a
RESUME replays whatever the bot missed, as Discord does. ``compress=zlib-stream`` gets
one zlib context per connection flushed with Z_SYNC_FLUSH, exactly the framing
discord.py's decompressor expects.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from standin.ids import app_id_from_token
from standin.notify import Notifier
from standin.world import World

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, ACK = 0, 1, 2, 6, 7, 9, 10, 11
GUILDS, GUILD_MEMBERS, GUILD_PRESENCES = 1 << 0, 1 << 1, 1 << 8
GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT = 1 << 9, 1 << 12, 1 << 15
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
HEARTBEAT_INTERVAL_MS = 41_250
_MESSAGE_EVENTS = ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE")


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


@dataclass
class Session:
    id: str
    intents: int
    sequence: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None


class Gateway:
    """Serves ``/gateway``; the stand-in's ``world`` calls ``dispatch`` for every change."""

    def __init__(self, world: World, token: str, notifier: Notifier,
                 allowed_intents: int) -> None:
        self.world = world
        self.token = token
        self.notifier = notifier
        self.allowed_intents = allowed_intents
        self.url = ""
        self.session: Session | None = None
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.close_codes: list[int] = []  # codes the stand-in closed connections with
        self.connect_queries: list[dict[str, str]] = []
        self._connections: set[Connection] = set()
        world.on_dispatch = self.dispatch

    # -- dispatching ----------------------------------------------------------------------
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        session = self.session
        if session is None or not self._subscribed(session, event, data):
            return
        session.sequence += 1
        payload = {"op": DISPATCH, "t": event, "s": session.sequence,
                   "d": self._redact(session, event, data)}
        session.log.append(payload)
        if session.connection is not None:
            session.connection.outbox.put_nowait(payload)
        self.notifier.notify()

    @staticmethod
    def _subscribed(session: Session, event: str, data: dict[str, Any]) -> bool:
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
            if self.session is not None and self.session.connection is connection:
                self.session.connection = None
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
        self.identifies.append({k: v for k, v in data.items() if k != "token"})
        session = Session(secrets.token_hex(16), intents, connection=connection)
        self.session = session
        self.world.announced = set()
        self.dispatch("READY", self._ready_payload(session))
        for guild in list(self.world.guilds.values()):
            self.announce_guild(guild.id, lazy_load=True)

    async def _close(self, connection: Connection, code: int, reason: str) -> None:
        self.close_codes.append(code)
        await connection.ws.close(code=code, message=reason.encode())

    def announce_guild(self, guild_id: int, *, lazy_load: bool = False) -> None:
        """GUILD_CREATE: at READY for every guild, later when the bot joins a new one.

        Like Discord, only the lazy-load after READY says ``unavailable: false``; a guild
        the bot has just joined has no ``unavailable`` key, which is how discord.py tells
        ``on_guild_join`` from ``on_guild_available``.
        """
        if self.session is None:
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
            "guilds": [{"id": str(g), "unavailable": True} for g in self.world.guilds],
            "session_id": session.id, "session_type": "normal",
            "resume_gateway_url": self.url, "private_channels": [], "relationships": [],
            "application": {"id": str(self.world.app_id), "flags": flags},
            "_trace": ["standin"],
        }

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        session = self.session
        self.resumes.append({k: v for k, v in data.items() if k != "token"})
        if (session is None or data.get("session_id") != session.id
                or data.get("token") != self.token):
            connection.outbox.put_nowait({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        for payload in session.log:
            if payload["s"] > (data.get("seq") or 0):
                connection.outbox.put_nowait(payload)
        session.connection = connection
        self.dispatch("RESUMED", {"_trace": ["standin"]})

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
        self.session = None

    def request_reconnect(self) -> None:
        """Op 7: Discord asks the bot to reconnect and resume."""
        if self.session is not None and self.session.connection is not None:
            self.session.connection.outbox.put_nowait({"op": RECONNECT, "d": None, "s": None,
                                                       "t": None})

    async def close_all(self) -> None:
        for connection in list(self._connections):
            await connection.ws.close(code=1001, message=b"stand-in stopping")
