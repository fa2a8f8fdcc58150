"""Forms survive a restart and cost no memory while open (issue 13, items 11 and 12)."""

from __future__ import annotations

import asyncio

from tests.e2e.test_mock_e2e import click, embeds, open_round
from tests.e2e.test_review_e2e import stored

GOOD = ("Requirements: 10M DAU, p99 under 200 ms. Estimate 5K writes/s. Failure: if the cache "
        "dies we fall back to the DB with a circuit breaker. Ops: alert on error rate; on-call "
        "owns the runbook.")


def open_modals(bot) -> int:
    """What discord.py keeps per open modal (its view store); read here, never by the bot."""
    return len(bot._connection._view_store._modals)


async def test_a_check_form_submitted_after_a_restart_is_reviewed_and_stored(
    standin, bot_env, run_bot
):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    member = guild.add_member("ada")
    async with run_bot(bot_env):
        shown = standin.slash(member, general, "check", {"phase": "scale", "question": "chat"})
        await shown.wait_callback()
        assert shown.modal is not None
    async with run_bot(bot_env) as bot:  # the bot restarted while the form was open
        submitted = standin.submit_modal(shown, {"review:answer": GOOD})
        reply = await submitted.wait_message()
        rows = await stored(bot, 1)  # the card is sent first, then recorded
    assert submitted.latency < 3 and submitted.ephemeral
    assert reply["embeds"][0]["title"].startswith("Answer review")
    assert "for **Chat" in reply["embeds"][0]["description"]  # the question survived too
    assert [(r["user_id"], r["source"], r["phase"]) for r in rows] == [(member, "check", "scale")]


async def test_a_mock_answer_form_submitted_after_a_restart_is_recorded(
    standin, bot_env, run_bot
):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand = guild.add_member("host"), guild.add_member("cand")
    env = {**bot_env, "MOCK_MINUTE_SECONDS": "5"}  # phase 1 outlasts the restart
    async with run_bot(env):
        thread, lobby = await open_round(standin, host, general, "5,5,5,5,5")
        await click(standin, cand, lobby, ":join:candidate")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
        ask = standin.slash(cand, thread, "mock answer", {})
        await ask.wait_callback()
        assert ask.modal is not None
    async with run_bot(env) as bot:
        submitted = standin.submit_modal(ask, {"mock:answer:text": "Shard carts by user id."})
        reply = await submitted.wait_message()
        row = await bot.database.fetchone(
            "SELECT text FROM mock_transcript WHERE source = 'answer' AND author_user_id = ?",
            (cand,))
    assert submitted.latency < 3
    assert "Shard carts by user id." in str(reply["embeds"])
    assert row["text"] == "Shard carts by user id."


async def test_a_thousand_abandoned_forms_keep_nothing_in_memory(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    member = guild.add_member("ada")
    async with run_bot(bot_env) as bot:
        shown = []
        for batch in range(10):
            calls = [standin.slash(member, general, "check", {}) for _ in range(100)]
            await asyncio.gather(*(c.wait_callback() for c in calls))
            shown += calls
            assert open_modals(bot) == 0, f"after {100 * (batch + 1)} forms"
        assert all(c.modal is not None for c in shown)
        # Nothing kept, yet the last (and the first) abandoned form still works when sent.
        for record in (shown[-1], shown[0]):
            submitted = standin.submit_modal(record, {"review:answer": GOOD})
            reply = await submitted.wait_message()
            assert reply["embeds"][0]["title"].startswith("Answer review")
        assert open_modals(bot) == 0
