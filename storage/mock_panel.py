"""SQL of voice rounds' panel ticks, Run it back claims and candidate counts.

Apart from ``storage/mock.py`` (a round's clock and roster) because these are
records about a round, written by the panel and by whoever presses Run it back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.mock.model_panel import Tick
from storage.db import Database, to_db

# As in storage/mock_record.py: a tick lands only while its scorer is on the round's roster,
# checked in the same statement, so nothing names a member after /privacy delete.
RERUN_STALE = timedelta(minutes=5)
_STILL_IN = "EXISTS (SELECT 1 FROM mock_participants WHERE session_id = ? AND user_id = ?)"


class MockPanelRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- ticks -----------------------------------------------------------------------------

    async def set_ticks(self, session_id: int, scorer_user_id: int, phase_index: int,
                        deliverables: Iterable[int], now: datetime) -> bool:
        """Replace one panel member's ticks for one phase; False if they left the round."""
        async with self._db.transaction() as tx:
            present = await tx.fetchone("SELECT " + _STILL_IN, (session_id, scorer_user_id))
            if present is None or not present[0]:
                return False
            await tx.execute(
                "DELETE FROM mock_ticks WHERE session_id = ? AND scorer_user_id = ? "
                "AND phase_index = ?", (session_id, scorer_user_id, phase_index),
            )
            await tx.executemany(
                "INSERT INTO mock_ticks (session_id, scorer_user_id, phase_index, deliverable, "
                "updated_at) VALUES (?, ?, ?, ?, ?)",
                [(session_id, scorer_user_id, phase_index, d, to_db(now))
                 for d in sorted(set(deliverables))],
            )
        return True

    async def ticks(self, session_id: int) -> list[Tick]:
        rows = await self._db.fetchall(
            "SELECT scorer_user_id, phase_index, deliverable FROM mock_ticks "
            "WHERE session_id = ? ORDER BY phase_index, deliverable, scorer_user_id",
            (session_id,),
        )
        return [Tick(r["scorer_user_id"], r["phase_index"], r["deliverable"]) for r in rows]

    # -- Run it back -----------------------------------------------------------------------

    async def claim_rerun(self, session_id: int, now: datetime) -> bool:
        """The first press on an ended round's Run it back; False for every later one.

        A claim whose next round never got its thread by ``stale_before`` (the process
        died while opening it) is taken over, so the button cannot jam for good.
        """
        stale_before = now - RERUN_STALE
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO mock_reruns (session_id, claimed_at) VALUES (?, ?) "
                "ON CONFLICT (session_id) DO UPDATE SET claimed_at = excluded.claimed_at, "
                "next_session_id = NULL WHERE mock_reruns.claimed_at < ? AND NOT EXISTS "
                "(SELECT 1 FROM mock_sessions AS s WHERE s.session_id = "
                "mock_reruns.next_session_id AND s.thread_id IS NOT NULL)",
                (session_id, to_db(now), to_db(stale_before)),
            )
            return cursor.rowcount == 1

    async def set_rerun(self, session_id: int, next_session_id: int) -> None:
        await self._db.execute(
            "UPDATE mock_reruns SET next_session_id = ? WHERE session_id = ?",
            (next_session_id, session_id),
        )

    async def release_rerun(self, session_id: int) -> None:
        """Give the claim back (the next round's thread could not be created)."""
        await self._db.execute("DELETE FROM mock_reruns WHERE session_id = ?", (session_id,))

    async def rerun_thread(self, session_id: int) -> int | None:
        """The thread of the round this one was run back into, once it exists."""
        row = await self._db.fetchone(
            "SELECT s.thread_id FROM mock_reruns AS r JOIN mock_sessions AS s "
            "ON s.session_id = r.next_session_id WHERE r.session_id = ?", (session_id,),
        )
        return row[0] if row is not None else None

    # -- who has been candidate ------------------------------------------------------------

    async def candidate_rounds(self, guild_id: int, session_id: int) -> dict[int, int]:
        """Started rounds in this server that each of ``session_id``'s people played as
        candidate (0 for none)."""
        rows = await self._db.fetchall(
            "SELECT me.user_id, COUNT(s.session_id) AS rounds FROM mock_participants AS me "
            "LEFT JOIN mock_participants AS p ON p.user_id = me.user_id AND p.role = 'candidate' "
            "LEFT JOIN mock_sessions AS s ON s.session_id = p.session_id AND s.guild_id = ? "
            "AND s.started_at IS NOT NULL WHERE me.session_id = ? GROUP BY me.user_id",
            (guild_id, session_id),
        )
        return {r["user_id"]: r["rounds"] for r in rows}
