"""Sharding in the stand-in: each session gets its shard's guilds, DMs go to shard 0."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import discord

from standin import StandIn
from standin.gateway import shard_of
from standin.harness import run_client


def sharded_client(shard_id: int, count: int = 2) -> discord.AutoShardedClient:
    return discord.AutoShardedClient(intents=discord.Intents.default(), shard_ids=[shard_id],
                                     shard_count=count, guild_ready_timeout=0.1)


def guilds_on_both_shards(standin: StandIn, each: int = 2) -> dict[int, list[int]]:
    """``each`` guilds on each of two shards."""
    owned: dict[int, list[int]] = {0: [], 1: []}
    for shard in owned:
        for index in range(each):
            guild = standin.add_guild(f"s{shard}-{index}", on_shard=(shard, 2))
            assert shard_of(guild.id, 2) == shard
            owned[shard].append(guild.id)
    return owned


def messages_seen(client: discord.Client) -> asyncio.Queue[int]:
    """Where each message a client hears was posted: its guild's id, 0 for a DM.

    (Without the message-content intent the text itself arrives blank, as on Discord.)
    """
    seen: asyncio.Queue[int] = asyncio.Queue()

    async def on_message(message: discord.Message) -> None:
        seen.put_nowait(message.guild.id if message.guild else 0)

    client.event(on_message)
    return seen


async def next_message(seen: asyncio.Queue[int]) -> int:
    async with asyncio.timeout(5):
        return await seen.get()


async def test_gateway_bot_recommends_the_configured_shard_count(make_standin) -> None:
    standin = await make_standin(shards=4)
    headers = {"Authorization": f"Bot {standin.token}"}
    async with aiohttp.ClientSession() as http, http.get(f"{standin.api_base}/gateway/bot",
                                                         headers=headers) as response:
        assert (await response.json())["shards"] == 4


async def test_each_shard_sees_only_its_guilds_and_their_events(make_standin) -> None:
    standin = await make_standin(shards=2)
    owned = guilds_on_both_shards(standin)
    first, second = sharded_client(0), sharded_client(1)
    seen_first, seen_second = messages_seen(first), messages_seen(second)
    async with run_client(standin, first), run_client(standin, second):
        assert sorted(g.id for g in first.guilds) == sorted(owned[0])
        assert sorted(g.id for g in second.guilds) == sorted(owned[1])
        for shard, guild_ids in owned.items():
            guild = standin.world.guilds[guild_ids[0]]
            member = guild.add_member(f"member-{shard}")
            standin.post_message(next(iter(guild.channels)), member, f"to shard {shard}")
        assert await next_message(seen_first) == owned[0][0]
        assert await next_message(seen_second) == owned[1][0]
    assert seen_first.empty() and seen_second.empty()
    assert [i["shard"] for i in standin.gateway.identifies] == [[0, 2], [1, 2]]


async def test_two_sessions_on_one_shard_both_get_its_events(make_standin) -> None:
    """During a hand-off, Discord lets two sessions hold a shard; both hear everything."""
    standin = await make_standin(shards=2)
    owned = guilds_on_both_shards(standin, each=1)
    old, new = sharded_client(1), sharded_client(1)
    seen_old, seen_new = messages_seen(old), messages_seen(new)
    async with run_client(standin, old), run_client(standin, new):
        guild = standin.world.guilds[owned[1][0]]
        standin.post_message(next(iter(guild.channels)), guild.add_member("ada"), "hand-off")
        assert await next_message(seen_old) == await next_message(seen_new) == guild.id


async def test_dms_go_to_shard_zero(make_standin) -> None:
    standin = await make_standin(shards=2)
    guilds_on_both_shards(standin, each=1)
    first, second = sharded_client(0), sharded_client(1)
    first_seen, second_seen = messages_seen(first), messages_seen(second)
    async with run_client(standin, first), run_client(standin, second):
        user = standin.world.add_user("dm-er")
        standin.post_message(standin.dm_channel(user.id), user.id, "a DM")
        assert await next_message(first_seen) == 0
    assert second_seen.empty()


async def test_an_invalid_shard_is_closed_with_4010(standin: StandIn) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(standin.gateway.url) as ws:
        await ws.receive_str()  # HELLO
        await ws.send_str(json.dumps({"op": 2, "d": {"token": standin.token, "intents": 1,
                                                     "shard": [2, 2], "properties": {}}}))
        closed = await ws.receive()
    assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4010
