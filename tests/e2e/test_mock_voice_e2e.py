"""Voice rounds, the idle warning and Run it back through the stand-in (issue 17, items 1 and 4)."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_mock_e2e import (
    button,
    click,
    custom_ids,
    embeds,
    open_round,
    texts,
    until_lobby_shows,
)


def fields(message: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0].get("fields", [])}


async def tick(standin: Any, user: int, post: dict[str, Any], values: list[str]) -> Any:
    custom_id = next(c for c in custom_ids(post) if ":tick:" in c)
    record = standin.select(user, int(post["id"]), custom_id, values)
    return await record.wait_callback()


async def test_a_voice_round_with_no_typed_word_ends_in_a_panel_scorecard(
        standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    room = guild.add_voice_channel("Mock room")
    host, cand, ivy, bea = (guild.add_member(n) for n in ("host", "cand", "ivy", "bea"))
    # 3+3+30+30+10 session minutes of 0.1 s: phases 3 and 4 are an hour of a quiet thread,
    # twice what pauses a text round.
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": "0.1"}) as bot:
        for member in (host, cand, ivy, bea):
            standin.join_voice(member, room)
        thread, lobby = await open_round(standin, host, general, "3,3,30,30,10")
        assert f"<#{room}>" in lobby["embeds"][0]["description"]
        assert "Voice round" in lobby["embeds"][0]["description"]
        for user, role in ((cand, "candidate"), (ivy, "interviewer"), (bea, "bar_raiser")):
            await click(standin, user, lobby, f":join:{role}")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
        phase1 = embeds(standin, thread, "Phase 1/5")[0]
        assert f"<#{room}>" in phase1["embeds"][0]["description"]
        refused = await tick(standin, cand, phase1, ["0"])
        assert refused.ephemeral and "Only the interviewer and the bar raiser" in \
            refused.messages()[0]["content"]
        ticked = await tick(standin, ivy, phase1, ["0", "1"])
        assert ticked.ephemeral and "Your ticks for **Requirements**" in \
            ticked.messages()[0]["content"]
        await tick(standin, bea, phase1, ["0"])
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 2/5"), what="phase 2")
        phase2 = embeds(standin, thread, "Phase 2/5")[0]
        await tick(standin, ivy, phase2, ["1"])
        await tick(standin, ivy, phase2, ["0"])  # a new choice replaces the last
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 5/5"), timeout=20,
                                 what="phase 5 after an hour of silence")
        phase5 = embeds(standin, thread, "Phase 5/5")[0]
        await tick(standin, bea, phase5, ["0", "1"])
        scored = standin.select(bea, int(phase5["id"]), button(phase5, ":score"),
                                ["numbers_always:1"])
        await scored.wait_callback()
        await standin.slash(ivy, thread, "mock next", {}).wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
        card = embeds(standin, thread, "Scorecard")[0]
        export = standin.slash(cand, thread, "mock export", {})
        exported = standin.attachment_bytes((await export.wait_message())["attachments"][0])
        status = await bot.database.fetchone(
            "SELECT status, end_reason, paused_at FROM mock_sessions WHERE thread_id = ?",
            (thread,))
    description = card["embeds"][0]["description"]
    assert "scored by the panel" in description and "words" not in description, description
    assert f"<@{ivy}>" in description and f"<@{bea}>" in description
    shown = fields(card)
    requirements = next(v for k, v in shown.items() if k.startswith("1. Requirements"))
    assert "✅" in requirements and "panel 2/2" in requirements and "panel 1/2" in requirements
    high_level = next(v for k, v in shown.items() if k.startswith("2. High-Level"))
    assert "panel 0/2" in high_level and "typed" not in high_level
    deep_dive = next(v for k, v in shown.items() if k.startswith("3. Deep Dive"))
    assert "✅" not in deep_dive and "panel 0/2" in deep_dive
    assert "Numbers Always** · panel 1/1" in str(shown)
    # The export reports the panel's ticks, not the (empty) typed answers.
    text = exported.decode()
    assert "Deliverables as the panel ticked them" in text
    assert "Deliverables: ✅ Use cases list, ✅ Numbers" in text, text[:3000]
    assert (status["status"], status["end_reason"], status["paused_at"]) == \
        ("ended", "completed", None)
    assert not texts(standin, thread, "No activity") and not texts(standin, thread, "paused")
    for n in range(1, 6):
        assert len(embeds(standin, thread, f"Phase {n}/5")) == 1
    assert "Run it back" in str(card["components"])


async def test_a_quiet_text_round_warns_then_continue_keeps_it_going(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand = guild.add_member("host"), guild.add_member("cand")
    # 0.4 s minutes: the warning comes 28 minutes (11.2 s) into the quiet, the pause 0.8 s later.
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": "0.4"}) as bot:
        thread, lobby = await open_round(standin, host, general, "30,30,30,30,30")
        assert "Voice round" not in lobby["embeds"][0]["description"]  # host not in voice
        await click(standin, cand, lobby, ":join:candidate")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: texts(standin, thread, "No activity"), timeout=20,
                                 what="the idle warning")
        [warning] = texts(standin, thread, "No activity")
        assert "No activity for 28 min: pausing in 2 min" in warning["content"]
        kept = await click(standin, cand, warning, ":continue")
        assert kept.callback_type == 7  # the warning is edited in place, its button gone
        assert "kept the round going" in kept.callback_data["content"]
        assert kept.callback_data.get("components") == []
        assert not texts(standin, thread, "paused itself")
        # Quiet again: a second warning, then the pause itself.
        await standin.wait_until(lambda: texts(standin, thread, "paused itself"), timeout=20,
                                 what="the idle pause")
        warnings = texts(standin, thread, "No activity")
        assert len(warnings) == 1 and warnings[0]["id"] != warning["id"]
        paused = await bot.database.fetchone("SELECT status, idle_paused FROM mock_sessions")
        late = await click(standin, cand, warnings[0], ":continue")  # after the pause: resumes
        assert "kept the round going" in late.callback_data["content"]
        running = await bot.database.fetchone("SELECT status, idle_paused FROM mock_sessions")
        stranger = guild.add_member("stranger")
        outsider = standin.slash(stranger, thread, "mock status", {})
        shown = str(await outsider.wait_message())
    assert (paused["status"], paused["idle_paused"]) == ("paused", 1)
    assert (running["status"], running["idle_paused"]) == ("running", 0)
    assert "· ends <t:" in shown and "paused" not in shown, shown
    ids = [m["id"] for m in standin.channel_messages(thread)]
    assert ids.index(warnings[0]["id"]) < ids.index(texts(standin, thread, "paused itself")[0]["id"])


def roster(lobby: dict[str, Any]) -> str:
    return fields(lobby)["Who is who"]


async def test_run_it_back_rotates_roles_and_suggests_the_least_candidate(
        standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, ivy, bea = (guild.add_member(n) for n in ("host", "cand", "ivy", "bea"))
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": "5"}):
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        for user, role in ((cand, "candidate"), (ivy, "interviewer"), (bea, "bar_raiser")):
            await click(standin, user, lobby, f":join:{role}")
        await until_lobby_shows(standin, lobby, f"<@{bea}>", "Suggested candidate", "0 rounds")
        await click(standin, host, lobby, ":start")
        await standin.slash(host, thread, "mock end", {}).wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
        card = embeds(standin, thread, "Scorecard")[0]

        again = await click(standin, ivy, card, ":rerun:same")
        said = (await again.wait_message(lambda m: "ran it back" in m["content"]))["content"]
        assert "ran it back" in said and not again.ephemeral
        second = int(said.rsplit("<#", 1)[1].split(">")[0])
        await standin.wait_until(lambda: embeds(standin, second, "Mock ·"), what="next lobby")
        lobby2 = embeds(standin, second, "Mock ·")[0]
        assert roster(lobby2).splitlines() == [
            f"**Candidate:** <@{bea}>", f"**Interviewer:** <@{cand}>",
            f"**Bar raiser:** <@{ivy}>", f"**Watching:** <@{host}>"]
        assert f"hosted by <@{ivy}>" in lobby2["embeds"][0]["description"]
        assert "Shopping Cart" in lobby2["embeds"][0]["title"]  # the same question
        # The one who was candidate is not suggested: everyone else has 0 rounds.
        description = lobby2["embeds"][0]["description"]
        assert "Suggested candidate" in description and f"<@{cand}>" not in description
        twice = await click(standin, bea, card, ":rerun:new")
        assert twice.ephemeral and f"already run back: the next one is in <#{second}>" in \
            twice.messages()[0]["content"]
        outsider = guild.add_member("otto")
        refused = await click(standin, outsider, card, ":rerun:same")
        assert refused.ephemeral

        await click(standin, ivy, lobby2, ":start")
        await standin.slash(ivy, second, "mock end", {}).wait_message()
        await standin.wait_until(lambda: embeds(standin, second, "Scorecard"), what="scorecard 2")
        card2 = embeds(standin, second, "Scorecard")[0]
        pressed = await click(standin, cand, card2, ":rerun:new")
        third_said = (await pressed.wait_message(lambda m: "ran it back" in m["content"]))["content"]
        third = int(third_said.rsplit("<#", 1)[1].split(">")[0])
        await standin.wait_until(lambda: embeds(standin, third, "Mock ·"), what="third lobby")
        lobby3 = embeds(standin, third, "Mock ·")[0]
    assert roster(lobby3).splitlines() == [
        f"**Candidate:** <@{ivy}>", f"**Interviewer:** <@{bea}>",
        f"**Bar raiser:** <@{cand}>", f"**Watching:** <@{host}>"]
    assert "Shopping Cart" not in lobby3["embeds"][0]["title"]  # a new question
    description = lobby3["embeds"][0]["description"]
    assert f"<@{cand}>" not in description.split("Suggested")[1].split("\n")[0]
    assert f"<@{bea}>" not in description.split("Suggested")[1].split("\n")[0]


async def test_sigkill_mid_voice_round_loses_and_repeats_nothing(
        standin, bot_env, start_bot_process, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    room = guild.add_voice_channel("Mock room")
    host, cand, ivy, bea = (guild.add_member(n) for n in ("host", "cand", "ivy", "bea"))
    standin.join_voice(host, room)  # before the bot starts: it learns it from GUILD_CREATE
    env = {**bot_env, "MOCK_MINUTE_SECONDS": "1.0"}
    first = await start_bot_process(env, name="first")
    try:
        await standin.wait_until(lambda: "ready as" in first.output(), timeout=30, what="ready")
        thread, lobby = await open_round(standin, host, general, "4,3,3,3,3")
        for user, role in ((cand, "candidate"), (ivy, "interviewer"), (bea, "bar_raiser")):
            await click(standin, user, lobby, f":join:{role}")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
        phase1 = embeds(standin, thread, "Phase 1/5")[0]
        await tick(standin, ivy, phase1, ["0", "2"])
    finally:
        await first.kill()  # SIGKILL a second or so into a 4-second phase
    async with run_bot(env):
        # The phase post's select still works after the restart: routed by its custom_id.
        after = await tick(standin, bea, phase1, ["2"])
        assert "Your ticks for **Requirements**" in after.messages()[0]["content"]
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 2/5"), timeout=20,
                                 what="phase 2 after the restart")
        await tick(standin, ivy, embeds(standin, thread, "Phase 2/5")[0], ["1"])
        await standin.slash(host, thread, "mock end", {}).wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
    card = embeds(standin, thread, "Scorecard")[0]
    shown = fields(card)
    requirements = next(v for k, v in shown.items() if k.startswith("1. Requirements"))
    assert requirements.splitlines() == [
        "✅ Use cases list · panel 1/2",
        "❌ Numbers (100M users, 10K QPS) · panel 0/2",
        "✅ SLAs (99.9%, <100ms) · panel 2/2",
    ]
    assert "panel 1/2" in next(v for k, v in shown.items() if k.startswith("2. High-Level"))
    assert "scored by the panel" in card["embeds"][0]["description"]
    for once in ("Phase 1/5", "Phase 2/5", "Scorecard", "📋"):
        assert len(embeds(standin, thread, once)) == 1, once
    assert len(texts(standin, thread, "Interviewer probe · Requirements")) <= 1
    assert not texts(standin, thread, "No activity")
