"""Make a real SQLite database genuinely full for the daily claim of one guild.

``PRAGMA max_page_count`` caps the file at its size; SQLite then answers
SQLITE_FULL only when a write needs a *new* page. An empty table's root page
has room, so filling some other table would not stop the daily claim. Claim-
shaped rows for neighbouring guild ids, of shrinking size, fill exactly the
pages the claim would write (the table's rightmost leaf and both indexes' leaves
next to the guild's key), so the bot's own claim then fails as on a full disk.
"""

from __future__ import annotations

import sqlite3

from storage.db import Database

FREE = 1_073_741_823  # SQLite's default max_page_count: "storage works again"


async def fill_daily_posts_until_full(db: Database, guild_id: int) -> int:
    """Fill until a claim-sized row no longer fits; returns the filler rows added."""
    pages = (await db.fetchone("PRAGMA page_count"))[0]
    await db.execute(f"PRAGMA max_page_count = {pages + 1}")
    added = 0
    for size in (2000, 500, 100, 20, None):
        while True:
            try:
                await db.execute(
                    "INSERT INTO daily_posts (guild_id, epoch, cohort_day, local_date, kind, "
                    "channel_id, claimed_at, last_error) VALUES (?, 1, 1, '2026-01-01', "
                    "'prompt', ?, '2026-01-01T00:00:00.000000Z', ?)",
                    (guild_id - 1_000_000 + added, guild_id, None if size is None else "x" * size),
                )
            except sqlite3.OperationalError as error:
                assert "full" in str(error), error
                break
            added += 1
    return added


async def free(db: Database) -> None:
    await db.execute(f"PRAGMA max_page_count = {FREE}")
