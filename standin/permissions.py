"""Discord's permission arithmetic, written independently of discord.py.

The bot computes permissions with discord.py; if the stand-in reused that code a bug
in it (or in how the bot reads it) could never show. This follows Discord's documented
algorithm: base permissions from @everyone and the member's roles, administrator and
owner short-cuts, then @everyone, role and member channel overwrites, then the implicit
denials (no View Channel means nothing; no Send Messages means no embeds/files/mentions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
SEND_TTS_MESSAGES = 1 << 12
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
MOVE_MEMBERS = 1 << 24
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_EVENTS = 1 << 33
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
CREATE_EVENTS = 1 << 44
ALL = (1 << 51) - 1

#: What a member of a fresh server gets from @everyone, close to Discord's default.
DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE | ADD_REACTIONS | VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS
    | ATTACH_FILES | READ_MESSAGE_HISTORY | USE_EXTERNAL_EMOJIS | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS | CREATE_PRIVATE_THREADS | SEND_MESSAGES_IN_THREADS | CONNECT | SPEAK
)

#: What the bot needs for everything Bar Raiser does; the default bot role.
BOT_DEFAULT = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY
    | ADD_REACTIONS | CREATE_PUBLIC_THREADS | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS | MANAGE_THREADS
)

_NEEDS_SEND = SEND_TTS_MESSAGES | MENTION_EVERYONE | ATTACH_FILES | EMBED_LINKS

ROLE_OVERWRITE = 0
MEMBER_OVERWRITE = 1


def as_int(permissions: object) -> int:
    """Accept an int or anything with ``.value`` (such as ``discord.Permissions``)."""
    return permissions if isinstance(permissions, int) else int(permissions.value)  # type: ignore[attr-defined]


@dataclass
class Overwrite:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> dict[str, object]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow),
                "deny": str(self.deny)}


def base_permissions(everyone: int, member_roles: Iterable[int], *, is_owner: bool) -> int:
    """Guild-level permissions of a member: @everyone | roles, with the owner/admin rules."""
    if is_owner:
        return ALL
    permissions = everyone
    for role_permissions in member_roles:
        permissions |= role_permissions
    return ALL if permissions & ADMINISTRATOR else permissions


def apply_overwrites(
    base: int, overwrites: Iterable[Overwrite], *, guild_id: int, role_ids: set[int],
    member_id: int,
) -> int:
    """Channel permissions: @everyone overwrite, then all role overwrites, then the member's."""
    if base & ADMINISTRATOR:
        return ALL
    by_id = {overwrite.id: overwrite for overwrite in overwrites}
    permissions = base
    everyone = by_id.get(guild_id)
    if everyone is not None:
        permissions = (permissions & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for overwrite in by_id.values():
        if overwrite.type == ROLE_OVERWRITE and overwrite.id in role_ids:
            allow |= overwrite.allow
            deny |= overwrite.deny
    permissions = (permissions & ~deny) | allow
    member = by_id.get(member_id)
    if member is not None and member.type == MEMBER_OVERWRITE:
        permissions = (permissions & ~member.deny) | member.allow
    if not permissions & VIEW_CHANNEL:
        return 0
    if not permissions & SEND_MESSAGES:
        permissions &= ~_NEEDS_SEND
    return permissions
