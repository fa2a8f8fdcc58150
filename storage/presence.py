"""Which shard processes are alive: the rows behind each process's share of the REST limit."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, to_db


class PresenceRepository:
    """One row per running shard process: how many shards it holds, when it was last seen."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def beat(self, process_key: str, shards: int, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO shard_presence (process_key, shards, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT (process_key) DO UPDATE SET shards = excluded.shards, "
            "seen_at = excluded.seen_at",
            (process_key, shards, to_db(now)),
        )

    async def shards_held(self, seen_since: datetime) -> int:
        """Shards held by the processes seen since ``seen_since``, a shard held twice counted twice."""
        row = await self._db.fetchone(
            "SELECT COALESCE(SUM(shards), 0) FROM shard_presence WHERE seen_at >= ?",
            (to_db(seen_since),),
        )
        return int(row[0]) if row else 0

    async def leave(self, process_key: str) -> None:
        await self._db.execute("DELETE FROM shard_presence WHERE process_key = ?", (process_key,))
