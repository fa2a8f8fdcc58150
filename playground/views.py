"""What the page is sent: the server as a member's client would show it, never a token.

Messages are the stand-in's own MESSAGE objects (the page renders them like Discord's
client); ephemeral ones carry ``interaction_metadata.user`` so the page shows each only
to the member it was for. Commands are flattened to what the "/" picker lists.
"""

from __future__ import annotations

from typing import Any

from playground.server_world import StudyGroup
from standin import StandIn, StandInUsageError
from standin.interactions import SUB_COMMAND, SUB_COMMAND_GROUP

EPHEMERAL = 1 << 6
#: Events the page needs; the rest (READY, GUILD_CREATE, INTERACTION_CREATE with its token) stay out.
PAGE_EVENTS = frozenset({
    "MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "EPHEMERAL_MESSAGE_CREATE",
    "EPHEMERAL_MESSAGE_UPDATE", "EPHEMERAL_MESSAGE_DELETE", "CHANNEL_CREATE", "CHANNEL_UPDATE",
    "CHANNEL_DELETE", "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE", "INTERACTION_CALLBACK",
})


def channels(standin: StandIn, group: StudyGroup) -> list[dict[str, Any]]:
    guild = standin.world.guilds[group.guild_id]
    return [channel.payload() for channel in guild.channels.values()]


def members(standin: StandIn, group: StudyGroup) -> list[dict[str, Any]]:
    """The people you can act as, then the bot; the stand-in's built-in owner is not shown."""
    guild = standin.world.guilds[group.guild_id]
    shown = [*group.people, standin.bot_user_id]
    result = []
    for user_id in shown:
        member = guild.members[user_id]
        roles = [guild.roles[r].name for r in member.role_ids if r in guild.roles]
        result.append({"id": str(user_id), "name": member.user.username, "bot": member.user.bot,
                       "roles": roles, "organiser": user_id == group.organiser_id})
    return result


def messages(standin: StandIn, group: StudyGroup) -> list[dict[str, Any]]:
    """Every message of the server's channels and threads, ephemerals included, in order."""
    guild_channels = set(standin.world.guilds[group.guild_id].channels)
    return [m for m in standin.world.messages.values() if int(m["channel_id"]) in guild_channels]


def commands(standin: StandIn, group: StudyGroup) -> list[dict[str, Any]]:
    """Each runnable command path ("daily setup") with its options and who may see it."""
    guild = standin.world.guilds[group.guild_id]
    registered = standin.registered_commands(group.guild_id) + standin.registered_commands(None)
    listed: list[dict[str, Any]] = []
    for command in registered:
        visible = [str(uid) for uid in group.people if _visible(standin, command,
                                                                 guild.member_permissions(uid))]
        if command["type"] != 1:
            listed.append({"path": command["name"], "type": command["type"], "options": [],
                           "description": "", "visible_to": visible})
            continue
        for path, leaf in _leaves(command["name"], command):
            listed.append({"path": path, "type": 1, "description": leaf.get("description", ""),
                           "options": leaf.get("options") or [], "visible_to": visible})
    return sorted(listed, key=lambda c: c["path"])


def _visible(standin: StandIn, command: dict[str, Any], permissions: int) -> bool:
    try:
        standin.commands.check_visible(command, permissions)
    except StandInUsageError:
        return False
    return True


def _leaves(path: str, node: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    subs = [o for o in node.get("options") or [] if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
    if not subs:
        return [(path, node)]
    return [leaf for sub in subs for leaf in _leaves(f"{path} {sub['name']}", sub)]


def used_commands(standin: StandIn) -> dict[str, str]:
    """Interaction id -> "daily setup", for the "Olivia used /daily setup" line over replies."""
    used = {}
    for record in standin.responses.by_id.values():
        data = record.payload.get("data") or {}
        if record.type != 2 or "name" not in data:
            continue
        path, options = [data["name"]], data.get("options") or []
        while options and options[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
            path.append(options[0]["name"])
            options = options[0].get("options") or []
        used[str(record.id)] = " ".join(path)
    return used


def snapshot(standin: StandIn, group: StudyGroup, bot: dict[str, Any]) -> dict[str, Any]:
    guild = standin.world.guilds[group.guild_id]
    return {
        "guild": {"id": str(guild.id), "name": guild.name},
        "bot_id": str(standin.bot_user_id),
        "default_channel": str(group.channels["general"]),
        "channels": channels(standin, group),
        "members": members(standin, group),
        "messages": messages(standin, group),
        "commands": commands(standin, group),
        "used": used_commands(standin),
        "bot": bot,
    }
