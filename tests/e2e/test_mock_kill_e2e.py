"""A mock round survives the bot process being SIGKILLed mid-phase."""

from __future__ import annotations

import re
import time

from tests.e2e.test_mock_e2e import click, embeds, open_round, texts

MINUTE = 1.0  # seconds per session minute: phase 1 (4 min) lasts 4 s


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
        thread, lobby = await open_round(standin, host, general, "4,3,3,3,3")
        await click(standin, cand, lobby, ":join:candidate")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
    finally:
        await first.kill()  # SIGKILL one second or so into a 4-second phase
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
