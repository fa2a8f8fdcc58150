"""A member's own data, as a service: export it as JSON, or delete all of it.

The discovery of what is "theirs" lives in ``storage.privacy`` (every table
and ``*user_id`` column, found from the schema); this layer adds what the
member sees: a self-describing JSON document, and a summary of what went.

A delete runs under the member's ``Erasure`` lock (``bot.erasure``): a write about
them asked for earlier cannot land after it, and live records they run for others
(a mock round they host) are handed on first by each feature's departure hook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.clock import Clock
from bot.erasure import Erasure, HandedOn
from storage import privacy
from storage.db import Database, to_db

EXPORT_FORMAT = 1


@dataclass(frozen=True)
class DataSummary:
    """Rows per table, for the message shown beside an export or after a delete."""

    per_table: dict[str, int]
    cleared: int = 0  # rows kept for others with the member's name cleared (a hosted round)
    handed_on: tuple[HandedOn, ...] = ()  # live records passed on (a hosted round)
    wiped: bool = True  # the WAL holding the old pages was truncated

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
    def __init__(self, db: Database, clock: Clock, erasure: Erasure | None = None) -> None:
        self._db = db
        self._clock = clock
        self._erasure = erasure or Erasure()

    async def export(self, user_id: int) -> Export:
        """Everything stored about the member, in every server, as a JSON document."""
        tables = await privacy.export_user(self._db, user_id)
        document = {
            "format": EXPORT_FORMAT,
            "user_id": user_id,
            "exported_at": to_db(self._clock.now()),
            "explanation": "Every row Bar Raiser stores that names you, or that names nobody "
                           "and belongs to a row that names you, by table. Rows naming other "
                           "members are theirs and are not included. docs/PROGRESS.md says "
                           "why each is kept.",
            "tables": tables,
        }
        encoded = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode()
        return Export(encoded, DataSummary({name: len(rows) for name, rows in tables.items()}))

    async def delete(self, user_id: int) -> DataSummary:
        """Hand on what others still use, then delete every row about the member in one
        transaction and truncate the WAL, all under the member's erasure lock."""
        async with self._erasure.erasing(user_id) as handed_on:
            deleted, cleared = await privacy.delete_user(self._db, user_id)
            wiped = await privacy.wipe_wal(self._db)
        return DataSummary(deleted, sum(cleared.values()), tuple(handed_on), wiped)
