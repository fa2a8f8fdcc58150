"""Stored reviews on a real migrated SQLite file: rows, labels, dedupe, queries, privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.review import LABELS, Reviewer
from storage.db import Database, to_db
from storage.privacy import delete_user
from storage.reviews import NewReview, ReviewRepository

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GUILD, ADA, BOB = 10, 1, 2


def _new(
    user: int = ADA,
    *,
    labels: dict[str, int] | None = None,
    message_id: int | None = None,
    source: str = "check",
) -> NewReview:
    labels = labels or dict.fromkeys(LABELS, 0)
    return NewReview(
        user_id=user,
        guild_id=GUILD,
        source=source,
        score=sum(labels[label] for label in LABELS[:5]),
        failure_count=sum(labels[label] for label in LABELS[5:]),
        labels=labels,
        prompt_id="w01d1-latency-numbers",
        phase="requirements",
        message_id=message_id,
    )


async def test_review_and_its_ten_labels_round_trip(db: Database) -> None:
    review = Reviewer().review("Assume 20M DAU → ~500 writes/s. Everything on k8s.")
    repo = ReviewRepository(db)
    review_id = await repo.add(NewReview(
        user_id=ADA, guild_id=GUILD, source="check", score=review.score,
        failure_count=review.failure_count, labels=review.labels(), phase="scale"), NOW)
    stored = await repo.get(review_id or -1)
    assert stored is not None
    assert (stored.user_id, stored.guild_id, stored.source) == (ADA, GUILD, "check")
    assert stored.phase == "scale"
    assert (stored.score, stored.failure_count) == (1, 1)
    assert stored.labels == review.labels() and len(stored.labels) == 10
    assert stored.created_at == NOW


async def test_a_message_is_stored_once_even_if_reviewed_again(db: Database) -> None:
    repo = ReviewRepository(db)
    first = await repo.add(_new(message_id=555, source="auto"), NOW)
    again = await repo.add(_new(message_id=555, source="context_menu"), NOW)
    assert first is not None and again is None
    rows = await db.fetchall("SELECT COUNT(*) AS n FROM review_labels")
    assert rows[0]["n"] == 10
    assert await repo.add(_new(), NOW) is not None  # no message: /check pastes always count


async def test_hit_rate_per_item_for_a_member_in_a_guild(db: Database) -> None:
    repo = ReviewRepository(db)
    met = {label: int(label == "numbers_always") for label in LABELS}
    for labels in (met, met, dict.fromkeys(LABELS, 0)):
        await repo.add(_new(labels=labels), NOW)
    await repo.add(_new(BOB, labels=met), NOW)
    rates = await repo.hit_rates(GUILD, ADA)
    assert (rates["numbers_always"].met, rates["numbers_always"].total) == (2, 3)
    assert rates["customer_first"].met == 0 and rates["customer_first"].total == 3


async def test_reviews_per_member_per_day(db: Database) -> None:
    repo = ReviewRepository(db)
    for hours in (0, 1, 25, 26, 27, 24 * 10):
        await repo.add(_new(), NOW - timedelta(hours=hours))
    per_day = await repo.reviews_per_day(GUILD, ADA, since=NOW - timedelta(days=3))
    assert per_day == {(NOW - timedelta(days=1)).date(): 3, NOW.date(): 2}


@pytest.mark.sqlite_only
async def test_progress_queries_use_the_member_index(db: Database) -> None:
    plan = await db.fetchall(
        "EXPLAIN QUERY PLAN SELECT l.label, SUM(l.value) FROM reviews r "
        "JOIN review_labels l ON l.review_id = r.id WHERE r.guild_id = ? AND r.user_id = ? "
        "GROUP BY l.label", (GUILD, ADA))
    details = " ".join(row["detail"] for row in plan)
    assert "SEARCH r USING" in details and "(guild_id=? AND user_id=?)" in details
    assert "SEARCH l USING PRIMARY KEY (review_id=?)" in details
    assert "SCAN r" not in details


async def test_unknown_source_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="unknown review source"):
        await ReviewRepository(db).add(_new(source="bogus"), NOW)


async def test_privacy_delete_removes_reviews_and_their_labels(db: Database) -> None:
    repo = ReviewRepository(db)
    await repo.add(_new(ADA), NOW)
    await repo.add(_new(BOB), NOW)
    await delete_user(db, ADA)
    reviews = await db.fetchall("SELECT user_id FROM reviews")
    labels = await db.fetchall("SELECT COUNT(*) AS n FROM review_labels")
    assert [row["user_id"] for row in reviews] == [BOB]
    assert labels[0]["n"] == 10


async def test_scores_above_five_are_stored_after_the_uncapping_migration(tmp_path) -> None:
    """A sixth checklist item is data: the score cap of 0003 is gone, and the migration
    that removes it keeps every stored review, its labels and the progress triggers."""
    from storage.db import discover_migrations

    migrations = discover_migrations()
    uncapping = next(m for m in migrations if m.name == "reviews_uncapped")
    db = await Database.open(tmp_path / "old.db")
    try:
        await db.migrate([m for m in migrations if m.version < uncapping.version])
        # A review as the release before the uncapping stored it (its schema, not today's).
        kept = await db.execute(
            "INSERT INTO reviews (guild_id, user_id, source, phase, score, failure_count, created_at) "
            "VALUES (?, ?, 'check', NULL, 1, 0, ?)", (GUILD, ADA, to_db(NOW)))
        await db.executemany("INSERT INTO review_labels (review_id, label, value) VALUES (?, ?, ?)",
                             [(kept, label, int(label == "customer_first")) for label in LABELS])
        await db.migrate()
        repo = ReviewRepository(db)
        assert await db.schema_version() == migrations[-1].version
        stored = await repo.get(kept or -1)
        assert stored is not None and stored.score == 1 and stored.labels["customer_first"] == 1
        six = NewReview(user_id=BOB, guild_id=GUILD, source="check", score=6, failure_count=6,
                        labels=dict.fromkeys(LABELS, 1), phase="scale")
        six_id = await repo.add(six, NOW)
        assert (await repo.get(six_id or -1)).score == 6  # type: ignore[union-attr]
        totals = await db.fetchall(
            "SELECT user_id, reviews, items_met FROM progress_totals ORDER BY user_id")
        assert [tuple(row) for row in totals] == [(ADA, 1, 1), (BOB, 1, 6)]
        await db.execute("DELETE FROM reviews WHERE id = ?", (six_id,))
        labels = await db.fetchall("SELECT COUNT(*) AS n FROM review_labels")
        assert labels[0]["n"] == 10  # the cascade still points at the rebuilt reviews table
    finally:
        await db.close()
