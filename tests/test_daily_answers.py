"""What counts as an answer in a daily thread (one rule, reused by review and progress)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.answers import MIN_WORDS as MIN_ANSWER_WORDS
from bot.answers import is_question, word_count
from bot.answers import is_substantive as is_substantive_answer
from bot.clock import FixedClock
from bot.daily.answers import AnswerBook
from bot.daily.models import PostKind, Schedule
from storage.daily import DailyRepository
from storage.db import Database

LONG_ANSWER = " ".join(["Shard orders by customer id so one hot seller cannot melt a partition."] * 5)


def test_sixty_words_are_an_answer_and_chat_is_not() -> None:
    assert word_count(LONG_ANSWER) == 65
    assert is_substantive_answer(LONG_ANSWER)
    assert not is_substantive_answer("I agree with Alice!")
    assert not is_substantive_answer(" ".join(["word"] * (MIN_ANSWER_WORDS - 1)) + ".")
    assert is_substantive_answer(" ".join(["word"] * MIN_ANSWER_WORDS) + ".")


def test_a_reply_to_another_member_is_discussion() -> None:
    assert not is_substantive_answer(LONG_ANSWER, replies_to_other_member=True)


def test_questions_are_not_answers_but_an_answer_may_end_with_one() -> None:
    asking = ("What shard key would you pick here? Would a hash of the order id work better? "
              "And how do you reshard without downtime? I keep going back and forth on this "
              "and would love to hear how others handled it in their own designs today.")
    assert word_count(asking) >= MIN_ANSWER_WORDS and is_question(asking)
    assert not is_substantive_answer(asking)
    ending = LONG_ANSWER + " What would you change?"
    assert not is_question(ending) and is_substantive_answer(ending)
    assert not is_question("no punctuation at all")


@pytest.fixture
async def repo(tmp_path: Path):
    db = await Database.open(tmp_path / "bot.db")
    await db.migrate()
    yield DailyRepository(db)
    await db.close()


async def test_only_the_first_substantive_answer_per_member_and_thread_is_recorded(repo) -> None:
    now = datetime(2026, 12, 6, 9, tzinfo=UTC)
    schedule = Schedule(1, 10, time(7), "UTC", date(2026, 12, 6))
    await repo.save_schedule(schedule, now)
    record = await repo.claim(schedule, 1, date(2026, 12, 6), PostKind.PROMPT, now)
    await repo.record_message(record.id, 500)
    await repo.record_thread(record.id, 500)
    book = AnswerBook(repo, FixedClock(now))
    assert await book.accept(1, 500, 7, 901, "I agree!") is None
    first = await book.accept(1, 500, 7, 902, LONG_ANSWER)
    assert first is not None and (first.message_id, first.cohort_day) == (902, 1)
    assert await book.accept(1, 500, 7, 903, LONG_ANSWER) is None  # a second answer
    assert await book.accept(1, 500, 8, 904, LONG_ANSWER, replies_to_other_member=True) is None
    assert await book.accept(1, 999, 8, 905, LONG_ANSWER) is None  # not a daily thread
    assert await book.accept(2, 500, 8, 906, LONG_ANSWER) is None  # another guild's id
    assert await repo.answer_count(500) == 1
