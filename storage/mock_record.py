"""SQL for what is said and judged in a mock round: transcript, notes, scores, votes, scorecards."""

from __future__ import annotations

from datetime import datetime

from bot.mock.model import CastVote, Note, Score, TranscriptEntry, Vote
from storage.db import from_db, to_db
from storage.mock_people import MockPeopleRepository

# What is said and judged about a member lands only while they are on the round's roster,
# checked in the same statement as the write: /privacy delete removes them from every
# roster (live rounds through the state machine, ended ones with their rows), so a note,
# answer, score or vote racing the delete can never land after it and name them again.
_STILL_IN = (
    "EXISTS (SELECT 1 FROM mock_participants WHERE session_id = ? AND user_id = ?)"
)


class MockRecordRepository(MockPeopleRepository):
    """Everything said and judged in a round, each write guarded by ``_STILL_IN``."""

    # -- what was said and judged ----------------------------------------------------------

    async def add_transcript(
        self, session_id: int, entry: TranscriptEntry, source: str, message_id: int | None
    ) -> bool:
        """Record a candidate's words; False if this Discord message was recorded already,
        or the author is no longer in the round (``_STILL_IN``)."""
        # A transaction for the cursor: an ignored INSERT still reports the last rowid.
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO mock_transcript (session_id, phase_index, author_user_id, "
                "source, message_id, text, created_at) SELECT ?, ?, ?, ?, ?, ?, ? "
                "WHERE " + _STILL_IN + " ON CONFLICT DO NOTHING",
                (session_id, entry.phase_index, entry.author_user_id, source, message_id,
                 entry.text, to_db(entry.created_at), session_id, entry.author_user_id),
            )
            return cursor.rowcount == 1

    async def transcript(self, session_id: int) -> list[TranscriptEntry]:
        rows = await self._db.fetchall(
            "SELECT phase_index, author_user_id, text, created_at FROM mock_transcript "
            "WHERE session_id = ? ORDER BY created_at, entry_id",
            (session_id,),
        )
        return [TranscriptEntry(r["phase_index"], r["author_user_id"], r["text"],
                                from_db(r["created_at"])) for r in rows]

    async def add_note(self, session_id: int, note: Note) -> bool:
        """Store a note; False when its author is no longer in the round (``_STILL_IN``)."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO mock_notes (session_id, phase_index, author_user_id, text, "
                "created_at, visibility) SELECT ?, ?, ?, ?, ?, ? WHERE " + _STILL_IN,
                (session_id, note.phase_index, note.author_user_id, note.text,
                 to_db(note.created_at), "public" if note.public else "private", session_id,
                 note.author_user_id),
            )
            return cursor.rowcount == 1

    async def notes(self, session_id: int) -> list[Note]:
        rows = await self._db.fetchall(
            "SELECT phase_index, author_user_id, text, created_at, visibility FROM mock_notes "
            "WHERE session_id = ? ORDER BY created_at, note_id",
            (session_id,),
        )
        return [Note(r["phase_index"], r["author_user_id"], r["text"], from_db(r["created_at"]),
                     r["visibility"] == "public") for r in rows]

    async def set_score(self, session_id: int, score: Score, now: datetime) -> bool:
        """Store or change a judgement; False unless scorer and candidate are both still
        in the round (``_STILL_IN``)."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO mock_scores (session_id, scorer_user_id, candidate_user_id, "
                "item_id, met, updated_at) SELECT ?, ?, ?, ?, ?, ? WHERE " + _STILL_IN
                + " AND " + _STILL_IN + " ON CONFLICT (session_id, scorer_user_id, "
                "candidate_user_id, item_id) DO UPDATE SET met = excluded.met, "
                "updated_at = excluded.updated_at",
                (session_id, score.scorer_user_id, score.candidate_user_id, score.item_id,
                 int(score.met), to_db(now), session_id, score.scorer_user_id, session_id,
                 score.candidate_user_id),
            )
            return cursor.rowcount == 1

    async def scores(self, session_id: int) -> list[Score]:
        rows = await self._db.fetchall(
            "SELECT scorer_user_id, candidate_user_id, item_id, met FROM mock_scores "
            "WHERE session_id = ? ORDER BY scorer_user_id, item_id",
            (session_id,),
        )
        return [Score(r["scorer_user_id"], r["candidate_user_id"], r["item_id"], bool(r["met"]))
                for r in rows]

    async def set_vote(self, session_id: int, vote: CastVote, now: datetime) -> bool:
        """Cast or change a vote; False unless voter and candidate are both still in the
        round (``_STILL_IN``)."""
        async with self._db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO mock_votes (session_id, voter_user_id, candidate_user_id, vote, "
                "updated_at) SELECT ?, ?, ?, ?, ? WHERE " + _STILL_IN + " AND " + _STILL_IN
                + " ON CONFLICT (session_id, voter_user_id, candidate_user_id) "
                "DO UPDATE SET vote = excluded.vote, updated_at = excluded.updated_at",
                (session_id, vote.voter_user_id, vote.candidate_user_id, vote.vote.value,
                 to_db(now), session_id, vote.voter_user_id, session_id,
                 vote.candidate_user_id),
            )
            return cursor.rowcount == 1

    async def votes(self, session_id: int) -> list[CastVote]:
        rows = await self._db.fetchall(
            "SELECT voter_user_id, candidate_user_id, vote FROM mock_votes WHERE session_id = ? "
            "ORDER BY voter_user_id",
            (session_id,),
        )
        return [CastVote(r["voter_user_id"], r["candidate_user_id"], Vote(r["vote"]))
                for r in rows]

    async def mark_scorecard_posted(
        self, session_id: int, candidate_user_id: int, now: datetime
    ) -> None:
        """Remember that a candidate's scorecard was posted (the first time counts).

        No rendered text is kept: it would name members after they erased their data.
        """
        await self._db.execute(
            "INSERT INTO mock_scorecards (session_id, candidate_user_id, created_at) "
            "VALUES (?, ?, ?) ON CONFLICT (session_id, candidate_user_id) DO NOTHING",
            (session_id, candidate_user_id, to_db(now)),
        )

    async def scorecards_posted(self, session_id: int) -> list[int]:
        """The candidates whose scorecard was posted, in the order they were."""
        rows = await self._db.fetchall(
            "SELECT candidate_user_id FROM mock_scorecards WHERE session_id = ? "
            "ORDER BY created_at, candidate_user_id",
            (session_id,),
        )
        return [row[0] for row in rows]
