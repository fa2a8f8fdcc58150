"""Members in voice channels: joining, moving and leaving as a member's client would.

Discord sends VOICE_STATE_UPDATE (with the member object) to bots that asked for the
GUILD_VOICE_STATES intent, and lists current voice states in GUILD_CREATE, which is how a
bot that starts later learns who is already talking. The gateway applies the intent.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from standin import permissions as perms
from standin.errors import StandInUsageError
from standin.model import VOICE, Channel, Guild, VoiceState

if TYPE_CHECKING:
    from standin.world import World


class VoiceActions:
    """Mixed into ``StandIn``: ``join_voice``, ``move_voice``, ``leave_voice``, ``voice_channel_of``."""

    world: World

    def join_voice(self, user_id: int, channel_id: int) -> None:
        """The member connects to (or, if already connected, moves into) a voice channel.

        Refused like the client refuses it: not a voice channel, no View Channel or Connect
        there, or the channel is full (``user_limit``) and the member lacks Move Members.
        """
        channel = self.world.channel(channel_id)
        guild = self.world.guild_of(channel)
        if channel.type != VOICE or guild is None:
            raise StandInUsageError(f"channel {channel_id} is not a voice channel")
        self.world.require_member(guild, user_id)
        granted = guild.member_permissions(user_id, channel_id)
        if granted & (perms.VIEW_CHANNEL | perms.CONNECT) != perms.VIEW_CHANNEL | perms.CONNECT:
            raise StandInUsageError(f"user {user_id} lacks View Channel/Connect in {channel_id}")
        current = guild.voice_states.get(user_id)
        if current is not None and current.channel_id == channel_id:
            raise StandInUsageError(f"user {user_id} is already in voice channel {channel_id}")
        occupants = sum(1 for v in guild.voice_states.values() if v.channel_id == channel_id)
        if channel.user_limit and occupants >= channel.user_limit and not granted & perms.MOVE_MEMBERS:
            raise StandInUsageError(f"voice channel {channel_id} is full ({channel.user_limit})")
        session = current.session_id if current is not None else secrets.token_hex(16)
        guild.voice_states[user_id] = VoiceState(user_id, channel_id, session)
        self._voice_update(guild, user_id, channel, session)

    def move_voice(self, user_id: int, channel_id: int) -> None:
        """The member switches voice channels: one VOICE_STATE_UPDATE with the new channel."""
        channel = self.world.channel(channel_id)
        guild = self.world.guild_of(channel)
        if guild is None or user_id not in guild.voice_states:
            raise StandInUsageError(f"user {user_id} is not in a voice channel to move from")
        self.join_voice(user_id, channel_id)

    def leave_voice(self, user_id: int, guild_id: int) -> None:
        """The member disconnects: VOICE_STATE_UPDATE with ``channel_id: null``."""
        guild = self.world.guilds[guild_id]
        state = guild.voice_states.pop(user_id, None)
        if state is None:
            raise StandInUsageError(f"user {user_id} is not in voice in guild {guild_id}")
        self._voice_update(guild, user_id, None, state.session_id)

    def disconnect_voice_channel(self, channel_id: int) -> None:
        """Everyone in a voice channel is disconnected (the channel is being deleted)."""
        channel = self.world.channel(channel_id)
        guild = self.world.guild_of(channel)
        if guild is None:
            return
        for state in [v for v in guild.voice_states.values() if v.channel_id == channel_id]:
            self.leave_voice(state.user_id, guild.id)

    def voice_channel_of(self, user_id: int, guild_id: int) -> int | None:
        """The voice channel the member is connected to in that guild, or None."""
        state = self.world.guilds[guild_id].voice_states.get(user_id)
        return state.channel_id if state is not None else None

    def _voice_update(self, guild: Guild, user_id: int, channel: Channel | None,
                      session_id: str) -> None:
        data: dict[str, Any] = VoiceState(user_id, 0, session_id).payload()
        data.update(guild_id=str(guild.id), channel_id=str(channel.id) if channel else None,
                    member=guild.members[user_id].payload())
        self.world.dispatch_guild(guild, "VOICE_STATE_UPDATE", data)
