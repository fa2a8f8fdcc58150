"""Issue 17, items 3 and 5-8, through the stand-in: who is told, a lobby that stays true,
private feedback, the bar raiser's decision and a readable export."""

from __future__ import annotations

import re
from typing import Any

import pytest

from standin.errors import StandInUsageError
from tests.e2e.test_mock_e2e import (
    click,
    custom_ids,
    embeds,
    open_round,
    open_scoring,
    score,
    texts,
    until_lobby_shows,
)
from tests.e2e.test_privacy_e2e import confirm_delete

MINUTE = 0.2
EPHEMERAL = 1 << 6
SECRET = "PRIVATE-kiwi-17"
OPEN = "PUBLIC-fig-22"


def said(record: Any) -> str:
    return " ".join(m.get("content") or "" for m in record.messages())


def fields(message: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0].get("fields", [])}


def public_texts(standin: Any) -> list[str]:
    """Every message anyone but one member could see: every non-ephemeral message the
    stand-in holds, and every body the bot sent that could create or edit one (so an
    intermediate version later edited away is scanned too)."""
    seen = [str(m) for m in standin.world.messages.values() if not m["flags"] & EPHEMERAL]
    for request in standin.requests():
        if request.method not in ("POST", "PATCH") or not isinstance(request.json, dict):
            continue
        body = request.json.get("data") if request.route.endswith("/callback") else request.json
        if not isinstance(body, dict) or (body.get("flags") or 0) & EPHEMERAL:
            continue
        seen.append(str(body))
        seen.extend(f.data.decode(errors="replace") for f in request.files)
    return seen


