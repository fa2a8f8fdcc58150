"""Guild scheduled events: the REST endpoints, their gateway events, and "Interested".

Validation follows Discord's documented rules (name 1-100, description up to 1,000,
privacy_level 2, entity types 1 stage / 2 voice / 3 external, start in the future, the
status machine SCHEDULED→ACTIVE→COMPLETED or SCHEDULED→CANCELED) and answers 400/50035
with an ``errors`` tree like Discord's. Creating needs Create Events (plus View Channel
and Connect in a voice event's channel); editing or deleting someone else's event needs
Manage Events; without them 403/50013. Every change dispatches GUILD_SCHEDULED_EVENT_*,
which the gateway sends only with the GUILD_SCHEDULED_EVENTS intent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from standin import permissions as perms
from standin.errors import ApiError, StandInUsageError, missing_permissions, unknown
from standin.event_rules import (
    ACTIVE,
    SCHEDULED,
    STAGE,
    check_fields,
    check_transition,
    parse_time,
)
from standin.model import Guild
from standin.router import Call, Router

if TYPE_CHECKING:
    from standin.world import World

_EDITABLE = ("name", "description", "privacy_level", "entity_type", "channel_id",
             "entity_metadata", "scheduled_start_time", "scheduled_end_time", "status", "image")


@dataclass
class ScheduledEvent:
    id: int
    guild_id: int
    creator_id: int
    fields: dict[str, Any]
    interested: list[int] = field(default_factory=list)  # user ids, in the order they pressed

    @property
    def live(self) -> bool:
        """SCHEDULED or ACTIVE: what members see in the events list and GUILD_CREATE carries."""
        return self.fields["status"] in (SCHEDULED, ACTIVE)

    def payload(self, world: World | None = None, *, with_user_count: bool = False
                ) -> dict[str, Any]:
        data = {"id": str(self.id), "guild_id": str(self.guild_id),
                "creator_id": str(self.creator_id), "entity_id": None, "image": None,
                "recurrence_rule": None, "description": None, "channel_id": None,
                "entity_metadata": None, "scheduled_end_time": None} | self.fields
        if data["channel_id"] is not None:
            data["channel_id"] = str(data["channel_id"])
        if world is not None and self.creator_id in world.users:
            data["creator"] = world.users[self.creator_id].payload()
        if with_user_count:
            data["user_count"] = len(self.interested)
        return data


def _unknown_event() -> ApiError:
    return ApiError(404, 10070, "Unknown Guild Scheduled Event")


class ScheduledEvents:
    """REST: ``/guilds/{guild_id}/scheduled-events[/{event_id}[/users]]``."""

    def __init__(self, world: World) -> None:
        self.world = world

    def install(self, router: Router) -> None:
        base = "/guilds/{guild_id}/scheduled-events"
        one = base + "/{event_id}"
        router.add("GET", base, self.list_events)
        router.add("POST", base, self.create)
        router.add("GET", one, self.get)
        router.add("PATCH", one, self.edit)
        router.add("DELETE", one, self.delete)
        router.add("GET", one + "/users", self.users)

    # -- lookups --------------------------------------------------------------------------
    def _guild(self, call: Call) -> Guild:
        guild = self.world.guilds.get(call.params["guild_id"])
        if guild is None:
            raise unknown("Guild")
        return guild

    def _event(self, call: Call) -> tuple[Guild, ScheduledEvent]:
        guild = self._guild(call)
        event = guild.scheduled_events.get(call.params["event_id"])
        if event is None:
            raise _unknown_event()
        return guild, event

    def _require(self, guild: Guild, fields: dict[str, Any], needed: int,
                 user_id: int | None = None) -> None:
        """Guild-level ``needed``; for a voice/stage event also access to its channel."""
        bot = self.world.bot_user.id if user_id is None else user_id
        if guild.member_permissions(bot) & needed != needed:
            raise missing_permissions()
        channel_id = fields.get("channel_id")
        if channel_id is not None and int(channel_id) in guild.channels:
            in_channel = perms.VIEW_CHANNEL | perms.CONNECT
            if fields["entity_type"] == STAGE:
                in_channel |= perms.MANAGE_CHANNELS | perms.MOVE_MEMBERS
            if guild.member_permissions(bot, int(channel_id)) & in_channel != in_channel:
                raise missing_permissions()

    def _flag(self, call: Call, name: str) -> bool:
        return call.query.get(name, "false").lower() in ("1", "true")

    # -- handlers -------------------------------------------------------------------------
    async def list_events(self, call: Call) -> tuple[int, Any]:
        guild = self._guild(call)
        counted = self._flag(call, "with_user_count")
        return 200, [e.payload(self.world, with_user_count=counted)
                     for e in guild.scheduled_events.values() if e.live]

    async def get(self, call: Call) -> tuple[int, Any]:
        _, event = self._event(call)
        return 200, event.payload(self.world, with_user_count=self._flag(call, "with_user_count"))

    async def create(self, call: Call) -> tuple[int, Any]:
        event = self.create_for(self._guild(call), dict(call.json or {}), self.world.bot_user.id)
        return 200, event.payload(self.world)

    def create_for(self, guild: Guild, body: dict[str, Any], creator_id: int) -> ScheduledEvent:
        """Validate, check the creator's permissions, store, dispatch CREATE and USER_ADD."""
        fields = {k: body.get(k) for k in _EDITABLE if k != "status"}
        fields["status"] = SCHEDULED
        check_fields(guild, fields, creating=True)
        self._require(guild, fields, perms.CREATE_EVENTS, creator_id)
        event = ScheduledEvent(self.world.ids.next(), guild.id, creator_id, _normalised(fields))
        guild.scheduled_events[event.id] = event
        self.world.dispatch_guild(guild, "GUILD_SCHEDULED_EVENT_CREATE", event.payload(self.world))
        # Discord marks the creator interested in their own event.
        set_interested(self.world, guild, event, creator_id, True)
        return event

    async def edit(self, call: Call) -> tuple[int, Any]:
        guild, event = self._event(call)
        body = dict(call.json or {})
        self._require_owner_or_manager(guild, event)
        if event.fields["status"] not in (SCHEDULED, ACTIVE):
            raise ApiError(400, 180000, "Cannot modify a finished event")
        fields = event.fields | {k: body[k] for k in _EDITABLE if k in body}
        if body.get("entity_type") == 3 and "channel_id" not in body:
            fields["channel_id"] = None
        if "status" in body:
            check_transition(event.fields["status"], body["status"])
        check_fields(guild, fields, creating=False,
                     start_changed="scheduled_start_time" in body)
        self._require(guild, fields, 0)  # guild-level rights checked above; the channel here
        event.fields = _normalised(fields)
        self.world.dispatch_guild(guild, "GUILD_SCHEDULED_EVENT_UPDATE", event.payload(self.world))
        return 200, event.payload(self.world)

    async def delete(self, call: Call) -> tuple[int, Any]:
        guild, event = self._event(call)
        self._require_owner_or_manager(guild, event)
        del guild.scheduled_events[event.id]
        self.world.dispatch_guild(guild, "GUILD_SCHEDULED_EVENT_DELETE", event.payload(self.world))
        return 204, None

    async def users(self, call: Call) -> tuple[int, Any]:
        """Interested users by ascending user id; ``limit`` (≤100), ``before``/``after``."""
        guild, event = self._event(call)
        limit = int(call.query.get("limit", 100))
        if not 1 <= limit <= 100:
            raise ApiError(400, 50035, "Invalid Form Body", {"limit": {"_errors": [
                {"code": "NUMBER_TYPE_MAX", "message": "int value should be <= 100."}]}})
        ids = sorted(event.interested)
        if "before" in call.query:
            ids = [u for u in ids if u < int(call.query["before"])][-limit:]
        else:
            ids = [u for u in ids if u > int(call.query.get("after", 0))][:limit]
        with_member = self._flag(call, "with_member")
        answer = []
        for user_id in ids:
            entry: dict[str, Any] = {"guild_scheduled_event_id": str(event.id),
                                     "user": self.world.users[user_id].payload()}
            if with_member and user_id in guild.members:
                entry["member"] = guild.members[user_id].payload()
            answer.append(entry)
        return 200, answer

    def _require_owner_or_manager(self, guild: Guild, event: ScheduledEvent) -> None:
        bot = self.world.bot_user.id
        granted = guild.member_permissions(bot)
        if event.creator_id != bot and not granted & perms.MANAGE_EVENTS:
            raise missing_permissions()
        if event.creator_id == bot and not granted & (perms.CREATE_EVENTS | perms.MANAGE_EVENTS):
            raise missing_permissions()


