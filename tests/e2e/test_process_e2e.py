"""The bot as an operator runs it: ``python -m bot`` as a process, DEBUG logs, SIGTERM."""

from __future__ import annotations

import asyncio
import sqlite3

from standin import make_token
from storage.db import discover_migrations
from tests.stores import env_row


async def test_debug_logs_never_show_the_token_and_sigterm_shuts_down_cleanly(
    standin, bot_env, start_bot_process
):
    guild = standin.add_guild("Study group")
    env = {**bot_env, "LOG_LEVEL": "DEBUG"}
    proc = await start_bot_process(env)
    try:
        await standin.wait_until(lambda: "ready as" in proc.output(), timeout=30, what="bot ready")
        member = guild.add_member("ada")
        call = standin.slash(member, next(iter(guild.channels)), "help", {})
        await call.wait_message(timeout=10)
    finally:
        code = await proc.terminate(grace=20)
    output = proc.output()
    assert code == 0, output[-2000:]
    assert "shutting down" in output
    assert env["DISCORD_TOKEN"] not in output
    assert "DEBUG" in output  # the run really logged at DEBUG
    if "DATABASE_URL" in env:
        revision = env_row(env, "SELECT version_num FROM alembic_version")
        assert int(revision[0]) == len(discover_migrations())
        return
    db = sqlite3.connect(env["DATABASE_PATH"])
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(discover_migrations())
    finally:
        db.close()


async def test_a_restart_with_unchanged_commands_does_not_sync_again(standin, bot_env, run_bot):
    standin.add_guild("Study group")
    async with run_bot(bot_env):
        pass
    async with run_bot(bot_env):
        pass
    assert len(standin.command_syncs) == 1


async def test_metrics_are_served_when_a_port_is_set(standin, bot_env, run_bot):
    import socket

    import aiohttp

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    async with run_bot({**bot_env, "METRICS_PORT": str(port)}):
        await standin.slash(member, next(iter(guild.channels)), "help", {}).wait_message()
        async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{port}/metrics"
        ) as response:
            body = await response.text()
    assert response.status == 200
    assert 'barraiser_interactions_total{command="help",outcome="ok"} 1.0' in body
    assert "barraiser_guilds 1.0" in body


async def test_sigterm_stops_within_5_s_while_discord_never_answers(tmp_path, start_bot_process):
    """A host whose network is gone: login hangs forever, yet a stop request still ends the process."""
    accepted = asyncio.Event()

    async def black_hole(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()
        await reader.read()  # never answers; the bot's request waits until it gives up
        writer.close()

    server = await asyncio.start_server(black_hole, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    env = {"DISCORD_TOKEN": make_token(424242424242424242), "DISCORD_API_BASE": f"http://127.0.0.1:{port}/api/v10",
           "DATABASE_PATH": str(tmp_path / "bot.db"), "LOG_LEVEL": "INFO"}
    proc = await start_bot_process(env)
    try:
        async with asyncio.timeout(30):
            await accepted.wait()  # the bot is inside login, talking to a Discord that never answers
        code = await proc.terminate(grace=5)
    finally:
        if proc.process.returncode is None:
            await proc.kill()
        server.close()
    assert code == 0, proc.output()[-2000:]
    assert "shutting down" in proc.output()
