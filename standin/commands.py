"""Application commands: the sync endpoints and looking up a command by its name path.

Every bulk overwrite (PUT) is kept in ``syncs`` so a test can assert that a restart with
unchanged commands does not sync again. Ids survive re-syncs of an unchanged name and
type, as on Discord.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from standin import permissions as perms
from standin.errors import ApiError, StandInUsageError, missing_access
from standin.interactions import SUB_COMMAND, SUB_COMMAND_GROUP
from standin.router import Call, Router
from standin.world import World

CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3
_NAME = re.compile(r"^[-_\w]{1,32}$")


@dataclass
class CommandSync:
    """One bulk overwrite: ``guild_id`` None for global commands."""

    guild_id: int | None
    commands: list[dict[str, Any]]


class Commands:
    def __init__(self, world: World) -> None:
        self.world = world
        self.registered: dict[int | None, list[dict[str, Any]]] = {}
        self.syncs: list[CommandSync] = []

    def install(self, router: Router) -> None:
        base = "/applications/{application_id}"
        router.add("GET", base + "/commands", self.get_global)
        router.add("PUT", base + "/commands", self.put_global)
        router.add("GET", base + "/guilds/{guild_id}/commands", self.get_guild)
        router.add("PUT", base + "/guilds/{guild_id}/commands", self.put_guild)

    def _check_app(self, call: Call) -> None:
        if call.params["application_id"] != self.world.app_id:
            raise missing_access()

    def _check_guild(self, call: Call) -> int:
        self._check_app(call)
        guild_id = call.params["guild_id"]
        if guild_id not in self.world.guilds:
            raise missing_access()
        return guild_id

    async def get_global(self, call: Call) -> tuple[int, Any]:
        self._check_app(call)
        return 200, self.registered.get(None, [])

    async def get_guild(self, call: Call) -> tuple[int, Any]:
        return 200, self.registered.get(self._check_guild(call), [])

    async def put_global(self, call: Call) -> tuple[int, Any]:
        self._check_app(call)
        return 200, self._overwrite(None, call.json)

    async def put_guild(self, call: Call) -> tuple[int, Any]:
        return 200, self._overwrite(self._check_guild(call), call.json)

    def _overwrite(self, guild_id: int | None, definitions: list[dict[str, Any]]
                   ) -> list[dict[str, Any]]:
        _validate(definitions)
        previous = {(c["name"], c.get("type", 1)): c["id"] for c in self.registered.get(guild_id, [])}
        stored = []
        for definition in definitions:
            kind = definition.get("type", CHAT_INPUT)
            command = {"default_member_permissions": None, "nsfw": False, "options": [],
                       "description": "", "contexts": None, "integration_types": [0]}
            command.update(definition)
            command.update(id=previous.get((definition["name"], kind), str(self.world.ids.next())),
                           application_id=str(self.world.app_id), type=kind,
                           version=str(self.world.ids.next()))
            if guild_id is not None:
                command["guild_id"] = str(guild_id)
            stored.append(command)
        self.registered[guild_id] = stored
        self.syncs.append(CommandSync(guild_id, stored))
        return stored

    def restore(self, guild_id: int | None, commands: list[dict[str, Any]]) -> None:
        """Commands the application registered in an earlier run: Discord keeps them, so a bot
        that remembers its last sync does not sync again. Not recorded in ``syncs``."""
        self.registered[guild_id] = [dict(command) for command in commands]

    # -- lookups for interactions -----------------------------------------------------------
    def find(self, guild_id: int | None, name: str, kind: int) -> dict[str, Any]:
        """Guild commands shadow global ones, as in Discord's command picker."""
        for scope in (guild_id, None):
            for command in self.registered.get(scope, []):
                if command["name"] == name and command["type"] == kind:
                    return command
        known = sorted(c["name"] for s in (guild_id, None) for c in self.registered.get(s, []))
        raise StandInUsageError(f"no synced command {name!r} of type {kind}; synced: {known}")

    def check_visible(self, command: dict[str, Any], member_permissions: int) -> None:
        """Discord hides commands whose default_member_permissions the member lacks."""
        needed = command.get("default_member_permissions")
        if needed is None or member_permissions & perms.ADMINISTRATOR:
            return
        if int(needed) & member_permissions != int(needed):
            raise StandInUsageError(f"/{command['name']} is hidden from this member "
                                    f"(needs permissions {needed})")


def walk_path(command: dict[str, Any], path: list[str]
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Follow subcommand group / subcommand names: the leaf's option definitions and the chain."""
    definitions = command.get("options") or []
    chain = []
    for name in path:
        match = next((o for o in definitions if o["name"] == name
                      and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)), None)
        if match is None:
            raise StandInUsageError(f"/{command['name']} has no subcommand {name!r}")
        chain.append(match)
        definitions = match.get("options") or []
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in definitions):
        raise StandInUsageError(f"/{command['name']} {' '.join(path)} needs a subcommand")
    return definitions, chain


def nest(chain: list[dict[str, Any]], leaf_options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Wrap leaf options in their subcommand (group) options, as Discord nests them."""
    options = leaf_options
    for definition in reversed(chain):
        options = [{"name": definition["name"], "type": definition["type"], "options": options}]
    return options


def _validate(definitions: list[dict[str, Any]]) -> None:
    errors: dict[str, Any] = {}
    seen = set()
    for index, definition in enumerate(definitions):
        kind = definition.get("type", CHAT_INPUT)
        key = (definition.get("name"), kind)
        if kind == CHAT_INPUT and not _NAME.match(definition.get("name", "")):
            errors[str(index)] = {"name": {"_errors": [{"code": "APPLICATION_COMMAND_INVALID_NAME",
                                                        "message": "Command name is invalid"}]}}
        if kind == CHAT_INPUT and not 1 <= len(definition.get("description", "")) <= 100:
            errors[str(index)] = {"description": {"_errors": [{
                "code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]}}
        if key in seen:
            errors[str(index)] = {"name": {"_errors": [{
                "code": "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "message": "Application command names must be unique"}]}}
        seen.add(key)
    if errors:
        raise ApiError(400, 50035, "Invalid Form Body", errors)
