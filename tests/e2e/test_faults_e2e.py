"""The real bot under Discord's bad days: 5xx, 429, dropped sockets, invalid sessions, SIGKILL."""

from __future__ import annotations

import sqlite3

import pytest

from standin import StandIn

MESSAGES = "/channels/{channel_id}/messages"


def welcomes(standin: StandIn, channel_id: int) -> list[dict]:
    return [m for m in standin.channel_messages(channel_id)
            if m["embeds"] and "Bar Raiser is here" in m["embeds"][0].get("title", "")]


def error_lines(output: str) -> set[str]:
    """Logged errors without their timestamps, to compare one run with another."""
    return {line[line.index("ERROR"):] for line in output.splitlines() if "ERROR" in line}


def statuses(standin: StandIn, method: str, route: str) -> list[int]:
    return [r.status for r in standin.requests(method, route)]


@pytest.mark.parametrize("status", [500, 502])
async def test_a_5xx_on_a_channel_send_is_retried_and_posts_once(
        standin: StandIn, bot_env: dict[str, str], run_bot, status: int) -> None:
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    standin.fail_next("POST", MESSAGES, status=status)
    async with run_bot(bot_env):
        await standin.wait_until(lambda: welcomes(standin, general), what="the welcome")
    assert statuses(standin, "POST", MESSAGES) == [status, 200]
    assert len(welcomes(standin, general)) == 1


async def test_a_503_on_an_interaction_response_is_retried(
        standin: StandIn, bot_env: dict[str, str], run_bot) -> None:
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    async with run_bot(bot_env):
        standin.fail_next("POST", "/interactions/*/callback", status=503)
        call = standin.slash(member, next(iter(guild.channels)), "help")
        await call.wait_message()
    assert statuses(standin, "POST", "/interactions/{interaction_id}/{token}/callback") == [503, 200]
    assert call.latency < 3


async def test_a_429_on_a_send_is_waited_out(standin: StandIn, bot_env: dict[str, str],
                                             run_bot) -> None:
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    standin.rate_limit_next("POST", MESSAGES, retry_after=0.3)
    async with run_bot(bot_env):
        await standin.wait_until(lambda: welcomes(standin, general), what="the welcome")
    assert statuses(standin, "POST", MESSAGES) == [429, 200]
    assert len(welcomes(standin, general)) == 1


async def test_a_dropped_websocket_resumes_and_commands_keep_working(
        standin: StandIn, bot_env: dict[str, str], run_bot) -> None:
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    channel = next(iter(guild.channels))
    async with run_bot(bot_env):
        await standin.drop_websocket()
        call = standin.slash(member, channel, "help")  # dispatched while disconnected
        await call.wait_message()
    assert len(standin.gateway.identifies) == 1
    assert [r["seq"] > 0 for r in standin.gateway.resumes] == [True]


async def test_an_invalid_session_is_followed_by_a_fresh_identify(
        standin: StandIn, bot_env: dict[str, str], run_bot) -> None:
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    async with run_bot(bot_env) as bot:
        bot.ready_event.clear()
        standin.invalidate_session()
        # discord.py's before_identify_hook waits 5 s before every non-initial IDENTIFY.
        await standin.wait_until(lambda: len(standin.gateway.identifies) == 2, timeout=15,
                                 what="a second IDENTIFY")
        await standin.wait_until(bot.ready_event.is_set, timeout=10, what="ready again")
        await standin.slash(member, next(iter(guild.channels)), "help").wait_message()
    assert len(standin.command_syncs) == 1


async def test_sigkill_then_restart_on_the_same_database_starts_cleanly(
        standin: StandIn, bot_env: dict[str, str], start_bot_process) -> None:
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    general = next(iter(guild.channels))
    first = await start_bot_process(bot_env, name="first")
    try:
        await standin.wait_until(lambda: welcomes(standin, general), timeout=30, what="welcome")
    finally:
        await first.kill()
    second = await start_bot_process(bot_env, name="second")
    try:
        await standin.wait_until(lambda: "ready as" in second.output(), timeout=30,
                                 what="the restarted bot to be ready")
        await standin.slash(member, general, "help").wait_message(timeout=10)
    finally:
        code = await second.terminate(grace=20)
    assert code == 0, second.output()[-2000:]
    assert error_lines(second.output()) <= error_lines(first.output()), "the kill left damage"
    assert len(welcomes(standin, general)) == 1
    assert len(standin.command_syncs) == 1
    if "DATABASE_URL" in bot_env:
        return  # the server keeps its own pages whole; the restart above is the check
    db = sqlite3.connect(bot_env["DATABASE_PATH"])
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
