"""Stored answer reviews: one ``reviews`` row plus ten ``review_labels`` rows each.

The repository takes plain values (ids, label map, score), not a ``Review``, so
storage never depends on the checker; ``bot.review.service`` does the mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Database, from_db, to_db

SOURCES = ("check", "context_menu", "auto", "cli", "mock")


@dataclass(frozen=True)
class NewReview:
    """What to store about one review."""

    user_id: int
    guild_id: int | None
    source: str
    score: int
    failure_count: int
    labels: Mapping[str, int]
    prompt_id: str | None = None
    phase: str | None = None
    message_id: int | None = None
    local_date: date | None = None  # the guild's local day: best-of-day points
    answer_hash: str | None = None  # bot.answers.fingerprint of the text, never the text
    weak: frozenset[str] = frozenset()  # items met only on weak evidence


@dataclass(frozen=True)
class StoredReview:
    id: int
    user_id: int
    guild_id: int | None
    source: str
    score: int
    failure_count: int
    labels: Mapping[str, int]
    prompt_id: str | None
    phase: str | None
    message_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class HitRate:
    """How many of a member's reviews met one label."""

    label: str
    met: int
    total: int


class ReviewRepository:
    """Writes reviews and answers the per-member questions progress asks of them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, review: NewReview, now: datetime) -> int | None:
        """Store a review and its labels in one transaction; its id, or None when this
        message already has a stored review (each message counts once) or the member
        already had this exact answer reviewed in this guild (same ``answer_hash``)."""
        if review.source not in SOURCES:
            raise ValueError(f"unknown review source {review.source!r}")
        async with self._db.transaction() as tx:
            if review.answer_hash is not None:  # the check and the insert, one at a time
                await tx.serialize("review-answer", review.user_id)
            if review.answer_hash is not None and await tx.fetchone(
                "SELECT 1 FROM reviews WHERE guild_id IS NOT DISTINCT FROM ? AND user_id = ? "
                "AND answer_hash = ?",
                (review.guild_id, review.user_id, review.answer_hash),
            ):
                return None
            cursor = await tx.execute(
                "INSERT INTO reviews (guild_id, user_id, source, prompt_id, phase, score, "
                "failure_count, message_id, created_at, local_date, answer_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (review.guild_id, review.user_id, review.source, review.prompt_id, review.phase,
                 review.score, review.failure_count, review.message_id, to_db(now),
                 review.local_date.isoformat() if review.local_date else None,
                 review.answer_hash),
            )
            if cursor.rowcount == 0:
                return None
            review_id = int(cursor.fetchall()[0][0])
            await tx.executemany(
                "INSERT INTO review_labels (review_id, label, value, weak) VALUES (?, ?, ?, ?)",
                [(review_id, label, int(bool(value)), int(bool(value) and label in review.weak))
                 for label, value in review.labels.items()],
            )
        return review_id

    async def salt(self, user_id: int, candidate: str) -> str:
        """The member's answer-hash salt, storing ``candidate`` if they have none yet
        (read first: after the first review this takes no write lock)."""
        row = await self._db.fetchone("SELECT salt FROM review_salts WHERE user_id = ?",
                                      (user_id,))
        if row is not None:
            return str(row["salt"])
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO review_salts (user_id, salt) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO NOTHING",
                (user_id, candidate),
            )
            row = await tx.fetchone("SELECT salt FROM review_salts WHERE user_id = ?", (user_id,))
        assert row is not None  # noqa: S101 - inserted or already there, in one transaction
        return str(row["salt"])

    async def get(self, review_id: int) -> StoredReview | None:
        row = await self._db.fetchone("SELECT * FROM reviews WHERE id = ?", (review_id,))
        if row is None:
            return None
        labels = await self._db.fetchall(
            "SELECT label, value FROM review_labels WHERE review_id = ?", (review_id,)
        )
        return StoredReview(
            id=row["id"], user_id=row["user_id"], guild_id=row["guild_id"], source=row["source"],
            score=row["score"], failure_count=row["failure_count"],
            labels={r["label"]: r["value"] for r in labels}, prompt_id=row["prompt_id"],
            phase=row["phase"], message_id=row["message_id"], created_at=from_db(row["created_at"]),
        )

    async def hit_rates(self, guild_id: int, user_id: int) -> dict[str, HitRate]:
        """Per label: how many of the member's reviews in the guild met (or committed) it."""
        rows = await self._db.fetchall(
            "SELECT l.label, SUM(l.value) AS met, COUNT(*) AS total FROM reviews r "
            "JOIN review_labels l ON l.review_id = r.id "
            "WHERE r.guild_id = ? AND r.user_id = ? GROUP BY l.label",
            (guild_id, user_id),
        )
        return {r["label"]: HitRate(r["label"], r["met"], r["total"]) for r in rows}

    async def reviews_per_day(
        self, guild_id: int, user_id: int, since: datetime
    ) -> dict[date, int]:
        """The member's review count per UTC day since ``since``."""
        rows = await self._db.fetchall(
            "SELECT substr(created_at, 1, 10) AS day, COUNT(*) AS n FROM reviews "
            "WHERE guild_id = ? AND user_id = ? AND created_at >= ? GROUP BY day ORDER BY day",
            (guild_id, user_id, to_db(since)),
        )
        return {date.fromisoformat(r["day"]): r["n"] for r in rows}
