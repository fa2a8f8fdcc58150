"""SQL of the progress feature (see docs/PROGRESS.md for what is stored and why).

``ProgressRepository`` owns answers, preferences and digest claims,
``CardRepository`` the FSRS cards and drill history; ``ActivityReader`` reads the
aggregates progress needs from the daily, review and mock features' tables.
"""

from storage.progress.activity import ActivityReader, ThreadPost
from storage.progress.cards import CardRepository
from storage.progress.repository import (
    Answer,
    DigestClaim,
    Preferences,
    ProgressRepository,
)

__all__ = [
    "ActivityReader",
    "Answer",
    "CardRepository",
    "DigestClaim",
    "Preferences",
    "ProgressRepository",
    "ThreadPost",
]
