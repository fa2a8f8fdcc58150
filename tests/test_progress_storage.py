"""ProgressRepository on a real migrated SQLite file."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.progress.model import LocalWindow
from bot.progress.repetition import Reminder
from storage.db import Database
from storage.progress import ActivityReader, Answer, ProgressRepository
from tests.test_progress_support import GUILD, NOW, TODAY, add_review, daily_posts, items, thread_id

MEMBER, OTHER = 11, 12


def answer(day_offset: int = 0, user_id: int = MEMBER, message_id: int = 1) -> Answer:
    day = TODAY - timedelta(days=day_offset)
    return Answer(GUILD, user_id, day, thread_id(day), message_id, "w01d1", NOW)


async def test_only_the_first_answer_of_a_local_day_counts(db: Database) -> None:
    repo = ProgressRepository(db)
    assert await repo.record_answer(answer(message_id=1))
    assert not await repo.record_answer(answer(message_id=2))
    assert await repo.record_answer(answer(day_offset=1, message_id=3))
    assert await repo.answer_dates(GUILD, MEMBER) == [TODAY - timedelta(days=1), TODAY]


async def test_threads_are_found_only_for_daily_posts(db: Database) -> None:
    await daily_posts(db, [TODAY])
    activity = ActivityReader(db)
    post = await activity.post_for_thread(thread_id(TODAY))
    assert post is not None and (post.guild_id, post.local_date) == (GUILD, TODAY)
    assert await activity.post_for_thread(123) is None
    assert await activity.posted_dates(GUILD) == {TODAY}


async def test_a_delivery_is_claimed_by_exactly_one_caller(db: Database) -> None:
    repo = ProgressRepository(db)
    await repo.set_reminders(GUILD, MEMBER, True, "dm", 0, NOW)
    due = Reminder("numbers_always", NOW, step=0)
    await repo.apply_reviews(GUILD, MEMBER, {"numbers_always": due}, "dm", 5, NOW)
    [stored] = await repo.due_reminders(NOW)
    following = Reminder("numbers_always", NOW + timedelta(days=3), step=1)
    assert await repo.claim_delivery(stored, following)
    assert not await repo.claim_delivery(stored, following)
    assert await repo.due_reminders(NOW) == []
    assert await repo.next_due_at() == NOW + timedelta(days=3)
    assert (await repo.preferences(GUILD, MEMBER)).reviewed_through == 5


async def test_opting_out_removes_pending_reminders(db: Database) -> None:
    repo = ProgressRepository(db)
    await repo.set_reminders(GUILD, MEMBER, True, "thread", 0, NOW)
    await repo.apply_reviews(
        GUILD, MEMBER, {"team_ownership": Reminder("team_ownership", NOW, 0)}, "thread", 1, NOW
    )
    await repo.set_reminders(GUILD, MEMBER, False, "thread", 1, NOW)
    assert await repo.reminders(GUILD, MEMBER) == {}


async def test_a_digest_week_is_claimed_once_and_completed(db: Database) -> None:
    repo = ProgressRepository(db)
    first = await repo.claim_digest(GUILD, 1, 2, 77, NOW)
    again = await repo.claim_digest(GUILD, 1, 2, 88, NOW)
    assert (first.channel_id, first.completed) == (77, False)
    assert (again.channel_id, again.completed) == (77, False)
    await repo.complete_digest(GUILD, 1, 2, 555, NOW)
    done = await repo.claim_digest(GUILD, 1, 2, 77, NOW)
    assert (done.message_id, done.completed) == (555, True)
    assert not (await repo.claim_digest(GUILD, 2, 2, 77, NOW)).completed  # a new epoch


async def test_tallies_and_unapplied_reviews_follow_the_watermark(db: Database) -> None:
    repo, activity = ProgressRepository(db), ActivityReader(db)
    at = datetime(2026, 11, 20, tzinfo=UTC)
    first = await add_review(db, MEMBER, at, items("customer_first"))
    await add_review(db, MEMBER, at, items("customer_first", "numbers_always"))
    await add_review(db, OTHER, at, items())
    tallies = {t.item: (t.met, t.total) for t in await activity.member_tallies(GUILD, MEMBER)}
    assert tallies["customer_first"] == (2, 2)
    assert tallies["numbers_always"] == (1, 2)
    assert tallies["team_ownership"] == (0, 2)
    await repo.set_reminders(GUILD, MEMBER, True, "thread", first, NOW)
    [pending] = await activity.unapplied_reviews()
    assert pending.user_id == MEMBER and pending.items["numbers_always"] is True


async def test_all_time_totals_follow_inserts_and_deletes(db: Database) -> None:
    """The trigger-kept totals give the same leaderboard input as counting the rows."""
    repo, activity = ProgressRepository(db), ActivityReader(db)
    for offset in range(3):
        await repo.record_answer(answer(day_offset=offset))
    await repo.record_answer(answer(user_id=OTHER))
    reviewed = datetime(2026, 11, 20, tzinfo=UTC)
    first = await add_review(db, MEMBER, reviewed, items("customer_first", "team_ownership"))
    await add_review(db, MEMBER, reviewed, items("numbers_always"))
    await add_review(db, OTHER, reviewed, items())
    await db.execute("DELETE FROM reviews WHERE id = ?", (first,))
    await db.execute("DELETE FROM progress_answers WHERE user_id = ? AND local_date = ?",
                     (MEMBER, TODAY.isoformat()))

    def summary(members: list) -> dict[int, tuple[int, int, int]]:
        return {m.user_id: (m.answers, m.reviews, m.items_met) for m in members}

    everything = LocalWindow(date(2000, 1, 1), date(2100, 1, 1), ZoneInfo("UTC"))
    counted = summary(await activity.member_activity(GUILD, everything))
    assert summary(await activity.member_activity(GUILD)) == counted
    assert counted == {MEMBER: (2, 1, 1), OTHER: (1, 1, 0)}
