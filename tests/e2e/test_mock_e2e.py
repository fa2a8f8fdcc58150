"""A whole mock round through the stand-in, with session minutes of a fifth of a second."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.mock.model import EndReason
from storage.mock import MockRepository

MINUTE = 0.2  # seconds per session minute: a 3-minute phase lasts 0.6 s


def embeds(standin: Any, channel_id: int, title: str) -> list[dict[str, Any]]:
    return [m for m in standin.channel_messages(channel_id)
            if m.get("embeds") and m["embeds"][0].get("title", "").startswith(title)]


def texts(standin: Any, channel_id: int, fragment: str) -> list[dict[str, Any]]:
    return [m for m in standin.channel_messages(channel_id) if fragment in (m.get("content") or "")]


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row["components"]]


async def open_round(standin: Any, host: int, channel: int, minutes: str) -> tuple[int, dict]:
    call = standin.slash(host, channel, "mock start",
                         {"question": "shopping_cart", "minutes": minutes})
    reply = await call.wait_message()
    assert call.ephemeral
    thread_id = int(re.search(r"<#(\d+)>", reply["content"]).group(1))
    await standin.wait_until(lambda: embeds(standin, thread_id, "Mock ·"), what="lobby")
    return thread_id, embeds(standin, thread_id, "Mock ·")[0]


def button(message: dict[str, Any], suffix: str) -> str:
    return next(c for c in custom_ids(message) if c.endswith(suffix))


async def click(standin: Any, user: int, message: dict[str, Any], suffix: str) -> Any:
    record = standin.click(user, int(message["id"]), button(message, suffix))
    return await record.wait_callback()


def lobby_text(standin: Any, lobby: dict[str, Any]) -> str:
    """What the lobby message shows now: its description and its fields."""
    embed = standin.message(int(lobby["id"]))["embeds"][0]
    return "\n".join([embed.get("description", ""),
                      *(f["value"] for f in embed.get("fields", []))])


async def until_lobby_shows(standin: Any, lobby: dict[str, Any], *shown: str) -> None:
    """Wait for the lobby message to show each of ``shown``: a press is acknowledged at
    once and the lobby is edited through the outbox right after."""
    await standin.wait_until(lambda: all(text in lobby_text(standin, lobby) for text in shown),
                             what=f"the lobby to show {shown}")


async def open_scoring(standin: Any, user: int, message: dict[str, Any]) -> Any:
    """Press **Score the checklist**: the member's own panel (or a refusal)."""
    return await click(standin, user, message, ":scoring")


async def score(standin: Any, user: int, message: dict[str, Any], item: str, met: bool) -> Any:
    """Score one checklist item from ``message``'s **Score the checklist** panel."""
    panel = (await open_scoring(standin, user, message)).messages()[0]
    prefix = button(message, ":scoring").rsplit(":", 1)[0]
    picked = standin.select(user, int(panel["id"]), f"{prefix}:item:{item}", ["1" if met else "0"])
    return await picked.wait_callback()


