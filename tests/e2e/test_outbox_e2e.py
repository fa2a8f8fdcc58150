"""Nothing the bot posts on its own is lost or doubled, and no command waits for a post.

Each test injects one Discord or storage fault into a real bot through the
stand-in (issue 13, items 4, 6, 7, 8, 9 and the lost welcome) and counts what
members end up seeing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FixedClock
from bot.daily.jobs import job_id
from bot.mock.timers import job_id as job_id_of_round
from standin import harness
from standin import permissions as perms
from storage.daily import DailyRepository
from storage.db import Row
from storage.mock import MockRepository
from tests.e2e.test_daily_e2e import day_posts, next_run, reply_to, study_world, text_of, until_jobs
from tests.e2e.test_mock_e2e import click, embeds, open_round
from tests.e2e.test_onboarding_e2e import welcome_posts
from tests.storage_fill import fill_daily_posts_until_full, free
from tests.stores import env_row

MESSAGES = "/channels/{}/messages"
SLOW_ROUND = "60"  # one session minute is a real minute: nothing moves unless a test moves it


async def running_round(standin):
    """A guild with a started round: host, candidate, interviewer and bar raiser joined."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, ivy, bea = (guild.add_member(n) for n in ("host", "cand", "ivy", "bea"))
    thread, lobby = await open_round(standin, host, general, "5,5,5,5,5")
    for user, role in ((cand, "candidate"), (ivy, "interviewer"), (bea, "bar_raiser")):
        await click(standin, user, lobby, f":join:{role}")
    await click(standin, host, lobby, ":start")
    await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
    return guild, thread, (host, cand, ivy, bea)


def db_row(env: dict[str, str], sql: str, params: tuple[object, ...]) -> Row | None:
    """One row of the bot's database, read by a second connection (either engine)."""
    return env_row(env, sql, params)


def outbox_row(env: dict[str, str], key_like: str, state: str) -> Row | None:
    return db_row(env, "SELECT * FROM outbox WHERE key LIKE ? AND state = ?", (key_like, state))


def phase_sends(standin, thread: int, title: str) -> list:
    """The bot's requests to post the embed titled ``title`` in the thread (retries included)."""
    return [r for r in standin.requests("POST", "/channels/{channel_id}/messages")
            if r.path.endswith(f"/{thread}/messages") and title in str(r.json)]


async def test_a_503_when_a_phase_opens_delays_the_announcement_but_never_loses_it(
    standin, bot_env, run_bot
):
    env = {**bot_env, "MOCK_MINUTE_SECONDS": SLOW_ROUND}
    async with run_bot(env):
        _guild, thread, (host, *_rest) = await running_round(standin)
        standin.fail_next("POST", MESSAGES.format(thread), status=503)  # discord.py won't retry
        nxt = standin.slash(host, thread, "mock next", {})
        await nxt.wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 2/5"), timeout=20,
                                 what="phase 2 after the 503")
        failed = [r for r in standin.requests("POST", "/channels/{channel_id}/messages")
                  if r.status == 503]
        row = await standin.wait_until(lambda: outbox_row(env, "mock:%:phase:1:0", "sent"),
                                       what="the phase 2 row recorded as sent")
    assert len(failed) == 1
    assert len(embeds(standin, thread, "Phase 2/5")) == 1
    assert row["attempts"] == 2 and row["last_error"] is None


async def test_an_ambiguous_503_on_an_announcement_is_retried_without_a_second_post(
    standin, bot_env, run_bot
):
    env = {**bot_env, "MOCK_MINUTE_SECONDS": SLOW_ROUND}
    async with run_bot(env):
        _guild, thread, (host, *_rest) = await running_round(standin)
        # Discord creates the message, then the edge answers 503: the bot must retry
        # (it cannot know), and the retry's nonce must return the same message.
        standin.fail_after_next("POST", MESSAGES.format(thread), status=503)
        await standin.slash(host, thread, "mock next", {}).wait_message()
        await standin.wait_until(lambda: len(phase_sends(standin, thread, "Phase 2/5")) == 2,
                                 timeout=20, what="the retry of the ambiguous send")
    first, retry = phase_sends(standin, thread, "Phase 2/5")
    assert (first.status, first.ambiguous, retry.status) == (503, True, 200)
    assert first.json["nonce"] == retry.json["nonce"] and retry.json["enforce_nonce"]
    assert len(embeds(standin, thread, "Phase 2/5")) == 1


