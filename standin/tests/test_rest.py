"""The stand-in's REST side: messages, threads, limits, permissions, rate limits, faults."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest

from standin import StandIn
from standin import permissions as perms
from standin.harness import run_client
from standin.model import Guild

MESSAGES = "/channels/{channel_id}/messages"


@pytest.fixture
async def connected(standin: StandIn) -> AsyncIterator[tuple[discord.Client, Guild]]:
    guild = standin.add_guild("Study", everyone_permissions=perms.VIEW_CHANNEL)
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1,
                            allowed_mentions=discord.AllowedMentions.none())
    async with run_client(standin, client):
        yield client, guild


def text_channel(client: discord.Client, guild: Guild, name: str = "general") -> discord.TextChannel:
    channel = discord.utils.get(client.get_guild(guild.id).text_channels, name=name)
    assert channel is not None
    return channel


async def test_sent_message_is_what_members_see_with_mentions_suppressed(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    member = guild.add_member("ada")
    channel = text_channel(client, guild)
    sent = await channel.send(f"<@{member}> your turn @everyone",
                              embed=discord.Embed(title="Day 1", description="CAP"))
    [seen] = standin.channel_messages(channel.id)
    assert seen["id"] == str(sent.id) and seen["embeds"][0]["title"] == "Day 1"
    assert seen["mentions"] == [] and seen["mention_everyone"] is False
    [request] = standin.requests("POST", "/channels/{channel_id}/messages")
    assert request.allowed_mentions == {"parse": []}


async def test_explicit_ping_reaches_only_the_listed_member(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    ada, bob = guild.add_member("ada"), guild.add_member("bob")
    channel = text_channel(client, guild)
    await channel.send(f"<@{ada}> <@{bob}>",
                       allowed_mentions=discord.AllowedMentions(users=[discord.Object(ada)]))
    [seen] = standin.channel_messages(channel.id)
    assert [user["id"] for user in seen["mentions"]] == [str(ada)]


async def test_edit_and_delete_change_what_members_see(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    sent = await channel.send("draft")
    await sent.edit(content="final")
    assert standin.message(sent.id)["content"] == "final"
    await sent.delete()
    assert standin.channel_messages(channel.id) == []


async def test_file_upload_keeps_the_bytes(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    await channel.send("chart", file=discord.File(io.BytesIO(b"\x89PNG fake"), "streak.png"))
    [seen] = standin.channel_messages(channel.id)
    assert seen["attachments"][0]["filename"] == "streak.png"
    assert standin.attachment_bytes(seen["attachments"][0]) == b"\x89PNG fake"
    [request] = standin.requests("POST", "/channels/{channel_id}/messages")
    assert request.json["content"] == "chart" and request.files[0].data == b"\x89PNG fake"


async def test_threads_from_a_message_and_standalone_then_archive(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    prompt = await channel.send("Design a URL shortener")
    thread = await prompt.create_thread(name="Answers")
    assert thread.id == prompt.id and thread.parent_id == channel.id
    private = await channel.create_thread(name="Mock round", type=discord.ChannelType.private_thread)
    assert private.type is discord.ChannelType.private_thread
    await thread.send("first answer")
    updated = client.wait_for("thread_update")
    await thread.edit(archived=True, locked=True)
    _, after = await updated
    assert after.archived and after.locked
    assert [m["content"] for m in standin.channel_messages(thread.id)] == ["first answer"]


async def test_an_archived_threads_messages_stay_as_they_are_until_it_is_unarchived(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    thread = await text_channel(client, guild).create_thread(
        name="Mock round", type=discord.ChannelType.public_thread)
    card = await thread.send("scorecard")
    thread = await thread.edit(archived=True)
    for change in (card.edit(content="with the decision"), card.delete()):
        with pytest.raises(discord.HTTPException) as refused:
            await change
        assert (refused.value.status, refused.value.code) == (400, 50083)
    await thread.send("a new message unarchives it")
    assert not standin.channel(thread.id)["thread_metadata"]["archived"]
    await card.edit(content="with the decision")
    assert standin.message(card.id)["content"] == "with the decision"


async def test_content_over_2000_is_rejected_like_discord(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    with pytest.raises(discord.HTTPException) as raised:
        await text_channel(client, guild).send("x" * 2001)
    assert raised.value.status == 400 and raised.value.code == 50035
    assert "content" in raised.value.text


@pytest.mark.parametrize(("embed", "field"), [
    (discord.Embed(title="t" * 257), "embeds.0.title"),
    (discord.Embed(description="d" * 4097), "embeds.0.description"),
    (discord.Embed().add_field(name="n", value="v" * 1025), "embeds.0.fields.0.value"),
    (discord.Embed().set_footer(text="f" * 2049), "embeds.0.footer.text"),
])
async def test_embed_limits_are_rejected_naming_the_field(
        connected: tuple[discord.Client, Guild], embed: discord.Embed, field: str) -> None:
    client, guild = connected
    with pytest.raises(discord.HTTPException) as raised:
        await text_channel(client, guild).send(embed=embed)
    assert raised.value.code == 50035 and field in raised.value.text


async def test_total_embed_size_over_6000_is_rejected(connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    embeds = [discord.Embed(description="d" * 4000), discord.Embed(description="d" * 2001)]
    with pytest.raises(discord.HTTPException) as raised:
        await text_channel(client, guild).send(embeds=embeds)
    assert raised.value.code == 50035 and "6000" in raised.value.text


async def test_missing_send_messages_is_403_50013(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel_id = guild.add_text_channel("read-only", overwrites=[
        perms.Overwrite(guild.bot_role_id, perms.ROLE_OVERWRITE, deny=perms.SEND_MESSAGES)])
    created = await client.wait_for("guild_channel_create")
    assert created.id == channel_id
    with pytest.raises(discord.Forbidden) as raised:
        await created.send("hello")
    assert raised.value.code == 50013


async def test_permission_changes_at_runtime_reach_discord_py_and_the_server(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    updated = client.wait_for("guild_channel_update")
    standin.set_overwrite(channel.id, guild.id, deny=perms.VIEW_CHANNEL)
    _, after = await updated
    assert not after.permissions_for(after.guild.me).view_channel
    with pytest.raises(discord.Forbidden) as raised:
        await after.send("hello")
    assert raised.value.code == 50001


async def test_missing_create_public_threads_is_403_50013(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    prompt = await channel.send("prompt")
    role_updated = client.wait_for("guild_role_update")
    standin.set_role_permissions(guild.id, guild.bot_role_id,
                                 perms.BOT_DEFAULT & ~perms.CREATE_PUBLIC_THREADS)
    await role_updated
    with pytest.raises(discord.Forbidden) as raised:
        await prompt.create_thread(name="Answers")
    assert raised.value.code == 50013


async def test_deleted_channel_is_404_10003(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    deleted = client.wait_for("guild_channel_delete")
    standin.delete_channel(channel.id)
    await deleted
    with pytest.raises(discord.NotFound) as raised:
        await channel.send("anyone?")
    assert raised.value.code == 10003


async def test_429_on_a_send_is_waited_out_and_retried(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    standin.rate_limit_next("POST", "/channels/*/messages", retry_after=0.2)
    await text_channel(client, guild).send("eventually")
    statuses = [r.status for r in standin.requests("POST", "/channels/{channel_id}/messages")]
    assert statuses == [429, 200]


async def test_global_rate_limit_is_honoured_by_discord_py(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    standin.rate_limit_next("POST", "/channels/*/messages", retry_after=0.2, global_=True)
    await text_channel(client, guild).send("eventually")
    first = standin.requests("POST", "/channels/{channel_id}/messages")[0]
    assert first.status == 429 and first.response["global"] is True


async def test_exhausted_global_limit_answers_429_global() -> None:
    server = StandIn(global_limit=3)
    await server.start()
    try:
        guild = server.add_guild("g")
        client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
        async with run_client(server, client):
            channel = client.get_channel(next(iter(guild.channels)))
            for index in range(4):
                await channel.send(f"message {index}")
        statuses = [r.status for r in server.requests()]
        assert 429 in statuses and len(server.channel_messages(channel.id)) == 4
    finally:
        await server.stop()


@pytest.mark.parametrize("status", [500, 502])
async def test_server_errors_are_retried_by_discord_py(
        standin: StandIn, connected: tuple[discord.Client, Guild], status: int) -> None:
    client, guild = connected
    standin.fail_next("POST", "/channels/{channel_id}/messages", status=status)
    await text_channel(client, guild).send("after a hiccup")
    statuses = [r.status for r in standin.requests("POST", "/channels/{channel_id}/messages")]
    assert statuses == [status, 200]


async def test_503_is_not_retried_by_discord_py(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    standin.fail_next("POST", "/channels/*/messages", status=503)
    with pytest.raises(discord.DiscordServerError):
        await text_channel(client, guild).send("lost")
    assert standin.channel_messages(text_channel(client, guild).id) == []


async def test_dm_to_a_member_with_closed_dms_is_403_50007(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    ada = guild.add_member("ada")
    user = await client.fetch_user(ada)
    await user.send("reminder")
    standin.close_dms(ada)
    with pytest.raises(discord.Forbidden) as raised:
        await user.send("reminder")
    assert raised.value.code == 50007


async def test_every_request_the_client_made_was_served(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    message = await text_channel(client, guild).send("react")
    await message.add_reaction("✅")
    assert standin.message(message.id)["reactions"][0]["emoji"]["name"] == "✅"
    assert standin.unhandled() == []


async def test_a_delayed_request_is_held_then_served(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    standin.delay_next("POST", "/channels/*/messages", seconds=0.3)
    sending = asyncio.create_task(channel.send("slow"))
    await standin.wait_until(lambda: standin.requests("POST", MESSAGES), what="the send")
    assert standin.channel_messages(channel.id) == []  # still held
    await sending
    assert [m["content"] for m in standin.channel_messages(channel.id)] == ["slow"]


async def test_malformed_json_is_400_50109_and_unknown_routes_are_listed(standin: StandIn) -> None:
    guild = standin.add_guild("g")
    headers = {"Authorization": f"Bot {standin.token}", "Content-Type": "application/json"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(f"{standin.api_base}/channels/{next(iter(guild.channels))}/messages",
                             data=b"{not json") as response:
            assert response.status == 400 and (await response.json())["code"] == 50109
        async with http.get(f"{standin.api_base}/guilds/{guild.id}/audit-logs") as response:
            assert response.status == 404
    assert [r.path for r in standin.unhandled()] == [f"/guilds/{guild.id}/audit-logs"]


async def test_bucket_headers_make_discord_py_wait_instead_of_hitting_429() -> None:
    server = StandIn(bucket_limit=2, bucket_window=0.3)
    await server.start()
    try:
        guild = server.add_guild("g")
        client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
        async with run_client(server, client):
            channel = client.get_channel(next(iter(guild.channels)))
            for index in range(5):
                await channel.send(f"message {index}")
        sends = server.requests("POST", MESSAGES)
        assert [r.status for r in sends] == [200] * 5
        assert len(server.channel_messages(channel.id)) == 5
    finally:
        await server.stop()


async def test_thread_sends_need_send_messages_in_threads_from_the_parent(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    thread = await (await channel.send("prompt")).create_thread(name="Answers")
    updated = client.wait_for("guild_channel_update")
    standin.set_overwrite(channel.id, guild.bot_role_id, deny=perms.SEND_MESSAGES_IN_THREADS)
    await updated
    await channel.send("the channel itself still works")
    with pytest.raises(discord.Forbidden) as raised:
        await thread.send("but not its threads")
    assert raised.value.code == 50013


async def test_an_ambiguous_502_creates_the_message_and_discord_py_retry_returns_it(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    standin.fail_after_next("POST", MESSAGES, status=502)
    sent = await channel.send("once")  # discord.py retries the 502 with the same nonce
    first, retry = standin.requests("POST", MESSAGES)
    assert (first.status, first.ambiguous, retry.status) == (502, True, 200)
    assert first.json["nonce"] == retry.json["nonce"] and first.json["enforce_nonce"] is True
    assert [m["id"] for m in standin.channel_messages(channel.id)] == [str(sent.id)]


async def test_an_ambiguous_503_is_not_retried_by_discord_py_but_the_message_exists(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    standin.fail_after_next("POST", MESSAGES, status=503)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("maybe", nonce="bar-raiser-1")
    again = await channel.send("maybe", nonce="bar-raiser-1")  # a caller's own retry
    [seen] = standin.channel_messages(channel.id)
    assert seen["id"] == str(again.id) and seen["nonce"] == "bar-raiser-1"


async def test_a_nonce_is_per_author_and_only_enforced_when_asked(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    channel = text_channel(client, guild)
    first = await channel.send("a", nonce="n1")
    second = await channel.send("b", nonce="n2")
    assert first.id != second.id
    standin.post_message(channel.id, guild.add_member("ada"), "n1 from a member")
    route = f"/channels/{channel.id}/messages"
    raw = await client.http.request(discord.http.Route("POST", route),
                                    json={"content": "c", "nonce": "n1"})  # not enforced
    assert int(raw["id"]) != first.id
    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send("d", nonce="x" * 26)
    assert too_long.value.code == 50035
    assert len(standin.channel_messages(channel.id)) == 4


async def test_member_roles_follow_discords_permission_and_hierarchy_rules(
        standin: StandIn, connected: tuple[discord.Client, Guild]) -> None:
    client, guild = connected
    ada = guild.add_member("ada")
    low = guild.add_role("low", position=0)  # below the bot's role
    high = guild.add_role("high")  # on top, above the bot's role
    http = client.http
    with pytest.raises(discord.Forbidden):  # no Manage Roles yet
        await http.add_role(guild.id, ada, low)
    standin.set_role_permissions(guild.id, guild.bot_role_id, perms.BOT_DEFAULT | perms.MANAGE_ROLES)
    await http.add_role(guild.id, ada, low)
    assert low in standin.member_roles(guild.id, ada)
    with pytest.raises(discord.Forbidden):  # at or above the bot's highest role
        await http.add_role(guild.id, ada, high)
    with pytest.raises(discord.NotFound):  # @everyone is not a role one gives
        await http.add_role(guild.id, ada, guild.id)
    await http.remove_role(guild.id, ada, low)
    assert low not in standin.member_roles(guild.id, ada)
    assert [(r.method, r.status) for r in standin.requests() if "/roles/" in r.path] == [
        ("PUT", 403), ("PUT", 204), ("PUT", 403), ("PUT", 404), ("DELETE", 204)]