async def test_a_whole_round_from_lobby_to_scorecard(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, interviewer, raiser, other = (
        guild.add_member(name) for name in ("host", "cand", "ivy", "bea", "otto")
    )
    env = {**bot_env, "MOCK_MINUTE_SECONDS": str(MINUTE)}
    async with run_bot(env):
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        refused = await click(standin, cand, lobby, ":start")  # not host, not yet joined
        assert refused.ephemeral and "Join the round first" in refused.messages()[0]["content"]
        empty = await click(standin, host, lobby, ":start")  # no candidate yet
        assert "needs a candidate" in empty.messages()[0]["content"]
        for user, role in ((cand, "candidate"), (interviewer, "interviewer"),
                           (raiser, "bar_raiser")):
            joined = await click(standin, user, lobby, f":join:{role}")
            assert joined.callback_type == 6  # acknowledged: the outbox edits the lobby
        await until_lobby_shows(standin, lobby, f"<@{cand}>", f"<@{interviewer}>", f"<@{raiser}>")
        second = await click(standin, other, lobby, ":join:candidate")
        assert "already has a candidate" in second.messages()[0]["content"]
        not_host = await click(standin, interviewer, lobby, ":start")
        assert "Only the host can start" in not_host.messages()[0]["content"]
        start = button(lobby, ":start")
        presses = [standin.click(host, int(lobby["id"]), start) for _ in range(2)]
        for press in presses:  # a double click, both sent before either edit: one start
            await press.wait_callback()
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
        assert len(embeds(standin, thread, "📋")) == 1

        # Once started, the lobby keeps only Score the checklist (watchers score mid-round).
        await standin.wait_until(lambda: [c.split(":")[-1] for c in custom_ids(
            standin.message(int(lobby["id"])))] == ["scoring"], what="the lobby's controls")
        # Another round's member cannot drive this one.
        other_thread, other_lobby = await open_round(standin, other, general, "5,5,5,5,5")
        foreign = await open_scoring(standin, other, lobby)
        assert "Only a watcher" in foreign.messages()[0]["content"]

        early = await score(standin, raiser, lobby, "customer_first", True)
        assert early.callback_type == 7  # the scorer's own panel, its pick now preset
        pause = standin.slash(interviewer, thread, "mock pause", {})
        assert "paused" in (await pause.wait_message())["content"]
        status = standin.slash(cand, thread, "mock status", {})
        assert "paused" in (await status.wait_message())["embeds"][0]["description"]
        resume = standin.slash(host, thread, "mock resume", {})
        assert "resumed" in (await resume.wait_message())["content"]
        extend = standin.slash(interviewer, thread, "mock extend", {"minutes": 1})
        assert "<t:" in (await extend.wait_message())["content"]
        ask = standin.slash(cand, thread, "mock answer", {})
        await ask.wait_callback()
        assert ask.modal is not None
        submitted = standin.submit_modal(ask, {"mock:answer:text": "Use cases: add to cart. "
                                                "I'd plan for 20M DAU and **5K** writes/s."})
        shown = await submitted.wait_message()
        assert "\\*\\*5K\\*\\*" in shown["embeds"][0]["description"]  # escaped user text
        refused_answer = standin.slash(raiser, thread, "mock answer", {})
        assert "Only the candidate" in (await refused_answer.wait_message())["content"]
        note = standin.slash(raiser, thread, "mock note", {"text": "never sized the cache"})
        assert (await note.wait_message()) and note.ephemeral
        await standin.wait_until(lambda: texts(standin, thread, "minutes left"), what="warning")
        nxt = standin.slash(interviewer, thread, "mock next", {})
        await nxt.wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Phase 2/5"), what="phase 2")
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), timeout=15,
                                 what="scorecard")
        card = embeds(standin, thread, "Scorecard")[0]
        vote = await click(standin, raiser, card, ":vote:strong_hire")
        assert vote.callback_type == 7
        fields = {f["name"]: f["value"] for f in vote.callback_data["embeds"][0]["fields"]}
        assert "Strong hire **1**" in fields["Panel votes"]
        await score(standin, raiser, card, "numbers_always", False)

        def checklist() -> str:
            return next(f["value"] for f in standin.message(int(card["id"]))["embeds"][0]["fields"]
                        if f["name"].startswith("Success formula"))
        await standin.wait_until(lambda: "Numbers Always** · panel 0/1 ⚠️ **disagree**"
                                 in checklist(), what="the scorecard refreshed")
        assert "Customer First** · panel 1/1" in checklist()  # scored mid-round from the lobby
        outsider = await click(standin, other, card, ":vote:hire")
        assert "Only an interviewer or the bar raiser can vote" in \
            outsider.messages()[0]["content"]
        export = standin.slash(cand, thread, "mock export", {})
        exported = await export.wait_message()
        markdown = standin.attachment_bytes(exported["attachments"][0]).decode()
        assert export.ephemeral and exported["attachments"][0]["filename"].endswith(".md")
        assert "## 1. Requirements" in markdown and "20M DAU" in markdown
        assert "never sized the cache" in markdown and "| Numbers Always |" in markdown
        stranger = standin.slash(other, thread, "mock export", {})
        assert "Join the round first" in (await stranger.wait_message())["content"]
        outside = standin.slash(host, general, "mock next", {})
        assert "inside a mock round's thread" in (await outside.wait_message())["content"]
        assert other_thread != thread and other_lobby

    thread_messages = standin.channel_messages(thread)
    assert [m["embeds"][0]["title"] for m in thread_messages
            if m.get("embeds") and m["embeds"][0].get("title", "").startswith("Phase")] == [
        f"Phase {i}/5 · {name}" for i, name in
        enumerate(("Requirements", "High-Level", "Deep Dive", "Scale", "Operations"), 1)
    ]
    assert len(embeds(standin, thread, "Scorecard")) == 1
    # A note is private by default: the candidate's export has it, the scorecard does not.
    assert "never sized the cache" not in str(embeds(standin, thread, "Scorecard")[0])
    archived = [r for r in standin.requests("PATCH") if r.path.endswith(f"/channels/{thread}")]
    assert archived and archived[-1].json.get("archived") is True
    # Posts ping nobody, or exactly the round's participants (by id, never by parse).
    allowed = [r.allowed_mentions for r in standin.requests("POST")
               if r.route == "/channels/{channel_id}/messages"]
    assert all(a == {"parse": []} or (a["parse"] == [] and set(map(int, a["users"])) <= {
        host, cand, interviewer, raiser}) for a in allowed), allowed
    closed = embeds(standin, thread, "Mock ·")[0]
    assert "**Ended:**" in closed["embeds"][0]["description"] and not closed.get("components")


