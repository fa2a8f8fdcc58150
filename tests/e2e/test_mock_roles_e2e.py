"""Role rules and phase moves that hold under pressure (issue 13, items 16 and 17)."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_mock_e2e import (
    click,
    custom_ids,
    embeds,
    open_round,
    open_scoring,
    until_lobby_shows,
)


def lobby_round(lobby: dict[str, Any]) -> str:
    return custom_ids(lobby)[0].split(":")[1]


def said(record: Any) -> str:
    return " ".join(m.get("content") or "" for m in record.messages())


async def test_roles_are_fixed_at_the_start_and_pair_mode_means_two(standin, bot_env, run_bot):
    """Item 16: a candidate became bar raiser, scored the other candidate and switched back;
    pair mode took 30 candidates."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, ann, ben, cid = (guild.add_member(n) for n in ("host", "ann", "ben", "cid"))
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": "5"}) as bot:
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        await click(standin, host, lobby, ":pair")
        for member in (ann, ben):
            assert (await click(standin, member, lobby, ":join:candidate")).callback_type == 6
        await until_lobby_shows(standin, lobby, f"<@{ann}>", f"<@{ben}>")
        third = await click(standin, cid, lobby, ":join:candidate")
        assert third.ephemeral and "two candidates" in said(third)
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")

        # Roles are fixed: the lobby no longer offers a seat, Leave, Start or pair mode
        # (the state machine refuses them too: tests/test_mock_roles.py).
        await standin.wait_until(lambda: custom_ids(standin.message(int(lobby["id"]))) == [
            f"mock:{lobby_round(lobby)}:scoring"], what="the lobby's controls to go")
        scored = await open_scoring(standin, ann, lobby)
        assert scored.ephemeral and "Only a watcher" in said(scored)
        rows = await bot.database.fetchall(
            "SELECT user_id, role FROM mock_participants ORDER BY joined_at"
        )
        scores = await bot.database.fetchone("SELECT COUNT(*) FROM mock_scores")
    assert [(r["user_id"], r["role"]) for r in rows] == [
        (host, "observer"), (ann, "candidate"), (ben, "candidate")
    ]
    assert scores[0] == 0


async def test_two_next_at_the_same_instant_end_one_phase(standin, bot_env, run_bot):
    """Item 17: two /mock next sent together skipped phase 2."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, ivy = (guild.add_member(n) for n in ("host", "cand", "ivy"))
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": "5"}) as bot:
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        await click(standin, cand, lobby, ":join:candidate")
        await click(standin, ivy, lobby, ":join:interviewer")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
        first = standin.slash(host, thread, "mock next", {})
        second = standin.slash(ivy, thread, "mock next", {})
        replies = [said(r) for r in (await first.wait_message() and first,
                                     await second.wait_message() and second)]
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 2/5"), what="phase 2")
        ended = await bot.database.fetchall(
            "SELECT phase_index FROM mock_phases WHERE ended_at IS NOT NULL"
        )
        status = standin.slash(cand, thread, "mock status", {})
        shown = str(await status.wait_message())
    assert [r["phase_index"] for r in ended] == [0]
    assert "Phase 2/5" in shown
    assert not embeds(standin, thread, "Phase 3/5")
    assert sum("moved on" in r for r in replies) == 1, replies
