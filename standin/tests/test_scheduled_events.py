"""Guild scheduled events through discord.py and raw HTTP: lifecycle, rules, users, intents."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import discord
import pytest

from standin import StandIn, StandInUsageError
from standin import permissions as perms
from standin.gateway import GUILD_MEMBERS
from standin.harness import run_client
from standin.model import Guild

EVENTS = "/guilds/{guild_id}/scheduled-events"
BOT_WITH_EVENTS = perms.BOT_DEFAULT | perms.CREATE_EVENTS


def plain_client(intents: discord.Intents | None = None) -> discord.Client:
    return discord.Client(intents=intents or discord.Intents.default(), guild_ready_timeout=0.1)


def soon(hours: float = 1) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


async def api(standin: StandIn, method: str, path: str, body: Any = None,
              params: dict[str, str] | None = None) -> tuple[int, Any]:
    """A raw bot-token request, bypassing discord.py's own checks to reach the stand-in's."""
    async with aiohttp.ClientSession() as http, http.request(
            method, standin.api_base + path, json=body, params=params,
            headers={"Authorization": f"Bot {standin.token}"}) as response:
        return response.status, (await response.json() if response.status != 204 else None)


def voice_body(room: int, **changes: Any) -> dict[str, Any]:
    return {"name": "Mock round", "privacy_level": 2, "entity_type": 2,
            "channel_id": str(room), "scheduled_start_time": soon().isoformat()} | changes


def study_guild(standin: StandIn, bot_permissions: int = BOT_WITH_EVENTS) -> tuple[Guild, int]:
    guild = standin.add_guild("Study", bot_permissions=bot_permissions)
    return guild, guild.add_voice_channel("Mock room")


async def test_voice_event_lifecycle_through_discord_py(standin: StandIn) -> None:
    guild, room = study_guild(standin)
    async with run_client(standin, plain_client()) as client:
        seen = client.get_guild(guild.id)
        created = client.wait_for("scheduled_event_create")
        event = await seen.create_scheduled_event(
            name="Mock round", start_time=soon(), channel=seen.get_channel(room),
            entity_type=discord.EntityType.voice, privacy_level=discord.PrivacyLevel.guild_only,
            description="Design a URL shortener")
        assert (await created).id == event.id
        assert event.status is discord.EventStatus.scheduled and event.channel_id == room
        assert event.creator_id == standin.bot_user_id and event.description.startswith("Design")
        updated = client.wait_for("scheduled_event_update")
        event = await event.start()
        _, after = await updated
        assert event.status is after.status is discord.EventStatus.active
        event = await event.end()
        assert event.status is discord.EventStatus.completed
        assert standin.scheduled_event(guild.id, event.id)["status"] == 3
        assert await seen.fetch_scheduled_events() == []  # ended events leave the list
        deleted = client.wait_for("scheduled_event_delete")
        await event.delete()
        assert (await deleted).id == event.id
        with pytest.raises(discord.NotFound) as missing:
            await seen.fetch_scheduled_event(event.id)
        assert missing.value.code == 10070


async def test_status_changes_follow_discords_state_machine(standin: StandIn) -> None:
    guild, room = study_guild(standin)
    status, event = await api(standin, "POST", f"/guilds/{guild.id}/scheduled-events",
                              voice_body(room))
    assert status == 200 and event["status"] == 1
    one = f"/guilds/{guild.id}/scheduled-events/{event['id']}"
    status, error = await api(standin, "PATCH", one, {"status": 3})  # SCHEDULED→COMPLETED
    assert status == 400 and error["code"] == 50035 and "status" in error["errors"]
    assert (await api(standin, "PATCH", one, {"status": 4}))[0] == 200  # →CANCELED
    status, error = await api(standin, "PATCH", one, {"status": 2})  # a canceled event is over
    assert status == 400
    status, other = await api(standin, "POST", f"/guilds/{guild.id}/scheduled-events",
                              voice_body(room))
    two = f"/guilds/{guild.id}/scheduled-events/{other['id']}"
    assert (await api(standin, "PATCH", two, {"status": 2}))[0] == 200
    assert (await api(standin, "PATCH", two, {"status": 4}))[0] == 400  # ACTIVE→CANCELED
    assert (await api(standin, "PATCH", two, {"status": 1}))[0] == 400  # no way back
    assert (await api(standin, "PATCH", two, {"status": 3}))[0] == 200


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"description": "x" * 1001}, "description"),
    ({"privacy_level": 1}, "privacy_level"),
    ({"entity_type": 9}, "entity_type"),
    ({"scheduled_start_time": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()},
     "scheduled_start_time"),
    ({"scheduled_start_time": "next thursday"}, "scheduled_start_time"),
    ({"scheduled_end_time": (datetime.now(UTC) + timedelta(minutes=5)).isoformat()},
     "scheduled_end_time"),
    ({"channel_id": None}, "channel_id"),
    ({"entity_type": 1}, "channel_id"),  # a stage event needs a stage channel
    ({"entity_metadata": {"location": "Room 1"}}, "entity_metadata"),
])
async def test_invalid_events_are_refused_field_by_field(
        standin: StandIn, changes: dict[str, Any], field: str) -> None:
    guild, room = study_guild(standin)
    status, error = await api(standin, "POST", f"/guilds/{guild.id}/scheduled-events",
                              voice_body(room, **changes))
    assert status == 400 and error["code"] == 50035 and field in error["errors"]
    assert guild.scheduled_events == {}


async def test_external_events_need_a_location_and_an_end(standin: StandIn) -> None:
    guild, _ = study_guild(standin)
    path = f"/guilds/{guild.id}/scheduled-events"
    external = {"name": "Meetup", "privacy_level": 2, "entity_type": 3,
                "scheduled_start_time": soon().isoformat()}
    status, error = await api(standin, "POST", path, external)
    assert status == 400 and {"entity_metadata", "scheduled_end_time"} <= set(error["errors"])
    status, event = await api(standin, "POST", path, external | {
        "entity_metadata": {"location": "Library"}, "scheduled_end_time": soon(2).isoformat()})
    assert status == 200 and event["entity_metadata"] == {"location": "Library"}
    assert event["channel_id"] is None


async def test_permissions_create_events_and_manage_events(standin: StandIn) -> None:
    guild, room = study_guild(standin, bot_permissions=perms.BOT_DEFAULT)
    ada = guild.add_member("ada", permissions=perms.CREATE_EVENTS)
    async with run_client(standin, plain_client()) as client:
        seen = client.get_guild(guild.id)
        with pytest.raises(discord.Forbidden) as refused:
            await seen.create_scheduled_event(
                name="Mock", start_time=soon(), channel=seen.get_channel(room),
                entity_type=discord.EntityType.voice, privacy_level=discord.PrivacyLevel.guild_only)
        assert refused.value.code == 50013
        theirs = standin.create_event_as(ada, guild.id, "Ada's round", soon(), channel_id=room)
        standin.set_role_permissions(guild.id, guild.bot_role_id, BOT_WITH_EVENTS)
        await standin.wait_until(lambda: seen.me.guild_permissions.create_events)
        event = await seen.fetch_scheduled_event(theirs)
        with pytest.raises(discord.Forbidden):  # someone else's event needs Manage Events
            await event.edit(name="Taken over")
        standin.set_role_permissions(guild.id, guild.bot_role_id,
                                     BOT_WITH_EVENTS | perms.MANAGE_EVENTS)
        assert (await event.edit(name="Renamed")).name == "Renamed"
    cannot_connect = guild.add_voice_channel("Closed", overwrites=[
        perms.Overwrite(guild.bot_role_id, perms.ROLE_OVERWRITE, deny=perms.CONNECT)])
    status, error = await api(standin, "POST", f"/guilds/{guild.id}/scheduled-events",
                              voice_body(cannot_connect))
    assert (status, error["code"]) == (403, 50013)
    with pytest.raises(StandInUsageError, match="client refuses"):
        standin.create_event_as(guild.add_member("bob"), guild.id, "No right", soon(),
                                channel_id=room)
    standin.set_role_permissions(guild.id, guild.bot_role_id,
                                 perms.BOT_DEFAULT | perms.MANAGE_EVENTS)  # no Create Events
    status, _ = await api(standin, "PATCH", f"/guilds/{guild.id}/scheduled-events/{theirs}",
                          {"status": 2})
    assert status == 200  # Manage Events alone may run someone else's event


async def test_interested_members_are_user_add_events_and_the_users_list(
        make_standin: Callable[..., Awaitable[StandIn]]) -> None:
    standin = await make_standin(privileged_intents=GUILD_MEMBERS)
    guild, room = study_guild(standin)
    ada, bob = guild.add_member("ada"), guild.add_member("bob")
    for member in (ada, bob):  # discord.py drops USER_ADD for users it has not cached, and
        standin.join_voice(member, room)  # caches users at all only with the members intent
    intents = discord.Intents.default()
    intents.members = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.1,
                            chunk_guilds_at_startup=False)
    async with run_client(standin, client):
        seen = client.get_guild(guild.id)
        event = await seen.create_scheduled_event(
            name="Mock", start_time=soon(), channel=seen.get_channel(room),
            entity_type=discord.EntityType.voice, privacy_level=discord.PrivacyLevel.guild_only)
        added = client.wait_for("scheduled_event_user_add", check=lambda e, u: u.id == bob,
                                timeout=5)
        standin.mark_interested(bob, guild.id, event.id)
        got_event, user = await added
        assert got_event.id == event.id and user.id == bob
        standin.mark_interested(ada, guild.id, event.id)
        assert sorted(u.id for u in [u async for u in event.users()]) == sorted(
            [standin.bot_user_id, ada, bob])  # the creator is interested in its own event
        removed = client.wait_for("scheduled_event_user_remove", timeout=5)
        standin.unmark_interested(bob, guild.id, event.id)
        assert (await removed)[1].id == bob
        fetched = await seen.fetch_scheduled_event(event.id, with_counts=True)
        assert fetched.user_count == 2
    assert standin.interested_users(guild.id, event.id) == [standin.bot_user_id, ada]
    users = f"/guilds/{guild.id}/scheduled-events/{event.id}/users"
    status, with_member = await api(standin, "GET", users, params={"with_member": "true"})
    assert status == 200 and {e["member"]["user"]["id"] for e in with_member} == {
        str(standin.bot_user_id), str(ada)}
    _, first = await api(standin, "GET", users, params={"limit": "1"})
    _, rest = await api(standin, "GET", users, params={"after": first[0]["user"]["id"]})
    assert [e["user"]["id"] for e in first + rest] == sorted(
        [str(standin.bot_user_id), str(ada)], key=int)
    assert "member" not in first[0]
    with pytest.raises(StandInUsageError, match="already interested"):
        standin.mark_interested(ada, guild.id, event.id)


async def test_event_intent_and_guild_create(standin: StandIn) -> None:
    guild, room = study_guild(standin)
    status, event = await api(standin, "POST", f"/guilds/{guild.id}/scheduled-events",
                              voice_body(room))
    assert status == 200
    intents = discord.Intents.default()
    intents.guild_scheduled_events = False
    async with run_client(standin, plain_client(intents)) as client:
        [known] = client.get_guild(guild.id).scheduled_events  # GUILD_CREATE carries it
        assert known.id == int(event["id"]) and known.status is discord.EventStatus.scheduled
        ada = guild.add_member("ada")
        standin.mark_interested(ada, guild.id, known.id)
        await api(standin, "PATCH", f"/guilds/{guild.id}/scheduled-events/{event['id']}",
                  {"status": 2})
        sent = {p["t"] for p in standin.gateway.session.log}
    assert not {t for t in sent if t.startswith("GUILD_SCHEDULED_EVENT")}