async def test_restarts_neither_repeat_nor_lose_announcements(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand = guild.add_member("host"), guild.add_member("cand")
    env = {**bot_env, "MOCK_MINUTE_SECONDS": "1.0"}
    async with run_bot(env):
        long_thread, long_lobby = await open_round(standin, host, general, "12,6,6,6,6")
        short_thread, short_lobby = await open_round(standin, host, general, "1,1,1,1,1")
        for thread, lobby in ((long_thread, long_lobby), (short_thread, short_lobby)):
            await click(standin, cand, lobby, ":join:candidate")
            await click(standin, host, lobby, ":start")
            await standin.wait_until(lambda t=thread: embeds(standin, t, "Phase 1/5"),
                                     what="phase 1")
    # Down long enough for the short round to run out, and for the long round's
    # mid-phase probe to fall due, but not its warning or its phase end.
    await asyncio.sleep(5.5)
    async with run_bot(env):
        await standin.wait_until(lambda: embeds(standin, short_thread, "Scorecard"),
                                 what="the short round's scorecard")
        await standin.wait_until(lambda: embeds(standin, long_thread, "Phase 2/5"), timeout=15,
                                 what="phase 2 after the restart")
        end = standin.slash(host, long_thread, "mock end", {})
        await end.wait_message()
        await standin.wait_until(lambda: embeds(standin, long_thread, "Scorecard"),
                                 what="the long round's scorecard")
    for once in ("Interviewer probe · Requirements", "minutes left** in Requirements"):
        assert len(texts(standin, long_thread, once)) == 1, once
    for once in ("Phase 1/5", "Phase 2/5", "Scorecard"):
        assert len(embeds(standin, long_thread, once)) == 1, once
    assert len(texts(standin, short_thread, "bot was offline")) == 1
    assert len(embeds(standin, short_thread, "Scorecard")) == 1
    assert not embeds(standin, short_thread, "Phase 2/5")


async def test_a_deleted_thread_ends_its_round_and_frees_its_slot(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host = guild.add_member("host")
    env = {**bot_env, "MOCK_MAX_PER_GUILD": "1"}
    async with run_bot(env) as bot:
        thread, _ = await open_round(standin, host, general, "5,5,5,5,5")
        full = standin.slash(host, general, "mock start", {})
        assert "as many mock rounds" in (await full.wait_message())["content"]
        standin.delete_channel(thread)
        async with asyncio.timeout(10):  # each refused attempt waits for its reply
            while "is ready in" not in (reply := await standin.slash(
                    host, general, "mock start", {}).wait_message())["content"]:
                assert "as many mock rounds" in reply["content"]
        ended = await MockRepository(bot.database).by_thread(thread)
    assert ended is not None and ended.state.end_reason is EndReason.THREAD_DELETED
    assert not embeds(standin, thread, "Scorecard")  # nothing was posted to the deleted thread