async def test_seats_join_the_thread_and_pings_reach_exactly_the_participants(
        standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, ivy, bea, quinn, otto = (
        guild.add_member(n) for n in ("host", "cand", "ivy", "bea", "quinn", "otto"))
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": str(MINUTE)}) as bot:
        off = standin.slash(quinn, general, "mock pings", {"state": "off"})
        assert "off" in (await off.wait_message())["content"] and off.ephemeral
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        # The lobby link is posted where /mock start was run, pinging nobody.
        invite = await standin.wait_until(
            lambda: texts(standin, general, "opened a mock round"), what="the invite")
        assert f"/{thread}/{lobby['id']}" in invite[0]["content"]
        assert standin.pinged(invite[0]).users == frozenset()
        for user, role in ((cand, "candidate"), (ivy, "interviewer"), (bea, "bar_raiser"),
                           (quinn, "observer")):
            await click(standin, user, lobby, f":join:{role}")
        await standin.wait_until(
            lambda: {host, cand, ivy, bea, quinn} <= standin.thread_members(thread),
            what="every seated member in the thread")
        assert otto not in standin.thread_members(thread)
        await click(standin, host, lobby, ":start")
        ask = standin.slash(cand, thread, "mock answer", {})
        await ask.wait_callback()
        await standin.submit_modal(ask, {"mock:answer:text": f"@everyone <@{otto}> 20M DAU"}
                                   ).wait_message()
        await standin.wait_until(lambda: texts(standin, thread, "minutes left"), what="warning")
        await standin.slash(host, thread, "mock end", {}).wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
        await standin.wait_until(lambda: standin.channel(thread)["thread_metadata"]["archived"],
                                 what="the thread archived")
        left = await bot.database.fetchone("SELECT COUNT(*) FROM outbox_mentions")
    pinged_by = {(m["embeds"][0].get("title") or m["embeds"][0].get("description", "")
                  if m.get("embeds") else m["content"]): standin.pinged(m)
                 for m in standin.channel_messages(thread)}
    wanted = frozenset({host, cand, ivy, bea})  # quinn turned mock pings off
    phase = next(p for name, p in pinged_by.items() if name.startswith("Phase 1/5"))
    warning = next(p for name, p in pinged_by.items() if "minutes left" in name)
    card = next(p for name, p in pinged_by.items() if name.startswith("Scorecard"))
    for pinged in (phase, warning, card):
        assert pinged.users == wanted and not pinged.roles and not pinged.everyone
    for pinged in pinged_by.values():  # nothing else pings anyone else (the answer: nobody)
        assert pinged.users <= wanted and not pinged.everyone and not pinged.roles
    assert f"<@{quinn}>" not in str(embeds(standin, thread, "Phase 1/5")[0]["content"])
    assert left[0] == 0  # the ping lists go once their posts are delivered


async def test_the_lobby_stays_true(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, ivy, wally = (guild.add_member(n) for n in ("host", "cand", "ivy", "wally"))
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": "5"}) as bot:
        # Cancelling an unstarted lobby says so, and the lobby shows it, without controls.
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        cancel = standin.slash(host, thread, "mock end", {})
        assert "cancelled" in (await cancel.wait_message())["content"]
        await standin.wait_until(lambda: "Cancelled" in standin.message(int(lobby["id"]))[
            "embeds"][0]["description"], what="the lobby marked cancelled")
        assert not standin.message(int(lobby["id"])).get("components")
        assert texts(standin, thread, "cancelled before it started")
        assert not embeds(standin, thread, "Scorecard")
        assert "scorecard is in the thread" not in said(cancel)

        # Leaving the candidate seat for another role asks first.
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        await click(standin, cand, lobby, ":join:candidate")
        await until_lobby_shows(standin, lobby, f"**Candidate:** <@{cand}>")
        asked = await click(standin, cand, lobby, ":join:interviewer")
        assert asked.ephemeral and "candidate" in said(asked)
        roster = fields(standin.message(int(lobby["id"])))["Who is who"]
        assert f"**Candidate:** <@{cand}>" in roster  # nothing changed yet
        prompt = asked.messages()[0]
        confirmed = standin.click(cand, int(prompt["id"]), custom_ids(prompt)[0])
        await confirmed.wait_callback()
        await standin.wait_until(lambda: f"**Interviewer:** <@{cand}>" in fields(
            standin.message(int(lobby["id"])))["Who is who"], what="the lobby refreshed")
        for user, role in ((cand, "candidate"), (ivy, "interviewer"), (wally, "observer")):
            await click(standin, user, lobby, f":join:{role}")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: "In progress" in standin.message(int(lobby["id"]))[
            "embeds"][0]["description"], what="the lobby in progress")
        await standin.wait_until(lambda: [c.rsplit(":", 1)[-1] for c in custom_ids(
            standin.message(int(lobby["id"])))] == ["scoring"], what="only scoring left")

        # One score per scorer and item: each item's select holds one pick, preset to the
        # scorer's own, and a new pick replaces the old.
        panel = (await open_scoring(standin, ivy, lobby)).messages()[0]
        item = next(c for c in custom_ids(panel) if c.endswith(":item:numbers_always"))
        with pytest.raises(StandInUsageError, match=r"takes 1\.\.1 values"):
            standin.select(ivy, int(panel["id"]), item, ["1", "0"])
        for flag in ("1", "0"):
            picked = await standin.select(ivy, int(panel["id"]), item, [flag]).wait_callback()
        preset = [o["value"] for c in picked.callback_data["components"]
                  for s in c["components"] if s["custom_id"] == item
                  for o in s["options"] if o.get("default")]
        assert preset == ["0"]
        await score(standin, wally, lobby, "numbers_always", True)
        rows = await bot.database.fetchall(
            "SELECT scorer_user_id, met FROM mock_scores WHERE item_id = 'numbers_always' "
            "ORDER BY scorer_user_id")
        assert sorted((r[0], r[1]) for r in rows) == sorted([(ivy, 0), (wally, 1)])

        # The host erases their data: the host passes on and the lobby says who it is now.
        said_delete = await confirm_delete(standin, host, general)
        assert "Deleted" in said_delete
        await standin.wait_until(lambda: f"hosted by <@{cand}>" in standin.message(
            int(lobby["id"]))["embeds"][0]["description"], what="the lobby's new host")

        end = standin.slash(cand, thread, "mock end", {})
        assert "scorecard is in the thread" in (await end.wait_message())["content"]
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
        await standin.wait_until(lambda: "Ended" in standin.message(int(lobby["id"]))[
            "embeds"][0]["description"], what="the lobby marked ended")
        assert not standin.message(int(lobby["id"])).get("components")
    checklist = fields(embeds(standin, thread, "Scorecard")[0])[
        "Success formula · review vs panel"]
    # The watcher's ✅ is shown apart and does not count: the panel (ivy) said ❌.
    assert "**Numbers Always** · panel 0/1" in checklist and "watchers 1/1" in checklist


async def test_private_feedback_the_decision_and_a_readable_export(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, ivy, bea, wally = (
        guild.add_member(n) for n in ("host", "cand", "ivy", "bea", "wally"))
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": str(MINUTE)}):
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        for user, role in ((cand, "candidate"), (ivy, "interviewer"), (bea, "bar_raiser"),
                           (wally, "observer")):
            await click(standin, user, lobby, f":join:{role}")
        await click(standin, host, lobby, ":start")
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
        ask = standin.slash(cand, thread, "mock answer", {})
        await ask.wait_callback()
        await standin.submit_modal(ask, {"mock:answer:text": "Use cases first: 20M DAU."}
                                   ).wait_message()
        note = standin.slash(ivy, thread, "mock note", {"text": f"{SECRET} rushed the APIs"})
        assert "only the candidate" in (await note.wait_message())["content"] and note.ephemeral
        shown = standin.slash(ivy, thread, "mock note",
                              {"text": f"{OPEN} good scoping", "visibility": "public"})
        assert "scorecard" in (await shown.wait_message())["content"]
        early = standin.slash(bea, thread, "mock decide", {"call": "hire", "reason": "early"})
        assert "recorded the final call" in (await early.wait_message())["content"]  # once started
        await standin.wait_until(lambda: texts(standin, thread, "Interviewer probe"),
                                 what="the first probe")
        await standin.slash(host, thread, "mock end", {}).wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
        card = embeds(standin, thread, "Scorecard")[0]
        await click(standin, ivy, card, ":vote:hire")

        not_bar = standin.slash(ivy, thread, "mock decide", {"call": "no_hire", "reason": "x"})
        assert "Only the bar raiser" in (await not_bar.wait_message())["content"]
        decide = standin.slash(bea, thread, "mock decide",
                               {"call": "strong_hire", "reason": "Clear numbers,\nsolid trade-offs"})
        assert "Strong hire" in (await decide.wait_message())["content"]
        assert not decide.ephemeral
        await standin.wait_until(
            lambda: "Strong hire" in fields(standin.message(int(card["id"])))["Decision"],
            what="the scorecard edited with the decision")
        shown_card = fields(standin.message(int(card["id"])))
        assert "Clear numbers, solid trade-offs" in shown_card["Decision"]
        assert f"<@{bea}>" in shown_card["Decision"]
        assert f"<@{ivy}>: Hire" in shown_card["Panel votes"]
        assert OPEN in shown_card["Public notes"]

        mine = await click(standin, cand, card, ":feedback")
        assert mine.ephemeral and SECRET in str(mine.messages()[0])
        theirs = await click(standin, wally, card, ":feedback")
        assert theirs.ephemeral and "only for the candidate" in said(theirs)
        assert SECRET not in str(theirs.messages())

        exports = {}
        for user in (cand, wally):
            export = standin.slash(user, thread, "mock export", {})
            reply = await export.wait_message()
            assert export.ephemeral
            exports[user] = standin.attachment_bytes(reply["attachments"][0]).decode()
    text = exports[cand]
    assert SECRET in text and "🔒 private, ivy" in text and OPEN in text
    assert SECRET not in exports[wally] and OPEN in exports[wally]
    for user in (host, cand, ivy, bea, wally):
        assert str(user) not in text  # names, never ids
    assert "- Candidate: cand" in text and "- Bar raiser: bea" in text
    assert re.search(r"## 1\. Requirements \(\d+ (min|s)( \d+ s)? of 3 min\)", text), text
    assert "2.83935" not in text and not re.search(r"\d\.\d{3,}", text)
    assert "Probes asked:" in text and "Use cases first: 20M DAU." in text
    assert "Deliverables: ✅ Use cases list" in text
    assert "Strong hire for cand, by bea: Clear numbers, solid trade-offs" in text
    assert "ivy on cand: Hire" in text
    # Private feedback never reached anything but the candidate's own ephemeral replies.
    leaks = [seen[:200] for seen in public_texts(standin) if SECRET in seen]
    assert leaks == []
    assert any(OPEN in seen for seen in public_texts(standin))  # the scan does find text
