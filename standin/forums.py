"""Forum channels (type 15): their tags, posts (a thread and its starter message at once),
and the active-threads listing a restarted client uses to find posts again.

What Discord does, as the stand-in follows it:
- A forum holds no messages of its own: ``POST /channels/{forum}/messages`` is 400/50008.
- ``POST /channels/{forum}/threads`` with a ``message`` body creates the post: a public
  thread whose starter message has the thread's id, with ``applied_tags`` (at most 5, each
  one of the forum's tags; at least one when the forum requires tags, else 400/40067).
  It needs Send Messages in the forum ("Create Posts").
- ``PATCH /channels/{forum}`` with ``available_tags`` replaces the tag list (at most 20,
  names 1-20 characters, unique); it needs Manage Channels. A tag sent without an id is
  new and gets one; a tag left out is deleted and falls off every post that had it.
- ``PATCH /channels/{post}`` with ``applied_tags`` needs the post's owner or Manage Threads.
- ``GET /guilds/{guild}/threads/active`` lists the guild's unarchived threads the bot can see.
"""

from __future__ import annotations

from typing import Any

from standin import permissions as perms
from standin.errors import ApiError, missing_permissions, unknown
from standin.limits import check_message
from standin.model import FORUM, PUBLIC_THREAD, REQUIRE_TAG, Channel, forum_tag, iso_now
from standin.router import Call, Router
from standin.world import World

MAX_TAGS_PER_FORUM = 20
MAX_TAGS_PER_POST = 5
MAX_TAG_NAME = 20


def _invalid(field: str, code: str, message: str) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body",
                    {field: {"_errors": [{"code": code, "message": message}]}})


class Forums:
    """The forum parts of the channel endpoints; ``Channels`` hands forum requests here."""

    def __init__(self, world: World) -> None:
        self.world = world

    def install(self, router: Router) -> None:
        router.add("GET", "/guilds/{guild_id}/threads/active", self.active_threads)

    # -- tags -----------------------------------------------------------------------------
    def edit_forum(self, forum: Channel, granted: int, body: dict[str, Any]) -> None:
        """The forum part of Modify Channel: ``available_tags`` (Manage Channels)."""
        if "available_tags" not in body:
            return
        if granted & perms.MANAGE_CHANNELS != perms.MANAGE_CHANNELS:
            raise missing_permissions()
        sent = body["available_tags"] or []
        if len(sent) > MAX_TAGS_PER_FORUM:
            raise _invalid("available_tags", "BASE_TYPE_MAX_LENGTH",
                           f"Must be {MAX_TAGS_PER_FORUM} or fewer in length.")
        known = {tag["id"]: tag for tag in forum.available_tags}
        names: set[str] = set()
        tags = []
        for raw in sent:
            name = str(raw.get("name") or "")
            if not 1 <= len(name) <= MAX_TAG_NAME:
                raise _invalid("available_tags", "BASE_TYPE_BAD_LENGTH",
                               f"Must be between 1 and {MAX_TAG_NAME} in length.")
            if name.casefold() in names:
                raise _invalid("available_tags", "TAG_NAME_NOT_UNIQUE", "Tag names must be unique.")
            names.add(name.casefold())
            tag_id = str(raw["id"]) if raw.get("id") and str(raw["id"]) in known else None
            tags.append(forum_tag(int(tag_id) if tag_id else self.world.ids.next(), name,
                                  moderated=bool(raw.get("moderated")),
                                  emoji_name=raw.get("emoji_name")))
        forum.available_tags = tags
        kept = {int(tag["id"]) for tag in tags}
        for post in self.posts_in(forum):
            if any(tag not in kept for tag in post.applied_tags):
                post.applied_tags = [tag for tag in post.applied_tags if tag in kept]
                self.world.update_channel(post)

    def edit_post(self, post: Channel, granted: int, body: dict[str, Any]) -> None:
        """The forum-post part of Modify Channel: ``applied_tags`` (owner or Manage Threads)."""
        if "applied_tags" not in body:
            return
        if post.owner_id != self.world.bot_user.id and not granted & perms.MANAGE_THREADS:
            raise missing_permissions()
        post.applied_tags = self._checked_tags(self.world.channel(post.parent_id or 0),
                                               body["applied_tags"] or [])

    def _checked_tags(self, forum: Channel, raw: list[Any]) -> list[int]:
        if len(raw) > MAX_TAGS_PER_POST:
            raise _invalid("applied_tags", "BASE_TYPE_MAX_LENGTH",
                           f"Must be {MAX_TAGS_PER_POST} or fewer in length.")
        available = {int(tag["id"]) for tag in forum.available_tags}
        tags = list(dict.fromkeys(int(tag) for tag in raw))
        if any(tag not in available for tag in tags):
            raise _invalid("applied_tags", "UNKNOWN_TAG", "Unknown tag for this forum.")
        return tags

    # -- posts ----------------------------------------------------------------------------
    def create_post(self, forum: Channel, granted: int, call: Call) -> dict[str, Any]:
        """A forum post: the thread and its starter message (same id), created together."""
        if granted & perms.SEND_MESSAGES != perms.SEND_MESSAGES:  # "Create Posts" in the UI
            raise missing_permissions()
        body = call.json or {}
        message_body = body.get("message")
        if not isinstance(message_body, dict):
            raise _invalid("message", "BASE_TYPE_REQUIRED", "This field is required")
        if call.files and granted & perms.ATTACH_FILES != perms.ATTACH_FILES:
            raise missing_permissions()
        check_message(message_body, has_files=bool(call.files))
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100:
            raise _invalid("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        tags = self._checked_tags(forum, body.get("applied_tags") or [])
        if forum.flags & REQUIRE_TAG and not tags:
            raise ApiError(400, 40067, "A tag is required to create a forum post in this channel")
        guild = self.world.guild_of(forum)
        post_id = self.world.ids.next()
        post = Channel(post_id, PUBLIC_THREAD, name, forum.guild_id, forum.id,
                       owner_id=self.world.bot_user.id,
                       thread_member_ids={self.world.bot_user.id},
                       applied_tags=tags, in_forum=True)
        self.world.register_channel(guild, post)
        message = self.world.build_message(post, self.world.bot_user, message_body,
                                           extra={"id": str(post_id)})
        message["attachments"] = []
        self.world.store_message(message)
        if guild is not None:
            self.world.dispatch_guild(guild, "THREAD_CREATE", post.payload() | {
                "newly_created": True,
                "member": {"id": str(post.id), "user_id": str(self.world.bot_user.id),
                           "join_timestamp": iso_now(), "flags": 0}})
        self.world.dispatch("MESSAGE_CREATE", message)
        return post.payload() | {"message": message}

    def posts_in(self, forum: Channel) -> list[Channel]:
        return [c for c in self.world.channels.values()
                if c.parent_id == forum.id and c.is_thread]

    # -- listing --------------------------------------------------------------------------
    async def active_threads(self, call: Call) -> tuple[int, Any]:
        guild = self.world.guilds.get(call.params["guild_id"])
        if guild is None:
            raise unknown("Guild")
        bot = self.world.bot_user.id
        threads = [c for c in guild.channels.values() if c.is_thread and not c.archived
                   and guild.member_permissions(bot, c.id) & perms.VIEW_CHANNEL]
        members = [{"id": str(t.id), "user_id": str(bot), "join_timestamp": iso_now(), "flags": 0}
                   for t in threads if bot in t.thread_member_ids]
        return 200, {"threads": [t.payload() for t in threads], "members": members}


def is_forum(channel: Channel) -> bool:
    return channel.type == FORUM
