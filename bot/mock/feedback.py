"""Who reads which note: public notes are for everyone, private ones for the candidate.

Interviewers' notes default to private (``/mock note visibility:private``): they are
feedback for the candidate, not a verdict for the room. So a private note is never
put in anything the thread sees (scorecard, phase posts, a watcher's export); the
candidate reads it through the scorecard's **My feedback** button (an ephemeral
reply) and in their own ``/mock export``. Who counts as the candidate is the state
machine's rule (``roles.reads_private_feedback``).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.mock import roles
from bot.mock.model import MockState, Note, Status


def public_notes(notes: Sequence[Note]) -> tuple[Note, ...]:
    """The notes anyone in the thread may see."""
    return tuple(note for note in notes if note.public)


def private_notes_for(state: MockState, user_id: int, notes: Sequence[Note]) -> tuple[Note, ...]:
    """The private notes ``user_id`` may read: all of them for the candidate, none otherwise."""
    if not roles.reads_private_feedback(state, user_id):
        return ()
    return tuple(note for note in notes if not note.public)


def notes_for_export(state: MockState, user_id: int, notes: Sequence[Note]) -> tuple[Note, ...]:
    """What an export by ``user_id`` carries: nothing before the round ends (notes are
    the panel's until the scorecard), then the public notes, plus the private ones for
    the candidate."""
    if state.status is not Status.ENDED:
        return ()
    private = private_notes_for(state, user_id, notes)
    return tuple(note for note in notes if note.public or note in private)
