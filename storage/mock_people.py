"""SQL for who hears about a mock round and what it decided: quiet members, decisions.

Kept apart from ``storage/mock.py`` (the round itself): these rows are about
people, each keyed by a ``*_user_id`` column so ``/privacy`` finds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.mock.model import Decision, Vote
from storage.db import Database, from_db, to_db

# Same guard as storage.mock_record: a decision lands only while both people are on the roster.
_STILL_IN = "EXISTS (SELECT 1 FROM mock_participants WHERE session_id = ? AND user_id = ?)"


class MockPeopleRepository:
    """Per-member mock settings and the bar raiser's decisions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- pings -----------------------------------------------------------------------------

    async def set_quiet(self, guild_id: int, user_id: int, quiet: bool, now: datetime) -> None:
        if quiet:
            await self._db.execute(
                "INSERT INTO mock_quiet_members (guild_id, user_id, since) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO NOTHING",
                (guild_id, user_id, to_db(now)),
            )
        else:
            await self._db.execute(
                "DELETE FROM mock_quiet_members WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )

    async def quiet_among(self, guild_id: int, user_ids: Iterable[int]) -> frozenset[int]:
        """Which of ``user_ids`` turned mock pings off in this server."""
        wanted = sorted(set(user_ids))
        if not wanted:
            return frozenset()
        marks = ", ".join("?" for _ in wanted)
        rows = await self._db.fetchall(
            f"SELECT user_id FROM mock_quiet_members WHERE guild_id = ? AND user_id IN ({marks})",  # noqa: S608 - placeholders only
            (guild_id, *wanted),
        )
        return frozenset(row["user_id"] for row in rows)

    # -- decisions -------------------------------------------------------------------------

    async def set_decision(self, session_id: int, decision: Decision) -> bool:
        """Record or replace the call on a candidate; False unless the bar raiser and the
        candidate are both still in the round."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO mock_decisions (session_id, candidate_user_id, decided_by_user_id, "
                "decision, reason, decided_at) SELECT ?, ?, ?, ?, ?, ? WHERE " + _STILL_IN
                + " AND " + _STILL_IN + " ON CONFLICT (session_id, candidate_user_id) DO UPDATE "
                "SET decided_by_user_id = excluded.decided_by_user_id, "
                "decision = excluded.decision, reason = excluded.reason, "
                "decided_at = excluded.decided_at",
                (session_id, decision.candidate_user_id, decision.decided_by_user_id,
                 decision.call.value, decision.reason, to_db(decision.decided_at),
                 session_id, decision.decided_by_user_id, session_id,
                 decision.candidate_user_id),
            )
            return cursor.rowcount == 1

    async def decisions(self, session_id: int) -> list[Decision]:
        rows = await self._db.fetchall(
            "SELECT candidate_user_id, decided_by_user_id, decision, reason, decided_at "
            "FROM mock_decisions WHERE session_id = ? ORDER BY candidate_user_id",
            (session_id,),
        )
        return [Decision(r["candidate_user_id"], r["decided_by_user_id"], Vote(r["decision"]),
                         r["reason"], from_db(r["decided_at"])) for r in rows]
