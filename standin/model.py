"""The server state a real Discord would hold: users, guilds, roles, channels, members.

Each object renders itself as the JSON payload Discord sends (``payload()``), so the
gateway and REST layers never build those dictionaries by hand in two places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from standin import permissions as perms
from standin.permissions import Overwrite

if TYPE_CHECKING:
    from standin.world import World

TEXT, DM, VOICE, CATEGORY, PUBLIC_THREAD, PRIVATE_THREAD, FORUM = 0, 1, 2, 4, 11, 12, 15
THREAD_TYPES = (PUBLIC_THREAD, PRIVATE_THREAD)
REQUIRE_TAG = 1 << 4  # channel flag of a forum whose posts must carry a tag


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    dms_open: bool = True

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.username, "global_name": self.username,
                "discriminator": "0", "avatar": None, "bot": self.bot, "public_flags": 0}


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 0
    mentionable: bool = False
    managed: bool = False

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "name": self.name, "permissions": str(self.permissions),
                "position": self.position, "color": 0, "colors": {"primary_color": 0},
                "hoist": False, "managed": self.managed, "mentionable": self.mentionable,
                "flags": 0}


@dataclass
class Member:
    user: User
    role_ids: list[int] = field(default_factory=list)
    joined_at: str = field(default_factory=iso_now)

    def payload(self) -> dict[str, Any]:
        return {"user": self.user.payload(), "roles": [str(r) for r in self.role_ids],
                "joined_at": self.joined_at, "deaf": False, "mute": False, "flags": 0,
                "nick": None, "pending": False}


@dataclass
class Channel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    recipients: list[User] = field(default_factory=list)
    thread_member_ids: set[int] = field(default_factory=set)
    user_limit: int = 0  # voice channels: 0 is unlimited
    # forum channels: their tags ({"id", "name", "moderated", "emoji_id", "emoji_name"});
    # a post (thread) in a forum: the ids of the tags applied to it
    available_tags: list[dict[str, Any]] = field(default_factory=list)
    applied_tags: list[int] = field(default_factory=list)
    in_forum: bool = False
    flags: int = 0  # channel flags; a forum's REQUIRE_TAG is 1 << 4

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.id), "type": self.type, "name": self.name,
                                "last_message_id": None, "flags": self.flags}
        if self.type == DM:
            data["recipients"] = [user.payload() for user in self.recipients]
            return data
        data.update(guild_id=str(self.guild_id), position=self.position, nsfw=False,
                    parent_id=str(self.parent_id) if self.parent_id else None,
                    permission_overwrites=[o.to_payload() for o in self.overwrites],
                    topic=None, rate_limit_per_user=0)
        if self.type == FORUM:
            data.update(available_tags=[dict(tag) for tag in self.available_tags],
                        default_auto_archive_duration=1440, default_thread_rate_limit_per_user=0,
                        default_forum_layout=0, default_sort_order=None,
                        default_reaction_emoji=None)
        if self.type == VOICE:
            data.update(bitrate=64000, user_limit=self.user_limit, rtc_region=None,
                        video_quality_mode=1)
        if self.is_thread:
            data.update(owner_id=str(self.owner_id), message_count=0,
                        member_count=min(len(self.thread_member_ids), 50),
                        total_message_sent=0, thread_metadata={
                            "archived": self.archived, "locked": self.locked,
                            "auto_archive_duration": 1440, "archive_timestamp": iso_now(),
                            "invitable": True})
            data.pop("permission_overwrites")
            if self.in_forum:
                data["applied_tags"] = [str(tag) for tag in self.applied_tags]
        return data


def forum_tag(tag_id: int, name: str, *, moderated: bool = False,
              emoji_name: str | None = None) -> dict[str, Any]:
    """A forum tag object as Discord sends it."""
    return {"id": str(tag_id), "name": name, "moderated": moderated, "emoji_id": None,
            "emoji_name": emoji_name}


@dataclass
class VoiceState:
    """A member connected to a voice channel (``standin.join_voice``)."""

    user_id: int
    channel_id: int
    session_id: str

    def payload(self) -> dict[str, Any]:
        """As in GUILD_CREATE's ``voice_states``: no ``guild_id``, no ``member``."""
        return {"user_id": str(self.user_id), "channel_id": str(self.channel_id),
                "session_id": self.session_id, "deaf": False, "mute": False,
                "self_deaf": False, "self_mute": False, "self_video": False,
                "self_stream": False, "suppress": False, "request_to_speak_timestamp": None}


