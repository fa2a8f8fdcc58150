"""/privacy: export and delete everything about a member, found from the schema itself."""

import json
from datetime import timedelta

from bot.clock import FixedClock
from bot.progress.model import CardState
from bot.progress.privacy import PrivacyService
from storage.db import Database
from storage.introspect import read_schema
from storage.privacy import is_user_column, quote, user_columns
from storage.progress import Answer, CardRepository, Preferences, ProgressRepository
from tests.test_progress_support import (
    GUILD,
    NOW,
    TODAY,
    add_mock,
    add_review,
    daily_posts,
    items,
    thread_id,
)

MEMBER, OTHER = 11, 12


async def rows_naming(db: Database, user_id: int) -> dict[str, int]:
    """Rows per table in which any user column holds ``user_id``, discovered from the schema."""
    found = {}
    for table, info in (await read_schema(db)).items():
        columns = [c.name for c in info.columns]
        for column in filter(is_user_column, columns):
            row = await db.fetchone(
                f"SELECT COUNT(*) FROM {quote(table)} WHERE {quote(column)} = ?", (user_id,)
            )
            if row[0]:
                found[f"{table}.{column}"] = row[0]
    return found


async def fill(db: Database) -> None:
    """Some of everything, for the member and for someone else."""
    repo = ProgressRepository(db)
    await daily_posts(db, [TODAY])
    for user in (MEMBER, OTHER):
        await repo.record_answer(Answer(GUILD, user, TODAY, thread_id(TODAY), 1, None, NOW))
        await add_review(db, user, NOW, items("customer_first"))
        await repo.set_reminders(GUILD, user, Preferences(True, "dm"), NOW)
        card = CardState("numbers_always", 2, None, 1.0, 5.0, NOW)
        cards = CardRepository(db)
        await cards.save_grades([(GUILD, user, card)], await cards.watermark(), 0)
    await add_mock(db, MEMBER, {MEMBER: "candidate", OTHER: "interviewer"}, NOW)
    await add_mock(db, OTHER, {OTHER: "candidate", MEMBER: "observer"}, NOW)
    session = await add_mock(db, OTHER, {OTHER: "candidate"}, NOW)
    await db.execute(
        "INSERT INTO mock_scores (session_id, scorer_user_id, candidate_user_id, item_id, met, "
        "updated_at) VALUES (?, ?, ?, 'customer_first', 1, '')",
        (session, MEMBER, OTHER),
    )


async def test_every_schema_table_with_members_is_discovered(db: Database) -> None:
    discovered = await user_columns(db)
    assert discovered["progress_answers"] == ("user_id",)
    assert "reviews" in discovered
    assert any(c.endswith("_user_id") for cols in discovered.values() for c in cols)


async def test_delete_leaves_no_row_naming_the_member_and_keeps_others(db: Database) -> None:
    await fill(db)
    before = await rows_naming(db, MEMBER)
    assert {"progress_answers.user_id", "reviews.user_id", "progress_cards.user_id",
            "mock_participants.user_id", "mock_sessions.host_user_id"} <= set(before)
    others_before = await rows_naming(db, OTHER)
    summary = await PrivacyService(db, FixedClock(NOW)).delete(MEMBER)
    assert summary.rows >= sum(before.values())
    assert await rows_naming(db, MEMBER) == {}
    others_after = await rows_naming(db, OTHER)
    assert others_after["progress_answers.user_id"] == 1
    assert others_after["reviews.user_id"] == 1
    # the round the member hosted stays for the others, with the host's name cleared
    assert others_after["mock_sessions.host_user_id"] == 2
    assert others_after["mock_participants.user_id"] == others_before["mock_participants.user_id"]
    anonymous = await db.fetchone("SELECT COUNT(*) FROM mock_sessions WHERE host_user_id = 0")
    assert anonymous[0] == 1
    orphans = await db.fetchone(
        "SELECT COUNT(*) FROM review_labels WHERE review_id NOT IN (SELECT id FROM reviews)"
    )
    assert orphans[0] == 0  # a review's per-item rows went with it


async def test_a_table_added_later_is_covered_with_its_children(db: Database) -> None:
    await db.execute("CREATE TABLE later_feature (id INTEGER PRIMARY KEY, mentor_user_id INTEGER)")
    await db.execute(
        "CREATE TABLE later_feature_notes (note TEXT, "
        "feature_id INTEGER REFERENCES later_feature (id))"
    )
    await db.execute("INSERT INTO later_feature (id, mentor_user_id) VALUES (1, ?), (2, ?)",
                     (MEMBER, OTHER))
    await db.execute("INSERT INTO later_feature_notes VALUES ('mine', 1), ('theirs', 2)")
    service = PrivacyService(db, FixedClock(NOW))
    exported = json.loads((await service.export(MEMBER)).document)
    assert exported["tables"]["later_feature"] == [{"id": 1, "mentor_user_id": MEMBER}]
    assert exported["tables"]["later_feature_notes"] == [{"note": "mine", "feature_id": 1}]
    await service.delete(MEMBER)
    notes = await db.fetchall("SELECT note FROM later_feature_notes")
    assert [row["note"] for row in notes] == ["theirs"]


async def test_export_is_json_with_every_table_about_the_member(db: Database) -> None:
    await fill(db)
    export = await PrivacyService(db, FixedClock(NOW + timedelta(days=1))).export(MEMBER)
    document = json.loads(export.document)
    assert document["user_id"] == MEMBER
    assert document["exported_at"].startswith("2026-11-25")
    tables = document["tables"]
    assert [row["user_id"] for row in tables["progress_answers"]] == [MEMBER]
    assert {row["label"] for row in tables["review_labels"]} == set(items())
    assert all(OTHER not in (row.get("user_id"), row.get("scorer_user_id"))
               for row in tables["mock_scores"])
    assert export.summary.rows == sum(len(rows) for rows in tables.values())
