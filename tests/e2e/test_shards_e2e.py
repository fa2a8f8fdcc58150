"""Two shard processes of one bot: each answers its own servers, and its logs say which it is."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from benchmarks import fleet
from standin import harness
from standin.gateway import shard_of
from tests.stores import ENGINES, TEST_DATABASE_URL


async def test_each_shard_process_answers_only_its_own_servers(make_standin, tmp_path,
                                                               start_bot_process):
    standin = await make_standin(shards=2)
    guilds = {shard: standin.add_guild(f"group-{shard}", on_shard=(shard, 2)) for shard in (0, 1)}
    assert [shard_of(guild.id, 2) for guild in guilds.values()] == [0, 1]
    env = harness.bot_env(standin, tmp_path / "shared.db", SHARD_COUNT="2")
    processes = {}
    for shard in (0, 1):
        processes[shard] = await start_bot_process({**env, "SHARD_IDS": str(shard)}, name=f"shard{shard}")
        await standin.wait_until(lambda p=processes[shard]: "ready as" in p.output(), timeout=30,
                                 what=f"shard {shard} ready")
    try:
        for guild in guilds.values():
            member = guild.add_member("ada")
            call = standin.slash(member, next(iter(guild.channels)), "help", {})
            await call.wait_message(timeout=30)
    finally:
        codes = [await process.terminate(grace=20) for process in processes.values()]
    assert codes == [0, 0]
    for shard, process in processes.items():
        answered = set(map(int, re.findall(r"command guild=(\d+) command=help", process.output())))
        assert answered == {guilds[shard].id}, process.output()[-2000:]
        assert f"[shards {shard} of 2]" in process.output()
    assert sorted(i["shard"] for i in standin.gateway.identifies) == [[0, 2], [1, 2]]


GUILDS_PER_SHARD = 100  # 200 servers due in the same minute


@pytest.fixture(params=ENGINES)
async def shared_store(request, tmp_path) -> AsyncIterator[dict[str, str]]:
    """The store every process shares: one SQLite file, or one PostgreSQL schema."""
    url = TEST_DATABASE_URL if request.param == "postgresql" else None
    async with fleet.shared_store(tmp_path, url) as store:
        yield store


async def _fan_out(make_standin, store, tmp_path, shard_ids: dict[str, str]):
    """``GUILDS_PER_SHARD`` servers on each of 2 shards, all due at once, and one process per
    entry of ``shard_ids`` started at the catch-up moment; returns the stand-in and each
    process's log once every server has exactly one post and one thread opener."""
    standin = await make_standin(shards=2)
    servers = fleet.spread_servers(standin, GUILDS_PER_SHARD)
    env = harness.bot_env(standin, store["DATABASE_PATH"], SHARD_COUNT="2") | store
    await fleet.schedule_daily(env, servers)
    run = await fleet.fan_out(standin, env, servers, shard_ids, tmp_path)
    for _, channel in servers:
        [post] = fleet.day_one_posts(standin, channel)  # exactly one, duplicate shard or not
        assert len(standin.channel_messages(int(post["id"]))) == 1  # one thread opener
    return standin, run.logs


async def test_two_shard_processes_split_the_daily_fan_out_under_the_global_limit(
        make_standin, shared_store, tmp_path):
    """Each process arms and posts only its own servers, paced to its half of the limit."""
    standin, logs = await _fan_out(make_standin, shared_store, tmp_path,
                                   {"shard0": "0", "shard1": "1"})
    for name, log in logs.items():
        assert (f"armed {GUILDS_PER_SHARD} daily jobs; {GUILDS_PER_SHARD} belong to other "
                "shard processes") in log, (name, log[-3000:])
        assert f"daily catch-up: {GUILDS_PER_SHARD} schedule(s) checked" in log, name
    rate_limited = [r for r in standin.requests() if r.status == 429]
    assert rate_limited == [], [(r.method, r.path) for r in rate_limited[:5]]


async def test_a_duplicate_shard_process_repeats_no_post(make_standin, shared_store, tmp_path):
    """Two processes holding shard 0 at once (a hand-off) both fire: the claims keep one post,
    and the three pace to a third of the limit each (bot.presence), so none is rate limited
    globally (with fixed halves the two shard-0 processes sent shard 0's half twice: 369)."""
    standin, logs = await _fan_out(make_standin, shared_store, tmp_path,
                                   {"shard0": "0", "shard1": "1", "duplicate": "0"})
    rate_limited = [r for r in standin.requests() if r.status == 429]
    assert rate_limited == [], [(r.method, r.path) for r in rate_limited[:5]]
    assert all("REST budget 15.8 requests/s" in log for log in logs.values()), logs


THREAD_FROM_MESSAGE = "/channels/{channel_id}/messages/{message_id}/threads"


async def test_a_shard_process_killed_mid_fan_out_finishes_after_a_restart_without_repeats(
        make_standin, shared_store, tmp_path):
    """SIGKILL shard 0's process while its posts go out, with some thread calls held in flight
    (Discord still carries out what it received), and restart it: every server ends with
    exactly one post and one thread opener, and nothing is rate limited globally."""
    standin = await make_standin(shards=2)
    servers = fleet.spread_servers(standin, GUILDS_PER_SHARD)
    env = harness.bot_env(standin, shared_store["DATABASE_PATH"], SHARD_COUNT="2") | shared_store
    await fleet.schedule_daily(env, servers)
    mine = [channel for guild, channel in servers if shard_of(guild.id, 2) == 0]

    def posted() -> int:
        return sum(1 for channel in mine if fleet.day_one_posts(standin, channel))

    standin.delay_next("POST", THREAD_FROM_MESSAGE, seconds=4, times=6)
    processes = await fleet.start_shards(env, {"shard0": "0", "shard1": "1"}, tmp_path)
    try:
        await standin.wait_until(lambda: posted() >= GUILDS_PER_SHARD // 4, timeout=120,
                                 what="a quarter of shard 0's posts")
        await processes["shard0"].kill()
        posted_at_kill = posted()
        processes["shard0-again"] = (await fleet.start_shards(env, {"shard0-again": "0"},
                                                              tmp_path))["shard0-again"]
        await standin.wait_until(lambda: fleet.all_posted(standin, servers), timeout=180,
                                 what="every server's day-1 post, thread and opener")
    finally:
        codes = [await process.terminate(grace=20) for name, process in processes.items()
                 if name != "shard0"]
    assert codes == [0, 0]
    assert posted_at_kill < GUILDS_PER_SHARD, "shard 0 had finished before the kill"
    for _, channel in servers:
        [post] = fleet.day_one_posts(standin, channel)
        assert len(standin.channel_messages(int(post["id"]))) == 1  # one thread opener
    rate_limited = [r for r in standin.requests() if r.status == 429]
    assert rate_limited == [], [(r.method, r.path) for r in rate_limited[:5]]