async def test_a_503_on_the_scorecard_still_posts_stores_and_lets_people_vote(
    standin, bot_env, run_bot
):
    env = {**bot_env, "MOCK_MINUTE_SECONDS": SLOW_ROUND}
    async with run_bot(env) as bot:
        _guild, thread, (host, cand, _ivy, bea) = await running_round(standin)
        session = await MockRepository(bot.database).by_thread(thread)
        standin.fail_next("POST", MESSAGES.format(thread), status=503)
        await standin.slash(host, thread, "mock end", {}).wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), timeout=20,
                                 what="the scorecard after the 503")
        # Stored as a fact (no text: it is rebuilt from the round's rows when shown again).
        recorded = await MockRepository(bot.database).scorecards_posted(session.session_id)
        card = embeds(standin, thread, "Scorecard")[0]
        vote = await click(standin, bea, card, ":vote:hire")
        await standin.wait_until(lambda: standin.channel(thread)["thread_metadata"]["archived"], timeout=10,
                                 what="the thread archived after the scorecard")
    assert len(embeds(standin, thread, "Scorecard")) == 1
    assert recorded == [cand]
    assert vote.callback_type == 7  # the card updated in place with the vote


async def test_a_slow_post_in_a_round_does_not_make_other_commands_time_out(
    standin, bot_env, run_bot
):
    env = {**bot_env, "MOCK_MINUTE_SECONDS": SLOW_ROUND}
    async with run_bot(env):
        _guild, thread, (host, cand, ivy, _bea) = await running_round(standin)
        sent_before = len(standin.requests("POST", "/channels/{channel_id}/messages"))
        standin.delay_next("POST", MESSAGES.format(thread), seconds=4)
        nxt = standin.slash(host, thread, "mock next", {})
        # The phase 2 post is now held for 4 s by "Discord": meanwhile, others act.
        await standin.wait_until(
            lambda: len(standin.requests("POST", "/channels/{channel_id}/messages"))
            > sent_before, what="the slow phase post in flight")
        note = standin.slash(ivy, thread, "mock note", {"text": "asked about the cache"})
        status = standin.slash(cand, thread, "mock status", {})
        answers = [await call.wait_message(timeout=10) for call in (nxt, note, status)]
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 2/5"), timeout=10,
                                 what="phase 2, late")
    # A callback after Discord's 3 s is refused (10062) and no message would exist.
    assert all(answers)
    assert [r.status for r in standin.requests("POST", "/interactions/{interaction_id}/"
                                                       "{token}/callback")
            if r.status == 404] == []
    assert len(embeds(standin, thread, "Phase 2/5")) == 1


def channel_posts(standin, channel: int) -> list:
    """Every POST of a message to ``channel`` the stand-in saw, in order."""
    return [r for r in standin.requests("POST", "/channels/{channel_id}/messages")
            if r.path.endswith(f"/{channel}/messages")]


def daily_world(standin, bot_env):
    """A study guild and a bot clock at real time, the post due 2 h later (the test moves it)."""
    guild, channel, admin, _member = study_world(standin)
    general = next(iter(guild.channels))
    clock = FixedClock(datetime.now(UTC).replace(second=0, microsecond=0))
    post_at = clock.now() + timedelta(hours=2)
    env = {**bot_env, "DEV_GUILD_ID": str(guild.id)}
    return guild, channel, admin, general, clock, post_at, env


