"""Thread members: join, add, leave, remove, list, as Discord's documented contract says.

- Adding or removing needs the thread unarchived (400/50083 otherwise; unarchive it first
  with ``PATCH /channels/{id}``). Adding another member needs the ability to send messages
  in the thread; removing one needs Manage Threads, or being the creator of a private
  thread. Adding someone who is already in, or removing someone who is not, is a 204 no-op.
- Each change dispatches THREAD_MEMBERS_UPDATE (``added_members`` with ``member`` objects,
  ``removed_member_ids``); the gateway sends it without the GUILD_MEMBERS intent only when
  the bot itself was added or removed. The bot joining also gets THREAD_CREATE, as Discord
  documents for Join Thread.
- Listing (``GET /channels/{id}/thread-members``) needs the GUILD_MEMBERS privileged intent
  enabled for the application (``StandIn(privileged_intents=…)``), else 403/50001.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from standin import permissions as perms
from standin.errors import ApiError, missing_access, missing_permissions, unknown
from standin.model import PRIVATE_THREAD, Channel, Guild, iso_now
from standin.router import Call, Router

if TYPE_CHECKING:
    from collections.abc import Callable

    from standin.channels import Channels
    from standin.world import World

GUILD_MEMBERS_INTENT = 1 << 1


def _archived() -> ApiError:
    return ApiError(400, 50083, "Operation cannot be performed on an archived thread")


class ThreadMembers:
    """REST: ``/channels/{channel_id}/thread-members[/{user_id}|/@me]``."""

    def __init__(self, world: World, channels: Channels,
                 privileged_intents: Callable[[], int]) -> None:
        self.world = world
        self.channels = channels
        self.privileged_intents = privileged_intents
        self.joined: dict[tuple[int, int], str] = {}  # (thread, user) -> join_timestamp

    def install(self, router: Router) -> None:
        base = "/channels/{channel_id}/thread-members"
        router.add("GET", base, self.list_members)
        router.add("GET", base + "/{user_id}", self.get_member)
        router.add("PUT", base + "/{user_id}", self.add)
        router.add("DELETE", base + "/{user_id}", self.remove)

    def _thread(self, call: Call) -> tuple[Channel, Guild, int, int]:
        """The thread, its guild, the bot's permissions there and the target user id."""
        thread, granted = self.channels.visible(call.params["channel_id"])
        guild = self.world.guild_of(thread)
        if not thread.is_thread or guild is None:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        user = call.params.get("user_id", "@me")
        return thread, guild, granted, self.world.bot_user.id if user == "@me" else int(user)

    def entry(self, thread: Channel, guild: Guild, user_id: int, *,
              with_member: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(thread.id), "user_id": str(user_id),
                                "join_timestamp": self.joined.get((thread.id, user_id), iso_now()),
                                "flags": 0}
        if with_member and user_id in guild.members:
            data["member"] = guild.members[user_id].payload()
        return data

    async def add(self, call: Call) -> tuple[int, Any]:
        thread, guild, granted, user_id = self._thread(call)
        if user_id not in guild.members:
            raise unknown("Member")
        if thread.archived:
            raise _archived()
        if user_id != self.world.bot_user.id:
            self.channels.require(granted, perms.SEND_MESSAGES_IN_THREADS)
        if user_id in thread.thread_member_ids:
            return 204, None
        thread.thread_member_ids.add(user_id)
        self.joined[(thread.id, user_id)] = iso_now()
        added = self.entry(thread, guild, user_id, with_member=True) | {"presence": None}
        if user_id == self.world.bot_user.id:
            self.world.dispatch_guild(guild, "THREAD_CREATE", thread.payload() | {
                "member": self.entry(thread, guild, user_id, with_member=False)})
        self._members_update(thread, guild, added=[added])
        return 204, None

    async def remove(self, call: Call) -> tuple[int, Any]:
        thread, guild, granted, user_id = self._thread(call)
        if thread.archived:
            raise _archived()
        if user_id != self.world.bot_user.id and not granted & perms.MANAGE_THREADS:
            creator = thread.owner_id == self.world.bot_user.id
            if not (thread.type == PRIVATE_THREAD and creator):
                raise missing_permissions()
        if user_id not in thread.thread_member_ids:
            return 204, None
        thread.thread_member_ids.discard(user_id)
        self._members_update(thread, guild, removed=[str(user_id)])
        return 204, None

    async def list_members(self, call: Call) -> tuple[int, Any]:
        thread, guild, _, _ = self._thread(call)
        if not self.privileged_intents() & GUILD_MEMBERS_INTENT:
            raise missing_access()
        with_member = call.query.get("with_member", "false").lower() in ("1", "true")
        ids = sorted(thread.thread_member_ids)
        if with_member:  # paginated only with_member, as Discord documents
            after = int(call.query.get("after", 0))
            ids = [u for u in ids if u > after][:int(call.query.get("limit", 100))]
        return 200, [self.entry(thread, guild, u, with_member=with_member) for u in ids]

    async def get_member(self, call: Call) -> tuple[int, Any]:
        thread, guild, _, user_id = self._thread(call)
        if user_id not in thread.thread_member_ids:
            raise unknown("Member")
        with_member = call.query.get("with_member", "false").lower() in ("1", "true")
        return 200, self.entry(thread, guild, user_id, with_member=with_member)

    def _members_update(self, thread: Channel, guild: Guild, *,
                        added: list[dict[str, Any]] | None = None,
                        removed: list[str] | None = None) -> None:
        data: dict[str, Any] = {"id": str(thread.id), "guild_id": str(guild.id),
                                "member_count": min(len(thread.thread_member_ids), 50)}
        if added:
            data["added_members"] = added
        if removed:
            data["removed_member_ids"] = removed
        self.world.dispatch_guild(guild, "THREAD_MEMBERS_UPDATE", data)

