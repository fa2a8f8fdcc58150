"""Session rows of the mock feature: the SELECT, decoding a row into a round, writing its roster."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.mock.model import EndReason, MockSession, MockState, Mode, Participant, PhaseSlot, Role, Status
from storage.db import Row, Transaction, from_db, to_db

_SELECT_SESSION = (
    "SELECT session_id, guild_id, channel_id, thread_id, lobby_message_id, question_id, "
    "length_minutes, minute_seconds, host_user_id, status, pair_mode, idle_paused, created_at, "
    "last_activity_at, started_at, paused_at, ended_at, end_reason, mode, voice_channel_id, "
    "lobby_revision "
    "FROM mock_sessions"
)


def _instant(text: str | None) -> datetime | None:
    return from_db(text) if text else None


def _maybe_db(instant: datetime | None) -> str | None:
    return to_db(instant) if instant else None


async def _write_participants(
    tx: Transaction, session_id: int, participants: Sequence[Participant]
) -> None:
    await tx.executemany(
        "INSERT INTO mock_participants (session_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)",
        [(session_id, p.user_id, p.role.value, to_db(p.joined_at)) for p in participants],
    )


def _session(
    row: Row,
    phases: Sequence[Row],
    people: Sequence[Row],
    sent: frozenset[str],
) -> MockSession:
    state = MockState(
        host_user_id=row["host_user_id"],
        minute_seconds=row["minute_seconds"],
        phases=tuple(
            PhaseSlot(p["phase_index"], p["planned_minutes"], p["minutes"],
                      _instant(p["started_at"]), _instant(p["deadline"]), _instant(p["ended_at"]))
            for p in phases
        ),
        created_at=from_db(row["created_at"]),
        last_activity_at=from_db(row["last_activity_at"]),
        status=Status(row["status"]),
        participants=tuple(
            Participant(p["user_id"], Role(p["role"]), from_db(p["joined_at"])) for p in people
        ),
        pair_mode=bool(row["pair_mode"]),
        started_at=_instant(row["started_at"]),
        paused_at=_instant(row["paused_at"]),
        idle_paused=bool(row["idle_paused"]),
        ended_at=_instant(row["ended_at"]),
        end_reason=EndReason(row["end_reason"]) if row["end_reason"] else None,
        sent=sent,
        mode=Mode(row["mode"]),
        lobby_revision=row["lobby_revision"],
    )
    return MockSession(
        session_id=row["session_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        thread_id=row["thread_id"],
        lobby_message_id=row["lobby_message_id"],
        question_id=row["question_id"],
        length_minutes=row["length_minutes"],
        state=state,
        voice_channel_id=row["voice_channel_id"],
    )
