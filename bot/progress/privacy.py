"""A member's own data, as a service: export it as JSON, or delete all of it.

The discovery of what is "theirs" lives in ``storage.privacy`` (every table
and ``*user_id`` column, found from the schema); this layer adds what the
member sees: a self-describing JSON document, and a summary of what went.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.clock import Clock
from storage import privacy
from storage.db import Database, to_db

EXPORT_FORMAT = 1


@dataclass(frozen=True)
class DataSummary:
    """Rows per table, for the message shown beside an export or after a delete."""

    per_table: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.per_table.values())

    @property
    def tables(self) -> list[str]:
        return sorted(self.per_table)


@dataclass(frozen=True)
class Export:
    document: bytes
    summary: DataSummary


class PrivacyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def export(self, user_id: int) -> Export:
        """Everything stored about the member, in every server, as a JSON document."""
        tables = await privacy.export_user(self._db, user_id)
        document = {
            "format": EXPORT_FORMAT,
            "user_id": user_id,
            "exported_at": to_db(self._clock.now()),
            "explanation": "Every row Bar Raiser stores that names you, or belongs to a row "
                           "that does, by table. docs/PROGRESS.md says why each is kept.",
            "tables": tables,
        }
        encoded = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode()
        return Export(encoded, DataSummary({name: len(rows) for name, rows in tables.items()}))

    async def delete(self, user_id: int) -> DataSummary:
        """Delete every row about the member, in one transaction."""
        return DataSummary(await privacy.delete_user(self._db, user_id))
