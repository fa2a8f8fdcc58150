"""SQL for mock rounds themselves: sessions, their phases and roster, announcement claims.

A round's state is written as one transaction (session row, phases,
participants), so a crash leaves either the old state or the new one. The
announcement claim is its own transaction: the first key decides whether this
caller posts, and the stale keys a catch-up replaces are claimed with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.mock.model import MockSession, MockState
from bot.outbox.model import Envelope
from storage.db import Database, Row, to_db
from storage.mock_record import MockRecordRepository
from storage.mock_rows import _SELECT_SESSION, _maybe_db, _session, _write_participants
from storage.outbox import enqueue_in


class StaleRound(Exception):
    """The round changed under a save: a phase it closes was already closed."""


class MockRepository(MockRecordRepository):
    """Rounds, their phases and participants, and their announcement claims (what was
    said and judged: ``storage.mock_record``; quiet members and decisions:
    ``storage.mock_people``)."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)

    # -- sessions --------------------------------------------------------------------------

    async def create(
        self,
        *,
        guild_id: int,
        channel_id: int,
        question_id: str,
        length_minutes: int,
        phase_ids: Sequence[str],
        state: MockState,
        max_live: int,
        voice_channel_id: int | None = None,
    ) -> int | None:
        """Insert a lobby unless the guild already has ``max_live`` live rounds.

        The count and the insert share one transaction, so two hosts racing for
        the last slot cannot both get it. Returns the new id, or ``None`` when full.
        """
        async with self._db.transaction() as tx:
            await tx.serialize("mock-live", guild_id)  # the count and the insert, one at a time
            row = await tx.fetchone(
                "SELECT COUNT(*) FROM mock_sessions WHERE guild_id = ? AND status != 'ended'",
                (guild_id,),
            )
            if row is not None and row[0] >= max_live:
                return None
            cursor = await tx.execute(
                "INSERT INTO mock_sessions (guild_id, channel_id, question_id, length_minutes, "
                "minute_seconds, host_user_id, status, created_at, last_activity_at, mode, "
                "voice_channel_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING session_id",
                (guild_id, channel_id, question_id, length_minutes, state.minute_seconds,
                 state.host_user_id, state.status.value, to_db(state.created_at),
                 to_db(state.last_activity_at), state.mode.value, voice_channel_id),
            )
            session_id = int(cursor.fetchall()[0][0])
            await tx.executemany(
                "INSERT INTO mock_phases (session_id, phase_index, phase_id, planned_minutes, "
                "minutes) VALUES (?, ?, ?, ?, ?)",
                [(session_id, slot.index, phase_id, slot.planned_minutes, slot.minutes)
                 for slot, phase_id in zip(state.phases, phase_ids, strict=True)],
            )
            await _write_participants(tx, session_id, state.participants)
        return session_id

    async def attach_thread(self, session_id: int, thread_id: int) -> None:
        await self._db.execute(
            "UPDATE mock_sessions SET thread_id = ? WHERE session_id = ?", (thread_id, session_id)
        )

    async def set_lobby_message(self, session_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE mock_sessions SET lobby_message_id = ? WHERE session_id = ?",
            (message_id, session_id),
        )

    async def delete(self, session_id: int) -> None:
        """Forget a round whose thread could not be created."""
        await self._db.execute("DELETE FROM mock_sessions WHERE session_id = ?", (session_id,))

    async def get(self, session_id: int) -> MockSession | None:
        return await self._load(
            await self._db.fetchone(_SELECT_SESSION + " WHERE session_id = ?", (session_id,))
        )

    async def by_thread(self, thread_id: int) -> MockSession | None:
        return await self._load(
            await self._db.fetchone(_SELECT_SESSION + " WHERE thread_id = ?", (thread_id,))
        )

    async def live_ids_of(self, user_id: int) -> list[int]:
        """Live rounds the member hosts or takes part in."""
        rows = await self._db.fetchall(
            "SELECT session_id FROM mock_sessions AS s WHERE status != 'ended' AND "
            "(host_user_id = ? OR EXISTS (SELECT 1 FROM mock_participants AS p "
            "WHERE p.session_id = s.session_id AND p.user_id = ?)) ORDER BY session_id",
            (user_id, user_id),
        )
        return [row[0] for row in rows]

    async def live_ids(self) -> list[tuple[int, int]]:
        """Every round not yet ended, with its server, for rebuilding timers at startup."""
        rows = await self._db.fetchall(
            "SELECT session_id, guild_id FROM mock_sessions WHERE status != 'ended' "
            "ORDER BY session_id"
        )
        return [(row[0], row[1]) for row in rows]

    async def _load(self, row: Row | None) -> MockSession | None:
        """The session in ``row`` with its phases, participants and claimed announcements."""
        if row is None:
            return None
        session_id = row["session_id"]
        phases = await self._db.fetchall(
            "SELECT phase_index, planned_minutes, minutes, started_at, deadline, ended_at "
            "FROM mock_phases WHERE session_id = ? ORDER BY phase_index",
            (session_id,),
        )
        people = await self._db.fetchall(
            "SELECT user_id, role, joined_at FROM mock_participants WHERE session_id = ? "
            "ORDER BY joined_at, user_id",
            (session_id,),
        )
        sent = await self._db.fetchall(
            "SELECT key FROM mock_announcements WHERE session_id = ?", (session_id,)
        )
        return _session(row, phases, people, frozenset(r["key"] for r in sent))

    async def save(
        self, session_id: int, state: MockState, before: MockState | None = None
    ) -> None:
        """Write the state machine's view of the round in one transaction.

        With ``before`` (the state as loaded), only the phases and roster that
        changed are rewritten: a timer tick usually touches one phase, and 200
        rounds ticking at the same instant share one write lock. A phase this save
        closes is closed only if it is still open in the database (``ended_at IS
        NULL``); if another writer closed it first the whole save is rolled back
        with ``StaleRound``, so two moves can never both end a phase and skip the next.
        """
        phases = [slot for i, slot in enumerate(state.phases)
                  if before is None or before.phases[i] != slot]
        closing = [slot for slot in phases if before is not None and slot.ended_at is not None
                   and before.phases[slot.index].ended_at is None]
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE mock_sessions SET host_user_id = ?, status = ?, pair_mode = ?, "
                "idle_paused = ?, last_activity_at = ?, started_at = ?, paused_at = ?, "
                "ended_at = ?, end_reason = ?, lobby_revision = ? WHERE session_id = ?",
                (state.host_user_id, state.status.value, int(state.pair_mode),
                 int(state.idle_paused), to_db(state.last_activity_at),
                 _maybe_db(state.started_at), _maybe_db(state.paused_at),
                 _maybe_db(state.ended_at),
                 state.end_reason.value if state.end_reason else None, state.lobby_revision,
                 session_id),
            )
            for slot in closing:
                cursor = await tx.execute(
                    "UPDATE mock_phases SET minutes = ?, started_at = ?, deadline = ?, "
                    "ended_at = ? WHERE session_id = ? AND phase_index = ? AND ended_at IS NULL",
                    (slot.minutes, _maybe_db(slot.started_at), _maybe_db(slot.deadline),
                     _maybe_db(slot.ended_at), session_id, slot.index),
                )
                if cursor.rowcount != 1:
                    raise StaleRound(f"round {session_id}: phase {slot.index} already ended")
            await tx.executemany(
                "UPDATE mock_phases SET minutes = ?, started_at = ?, deadline = ?, ended_at = ? "
                "WHERE session_id = ? AND phase_index = ?",
                [(slot.minutes, _maybe_db(slot.started_at), _maybe_db(slot.deadline),
                  _maybe_db(slot.ended_at), session_id, slot.index)
                 for slot in phases if slot not in closing],
            )
            if before is None or before.participants != state.participants:
                await tx.execute(
                    "DELETE FROM mock_participants WHERE session_id = ?", (session_id,)
                )
                await _write_participants(tx, session_id, state.participants)

    async def claim(
        self,
        session_id: int,
        keys: Sequence[str],
        now: datetime,
        envelopes: Sequence[Envelope] = (),
    ) -> bool:
        """Claim an announcement (``keys[0]``) and the stale keys it replaces, and enqueue
        its posts in the same transaction, so a claim never exists without its posts.

        True only for the one caller that claimed it.
        """
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO mock_announcements (session_id, key, claimed_at) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (session_id, keys[0], to_db(now)),
            )
            if cursor.rowcount != 1:
                return False
            await tx.executemany(
                "INSERT INTO mock_announcements (session_id, key, claimed_at) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [(session_id, key, to_db(now)) for key in keys[1:]],
            )
            await enqueue_in(tx, envelopes, now)
        return True
