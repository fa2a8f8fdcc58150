"""FSRS cards, the grading watermark, and the prompts a member was shown as drills."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.progress.model import CHECKLIST_ITEMS, CardState, GradedReview
from storage.db import Database, Row, from_db, to_db


def _card(row: Row) -> CardState:
    return CardState(
        item=row["item"], state=row["state"], step=row["step"], stability=row["stability"],
        difficulty=row["difficulty"], due_at=from_db(row["due_at"]),
        last_review_at=from_db(row["last_review_at"]) if row["last_review_at"] else None,
    )


class CardRepository:
    """One card per member, guild and checklist item; each method one statement or one
    transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def cards(self, guild_id: int, user_id: int) -> dict[str, CardState]:
        rows = await self._db.fetchall(
            "SELECT item, state, step, stability, difficulty, due_at, last_review_at "
            "FROM progress_cards WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return {row["item"]: _card(row) for row in rows}

    async def ungraded_reviews(self, after: int, limit: int = 500) -> list[GradedReview]:
        """Reviews stored after review id ``after`` (the watermark), oldest first, with
        per-item met and weak."""
        rows = await self._db.fetchall(
            "SELECT r.id, r.guild_id, r.user_id, r.created_at, l.label, l.value, l.weak "
            "FROM reviews r JOIN review_labels l ON l.review_id = r.id "
            "WHERE r.id IN (SELECT id FROM reviews WHERE guild_id IS NOT NULL AND id > ? "
            "ORDER BY id LIMIT ?) ORDER BY r.id",
            (after, limit),
        )
        heads: dict[int, Row] = {}
        met: dict[int, dict[str, bool]] = {}
        weak: dict[int, set[str]] = {}
        for row in rows:
            heads.setdefault(row["id"], row)
            if row["label"] in CHECKLIST_ITEMS:
                met.setdefault(row["id"], {})[row["label"]] = bool(row["value"])
                if row["weak"]:
                    weak.setdefault(row["id"], set()).add(row["label"])
        return [
            GradedReview(rid, head["guild_id"], head["user_id"], met.get(rid, {}),
                         frozenset(weak.get(rid, ())), from_db(head["created_at"]))
            for rid, head in heads.items()
        ]

    async def watermark(self) -> int:
        row = await self._db.fetchone("SELECT reviewed_through FROM progress_grading WHERE id = 1")
        return int(row[0]) if row else 0

    async def save_grades(
        self, cards: Iterable[tuple[int, int, CardState]], seen: int, reviewed_through: int
    ) -> bool:
        """Move the watermark from ``seen`` and write the graded cards, in one transaction:
        a batch of reviews grades completely or not at all, and never twice. False (and
        nothing written) when another grader moved the watermark first."""
        async with self._db.transaction() as tx:
            moved = await tx.execute(
                "UPDATE progress_grading SET reviewed_through = ? WHERE id = 1 "
                "AND reviewed_through = ?",
                (reviewed_through, seen),
            )
            if moved.rowcount != 1:
                return False
            await tx.executemany(
                "INSERT INTO progress_cards (guild_id, user_id, item, state, step, stability, "
                "difficulty, due_at, last_review_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id, item) DO UPDATE SET state = excluded.state, "
                "step = excluded.step, stability = excluded.stability, "
                "difficulty = excluded.difficulty, due_at = excluded.due_at, "
                "last_review_at = excluded.last_review_at",
                [(g, u, c.item, c.state, c.step, c.stability, c.difficulty, to_db(c.due_at),
                  to_db(c.last_review_at) if c.last_review_at else None) for g, u, c in cards],
            )
        return True

    # -- drills shown ------------------------------------------------------------

    async def record_drill(
        self, guild_id: int, user_id: int, prompt_id: str, shown_at: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO progress_drills_shown (guild_id, user_id, prompt_id, shown_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, user_id, prompt_id) "
            "DO UPDATE SET shown_at = excluded.shown_at",
            (guild_id, user_id, prompt_id, to_db(shown_at)),
        )

    async def drilled_prompt_ids(self, guild_id: int, user_id: int, since: datetime) -> set[str]:
        rows = await self._db.fetchall(
            "SELECT prompt_id FROM progress_drills_shown WHERE guild_id = ? AND user_id = ? "
            "AND shown_at >= ?",
            (guild_id, user_id, to_db(since)),
        )
        return {row["prompt_id"] for row in rows}
