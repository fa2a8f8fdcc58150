"""SQL of the progress feature (see docs/PROGRESS.md for what is stored and why).

``ProgressRepository`` owns progress's tables; ``ActivityReader`` reads the
aggregates progress needs from the daily, review and mock features' tables.
"""

from storage.progress.activity import ActivityReader, ReviewOutcome, ThreadPost
from storage.progress.repository import (
    Answer,
    DigestClaim,
    Preferences,
    ProgressRepository,
    StoredReminder,
)

__all__ = [
    "ActivityReader",
    "Answer",
    "DigestClaim",
    "Preferences",
    "ProgressRepository",
    "ReviewOutcome",
    "StoredReminder",
    "ThreadPost",
]
