"""ProgressRepository on a real migrated SQLite file."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.progress.model import CardState, LocalWindow
from storage.db import Database
from storage.progress import ActivityReader, Answer, CardRepository, Preferences, ProgressRepository
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


async def test_a_reminder_is_claimed_by_exactly_one_caller(db: Database) -> None:
    repo = ProgressRepository(db)
    due_at = NOW - timedelta(minutes=1)
    await repo.set_reminders(GUILD, MEMBER, Preferences(True, "dm", next_remind_at=due_at), NOW)
    [(guild, member, preferences)] = await repo.due_reminders(NOW)
    assert (guild, member, preferences.next_remind_at) == (GUILD, MEMBER, due_at)
    following = due_at + timedelta(days=1)
    assert await repo.claim_reminder(GUILD, MEMBER, due_at, following)
    assert not await repo.claim_reminder(GUILD, MEMBER, due_at, following)  # already moved
    assert await repo.due_reminders(NOW) == []
    assert await repo.next_reminder_at() == following


async def test_opting_out_stops_reminders(db: Database) -> None:
    repo = ProgressRepository(db)
    await repo.set_reminders(GUILD, MEMBER, Preferences(True, "thread", next_remind_at=NOW), NOW)
    await repo.set_reminders(GUILD, MEMBER, Preferences(False, "thread"), NOW)
    assert await repo.due_reminders(NOW) == [] and await repo.next_reminder_at() is None


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


async def test_tallies_and_ungraded_reviews_follow_the_watermark(db: Database) -> None:
    activity, cards = ActivityReader(db), CardRepository(db)
    at = datetime(2026, 11, 20, tzinfo=UTC)
    await add_review(db, MEMBER, at, items("customer_first"))
    second = await add_review(db, MEMBER, at, items("customer_first", "numbers_always"),
                              weak=("numbers_always",))
    await add_review(db, OTHER, at, items())
    tallies = {t.item: (t.met, t.total) for t in await activity.member_tallies(GUILD, MEMBER)}
    assert tallies["customer_first"] == (2, 2)
    assert tallies["numbers_always"] == (1, 2)
    assert tallies["team_ownership"] == (0, 2)
    pending = await cards.ungraded_reviews(await cards.watermark())
    assert [review.user_id for review in pending] == [MEMBER, MEMBER, OTHER]
    assert pending[1].met["numbers_always"] and pending[1].weak == {"numbers_always"}
    card = CardState("numbers_always", 2, None, 3.0, 5.0, at, at)
    assert await cards.save_grades([(GUILD, MEMBER, card)], 0, second)
    assert [r.user_id for r in await cards.ungraded_reviews(await cards.watermark())] == [OTHER]
    assert (await cards.cards(GUILD, MEMBER))["numbers_always"] == card
    # A second grader that read the same batch finds the watermark moved: writes nothing.
    stale = CardState("numbers_always", 2, None, 99.0, 5.0, at, at)
    assert not await cards.save_grades([(GUILD, MEMBER, stale)], 0, second)
    assert (await cards.cards(GUILD, MEMBER))["numbers_always"] == card


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
