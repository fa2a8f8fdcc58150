"""Channel, message, thread, DM and reaction endpoints, with Discord's permission checks.

Thread members live in thread_members.py.

A bot without View Channel gets 403/50001, without Send Messages (or Send Messages in
Threads, Create Public Threads, Attach Files) 403/50013; a deleted channel 404/10003.
Editing or deleting a message in an archived thread is 400/50083 (unarchive it first);
sending one unarchives it, as in Discord.
"""

from __future__ import annotations

from typing import Any

from standin import permissions as perms
from standin.errors import ApiError, missing_access, missing_permissions, unknown
from standin.forums import Forums, is_forum
from standin.limits import check_message
from standin.model import DM, PRIVATE_THREAD, PUBLIC_THREAD, TEXT, Channel, iso_now
from standin.router import Call, RecordedFile, Router
from standin.world import World

HAS_THREAD, EPHEMERAL = 1 << 5, 1 << 6


class Channels:
    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.base_url = base_url
        self.forums = Forums(world)

    def install(self, router: Router) -> None:
        channel, message = "/channels/{channel_id}", "/channels/{channel_id}/messages/{message_id}"
        router.add("GET", channel, self.get_channel)
        router.add("PATCH", channel, self.edit_channel)
        router.add("DELETE", channel, self.delete_channel)
        router.add("GET", channel + "/messages", self.history)
        router.add("POST", channel + "/messages", self.create_message)
        router.add("GET", message, self.get_message)
        router.add("PATCH", message, self.edit_message)
        router.add("DELETE", message, self.delete_message)
        router.add("POST", message + "/threads", self.thread_from_message)
        router.add("POST", channel + "/threads", self.standalone_thread)
        router.add("PUT", message + "/reactions/{emoji}/@me", self.add_reaction)
        router.add("POST", "/users/@me/channels", self.open_dm)
        self.forums.install(router)

    # -- permission checks ----------------------------------------------------------------
    def permissions_in(self, channel: Channel) -> int:
        guild = self.world.guild_of(channel)
        if guild is None:
            return perms.ALL & ~perms.ADMINISTRATOR
        granted = guild.member_permissions(self.world.bot_user.id, channel.id)
        if (channel.type == PRIVATE_THREAD and self.world.bot_user.id not in channel.thread_member_ids
                and not granted & perms.MANAGE_THREADS):
            return 0
        return granted

    def visible(self, channel_id: int) -> tuple[Channel, int]:
        channel = self.world.channel(channel_id)
        granted = self.permissions_in(channel)
        if not granted & perms.VIEW_CHANNEL:
            raise missing_access()
        return channel, granted

    def require(self, granted: int, needed: int) -> None:
        if granted & needed != needed:
            raise missing_permissions()

    # -- channels -------------------------------------------------------------------------
    async def get_channel(self, call: Call) -> tuple[int, Any]:
        channel, _ = self.visible(call.params["channel_id"])
        return 200, channel.payload()

    async def edit_channel(self, call: Call) -> tuple[int, Any]:
        """Rename; for threads also archive (owner or Manage Threads) and lock (Manage Threads)."""
        channel, granted = self.visible(call.params["channel_id"])
        body = call.json or {}
        manage = perms.MANAGE_THREADS if channel.is_thread else perms.MANAGE_CHANNELS
        is_owner = channel.owner_id == self.world.bot_user.id
        if "locked" in body or ("name" in body and not is_owner):
            self.require(granted, manage)
        if "archived" in body and not is_owner:
            self.require(granted, manage)
        if is_forum(channel):
            self.forums.edit_forum(channel, granted, body)
        elif channel.in_forum:
            self.forums.edit_post(channel, granted, body)
        channel.name = body.get("name", channel.name)
        channel.archived = bool(body.get("archived", channel.archived))
        channel.locked = bool(body.get("locked", channel.locked))
        self.world.update_channel(channel)
        return 200, channel.payload()

    async def delete_channel(self, call: Call) -> tuple[int, Any]:
        channel, granted = self.visible(call.params["channel_id"])
        self.require(granted, perms.MANAGE_THREADS if channel.is_thread else perms.MANAGE_CHANNELS)
        self.world.delete_channel(channel.id)
        return 200, channel.payload()

    async def open_dm(self, call: Call) -> tuple[int, Any]:
        return 200, self.world.open_dm(int(call.json["recipient_id"])).payload()

    # -- messages -------------------------------------------------------------------------
    def _can_send(self, channel: Channel) -> int:
        if channel.type == DM:
            if not channel.recipients[0].dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return self.permissions_in(channel)
        _, granted = self.visible(channel.id)
        if is_forum(channel):
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        if channel.is_thread:
            self.require(granted, perms.SEND_MESSAGES_IN_THREADS)
            if channel.locked and not granted & perms.MANAGE_THREADS:
                raise ApiError(400, 50083, "Thread is locked")
            if channel.archived:
                channel.archived = False
                self.world.update_channel(channel)
        else:
            self.require(granted, perms.SEND_MESSAGES)
        return granted

    def attachments(self, channel_id: int, files: list[RecordedFile]) -> list[dict[str, Any]]:
        """Store uploaded bytes and describe them like Discord's CDN attachments."""
        described = []
        for upload in files:
            attachment_id = self.world.ids.next()
            self.world.attachments[attachment_id] = upload.data
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{upload.filename}"
            described.append({"id": str(attachment_id), "filename": upload.filename,
                              "size": len(upload.data), "url": url, "proxy_url": url,
                              "content_type": upload.content_type})
        return described

    async def create_message(self, call: Call) -> tuple[int, Any]:
        channel = self.world.channel(call.params["channel_id"])
        granted = self._can_send(channel)
        if call.files:
            self.require(granted, perms.ATTACH_FILES)
        body = call.json or {}
        check_message(body, has_files=bool(call.files))
        earlier = self.world.nonce_message(self.world.bot_user.id, body)
        if earlier is not None:
            # enforce_nonce: the same author sent this nonce moments ago; no second message.
            return 200, earlier
        message = self.world.build_message(channel, self.world.bot_user, body)
        message["attachments"] = self.attachments(channel.id, call.files)
        self.world.store_message(message)
        self.world.remember_nonce(self.world.bot_user.id, body, message)
        self.world.dispatch("MESSAGE_CREATE", message)
        return 200, message

    def _message_in(self, call: Call) -> tuple[dict[str, Any], int]:
        channel, granted = self.visible(call.params["channel_id"])
        message = self.world.message(call.params["message_id"])
        if message["channel_id"] != str(channel.id):
            raise unknown("Message")
        return message, granted

    async def get_message(self, call: Call) -> tuple[int, Any]:
        message, granted = self._message_in(call)
        self.require(granted, perms.READ_MESSAGE_HISTORY)
        return 200, message

    async def history(self, call: Call) -> tuple[int, Any]:
        _, granted = self.visible(call.params["channel_id"])
        self.require(granted, perms.READ_MESSAGE_HISTORY)
        limit = int(call.query.get("limit", 50))
        return 200, list(reversed(self.world.channel_messages(call.params["channel_id"])))[:limit]

    def _refuse_if_archived(self, message: dict[str, Any]) -> None:
        channel = self.world.channel(int(message["channel_id"]))
        if channel.is_thread and channel.archived:
            raise ApiError(400, 50083, "Thread is archived")

    async def edit_message(self, call: Call) -> tuple[int, Any]:
        message, _ = self._message_in(call)
        self._refuse_if_archived(message)
        if message["author"]["id"] != str(self.world.bot_user.id):
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        return 200, self.apply_edit(message, call.json or {}, call.files)

    def apply_edit(self, message: dict[str, Any], body: dict[str, Any],
                   files: list[RecordedFile]) -> dict[str, Any]:
        """PATCH semantics: only the keys sent change. Dispatches MESSAGE_UPDATE if public."""
        check_message(body, require_body=False)
        for key in ("content", "embeds", "components", "allowed_mentions"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "flags" in body and body["flags"] is not None:
            message["flags"] = (message["flags"] & (EPHEMERAL | HAS_THREAD)) | body["flags"]
        if files or "attachments" in body:
            kept = {str(a.get("id")) for a in body.get("attachments") or []}
            message["attachments"] = [a for a in message["attachments"] if a["id"] in kept]
            message["attachments"] += self.attachments(int(message["channel_id"]), files)
        message["edited_timestamp"] = iso_now()
        self.world.remention(message)
        if int(message["id"]) in self.world.channel_order.get(int(message["channel_id"]), []):
            self.world.dispatch("MESSAGE_UPDATE", message)
        else:
            self.world.observe("EPHEMERAL_MESSAGE_UPDATE", message)
        return message

    async def delete_message(self, call: Call) -> tuple[int, Any]:
        message, granted = self._message_in(call)
        self._refuse_if_archived(message)
        if message["author"]["id"] != str(self.world.bot_user.id):
            self.require(granted, perms.MANAGE_MESSAGES)
        self.world.delete_message(message)
        return 204, None

    # -- threads --------------------------------------------------------------------------
    def _new_thread(self, parent: Channel, kind: int, name: str, thread_id: int) -> Channel:
        thread = Channel(thread_id, kind, name, parent.guild_id, parent.id,
                         owner_id=self.world.bot_user.id,
                         thread_member_ids={self.world.bot_user.id})
        self.world.register_channel(self.world.guild_of(parent), thread)
        guild = self.world.guild_of(parent)
        if guild is not None:
            self.world.dispatch_guild(guild, "THREAD_CREATE", thread.payload() | {
                "newly_created": True,
                "member": {"id": str(thread.id), "user_id": str(self.world.bot_user.id),
                           "join_timestamp": iso_now(), "flags": 0}})
        return thread

    async def thread_from_message(self, call: Call) -> tuple[int, Any]:
        parent, granted = self.visible(call.params["channel_id"])
        self.require(granted, perms.CREATE_PUBLIC_THREADS | perms.READ_MESSAGE_HISTORY)
        message, _ = self._message_in(call)
        if message.get("thread"):
            raise ApiError(400, 160004, "A thread has already been created for this message")
        thread = self._new_thread(parent, PUBLIC_THREAD, (call.json or {})["name"],
                                  int(message["id"]))
        message["thread"] = thread.payload()
        message["flags"] |= HAS_THREAD
        return 201, thread.payload()

    async def standalone_thread(self, call: Call) -> tuple[int, Any]:
        parent, granted = self.visible(call.params["channel_id"])
        if is_forum(parent):
            return 201, self.forums.create_post(parent, granted, call)
        if parent.type != TEXT:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        body = call.json or {}
        kind = body.get("type", PRIVATE_THREAD)
        needed = perms.CREATE_PRIVATE_THREADS if kind == PRIVATE_THREAD else perms.CREATE_PUBLIC_THREADS
        self.require(granted, needed)
        return 201, self._new_thread(parent, kind, body["name"], self.world.ids.next()).payload()

    async def add_reaction(self, call: Call) -> tuple[int, Any]:
        message, granted = self._message_in(call)
        self.require(granted, perms.ADD_REACTIONS | perms.READ_MESSAGE_HISTORY)
        emoji = call.params["emoji"]
        reaction = next((r for r in message["reactions"] if r["emoji"]["name"] == emoji), None)
        if reaction is None:
            message["reactions"].append({"emoji": {"id": None, "name": emoji}, "count": 1,
                                         "me": True})
        elif not reaction["me"]:
            reaction.update(count=reaction["count"] + 1, me=True)
        self.world.observe("MESSAGE_UPDATE", message)  # the bot's own reaction: no event to it
        return 204, None