async def test_an_ambiguous_502_on_the_daily_post_gives_exactly_one_post(
    standin, bot_env, run_bot
):
    guild, channel, admin, general, clock, post_at, env = daily_world(standin, bot_env)
    async with run_bot(env, clock=clock) as bot:
        await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": post_at.strftime("%H:%M"), "timezone": "utc",
            "start_date": post_at.date().isoformat()})
        # Discord creates the post, the edge answers 502, discord.py retries the same request.
        standin.fail_after_next("POST", MESSAGES.format(channel), status=502)
        clock.set(post_at)
        bot.scheduler.modify_job(job_id(guild.id), next_run_time=datetime.now(UTC))
        await until_jobs(bot, lambda: next_run(bot, guild.id) == post_at + timedelta(days=1),
                         seconds=30)
        # The startup catch-up, if it reads the new schedule after the clock moved, re-arms
        # tomorrow's job while the fired one is still posting: wait for the post itself too.
        await standin.wait_until(lambda: 200 in [r.status for r in channel_posts(standin, channel)],
                                 timeout=30, what="the retried daily post")
        record = await DailyRepository(bot.database).last_post(guild.id)
    sends = channel_posts(standin, channel)
    assert [r.status for r in sends] == [502, 200] and sends[0].ambiguous
    assert sends[0].json["nonce"] == sends[1].json["nonce"] and sends[0].json["enforce_nonce"]
    assert len(day_posts(standin, channel, 1)) == 1
    assert record.completed and record.message_id == int(day_posts(standin, channel, 1)[0]["id"])


@pytest.mark.sqlite_only  # a full SQLite file
async def test_a_daily_post_due_on_a_full_disk_waits_says_so_and_posts_once_space_returns(
    standin, bot_env, run_bot
):
    guild, channel, admin, general, clock, post_at, env = daily_world(standin, bot_env)
    member = guild.add_member("member", permissions=perms.MANAGE_GUILD)
    async with run_bot(env, clock=clock) as bot:
        await reply_to(standin, admin, general, "daily setup", {
            "channel": channel, "time": post_at.strftime("%H:%M"), "timezone": "utc",
            "start_date": post_at.date().isoformat()})
        await fill_daily_posts_until_full(bot.database, guild.id)
        clock.set(post_at)
        bot.scheduler.modify_job(job_id(guild.id), next_run_time=datetime.now(UTC))
        retry_at = post_at + timedelta(seconds=30)
        await until_jobs(bot, lambda: next_run(bot, guild.id) == retry_at, seconds=15)
        waiting = text_of(await reply_to(standin, member, general, "daily status", {}))
        assert day_posts(standin, channel, 1) == []

        await free(bot.database)
        clock.set(retry_at)
        bot.scheduler.modify_job(job_id(guild.id), next_run_time=datetime.now(UTC))
        await until_jobs(bot, lambda: next_run(bot, guild.id) == post_at + timedelta(days=1),
                         seconds=15)
        running = text_of(await reply_to(standin, member, general, "daily status", {}))
    assert "Waiting to post" in waiting and "storage is full" in waiting
    assert "Running" not in waiting
    assert len(day_posts(standin, channel, 1)) == 1
    assert "Running" in running and "Waiting" not in running


async def test_a_welcome_that_failed_before_a_sigkill_is_posted_once_after_restart(
    standin, bot_env, start_bot_process
):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    standin.fail_next("POST", MESSAGES.format(general), status=503)
    first = await start_bot_process(bot_env, name="first")
    try:
        await standin.wait_for_request(
            lambda r: r.path.endswith(f"/{general}/messages") and r.status == 503, timeout=30)
    finally:
        await first.kill()  # before its retry: only the database remembers the welcome
    assert welcome_posts(standin, general) == []
    second = await start_bot_process(bot_env, name="second")
    try:
        await standin.wait_until(lambda: welcome_posts(standin, general), timeout=30,
                                 what="the welcome, re-driven after the restart")
        await standin.wait_until(lambda: "ready as" in second.output(), timeout=30,
                                 what="the restarted bot to be ready")
    finally:
        code = await second.terminate(grace=20)
    assert code == 0, second.output()[-2000:]
    assert len(welcome_posts(standin, general)) == 1


