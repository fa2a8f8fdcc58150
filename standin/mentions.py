"""Who a message really pings, by Discord's rules, and ``pinged(message)`` for tests.

Content mentions (``<@id>``, ``<@!id>``, ``<@&id>``, ``@everyone``, ``@here``) only notify
when ``allowed_mentions`` lets them: no ``allowed_mentions`` means everything is parsed and
a reply pings the replied-to author; an ``allowed_mentions`` object without ``parse`` parses
nothing but its ``users`` / ``roles`` lists, and pings a reply's author only with
``replied_user: true``. ``parse: ["users"]`` together with a ``users`` list (or the same for
roles) is refused with 400/50035, as are lists over 100 ids. ``@everyone``/``@here`` need
the author's Mention Everyone permission in the channel; a role mention needs the role to
be mentionable or the author to have Mention Everyone. Ephemeral messages ping nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from standin import permissions as perms
from standin.errors import ApiError

if TYPE_CHECKING:
    from standin.model import Channel, User
    from standin.world import World

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_KINDS = ("users", "roles", "everyone")
EPHEMERAL = 1 << 6


@dataclass(frozen=True)
class Pinged:
    """Who got a notification from a message: user ids, role ids, and @everyone/@here."""

    users: frozenset[int] = frozenset()
    roles: frozenset[int] = frozenset()
    everyone: bool = False


def _refuse(message: str) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body", {"allowed_mentions": {"_errors": [
        {"code": "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"
         if "exclusive" in message else "BASE_TYPE_BAD_LENGTH", "message": message}]}})


def check_allowed_mentions(allowed: dict[str, Any] | None) -> None:
    """Discord's 400s for a malformed ``allowed_mentions``."""
    if not allowed:
        return
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        listed = allowed.get(kind) or []
        if kind in parse and listed:
            raise _refuse(f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.')
        if len(listed) > 100:
            raise _refuse(f"{kind} must have at most 100 ids.")
    if set(parse) - set(_KINDS):
        raise _refuse(f"parse values must be among {list(_KINDS)}.")


def resolve(world: World, channel: Channel, author: User, body: dict[str, Any]
            ) -> tuple[list[dict[str, Any]], list[str], bool]:
    """``mentions`` (user payloads), ``mention_roles`` (ids) and ``mention_everyone``."""
    content = body.get("content") or ""
    allowed = body.get("allowed_mentions")
    check_allowed_mentions(allowed)
    parse = set(_KINDS) if allowed is None else set(allowed.get("parse") or [])
    listed_users = {str(u) for u in (allowed or {}).get("users") or []}
    listed_roles = {str(r) for r in (allowed or {}).get("roles") or []}
    guild = world.guild_of(channel)
    granted = 0
    if guild is not None and author.id in guild.members:
        granted = guild.member_permissions(author.id, channel.id)
    users: list[dict[str, Any]] = []
    for user_id in dict.fromkeys(_USER_MENTION.findall(content)):
        if int(user_id) in world.users and ("users" in parse or user_id in listed_users):
            users.append(world.users[int(user_id)].payload())
    replied = _replied_author(world, body)
    reply_pings = allowed is None or bool(allowed.get("replied_user"))
    if (replied is not None and replied != author.id and reply_pings
            and all(u["id"] != str(replied) for u in users)):
        users.append(world.users[replied].payload())
    roles = []
    for role_id in dict.fromkeys(_ROLE_MENTION.findall(content)):
        role = guild.roles.get(int(role_id)) if guild is not None else None
        if role is None or not ("roles" in parse or role_id in listed_roles):
            continue
        if role.mentionable or granted & perms.MENTION_EVERYONE:
            roles.append(role_id)
    everyone = ("everyone" in parse and ("@everyone" in content or "@here" in content)
                and bool(granted & perms.MENTION_EVERYONE))
    return users, roles, everyone


def _replied_author(world: World, body: dict[str, Any]) -> int | None:
    reference = body.get("message_reference") or {}
    replied = world.messages.get(int(reference.get("message_id") or 0))
    return int(replied["author"]["id"]) if replied else None


def pings_of(message: dict[str, Any]) -> Pinged:
    """What the message's mention fields notify (nothing for an ephemeral message)."""
    if message.get("flags", 0) & EPHEMERAL:
        return Pinged()
    return Pinged(frozenset(int(u["id"]) for u in message.get("mentions", [])),
                  frozenset(int(r) for r in message.get("mention_roles", [])),
                  bool(message.get("mention_everyone")))
