"""Forum channels in the stand-in, driven by a plain discord.py client: posts, tags, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest

from standin import StandIn
from standin import permissions as perms
from standin.harness import run_client
from standin.model import Guild
from standin.permissions import Overwrite

FORUM_BOT = perms.BOT_DEFAULT | perms.MANAGE_CHANNELS


@pytest.fixture
async def forum_world(standin: StandIn) -> AsyncIterator[tuple[discord.Client, Guild, int]]:
    guild = standin.add_guild("Study", bot_permissions=FORUM_BOT)
    forum = guild.add_forum_channel("answers", tags=("Week 1",))
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1,
                            allowed_mentions=discord.AllowedMentions.none())
    async with run_client(standin, client):
        yield client, guild, forum


def forum_of(client: discord.Client, forum_id: int) -> discord.ForumChannel:
    channel = client.get_channel(forum_id)
    assert isinstance(channel, discord.ForumChannel)
    return channel


async def test_a_post_is_a_thread_and_its_starter_message_with_tags(
        standin: StandIn, forum_world: tuple[discord.Client, Guild, int]) -> None:
    client, guild, forum_id = forum_world
    forum = forum_of(client, forum_id)
    [week] = forum.available_tags
    assert week.name == "Week 1"
    made = await forum.create_thread(name="Day 1 · CAP", embed=discord.Embed(title="Day 1"),
                                     applied_tags=[week])
    assert made.message.id == made.thread.id  # the starter message shares the thread's id
    assert made.thread.parent_id == forum_id and [t.id for t in made.thread.applied_tags] == [week.id]
    [starter] = standin.channel_messages(made.thread.id)
    assert starter["embeds"][0]["title"] == "Day 1"
    assert standin.channel(made.thread.id)["applied_tags"] == [str(week.id)]
    # A member answers in the post like in any thread; the forum itself holds no messages.
    member = guild.add_member("bo")
    standin.post_message(made.thread.id, member, "my answer")
    assert len(standin.channel_messages(made.thread.id)) == 2
    with pytest.raises(discord.HTTPException) as refused:
        await client.http.send_message(forum_id, params=discord.http.handle_message_parameters(
            content="hi"))
    assert refused.value.code == 50008


async def test_tags_are_created_within_twenty_and_removed_tags_leave_posts(
        standin: StandIn, forum_world: tuple[discord.Client, Guild, int]) -> None:
    client, _, forum_id = forum_world
    forum = forum_of(client, forum_id)
    design = await forum.create_tag(name="Design")
    assert design.id and {t["name"] for t in standin.channel(forum_id)["available_tags"]} == {
        "Week 1", "Design"}
    await standin.wait_until(lambda: len(forum_of(client, forum_id).available_tags) == 2)
    made = await forum_of(client, forum_id).create_thread(name="post", content="x",
                                                          applied_tags=[design])
    with pytest.raises(discord.HTTPException) as duplicate:
        await forum_of(client, forum_id).create_tag(name="design")
    assert duplicate.value.code == 50035
    many = [discord.ForumTag(name=f"t{n}") for n in range(21)]
    with pytest.raises(discord.HTTPException) as too_many:
        await forum_of(client, forum_id).edit(available_tags=many)
    assert too_many.value.code == 50035 and "20 or fewer" in str(too_many.value)
    await forum_of(client, forum_id).edit(available_tags=many[:20])  # design is gone
    assert standin.channel(made.thread.id)["applied_tags"] == []
    assert len(standin.channel(forum_id)["available_tags"]) == 20


async def test_forum_permissions_and_applied_tags_on_a_post(
        standin: StandIn, forum_world: tuple[discord.Client, Guild, int]) -> None:
    client, guild, forum_id = forum_world
    forum = forum_of(client, forum_id)
    [week] = forum.available_tags
    made = await forum.create_thread(name="post", content="x")
    edited = await made.thread.edit(applied_tags=[week])
    assert standin.channel(made.thread.id)["applied_tags"] == [str(week.id)]
    assert [t.id for t in edited.applied_tags] == [week.id]
    active = await client.get_guild(guild.id).active_threads()
    assert made.thread.id in {t.id for t in active}
    standin.set_overwrite(forum_id, guild.bot_role_id, deny=perms.MANAGE_CHANNELS)
    with pytest.raises(discord.Forbidden):
        await forum_of(client, forum_id).create_tag(name="Design")
    standin.set_overwrite(forum_id, guild.bot_role_id, deny=perms.SEND_MESSAGES)
    with pytest.raises(discord.Forbidden):
        await forum_of(client, forum_id).create_thread(name="post 2", content="x")
    assert len([c for c in guild.channels.values() if c.parent_id == forum_id]) == 1


async def test_a_forum_is_offered_as_a_channel_option_of_type_15(standin: StandIn) -> None:
    guild = standin.add_guild("Study")
    forum = guild.add_forum_channel("answers", overwrites=[
        Overwrite(guild.id, 0, deny=perms.VIEW_CHANNEL)])
    assert standin.channel(forum)["type"] == 15
    assert standin.channel(forum)["available_tags"] == []


async def test_a_forum_that_requires_tags_refuses_an_untagged_post(standin: StandIn) -> None:
    guild = standin.add_guild("Study", bot_permissions=FORUM_BOT)
    forum_id = guild.add_forum_channel("answers", tags=("Week 1",), require_tag=True)
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
    async with run_client(standin, client):
        forum = forum_of(client, forum_id)
        assert forum.flags.require_tag
        with pytest.raises(discord.HTTPException) as refused:
            await forum.create_thread(name="post", content="x")
        assert refused.value.code == 40067
        made = await forum.create_thread(name="post", content="x",
                                         applied_tags=list(forum.available_tags))
        assert made.thread.applied_tags
