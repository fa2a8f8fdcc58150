"""Migration progress_fair on a database holding the old shapes: context-menu reviews
stored under the author, ladder reminders, and totals counting every review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.progress.grading import CardGrader
from storage.db import Database, discover_migrations, to_db
from storage.progress import CardRepository
from tests.test_progress_support import add_review

GUILD, AUTHOR, ASKER, MEMBER = 1, 21, 22, 23
AT = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


async def old_database(path: Path) -> Database:
    """Migrated up to just before progress_fair, then filled the way the old code did."""
    migrations = discover_migrations()
    index = next(i for i, m in enumerate(migrations) if m.name == "progress_fair")
    db = await Database.open(path)
    await db.migrate(migrations[:index])

    async def review(user: int, source: str, score: int, at: datetime) -> int:
        review_id = await db.execute(
            "INSERT INTO reviews (guild_id, user_id, source, score, failure_count, created_at) "
            "VALUES (?, ?, ?, ?, 0, ?)", (GUILD, user, source, score, to_db(at)),
        )
        await db.executemany(
            "INSERT INTO review_labels (review_id, label, value) VALUES (?, ?, ?)",
            [(review_id, "customer_first", int(score > 0)), (review_id, "numbers_always", 0)],
        )
        return review_id

    await review(AUTHOR, "context_menu", 1, AT)  # bob checked carol's "lol nice meme"
    await review(MEMBER, "check", 3, AT)
    await review(MEMBER, "check", 1, AT + timedelta(hours=1))  # same UTC day: not best
    await review(MEMBER, "auto", 2, AT + timedelta(days=1))
    await db.execute(
        "INSERT INTO progress_preferences (guild_id, user_id, reminders, delivery, "
        "reviewed_through, updated_at) VALUES (?, ?, 1, 'dm', 4, ?)", (GUILD, MEMBER, to_db(AT)),
    )
    await db.execute(
        "INSERT INTO progress_reminders (guild_id, user_id, item, due_at, step, delivery, "
        "consecutive_hits, created_at) VALUES (?, ?, 'numbers_always', ?, 2, 'dm', 1, ?)",
        (GUILD, MEMBER, to_db(AT + timedelta(days=7)), to_db(AT)),
    )
    await db.execute(
        "INSERT INTO progress_answers (guild_id, user_id, local_date, thread_id, message_id, "
        "answered_at) VALUES (?, ?, '2026-11-20', 5, 6, ?)", (GUILD, AUTHOR, to_db(AT)),
    )
    return db


async def test_old_rows_are_corrected(tmp_path: Path) -> None:
    db = await old_database(tmp_path / "old.db")
    try:
        await db.migrate()
        sources = await db.fetchall("SELECT user_id, source FROM reviews ORDER BY id")
        # The asker of an old context-menu review is unknowable: every such row is gone.
        assert [(r["user_id"], r["source"]) for r in sources] == [
            (MEMBER, "check"), (MEMBER, "check"), (MEMBER, "auto")
        ]
        orphans = await db.fetchone(
            "SELECT COUNT(*) FROM review_labels WHERE review_id NOT IN (SELECT id FROM reviews)"
        )
        assert orphans[0] == 0
        totals = {
            r["user_id"]: (r["answers"], r["reviews"], r["items_met"])
            for r in await db.fetchall("SELECT * FROM progress_totals")
        }
        # The author keeps their own (grandfathered) answer; no review points are left.
        # The member: best of the first day (3) and the next day's (2).
        assert totals == {AUTHOR: (1, 0, 0), MEMBER: (0, 2, 5)}
        [card] = await db.fetchall("SELECT * FROM progress_cards")
        assert (card["user_id"], card["item"], card["state"], card["stability"]) == (
            MEMBER, "numbers_always", 2, 7.0
        )
        assert card["due_at"] == to_db(AT + timedelta(days=7))
        assert card["last_review_at"].startswith(to_db(AT)[:19])  # 7 days before it was due
        tables = {r["name"] for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "progress_reminders" not in tables
        watermark = await db.fetchone("SELECT reviewed_through FROM progress_grading")
        assert watermark[0] == 4  # old reviews do not grade again
        # The moved card carries on under FSRS: met when due, it comes back later still.
        due = AT + timedelta(days=7)
        await add_review(db, MEMBER, due, {"numbers_always": True}, guild_id=GUILD)
        assert await CardGrader(CardRepository(db)).grade_new_reviews() == 1
        moved = (await CardRepository(db).cards(GUILD, MEMBER))["numbers_always"]
        assert moved.due_at - due > timedelta(days=7)
    finally:
        await db.close()
