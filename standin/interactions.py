"""Interactions a test sends as a member: the INTERACTION_CREATE payloads and their record.

Discord's client builds ``data.options`` from the synced command definitions (typed
values, nested subcommands, ``resolved`` objects) and refuses what the UI would not
allow; the builders here do the same and raise ``StandInUsageError`` for the rest.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from standin.errors import StandInUsageError
from standin.model import Channel, Guild
from standin.notify import Notifier
from standin.world import World

PING, COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN = 1, 2, 3, 4, 5
USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 6, 7, 8, 9, 10
DEADLINE_SECONDS = 3.0
EPHEMERAL, LOADING = 64, 128


@dataclass
class InteractionRecord:
    """One interaction and everything the bot answered to it."""

    id: int
    token: str
    type: int
    user_id: int
    channel_id: int
    payload: dict[str, Any]
    world: World = field(repr=False)
    notifier: Notifier = field(repr=False)
    dispatched_at: float = field(default_factory=time.monotonic)
    callback_type: int | None = None
    callback_data: Any = None
    callback_at: float | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    source_message_id: int | None = None

    @property
    def latency(self) -> float | None:
        """Seconds from dispatching INTERACTION_CREATE to the callback (Discord allows 3)."""
        return None if self.callback_at is None else self.callback_at - self.dispatched_at

    @property
    def expired(self) -> bool:
        return time.monotonic() - self.dispatched_at > DEADLINE_SECONDS

    @property
    def original(self) -> dict[str, Any] | None:
        return self.world.messages.get(self.original_id) if self.original_id else None

    @property
    def ephemeral(self) -> bool:
        original = self.original
        return bool(original and original["flags"] & EPHEMERAL)

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.callback_data if self.callback_type == 9 else None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        return self.callback_data.get("choices") if self.callback_type == 8 else None

    def messages(self) -> list[dict[str, Any]]:
        """The original response (if any) and the followups, as the member sees them now."""
        ids = ([self.original_id] if self.original_id else []) + self.followup_ids
        return [self.world.messages[i] for i in ids if i in self.world.messages]

    async def wait_callback(self, timeout: float = 5.0) -> InteractionRecord:  # noqa: ASYNC109 (names what timed out)
        await self.notifier.wait_for(lambda: self.callback_type is not None, timeout,
                                     f"a callback to interaction {self.id}")
        return self

    async def wait_message(self, predicate: Callable[[dict[str, Any]], bool] | None = None,
                           timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109 (names what timed out)
        """The first response message (original or followup, not still loading) that matches."""
        def probe() -> dict[str, Any] | None:
            return next((m for m in self.messages() if not m["flags"] & LOADING
                         and (predicate is None or predicate(m))), None)
        return await self.notifier.wait_for(probe, timeout,
                                            f"a response message to interaction {self.id}")


def interaction_token() -> str:
    return "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)


def base_payload(world: World, kind: int, user_id: int, channel: Channel,
                 data: dict[str, Any] | None) -> dict[str, Any]:
    """The fields every INTERACTION_CREATE has; guild fields when the channel is in a guild."""
    payload: dict[str, Any] = {
        "id": str(world.ids.next()), "application_id": str(world.app_id), "type": kind,
        "token": interaction_token(), "version": 1, "channel": channel.payload(),
        "channel_id": str(channel.id), "locale": "en-US", "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024, "context": 0,
    }
    if data is not None:
        payload["data"] = data
    guild = world.guild_of(channel)
    if guild is None:
        payload.update(user=world.users[user_id].payload(), context=1,
                       authorizing_integration_owners={"1": str(user_id)})
        return payload
    member = world.require_member(guild, user_id)
    payload.update(
        guild_id=str(guild.id), guild_locale="en-US",
        guild={"id": str(guild.id), "locale": "en-US", "features": []},
        member=member.payload() | {"permissions": str(guild.member_permissions(user_id, channel.id))},
        app_permissions=str(guild.member_permissions(world.bot_user.id, channel.id)),
        authorizing_integration_owners={"0": str(guild.id)})
    return payload


class OptionBuilder:
    """Turns ``{"channel": 123, "time": "07:30"}`` into typed options plus ``resolved``."""

    def __init__(self, world: World, guild: Guild | None) -> None:
        self.world = world
        self.guild = guild
        self.resolved: dict[str, dict[str, Any]] = {}

    def build(self, definitions: list[dict[str, Any]], values: dict[str, Any],
              focused: str | None) -> list[dict[str, Any]]:
        by_name = {d["name"]: d for d in definitions}
        unknown = set(values) - set(by_name)
        if unknown:
            raise StandInUsageError(f"no such options {sorted(unknown)}; have {sorted(by_name)}")
        missing = [d["name"] for d in definitions if d.get("required") and d["name"] not in values
                   and d["name"] != focused]
        if missing and focused is None:
            raise StandInUsageError(f"required options missing: {missing}")
        options = []
        for name, value in values.items():
            option = {"name": name, "type": by_name[name]["type"],
                      "value": self._value(by_name[name], value, name == focused)}
            if name == focused:
                option["focused"] = True
            options.append(option)
        return options

    def _value(self, definition: dict[str, Any], value: Any, focused: bool) -> Any:
        kind = definition["type"]
        if focused:
            return str(value)
        choices = definition.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise StandInUsageError(f"{value!r} is not a choice of option {definition['name']}")
        if kind == CHANNEL and definition.get("channel_types") is not None:
            channel_type = self.world.channel(int(value)).type
            if channel_type not in definition["channel_types"]:
                raise StandInUsageError(
                    f"option {definition['name']} offers channel types "
                    f"{definition['channel_types']}, not type {channel_type}")
        if kind in (USER, CHANNEL, ROLE, MENTIONABLE):
            self._resolve(kind, int(value))
            return str(value)
        converters: dict[int, Callable[[Any], Any]] = {STRING: str, INTEGER: int, BOOLEAN: bool,
                                                       NUMBER: float}
        return converters.get(kind, lambda v: v)(value)

    def _resolve(self, kind: int, snowflake: int) -> None:
        key = str(snowflake)
        if kind == CHANNEL or (kind == MENTIONABLE and snowflake in self.world.channels):
            channel = self.world.channel(snowflake)
            bot_perms = (self.guild.member_permissions(self.world.bot_user.id, channel.id)
                         if self.guild else 0)
            self.resolved.setdefault("channels", {})[key] = channel.payload() | {
                "permissions": str(bot_perms)}
        elif kind == ROLE or (self.guild is not None and snowflake in self.guild.roles):
            self.resolved.setdefault("roles", {})[key] = self.guild.roles[snowflake].payload()  # type: ignore[union-attr]
        else:
            user = self.world.users[snowflake]
            self.resolved.setdefault("users", {})[key] = user.payload()
            if self.guild is not None and snowflake in self.guild.members:
                member = self.guild.members[snowflake].payload()
                member.pop("user")
                self.resolved.setdefault("members", {})[key] = member | {
                    "permissions": str(self.guild.member_permissions(snowflake))}