@dataclass
class Guild:
    """A server. Build it with ``standin.add_guild(...)`` and the ``add_*`` methods below."""

    id: int
    name: str
    owner_id: int
    world: World
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    bot_role_id: int = 0
    voice_states: dict[int, VoiceState] = field(default_factory=dict)  # by user id
    scheduled_events: dict[int, Any] = field(default_factory=dict)  # ScheduledEvent by id

    def add_role(self, name: str, permissions: object = 0, *, mentionable: bool = False,
                 position: int | None = None) -> int:
        """Create a role (on top unless ``position``); returns its id. Dispatches
        GUILD_ROLE_CREATE when the bot is in."""
        role = Role(self.world.ids.next(), name, perms.as_int(permissions),
                    len(self.roles) if position is None else position, mentionable)
        self.roles[role.id] = role
        self.world.dispatch_guild(self, "GUILD_ROLE_CREATE",
                                  {"guild_id": str(self.id), "role": role.payload()})
        return role.id

    def add_category(self, name: str, *, overwrites: list[Overwrite] | None = None) -> int:
        return self._add_channel(CATEGORY, name, None, overwrites)

    def add_text_channel(self, name: str, *, overwrites: list[Overwrite] | None = None,
                         category_id: int | None = None) -> int:
        """Create a text channel; returns its id. Dispatches CHANNEL_CREATE when the bot is in."""
        return self._add_channel(TEXT, name, category_id, overwrites)

    def _add_channel(self, kind: int, name: str, parent_id: int | None,
                     overwrites: list[Overwrite] | None, user_limit: int = 0) -> int:
        channel = Channel(self.world.ids.next(), kind, name, self.id, parent_id,
                          len(self.channels), list(overwrites or []), user_limit=user_limit)
        self.world.register_channel(self, channel)
        self.world.dispatch_guild(self, "CHANNEL_CREATE", channel.payload())
        return channel.id

    def add_forum_channel(self, name: str, *, overwrites: list[Overwrite] | None = None,
                          category_id: int | None = None, tags: tuple[str, ...] = (),
                          require_tag: bool = False) -> int:
        """Create a forum channel (type 15) with ``tags`` already available; returns its id.
        ``require_tag``: posts must carry a tag (the forum setting "Require tags")."""
        channel = Channel(self.world.ids.next(), FORUM, name, self.id, category_id,
                          len(self.channels), list(overwrites or []),
                          available_tags=[forum_tag(self.world.ids.next(), t) for t in tags],
                          flags=REQUIRE_TAG if require_tag else 0)
        self.world.register_channel(self, channel)
        self.world.dispatch_guild(self, "CHANNEL_CREATE", channel.payload())
        return channel.id

    def add_voice_channel(self, name: str, *, overwrites: list[Overwrite] | None = None,
                          category_id: int | None = None, user_limit: int = 0) -> int:
        """Create a voice channel (type 2); returns its id. CHANNEL_CREATE when the bot is in."""
        return self._add_channel(VOICE, name, category_id, overwrites, user_limit)

    def add_member(self, name: str, *, permissions: object | None = None,
                   role_ids: list[int] | None = None) -> int:
        """Add a human member; returns the user id. ``permissions`` makes a role just for them."""
        user = self.world.add_user(name)
        roles = list(role_ids or [])
        if permissions is not None:
            roles.append(self.add_role(f"{name}-role", permissions))
        self.members[user.id] = Member(user, roles)
        return user.id

    def everyone(self) -> Role:
        return self.roles[self.id]

    def member_permissions(self, user_id: int, channel_id: int | None = None) -> int:
        """Permissions of a member, guild-wide or in a channel (threads use their parent)."""
        member = self.members[user_id]
        base = perms.base_permissions(
            self.everyone().permissions,
            (self.roles[r].permissions for r in member.role_ids if r in self.roles),
            is_owner=user_id == self.owner_id)
        if channel_id is None:
            return base
        channel = self.channels[channel_id]
        if channel.is_thread and channel.parent_id is not None:
            channel = self.channels[channel.parent_id]
        return perms.apply_overwrites(base, channel.overwrites, guild_id=self.id,
                                      role_ids=set(member.role_ids), member_id=user_id)

    def payload(self) -> dict[str, Any]:
        """The GUILD_CREATE payload: channels, threads, roles and the bot's own member."""
        plain = [c for c in self.channels.values() if not c.is_thread]
        threads = [c for c in self.channels.values() if c.is_thread and not c.archived]
        bot_member = self.members[self.world.bot_user.id]
        in_voice = [self.members[u].payload() for u in self.voice_states if u != bot_member.user.id]
        return {
            "id": str(self.id), "name": self.name, "icon": None, "splash": None,
            "owner_id": str(self.owner_id), "afk_channel_id": None, "afk_timeout": 300,
            "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "features": [], "emojis": [],
            "stickers": [], "roles": [r.payload() for r in self.roles.values()],
            "channels": [c.payload() for c in plain], "threads": [t.payload() for t in threads],
            "members": [bot_member.payload(), *in_voice], "member_count": len(self.members),
            "voice_states": [v.payload() for v in self.voice_states.values()],
            "presences": [], "stage_instances": [],
            "guild_scheduled_events": [e.payload() for e in self.scheduled_events.values()
                                       if e.live], "soundboard_sounds": [], "large": False,
            "unavailable": False, "joined_at": bot_member.joined_at, "premium_tier": 0,
            "preferred_locale": "en-US", "nsfw_level": 0, "system_channel_id": None,
            "rules_channel_id": None, "public_updates_channel_id": None,
            "application_id": None, "vanity_url_code": None, "description": None,
            "banner": None, "premium_subscription_count": 0, "max_video_channel_users": 25,
        }