async def test_a_post_that_can_never_be_made_is_shown_by_mock_status_and_doctor(
    standin, bot_env, run_bot
):
    env = {**bot_env, "MOCK_MINUTE_SECONDS": SLOW_ROUND}
    async with run_bot(env):
        guild, thread, (host, cand, *_rest) = await running_round(standin)
        general = next(iter(guild.channels))
        admin = guild.add_member("admin", permissions=perms.MANAGE_GUILD)
        # The bot loses Send Messages in Threads where the round runs: 403/50013.
        standin.set_overwrite(general, standin.bot_user_id, deny=perms.SEND_MESSAGES_IN_THREADS)
        await standin.slash(host, thread, "mock next", {}).wait_message()
        row = await standin.wait_until(lambda: outbox_row(env, "mock:%:phase:1:0", "impossible"),
                                       what="the phase 2 post marked impossible")
        status = await standin.slash(cand, thread, "mock status", {}).wait_message()
        doctor = await standin.slash(admin, general, "doctor", {}).wait_message()
    sends = [r for r in standin.requests("POST", "/channels/{channel_id}/messages")
             if r.path.endswith(f"/{thread}/messages") and r.status == 403]
    assert len(sends) == 1  # permanent: not retried
    assert "Send Messages in Threads" in row["last_error"]
    undelivered = status["embeds"][0]["fields"][-1]
    assert undelivered["name"] == "Not posted yet" and "❌ phase" in undelivered["value"]
    assert "Send Messages in Threads" in undelivered["value"]
    assert "a mock phase post" in text_of(doctor) and "could not be made" in text_of(doctor)
    assert embeds(standin, thread, "Phase 2/5") == []


async def test_a_retry_after_discord_forgot_the_nonce_finds_the_post_instead_of_repeating_it(
    make_standin, tmp_path, run_bot
):
    # A stand-in that never deduplicates nonces: as if the retry came after Discord's window.
    standin = await make_standin(nonce_window=0)
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    env = harness.bot_env(standin, tmp_path / "bot.db")
    clock = FixedClock(datetime.now(UTC))
    standin.fail_after_next("POST", MESSAGES.format(general), status=503)  # created, answer lost
    async with run_bot(env, clock=clock) as bot:
        await standin.wait_until(lambda: outbox_row(env, "welcome:%", "pending")
                                 and outbox_row(env, "welcome:%", "pending")["attempts"] == 1,
                                 what="the welcome waiting for its retry")
        clock.advance(timedelta(minutes=10))  # the bot was busy or down: the nonce is stale
        bot.outbox.kick()
        row = await standin.wait_until(lambda: outbox_row(env, "welcome:%", "sent"),
                                       what="the welcome recorded as sent")
    history = standin.requests("GET", "/channels/{channel_id}/messages")
    sends = [r for r in standin.requests("POST", "/channels/{channel_id}/messages")
             if r.path.endswith(f"/{general}/messages")]
    assert len(welcome_posts(standin, general)) == 1
    assert [r.status for r in sends] == [503] and history  # found, not sent again
    assert row["message_id"] == int(welcome_posts(standin, general)[0]["id"])


async def test_a_thread_deleted_while_the_bot_was_away_ends_the_round_at_its_next_post(
    standin, bot_env, run_bot
):
    env = {**bot_env, "MOCK_MINUTE_SECONDS": SLOW_ROUND}
    clock = FixedClock(datetime.now(UTC))
    async with run_bot(env, clock=clock):
        _guild, thread, _people = await running_round(standin)
    standin.delete_channel(thread)  # nobody connected: the bot never hears THREAD_DELETE
    clock.advance(timedelta(minutes=12))  # phase 1 (5 min) and 2 (5 min) are over
    async with run_bot(env, clock=clock) as bot:
        row = await standin.wait_until(lambda: outbox_row(env, "mock:%", "impossible"),
                                       timeout=15, what="the catch-up post found impossible")
        session = await standin.wait_until(
            lambda: db_row(env, "SELECT session_id, status, end_reason FROM mock_sessions "
                                "WHERE thread_id = ? AND status = 'ended'", (thread,)),
            timeout=15, what="the round ended")
        assert bot.scheduler.get_job(job_id_of_round(session["session_id"])) is None
    assert row["last_error"].startswith("channel gone")
    assert session["end_reason"] == "thread_deleted"
