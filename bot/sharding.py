"""Which servers this process owns, when the bot runs as several shard processes.

Discord sends a server's events to shard ``(guild_id >> 22) % shard_count``. A
process that runs shards ``SHARD_IDS`` of ``SHARD_COUNT`` answers those servers'
interactions, so it must also be the one that arms their timers, daily posts,
reminders and digests: otherwise two processes would both post, or none would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's rule for the shard that receives a server's events."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class Ownership:
    """The shards of this process; ``Ownership()`` is the single process that owns everything."""

    shard_count: int = 1
    shard_ids: tuple[int, ...] = (0,)

    def owns(self, guild_id: int | None) -> bool:
        """Whether this process does ``guild_id``'s work; ``None`` (DMs) belongs to shard 0,
        where Discord sends direct messages."""
        shard = 0 if guild_id is None else shard_of(guild_id, self.shard_count)
        return shard in self.shard_ids

    def owned(self, guild_ids: Iterable[int | None]) -> list[int | None]:
        return [guild_id for guild_id in guild_ids if self.owns(guild_id)]

    @property
    def is_everything(self) -> bool:
        return len(self.shard_ids) == self.shard_count

    def label(self) -> str:
        """How logs name this process: ``shards 0,1 of 4``."""
        return f"shards {','.join(map(str, self.shard_ids))} of {self.shard_count}"
