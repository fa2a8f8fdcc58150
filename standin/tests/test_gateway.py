"""The stand-in's gateway against an unmodified discord.py client."""

from __future__ import annotations

import json
import time
import zlib

import aiohttp
import discord
import pytest

from standin import StandIn, make_token
from standin import permissions as perms
from standin.harness import discord_globals_restored, run_client


def plain_client(intents: discord.Intents | None = None) -> discord.Client:
    """A stock discord.py client; a short guild_ready_timeout keeps READY fast."""
    return discord.Client(intents=intents or discord.Intents.default(), guild_ready_timeout=0.1)


async def test_ready_and_guild_create_give_discord_py_the_guild(standin: StandIn) -> None:
    guild = standin.add_guild("Study", bot_permissions=perms.SEND_MESSAGES,
                              everyone_permissions=perms.VIEW_CHANNEL)
    category = guild.add_category("prep")
    hidden = guild.add_text_channel("mods", category_id=category, overwrites=[
        perms.Overwrite(guild.bot_role_id, perms.ROLE_OVERWRITE, deny=perms.VIEW_CHANNEL)])
    async with run_client(standin, plain_client()) as client:
        seen = client.get_guild(guild.id)
        assert seen is not None and seen.name == "Study"
        assert {c.name for c in seen.channels} == {"general", "prep", "mods"}
        general = discord.utils.get(seen.text_channels, name="general")
        assert general.permissions_for(seen.me).send_messages
        assert not general.permissions_for(seen.me).create_public_threads
        assert not seen.get_channel(hidden).permissions_for(seen.me).view_channel
        assert client.application_id == standin.app_id


async def test_bot_joining_a_guild_later_is_a_guild_create(standin: StandIn) -> None:
    async with run_client(standin, plain_client()) as client:
        joined = client.wait_for("guild_join")
        guild = standin.add_guild("Later")
        assert (await joined).id == guild.id
        removed = client.wait_for("guild_remove")
        standin.remove_guild(guild.id)
        assert (await removed).id == guild.id and client.get_guild(guild.id) is None


async def test_gateway_speaks_zlib_stream_when_asked_and_plain_json_otherwise(
        standin: StandIn) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(standin.gateway.url + "?v=10&encoding=json&compress=zlib-stream") as ws:
            frame = await ws.receive()
            assert frame.type is aiohttp.WSMsgType.BINARY and frame.data.endswith(b"\x00\x00\xff\xff")
            hello = json.loads(zlib.decompressobj().decompress(frame.data))
        async with http.ws_connect(standin.gateway.url + "?v=10&encoding=json") as ws:
            plain = json.loads(await ws.receive_str())
    assert hello["op"] == plain["op"] == 10
    assert hello["d"]["heartbeat_interval"] == 41_250


async def test_discord_py_connects_compressed(standin: StandIn) -> None:
    async with run_client(standin, plain_client()):
        assert standin.gateway.connect_queries[-1]["compress"] == "zlib-stream"


async def test_wrong_token_is_refused_at_login(standin: StandIn) -> None:
    client = plain_client()
    with discord_globals_restored(), pytest.raises(discord.LoginFailure):
        discord.http.Route.BASE = standin.api_base
        await client.login(make_token(standin.app_id))
    await client.close()
    assert standin.requests("GET", "/users/@me")[0].status == 401


async def test_privileged_intent_the_app_lacks_is_close_code_4014(standin: StandIn) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    client = plain_client(intents)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with run_client(standin, client):
            pass
    assert 4014 in standin.gateway.close_codes


async def test_granted_message_content_intent_is_accepted_and_content_delivered() -> None:
    server = StandIn(privileged_intents=1 << 15)
    await server.start()
    try:
        guild = server.add_guild("g")
        member = guild.add_member("ada")
        intents = discord.Intents.default()
        intents.message_content = True
        async with run_client(server, plain_client(intents)) as client:
            received = client.wait_for("message")
            server.post_message(next(iter(guild.channels)), member, "hello bot")
            assert (await received).content == "hello bot"
    finally:
        await server.stop()


async def test_without_the_intent_other_peoples_content_is_blank(standin: StandIn) -> None:
    guild = standin.add_guild("g")
    member = guild.add_member("ada")
    channel = next(iter(guild.channels))
    async with run_client(standin, plain_client()) as client:
        received = client.wait_for("message")
        standin.post_message(channel, member, "secret")
        assert (await received).content == ""
        mentioned = client.wait_for("message")
        standin.post_message(channel, member, f"<@{standin.bot_user_id}> hi")
        assert (await mentioned).content.endswith("hi")


async def test_dropped_websocket_resumes_and_replays_missed_events(standin: StandIn) -> None:
    guild = standin.add_guild("g")
    member = guild.add_member("ada")
    channel = next(iter(guild.channels))
    async with run_client(standin, plain_client()) as client:
        resumed = client.wait_for("resumed")
        missed = client.wait_for("message")
        await standin.drop_websocket()
        standin.post_message(channel, member, "while you were away")
        await resumed
        assert (await missed).channel.id == channel
        assert len(standin.gateway.identifies) == 1
        assert standin.gateway.resumes[-1]["session_id"] == standin.gateway.session.id


async def test_reconnect_request_is_followed_by_a_resume(standin: StandIn) -> None:
    standin.add_guild("g")
    async with run_client(standin, plain_client()) as client:
        resumed = client.wait_for("resumed")
        standin.request_reconnect()
        await resumed
    assert len(standin.gateway.identifies) == 1 and len(standin.gateway.resumes) == 1


async def test_invalid_session_makes_discord_py_identify_again(standin: StandIn) -> None:
    standin.add_guild("g")
    async with run_client(standin, plain_client()) as client:
        first_session = standin.gateway.session.id
        ready_again = client.wait_for("ready")
        standin.invalidate_session()
        await ready_again
        assert len(standin.gateway.identifies) == 2
        assert standin.gateway.session.id != first_session
        assert len(client.guilds) == 1


async def test_resume_of_an_unknown_session_is_refused_with_op_9(standin: StandIn) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(standin.gateway.url) as ws:
        await ws.receive_str()
        await ws.send_json({"op": 6, "d": {"token": standin.token, "session_id": "nope", "seq": 3}})
        answer = json.loads(await ws.receive_str())
    assert answer == {"op": 9, "d": False, "s": None, "t": None}


@pytest.mark.slow
async def test_ready_with_1000_guilds(standin: StandIn) -> None:
    for index in range(1000):
        standin.add_guild(f"guild-{index}", channels=("general", "daily", "mock"))
    started = time.perf_counter()
    async with run_client(standin, plain_client(), ready_within=60) as client:
        elapsed = time.perf_counter() - started
        assert len(client.guilds) == 1000
        assert all(len(g.text_channels) == 3 for g in client.guilds)
    print(f"READY with 1000 guilds after {elapsed:.2f}s (includes guild_ready_timeout=0.1s)")
