"""Voice channels and voice states against an unmodified discord.py client."""

from __future__ import annotations

import discord
import pytest

from standin import StandIn, StandInUsageError
from standin import permissions as perms
from standin.harness import run_client


def plain_client(intents: discord.Intents | None = None) -> discord.Client:
    return discord.Client(intents=intents or discord.Intents.default(), guild_ready_timeout=0.1)


def events_sent(standin: StandIn, name: str) -> list[dict]:
    """The payloads of ``name`` the bot's session was sent (its log is what went over the wire)."""
    assert standin.gateway.session is not None
    return [p["d"] for p in standin.gateway.session.log if p["t"] == name]


async def test_voice_channels_arrive_in_guild_create_and_channel_create_with_permissions(
        standin: StandIn) -> None:
    guild = standin.add_guild("Study")
    room = guild.add_voice_channel("Mock room", user_limit=4)
    muted = guild.add_voice_channel("Quiet", overwrites=[
        perms.Overwrite(guild.bot_role_id, perms.ROLE_OVERWRITE, deny=perms.CONNECT)])
    async with run_client(standin, plain_client()) as client:
        seen = client.get_guild(guild.id)
        voice = seen.get_channel(room)
        assert isinstance(voice, discord.VoiceChannel) and voice.user_limit == 4
        assert voice in seen.voice_channels and voice.bitrate == 64000
        assert not seen.get_channel(muted).permissions_for(seen.me).connect
        assert voice.permissions_for(seen.default_role).speak  # @everyone: Connect and Speak
        created = client.wait_for("guild_channel_create")
        later = guild.add_voice_channel("Later")
        channel = await created
        assert channel.id == later and isinstance(channel, discord.VoiceChannel)


async def test_a_bot_that_starts_later_sees_who_is_already_in_voice(standin: StandIn) -> None:
    guild = standin.add_guild("Study")
    room = guild.add_voice_channel("Mock room")
    ada, bob = guild.add_member("ada"), guild.add_member("bob")
    standin.join_voice(ada, room)
    async with run_client(standin, plain_client()) as client:
        seen = client.get_guild(guild.id)
        member = seen.get_member(ada)
        assert member is not None and member.voice is not None
        assert member.voice.channel.id == room
        assert [m.id for m in seen.get_channel(room).members] == [ada]
        assert seen.get_member(bob) is None  # not in voice, no members intent: not cached


async def test_join_move_and_leave_are_voice_state_updates(standin: StandIn) -> None:
    guild = standin.add_guild("Study")
    room, other = guild.add_voice_channel("Mock room"), guild.add_voice_channel("Lounge")
    ada = guild.add_member("ada")
    async with run_client(standin, plain_client()) as client:
        update = client.wait_for("voice_state_update")
        standin.join_voice(ada, room)
        member, before, after = await update
        assert member.id == ada and before.channel is None and after.channel.id == room
        assert [m.id for m in client.get_guild(guild.id).get_channel(room).members] == [ada]
        update = client.wait_for("voice_state_update")
        standin.move_voice(ada, other)
        _, before, after = await update
        assert before.channel.id == room and after.channel.id == other
        assert member.voice.channel.id == other and standin.voice_channel_of(ada, guild.id) == other
        update = client.wait_for("voice_state_update")
        standin.leave_voice(ada, guild.id)
        _, before, after = await update
        assert before.channel.id == other and after.channel is None
        assert client.get_guild(guild.id).get_channel(other).members == []
    [joined, moved, left] = events_sent(standin, "VOICE_STATE_UPDATE")
    assert joined["session_id"] == moved["session_id"] == left["session_id"]
    assert left["channel_id"] is None and joined["member"]["user"]["id"] == str(ada)


async def test_without_the_voice_states_intent_there_are_no_voice_events_or_states(
        standin: StandIn) -> None:
    guild = standin.add_guild("Study")
    room = guild.add_voice_channel("Mock room")
    ada, bob = guild.add_member("ada"), guild.add_member("bob")
    standin.join_voice(ada, room)
    intents = discord.Intents.default()
    intents.voice_states = False
    async with run_client(standin, plain_client(intents)) as client:
        standin.join_voice(bob, room)  # dispatching is synchronous: the log is final here
        [create] = events_sent(standin, "GUILD_CREATE")
        assert create["voice_states"] == []
        assert events_sent(standin, "VOICE_STATE_UPDATE") == []
        assert client.get_guild(guild.id).get_channel(room).members == []


async def test_voice_joins_the_client_would_refuse_are_usage_errors(standin: StandIn) -> None:
    guild = standin.add_guild("Study")
    text = next(iter(guild.channels))
    pair = guild.add_voice_channel("Pair", user_limit=1)
    locked = guild.add_voice_channel("Locked", overwrites=[
        perms.Overwrite(guild.id, perms.ROLE_OVERWRITE, deny=perms.CONNECT)])
    ada, bob = guild.add_member("ada"), guild.add_member("bob")
    mod = guild.add_member("mod", permissions=perms.MOVE_MEMBERS)
    with pytest.raises(StandInUsageError, match="not a voice channel"):
        standin.join_voice(ada, text)
    with pytest.raises(StandInUsageError, match="Connect"):
        standin.join_voice(ada, locked)
    standin.join_voice(ada, pair)
    with pytest.raises(StandInUsageError, match="full"):
        standin.join_voice(bob, pair)
    standin.join_voice(mod, pair)  # Move Members ignores the user limit, as on Discord
    with pytest.raises(StandInUsageError, match="not in voice"):
        standin.leave_voice(bob, guild.id)
    with pytest.raises(StandInUsageError, match="not in a voice channel"):
        standin.move_voice(bob, pair)


async def test_deleting_a_voice_channel_disconnects_its_members(standin: StandIn) -> None:
    guild = standin.add_guild("Study")
    room = guild.add_voice_channel("Mock room")
    ada = guild.add_member("ada")
    standin.join_voice(ada, room)
    async with run_client(standin, plain_client()) as client:
        update = client.wait_for("voice_state_update", timeout=5)
        standin.delete_channel(room)
        member, before, after = await update
        assert member.id == ada and before.channel.id == room and after.channel is None
    assert standin.voice_channel_of(ada, guild.id) is None
