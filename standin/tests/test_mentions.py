"""Who a message actually pings: ``standin.pinged(message)`` under Discord's allowed_mentions rules."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import pytest

from standin import Pinged, StandIn
from standin import permissions as perms
from standin.harness import run_client
from standin.model import Guild


async def post(standin: StandIn, path: str, body: Any, *, auth: bool = True) -> tuple[int, Any]:
    headers = {"Authorization": f"Bot {standin.token}"} if auth else {}
    async with aiohttp.ClientSession() as http, http.request(
            "PATCH" if "@original" in path else ("PUT" if "/commands" in path else "POST"),
            standin.api_base + path, json=body, headers=headers) as response:
        return response.status, (await response.json() if response.status != 204 else None)


async def send(standin: StandIn, channel_id: int, body: dict[str, Any]) -> dict[str, Any]:
    status, message = await post(standin, f"/channels/{channel_id}/messages", body)
    assert status == 200, message
    return message


@pytest.fixture
def study(standin: StandIn) -> tuple[Guild, int]:
    guild = standin.add_guild("Study")
    return guild, next(iter(guild.channels))


async def test_explicit_user_list_pings_exactly_those_users(
        standin: StandIn, study: tuple[Guild, int]) -> None:
    guild, channel = study
    ada, bob, cy = (guild.add_member(n) for n in ("ada", "bob", "cy"))
    role = guild.add_role("candidates", mentionable=True)
    message = await send(standin, channel, {
        "content": f"<@{ada}> <@!{bob}> <@{cy}> <@&{role}> @everyone scorecard",
        "allowed_mentions": {"parse": [], "users": [str(ada), str(bob)]}})
    assert standin.pinged(message) == Pinged(users=frozenset({ada, bob}))
    assert {u["id"] for u in message["mentions"]} == {str(ada), str(bob)}


async def test_allowed_mentions_without_parse_parses_nothing_and_absent_parses_all(
        standin: StandIn, study: tuple[Guild, int]) -> None:
    guild, channel = study
    ada = guild.add_member("ada")
    role = guild.add_role("panel", mentionable=True)
    content = f"<@{ada}> <@&{role}>"
    only_listed = await send(standin, channel, {"content": content,
                                                "allowed_mentions": {"roles": [str(role)]}})
    assert standin.pinged(only_listed) == Pinged(roles=frozenset({role}))
    everything = await send(standin, channel, {"content": content})
    assert standin.pinged(everything) == Pinged(users=frozenset({ada}), roles=frozenset({role}))


async def test_everyone_and_unmentionable_roles_need_mention_everyone(
        standin: StandIn, study: tuple[Guild, int]) -> None:
    guild, channel = study
    quiet = guild.add_role("quiet")  # not mentionable
    body = {"content": f"@everyone <@&{quiet}>", "allowed_mentions": {"parse": ["everyone", "roles"]}}
    assert standin.pinged(await send(standin, channel, body)) == Pinged()
    standin.set_role_permissions(guild.id, guild.bot_role_id,
                                 perms.BOT_DEFAULT | perms.MENTION_EVERYONE)
    assert standin.pinged(await send(standin, channel, body)) == Pinged(
        roles=frozenset({quiet}), everyone=True)


async def test_replies_ping_the_author_only_when_allowed(
        standin: StandIn, study: tuple[Guild, int]) -> None:
    guild, channel = study
    ada = guild.add_member("ada")
    question = standin.post_message(channel, ada, "how do I shard this?")
    reference = {"message_id": question["id"], "channel_id": str(channel)}
    silent = await send(standin, channel, {"content": "see thread", "message_reference": reference,
                                           "allowed_mentions": {"parse": []}})
    assert standin.pinged(silent) == Pinged()
    loud = await send(standin, channel, {"content": "see thread", "message_reference": reference,
                                         "allowed_mentions": {"parse": [], "replied_user": True}})
    assert standin.pinged(loud) == Pinged(users=frozenset({ada}))


async def test_parse_users_with_a_users_list_is_refused(
        standin: StandIn, study: tuple[Guild, int]) -> None:
    guild, channel = study
    ada = guild.add_member("ada")
    status, error = await post(standin, f"/channels/{channel}/messages", {
        "content": f"<@{ada}>", "allowed_mentions": {"parse": ["users"], "users": [str(ada)]}})
    assert (status, error["code"]) == (400, 50035) and "allowed_mentions" in error["errors"]
    assert standin.channel_messages(channel) == []


async def test_edits_notify_nobody_new_but_a_deferred_answer_pings(
        standin: StandIn, study: tuple[Guild, int]) -> None:
    guild, channel = study
    ada, bob = guild.add_member("ada"), guild.add_member("bob")
    sent = await send(standin, channel, {"content": f"<@{ada}>"})
    async with run_client(standin, discord.Client(intents=discord.Intents.default(),
                                                  guild_ready_timeout=0.1)) as client:
        message = await client.get_channel(channel).fetch_message(int(sent["id"]))
        await message.edit(content=f"<@{ada}> <@{bob}>",
                           allowed_mentions=discord.AllowedMentions(users=True))
        assert {u["id"] for u in standin.message(int(sent["id"]))["mentions"]} == {
            str(ada), str(bob)}  # the fields follow the edit ...
        assert standin.pinged(standin.message(int(sent["id"]))) == Pinged(
            users=frozenset({ada}))  # ... but only the sending notified
        status, _ = await post(standin, f"/applications/{standin.app_id}/guilds/{guild.id}/commands",
                               [{"name": "score", "description": "score", "type": 1}])
        assert status == 200
        call = standin.slash(ada, channel, "score", {})
        status, _ = await post(standin, f"/interactions/{call.id}/{call.token}/callback",
                               {"type": 5})
        assert status == 204 and standin.pinged(call.original) == Pinged()  # "thinking…"
        status, _ = await post(
            standin, f"/webhooks/{standin.app_id}/{call.token}/messages/@original",
            {"content": f"<@{ada}> <@{bob}> your scorecard",
             "allowed_mentions": {"parse": [], "users": [str(bob)]}}, auth=False)
        assert status == 200
        assert standin.pinged(call.original) == Pinged(users=frozenset({bob}))
