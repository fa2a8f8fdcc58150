"""A mock round survives the bot process being SIGKILLed mid-phase."""

from __future__ import annotations

import re
import time

from standin import harness
from tests.e2e.test_mock_e2e import click, embeds, open_round, texts

MINUTE = 1.0  # seconds per session minute
# Phase 1 must outlast the restarts inside it, however busy the machine (a restart took
# 3-5 s at load 6, two of them plus a terminate about 18 s), or its deadline passes while
# the bot is down and phase 2 is folded into a catch-up instead of being posted on time.


def phase_end(message: dict) -> int:
    """The UNIX time in the phase announcement's live countdown (<t:UNIX:R>)."""
    return int(re.search(r"<t:(\d+):R>", message["embeds"][0]["description"]).group(1))


async def test_sigkill_mid_phase_resumes_with_the_right_time_left(
    standin, bot_env, start_bot_process, run_bot
):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand = guild.add_member("host"), guild.add_member("cand")
    env = {**bot_env, "MOCK_MINUTE_SECONDS": str(MINUTE)}
    first = await start_bot_process(env, name="first")
    try:
        await standin.wait_until(lambda: "ready as" in first.output(), timeout=30, what="ready")
        thread, lobby = await open_round(standin, host, general, "15,3,3,3,3")
        await click(standin, cand, lobby, ":join:candidate")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
    finally:
        await first.kill()  # SIGKILL a second or so into a 15-second phase
    deadline = phase_end(embeds(standin, thread, "Phase 1/5")[0])
    async with run_bot(env):
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 2/5"), timeout=20,
                                 what="phase 2 after the restart")
        posted_at = time.time()
        refused = standin.slash(cand, thread, "mock end", {})  # not the host, no Manage Threads
        assert "Only the host" in (await refused.wait_message())["content"] and refused.ephemeral
        end = standin.slash(host, thread, "mock end", {})
        await end.wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
    # phase 2 came when phase 1's deadline passed: not early (a loaded CI box may be seconds late)
    assert deadline - 1 <= posted_at <= deadline + 5, (deadline, posted_at)
    assert len(embeds(standin, thread, "Phase 1/5")) == 1
    assert len(embeds(standin, thread, "Phase 2/5")) == 1
    assert len(texts(standin, thread, "Interviewer probe · Requirements")) <= 1
    assert len(embeds(standin, thread, "Scorecard")) == 1


async def test_a_killed_shard_process_resumes_its_own_round_and_the_other_never_touches_it(
    make_standin, tmp_path, start_bot_process
):
    """Two shard processes on one database; the one owning the round's server is killed
    mid-phase and restarted. The round goes on from its deadline, posted once, and the
    other process, restarted mid-round so that it reads the live round too, leaves it alone."""
    standin = await make_standin(shards=2)
    guild = standin.add_guild("Study group", on_shard=(1, 2))
    standin.add_guild("Another group", on_shard=(0, 2))
    general = next(iter(guild.channels))
    host, cand = guild.add_member("host"), guild.add_member("cand")
    env = {**harness.bot_env(standin, tmp_path / "shared.db", SHARD_COUNT="2"),
           "MOCK_MINUTE_SECONDS": str(MINUTE)}
    started: list[harness.BotProcess] = []

    async def start(shard: str, name: str) -> harness.BotProcess:
        process = await start_bot_process({**env, "SHARD_IDS": shard}, name=name)
        started.append(process)
        await standin.wait_until(lambda: "ready as" in process.output(), timeout=60,
                                 what=f"{name} ready")
        return process

    try:
        other = await start("0", "shard0")
        owner = await start("1", "shard1")
        # Phase 1 lasts long enough for both processes to restart within it.
        thread, lobby = await open_round(standin, host, general, "30,3,3,3,3")
        await click(standin, cand, lobby, ":join:candidate")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
        assert await other.terminate(grace=20) == 0
        other = await start("0", "shard0-again")  # reads the live round, leaves it alone
        await standin.wait_until(lambda: "resumed 0 live mock rounds" in other.output(),
                                 timeout=30, what="the other process's start")
        await owner.kill()
        assert not embeds(standin, thread, "Phase 2/5"), "phase 1 ended before the kill"
        deadline = phase_end(embeds(standin, thread, "Phase 1/5")[0])
        restarted = await start("1", "shard1-again")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 2/5"), timeout=60,
                                 what="phase 2 after the restart")
        posted_at = time.time()
        await standin.slash(host, thread, "mock end", {}).wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
    finally:
        codes = [await process.terminate(grace=20) for process in started
                 if process.process.returncode is None]
    assert codes == [0, 0]
    assert deadline - 1 <= posted_at <= deadline + 5, (deadline, posted_at)
    for title in ("Phase 1/5", "Phase 2/5", "Scorecard"):
        assert len(embeds(standin, thread, title)) == 1, title
    assert "command guild" not in other.output()  # every press went to the owner
    assert "resumed 1 live mock rounds" in restarted.output()
