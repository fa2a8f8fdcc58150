"""Guild membership and per-guild settings (``bot.onboarding`` is their service)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.onboarding.model import GuildSettings
from bot.outbox.model import Envelope
from storage.db import Database, from_db, to_db
from storage.outbox import enqueue_in

_JOINED = (
    "INSERT INTO guilds (guild_id, name, joined_at) VALUES (?, ?, ?) "
    "ON CONFLICT (guild_id) DO UPDATE SET name = excluded.name, left_at = NULL"
)


class GuildRepository:
    """Which guilds the bot is in, whether they were welcomed, and their settings."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def joined(self, guilds: Iterable[tuple[int, str]], now: datetime) -> None:
        """Record the bot as present in ``guilds`` (id, name): one transaction for all of them,
        since READY brings every server of the shard at once and a write per server kept
        a restarted process from its timers for seconds."""
        at = to_db(now)
        await self._db.executemany(_JOINED, [(guild_id, name, at) for guild_id, name in guilds])

    async def left(self, guild_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE guilds SET left_at = ? WHERE guild_id = ?", (to_db(now), guild_id)
        )

    async def claim_welcome(
        self,
        guild_id: int,
        name: str,
        now: datetime,
        welcome: Envelope | None = None,
        again_after: timedelta = timedelta(days=1),
    ) -> bool:
        """Mark the guild welcomed and enqueue ``welcome`` in the same transaction.

        True only for the one caller that claimed it. A guild is welcomed once; a
        re-invite more than ``again_after`` after the last welcome is welcomed again
        (the organisers may have changed). Claim and outbox row commit together, so
        a crash can never leave a guild marked welcomed with nothing to deliver.
        """
        async with self._db.transaction() as tx:
            await tx.execute(_JOINED, (guild_id, name, to_db(now)))
            cursor = await tx.execute(
                "UPDATE guilds SET welcomed_at = ? WHERE guild_id = ? "
                "AND (welcomed_at IS NULL OR welcomed_at < ?)",
                (to_db(now), guild_id, to_db(now - again_after)),
            )
            if cursor.rowcount != 1:
                return False
            if welcome is not None:
                await enqueue_in(tx, [welcome], now)
        return True

    async def welcomed_at(self, guild_id: int) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT welcomed_at FROM guilds WHERE guild_id = ?", (guild_id,)
        )
        return from_db(row["welcomed_at"]) if row and row["welcomed_at"] else None

    async def settings(self, guild_id: int) -> GuildSettings:
        row = await self._db.fetchone(
            "SELECT auto_review, mock_max_sessions FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(guild_id, bool(row["auto_review"]), row["mock_max_sessions"])

    async def set_auto_review(self, guild_id: int, enabled: bool, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO guild_settings (guild_id, auto_review, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET auto_review = excluded.auto_review, "
            "updated_at = excluded.updated_at",
            (guild_id, int(enabled), to_db(now)),
        )

    async def set_mock_max_sessions(self, guild_id: int, limit: int | None, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO guild_settings (guild_id, mock_max_sessions, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET mock_max_sessions = excluded.mock_max_sessions, "
            "updated_at = excluded.updated_at",
            (guild_id, limit, to_db(now)),
        )


class CommandSyncRepository:
    """Fingerprints of the last synced command sets, per scope."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def fingerprint(self, scope: str) -> str | None:
        row = await self._db.fetchone(
            "SELECT fingerprint FROM command_sync WHERE scope = ?", (scope,)
        )
        return row["fingerprint"] if row else None

    async def claim(self, scope: str, fingerprint: str, now: datetime) -> tuple[bool, str | None]:
        """Record ``fingerprint`` unless it is already there: (this caller won, the one before).

        One statement decides, so of several shard processes starting together with
        new commands exactly one is told to sync. The winner gives the claim back with
        ``release`` if its sync fails, so the next start tries again.
        """
        async with self._db.transaction() as tx:
            before = await tx.fetchone("SELECT fingerprint FROM command_sync WHERE scope = ?",
                                       (scope,))
            won = await tx.fetchone(
                "INSERT INTO command_sync (scope, fingerprint, synced_at) VALUES (?, ?, ?) "
                "ON CONFLICT (scope) DO UPDATE SET fingerprint = excluded.fingerprint, "
                "synced_at = excluded.synced_at "
                "WHERE command_sync.fingerprint <> excluded.fingerprint RETURNING scope",
                (scope, fingerprint, to_db(now)),
            )
        return won is not None, before["fingerprint"] if before else None

    async def release(self, scope: str, fingerprint: str, previous: str | None) -> None:
        """Undo a ``claim`` whose sync failed, unless someone has claimed since."""
        if previous is None:
            await self._db.execute(
                "DELETE FROM command_sync WHERE scope = ? AND fingerprint = ?", (scope, fingerprint))
        else:
            await self._db.execute(
                "UPDATE command_sync SET fingerprint = ? WHERE scope = ? AND fingerprint = ?",
                (previous, scope, fingerprint))

    async def record(self, scope: str, fingerprint: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO command_sync (scope, fingerprint, synced_at) VALUES (?, ?, ?) "
            "ON CONFLICT (scope) DO UPDATE SET fingerprint = excluded.fingerprint, "
            "synced_at = excluded.synced_at",
            (scope, fingerprint, to_db(now)),
        )
