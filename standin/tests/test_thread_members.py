"""Thread members through discord.py: add/remove, the member list, intents, archived threads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
import pytest

from standin import StandIn
from standin import permissions as perms
from standin.gateway import GUILD_MEMBERS
from standin.harness import run_client


def members_updates(standin: StandIn) -> list[dict]:
    assert standin.gateway.session is not None
    return [p["d"] for p in standin.gateway.session.log if p["t"] == "THREAD_MEMBERS_UPDATE"]


def members_client() -> discord.Client:
    intents = discord.Intents.default()
    intents.members = True
    return discord.Client(intents=intents, guild_ready_timeout=0.1, chunk_guilds_at_startup=False)


async def test_adding_and_removing_members_with_the_members_intent(
        make_standin: Callable[..., Awaitable[StandIn]]) -> None:
    standin = await make_standin(privileged_intents=GUILD_MEMBERS)
    guild = standin.add_guild("Study")
    ada = guild.add_member("ada")
    async with run_client(standin, members_client()) as client:
        general = client.get_guild(guild.id).text_channels[0]
        thread = await general.create_thread(name="Mock round", type=discord.ChannelType.public_thread)
        joined = client.wait_for("thread_member_join", timeout=5)
        await thread.add_user(discord.Object(ada))
        member = await joined
        assert member.id == ada and member.thread_id == thread.id
        await thread.add_user(discord.Object(ada))  # already in: 204, no second event
        assert standin.thread_members(thread.id) == {standin.bot_user_id, ada}
        assert {m.id for m in await thread.fetch_members()} == {standin.bot_user_id, ada}
        [update] = members_updates(standin)
        [added] = update["added_members"]
        assert added["user_id"] == str(ada) and added["member"]["user"]["id"] == str(ada)
        assert update["member_count"] == 2
        left = client.wait_for("thread_member_remove", timeout=5)
        await thread.remove_user(discord.Object(ada))
        assert (await left).id == ada
        assert standin.thread_members(thread.id) == {standin.bot_user_id}


async def test_without_the_members_intent_only_the_bots_own_membership_is_sent(
        standin: StandIn) -> None:
    guild = standin.add_guild("Study")
    ada = guild.add_member("ada")
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
    async with run_client(standin, client):
        general = client.get_guild(guild.id).text_channels[0]
        thread = await general.create_thread(name="Mock round", type=discord.ChannelType.public_thread)
        await thread.add_user(discord.Object(ada))
        assert standin.thread_members(thread.id) == {standin.bot_user_id, ada}
        assert members_updates(standin) == []  # someone else was added: not sent
        removed = client.wait_for("thread_remove", timeout=5)
        await thread.leave()
        assert (await removed).id == thread.id
        rejoined = client.wait_for("thread_join", timeout=5)
        await thread.join()
        assert (await rejoined).id == thread.id
        assert [u.get("removed_member_ids") or [m["user_id"] for m in u["added_members"]]
                for u in members_updates(standin)] == [[str(standin.bot_user_id)]] * 2
        with pytest.raises(discord.Forbidden) as refused:  # listing needs the members intent
            await thread.fetch_members()
        assert refused.value.code == 50001


async def test_archived_threads_refuse_member_changes_until_unarchived(standin: StandIn) -> None:
    guild = standin.add_guild("Study")
    ada = guild.add_member("ada")
    async with run_client(standin, discord.Client(intents=discord.Intents.default(),
                                                  guild_ready_timeout=0.1)) as client:
        general = client.get_guild(guild.id).text_channels[0]
        thread = await general.create_thread(name="Old round", type=discord.ChannelType.public_thread)
        thread = await thread.edit(archived=True)
        with pytest.raises(discord.HTTPException) as refused:
            await thread.add_user(discord.Object(ada))
        assert (refused.value.status, refused.value.code) == (400, 50083)
        assert standin.thread_members(thread.id) == {standin.bot_user_id}
        await thread.edit(archived=False)
        await thread.add_user(discord.Object(ada))
        assert standin.thread_members(thread.id) == {standin.bot_user_id, ada}


async def test_member_changes_need_the_documented_permissions(standin: StandIn) -> None:
    guild = standin.add_guild("Study", bot_permissions=perms.BOT_DEFAULT & ~perms.MANAGE_THREADS)
    ada = guild.add_member("ada")
    async with run_client(standin, discord.Client(intents=discord.Intents.default(),
                                                  guild_ready_timeout=0.1)) as client:
        general = client.get_guild(guild.id).text_channels[0]
        public = await general.create_thread(name="Public", type=discord.ChannelType.public_thread)
        private = await general.create_thread(name="Private",
                                              type=discord.ChannelType.private_thread)
        for thread in (public, private):
            await thread.add_user(discord.Object(ada))
        with pytest.raises(discord.Forbidden) as refused:  # no Manage Threads, public thread
            await public.remove_user(discord.Object(ada))
        assert refused.value.code == 50013
        await private.remove_user(discord.Object(ada))  # the private thread's creator may
        assert standin.thread_members(private.id) == {standin.bot_user_id}
        with pytest.raises(discord.NotFound) as unknown:
            await public.add_user(discord.Object(standin.world.ids.next()))
        assert unknown.value.code == 10007
        standin.set_overwrite(general.id, guild.bot_role_id, deny=perms.SEND_MESSAGES_IN_THREADS)
        await standin.wait_until(
            lambda: not general.permissions_for(general.guild.me).send_messages_in_threads)
        with pytest.raises(discord.Forbidden):
            await public.add_user(discord.Object(guild.add_member("bob")))
