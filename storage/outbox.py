"""The outbox rows: enqueue before sending, then record what delivery learned."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.outbox.model import Action, Envelope, OutboxRow, State, dump_payload, load_payload
from storage.db import Database, Row, Transaction, from_db, to_db

_SELECT = (
    "SELECT post_id, key, kind, action, guild_id, channel_id, payload, nonce, state, attempts, "
    "next_attempt_at, attempted_at, last_error, message_id, created_at, done_at FROM outbox"
)
_MENTION = (
    "INSERT INTO outbox_mentions (post_id, user_id) SELECT post_id, ? FROM outbox WHERE key = ? "
    "ON CONFLICT (post_id, user_id) DO NOTHING"
)
_FORGET_MENTIONS = "DELETE FROM outbox_mentions WHERE post_id = ?"
_INSERT = (
    "INSERT INTO outbox (key, kind, action, guild_id, channel_id, payload, nonce, "
    "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _row(row: Row, mentions: tuple[int, ...] = ()) -> OutboxRow:
    return OutboxRow(
        post_id=row["post_id"],
        key=row["key"],
        kind=row["kind"],
        action=Action(row["action"]),
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        payload=load_payload(row["payload"]),
        nonce=row["nonce"],
        state=State(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=from_db(row["next_attempt_at"]),
        attempted_at=from_db(row["attempted_at"]) if row["attempted_at"] else None,
        last_error=row["last_error"],
        message_id=row["message_id"],
        created_at=from_db(row["created_at"]),
        done_at=from_db(row["done_at"]) if row["done_at"] else None,
        mentions=mentions,
    )


def _params(envelope: Envelope, now: datetime) -> tuple[object, ...]:
    return (envelope.key, envelope.kind, envelope.action.value, envelope.guild_id,
            envelope.channel_id, dump_payload(envelope.payload), envelope.nonce,
            to_db(now), to_db(now))


async def enqueue_in(tx: Transaction, envelopes: Sequence[Envelope], now: datetime) -> None:
    """Add posts inside a caller's transaction (with the claim that decided to post them).

    A key already present is left alone: enqueueing is idempotent.
    """
    await tx.executemany(_INSERT, [_params(envelope, now) for envelope in envelopes])
    await tx.executemany(_MENTION, [(user_id, envelope.key) for envelope in envelopes
                                    for user_id in envelope.mentions])


class OutboxRepository:
    """All SQL of the outbox. Each method is one statement."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue(self, envelopes: Sequence[Envelope], now: datetime) -> None:
        async with self._db.transaction() as tx:
            await enqueue_in(tx, envelopes, now)

    async def _rows(self, where: str, params: Sequence[object]) -> list[OutboxRow]:
        """Rows with the users each may ping (a second read: no portable string aggregate)."""
        rows = await self._db.fetchall(f"{_SELECT} {where}", params)
        if not rows:
            return []
        ids = [row["post_id"] for row in rows]
        marks = ", ".join("?" for _ in ids)  # only "?" marks are formatted into the SQL
        query = ("SELECT post_id, user_id FROM outbox_mentions "  # noqa: S608
                 f"WHERE post_id IN ({marks}) ORDER BY post_id, user_id")
        mentions: dict[int, list[int]] = {}
        for found in await self._db.fetchall(query, ids):
            mentions.setdefault(found["post_id"], []).append(found["user_id"])
        return [_row(row, tuple(mentions.get(row["post_id"], ()))) for row in rows]

    async def by_key(self, key: str) -> OutboxRow | None:
        rows = await self._rows("WHERE key = ?", (key,))
        return rows[0] if rows else None

    async def head(self, channel_id: int) -> OutboxRow | None:
        """The oldest pending post of a channel: posts in one channel go out in order.

        ``fetchall``, not ``fetchone``: a statement stepped to its end releases its
        read snapshot at once, so this frequent background read never holds one
        while another task's write waits for a lock (SQLite would then answer
        SQLITE_BUSY without waiting).
        """
        rows = await self._rows(
            "WHERE state = 'pending' AND channel_id = ? ORDER BY post_id LIMIT 1", (channel_id,))
        return rows[0] if rows else None

    async def pending_after(self, channel_id: int, post_id: int) -> list[OutboxRow]:
        """The channel's pending posts queued after ``post_id``, in order."""
        return await self._rows(
            "WHERE state = 'pending' AND channel_id = ? AND post_id > ? ORDER BY post_id",
            (channel_id, post_id))

    async def pending_channels(self) -> list[tuple[int, int | None, datetime]]:
        """Every channel with pending posts: its server (None for DMs) and when its head is due."""
        rows = await self._db.fetchall(
            "SELECT o.channel_id, o.guild_id, o.next_attempt_at FROM outbox o "
            "WHERE o.state = 'pending' "
            "AND o.post_id = (SELECT MIN(p.post_id) FROM outbox p WHERE p.state = 'pending' "
            "AND p.channel_id = o.channel_id)"
        )
        return [(r["channel_id"], r["guild_id"], from_db(r["next_attempt_at"])) for r in rows]

    async def mark_attempting(self, post_id: int, now: datetime) -> None:
        """Recorded before each send, so a later retry knows how old its nonce is."""
        await self._db.execute(
            "UPDATE outbox SET attempted_at = ? WHERE post_id = ? AND state = 'pending'",
            (to_db(now), post_id),
        )

    async def mark_sent(self, post_id: int, message_id: int | None, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET state = 'sent', message_id = ?, payload = NULL, done_at = ?, "
                "attempts = attempts + 1, last_error = NULL WHERE post_id = ? AND "
                "state = 'pending'",
                (message_id, to_db(now), post_id),
            )
            await tx.execute(_FORGET_MENTIONS, (post_id,))

    async def mark_retry(self, post_id: int, error: str, next_at: datetime) -> None:
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
            "WHERE post_id = ? AND state = 'pending'",
            (error[:500], to_db(next_at), post_id),
        )

    async def mark_impossible(self, post_id: int, error: str, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET state = 'impossible', attempts = attempts + 1, "
                "last_error = ?, payload = NULL, done_at = ? WHERE post_id = ? AND "
                "state = 'pending'",
                (error[:500], to_db(now), post_id),
            )
            await tx.execute(_FORGET_MENTIONS, (post_id,))

    async def troubles(self, guild_id: int, kind_prefix: str = "", limit: int = 5) -> list[OutboxRow]:
        """Posts of a guild that are impossible or have failed at least once, newest first."""
        return await self._rows(
            "WHERE guild_id = ? AND kind LIKE ? ESCAPE '\\' AND (state = 'impossible' "
            "OR (state = 'pending' AND attempts > 0)) ORDER BY post_id DESC LIMIT ?",
            (guild_id, _like_prefix(kind_prefix), limit),
        )

    async def counts(self) -> dict[State, int]:
        rows = await self._db.fetchall("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
        return {State(r["state"]): r["n"] for r in rows}


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"