def _normalised(fields: dict[str, Any]) -> dict[str, Any]:
    """Times as Discord echoes them (ISO 8601 with offset), ids as ints internally."""
    out = dict(fields)
    for key in ("scheduled_start_time", "scheduled_end_time"):
        if out.get(key) is not None:
            out[key] = parse_time(out[key], key).isoformat()
    if out.get("channel_id") is not None:
        out["channel_id"] = int(out["channel_id"])
    return out


class EventActions:
    """Mixed into ``StandIn``: a member presses "Interested" on an event, or un-presses it."""

    world: World
    scheduled_events: ScheduledEvents

    def create_event_as(self, member_id: int, guild_id: int, name: str, start: datetime, *,
                        channel_id: int | None = None, location: str | None = None,
                        end: datetime | None = None, description: str | None = None) -> int:
        """A member schedules an event in the client (voice with ``channel_id``, external with
        ``location`` and ``end``); Discord's validation and permissions apply. Returns its id.
        API errors surface as ``StandInUsageError`` since a client would not let this through."""
        guild = self.world.guilds[guild_id]
        self.world.require_member(guild, member_id)
        body = {"name": name, "privacy_level": 2, "scheduled_start_time": start.isoformat(),
                "scheduled_end_time": end.isoformat() if end else None,
                "description": description, "channel_id": channel_id,
                "entity_type": 2 if channel_id is not None else 3,
                "entity_metadata": {"location": location} if location is not None else None}
        try:
            return self.scheduled_events.create_for(guild, body, member_id).id
        except ApiError as error:
            raise StandInUsageError(f"the client refuses this event: {error} {error.errors or ''}") from None

    def _member_event(self, member_id: int, guild_id: int, event_id: int
                      ) -> tuple[Guild, ScheduledEvent]:
        guild = self.world.guilds[guild_id]
        self.world.require_member(guild, member_id)
        event = guild.scheduled_events.get(event_id)
        if event is None or not event.live:
            raise StandInUsageError(f"event {event_id} is not scheduled or active in {guild_id}")
        channel_id = event.fields.get("channel_id")
        if channel_id is not None and not (
                guild.member_permissions(member_id, channel_id) & perms.VIEW_CHANNEL):
            raise StandInUsageError(f"user {member_id} cannot see event {event_id}'s channel")
        return guild, event

    def mark_interested(self, member_id: int, guild_id: int, event_id: int) -> None:
        """The member presses "Interested": GUILD_SCHEDULED_EVENT_USER_ADD."""
        guild, event = self._member_event(member_id, guild_id, event_id)
        if member_id in event.interested:
            raise StandInUsageError(f"user {member_id} is already interested in {event_id}")
        set_interested(self.world, guild, event, member_id, True)

    def unmark_interested(self, member_id: int, guild_id: int, event_id: int) -> None:
        """The member presses "Interested" again: GUILD_SCHEDULED_EVENT_USER_REMOVE."""
        guild, event = self._member_event(member_id, guild_id, event_id)
        if member_id not in event.interested:
            raise StandInUsageError(f"user {member_id} is not interested in {event_id}")
        set_interested(self.world, guild, event, member_id, False)

    def scheduled_event(self, guild_id: int, event_id: int) -> dict[str, Any]:
        """The event as Discord would return it, with ``user_count`` (for assertions)."""
        event: ScheduledEvent = self.world.guilds[guild_id].scheduled_events[event_id]
        return event.payload(self.world, with_user_count=True)

    def interested_users(self, guild_id: int, event_id: int) -> list[int]:
        """Who pressed "Interested", in the order they pressed it (the creator first)."""
        return list(self.world.guilds[guild_id].scheduled_events[event_id].interested)


def set_interested(world: World, guild: Guild, event: ScheduledEvent, user_id: int,
                   interested: bool) -> None:
    """Record the change and dispatch GUILD_SCHEDULED_EVENT_USER_ADD / _REMOVE."""
    if interested:
        event.interested.append(user_id)
    else:
        event.interested.remove(user_id)
    kind = "ADD" if interested else "REMOVE"
    world.dispatch_guild(guild, f"GUILD_SCHEDULED_EVENT_USER_{kind}", {
        "guild_scheduled_event_id": str(event.id), "user_id": str(user_id),
        "guild_id": str(guild.id)})
