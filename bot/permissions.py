"""The Discord permissions each feature needs, and why.

Kept as plain data (attribute names as in ``discord.Permissions`` and the
documented bit values) so the invite URL, ``/daily setup``, ``/doctor`` and
the welcome message all name the same permissions the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Need:
    flag: str  # attribute name on discord.Permissions
    label: str  # what Discord's settings screen calls it
    bit: int
    why: str


VIEW_CHANNEL = Need("view_channel", "View Channel", 1 << 10, "see the channels it posts in")
SEND_MESSAGES = Need("send_messages", "Send Messages", 1 << 11, "post daily prompts and lobbies")
EMBED_LINKS = Need("embed_links", "Embed Links", 1 << 14, "post prompts, reviews and scorecards as embeds")
ATTACH_FILES = Need("attach_files", "Attach Files", 1 << 15, "attach progress charts and mock exports")
READ_HISTORY = Need(
    "read_message_history", "Read Message History", 1 << 16, "find its own posts after a restart"
)
ADD_REACTIONS = Need("add_reactions", "Add Reactions", 1 << 6, "mark reviewed answers in threads with 📝")
MANAGE_ROLES = Need(
    "manage_roles", "Manage Roles", 1 << 28,
    "give and take the daily ping role when members press Subscribe",
)
MANAGE_THREADS = Need(
    "manage_threads", "Manage Threads", 1 << 34, "archive finished mock-interview threads"
)
CREATE_PUBLIC_THREADS = Need(
    "create_public_threads", "Create Public Threads", 1 << 35,
    "open a discussion thread per daily prompt and per mock interview",
)
SEND_IN_THREADS = Need(
    "send_messages_in_threads", "Send Messages in Threads", 1 << 38,
    "post phases, probes and reviews inside threads",
)

# Guild-wide, for /mock schedule: Discord's "Create Events" (1 << 44). Since Discord
# split it from Manage Events (1 << 33) in 2023, Manage Events alone only edits and
# deletes events; creating one needs this bit. discord.py 2.x: Permissions.create_events.
CREATE_EVENTS = Need(
    "create_events", "Create Events", 1 << 44,
    "create a Discord event for each mock round booked with /mock schedule",
)
# In a forum Discord's settings screen names Send Messages "Create Posts" and Send
# Messages in Threads "Send Messages in Posts"; the flags are the same.
CREATE_POSTS = Need("send_messages", "Create Posts", 1 << 11,
                    "create a forum post for each daily prompt")
SEND_IN_POSTS = Need("send_messages_in_threads", "Send Messages in Posts", 1 << 38,
                     "post the how-to and the end-of-day list inside each forum post")
MANAGE_CHANNELS = Need("manage_channels", "Manage Channels", 1 << 4,
                       "create the week, topic and kind tags in the daily forum")

ALL_NEEDS: tuple[Need, ...] = (
    VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES, CREATE_PUBLIC_THREADS,
    SEND_IN_THREADS, MANAGE_THREADS, READ_HISTORY, ADD_REACTIONS,
)
# Read Message History: creating a thread from a message, and finding a half-done
# post again after a restart, both read the channel's history.
DAILY_CHANNEL_NEEDS: tuple[Need, ...] = (
    VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, CREATE_PUBLIC_THREADS, SEND_IN_THREADS, READ_HISTORY,
)
# A forum: posts are created with their starter message (no thread from a message).
DAILY_FORUM_NEEDS: tuple[Need, ...] = (
    VIEW_CHANNEL, CREATE_POSTS, EMBED_LINKS, SEND_IN_POSTS, READ_HISTORY,
)
# Only for the tags: without it the posts still go out, untagged.
DAILY_FORUM_TAG_NEEDS: tuple[Need, ...] = (MANAGE_CHANNELS,)
MOCK_CHANNEL_NEEDS: tuple[Need, ...] = (*DAILY_CHANNEL_NEEDS, MANAGE_THREADS, ATTACH_FILES)
WELCOME_NEEDS: tuple[Need, ...] = (VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS)
# Guild-level needs, checked on the server rather than per channel (/doctor: one line each).
GUILD_NEEDS: tuple[Need, ...] = (CREATE_EVENTS,)
#: What ``python -m bot invite`` asks for: every channel need and the guild-level ones.
INVITE_NEEDS: tuple[Need, ...] = (*ALL_NEEDS, *GUILD_NEEDS)
# Guild-wide, and only when /daily setup names a ping role; not in the invite by default.
PING_ROLE_NEEDS: tuple[Need, ...] = (MANAGE_ROLES,)


@dataclass(frozen=True)
class Intent:
    """A gateway intent the bot asks for (none of these is privileged), and why."""

    name: str
    why: str


VOICE_STATES = Intent(
    "Voice States",
    "see which voice channel a /mock start host is in, so the round is a voice round there",
)
GATEWAY_INTENTS: tuple[Intent, ...] = (
    Intent("Guilds", "know its servers, channels and threads"),
    Intent("Guild Messages", "hear thread messages (their text needs Message Content)"),
    VOICE_STATES,
)

#: Discord's name for a permission flag where its settings screen differs from the flag
#: (``manage_guild`` is "Manage Server"), so no message says "Manage Guild".
_UI_NAMES = {"manage_guild": "Manage Server", "manage_roles": "Manage Roles",
             "manage_channels": "Manage Channels", "manage_messages": "Manage Messages"}


def permission_label(flag: str) -> str:
    """What Discord's UI calls the permission named by a ``discord.Permissions`` flag."""
    known = {need.flag: need.label for need in INVITE_NEEDS}
    return _UI_NAMES.get(flag) or known.get(flag) or flag.replace("_", " ").title()


def missing_permissions(permissions: object, needs: Iterable[Need]) -> list[Need]:
    """The needs not granted by ``permissions`` (anything with boolean permission attributes)."""
    if getattr(permissions, "administrator", False):
        return []
    return [need for need in needs if not getattr(permissions, need.flag, False)]


def permission_value(needs: Iterable[Need] = INVITE_NEEDS) -> int:
    value = 0
    for need in needs:
        value |= need.bit
    return value


def invite_url(application_id: int, needs: Iterable[Need] = INVITE_NEEDS) -> str:
    query = urlencode({
        "client_id": application_id,
        "scope": "bot applications.commands",
        "permissions": permission_value(needs),
    })
    return f"https://discord.com/oauth2/authorize?{query}"


def fix_hint(need: Need, channel_name: str | None) -> str:
    """The exact place in Discord's UI where an admin grants ``need``."""
    where = f", or grant it in #{channel_name}'s permissions" if channel_name else ""
    return f"Server Settings → Roles → Bar Raiser → enable {need.label}{where}"
