"""/privacy against the real bot and the stand-in: what a delete leaves on disk (issue 13,
items 13, 14, 15 and 18).

The byte test reads the SQLite file, its WAL and its shared-memory index while the bot
still runs, as an attacker with the disk would: the member's id as decimal text and as
SQLite's big-endian 8-byte integer, and the words they wrote, must be nowhere.
"""

from __future__ import annotations

import asyncio
import json
import struct
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_mock_e2e import click, custom_ids, embeds, open_round
from tests.test_progress_privacy import rows_naming

MINUTE = 0.2
NOTE = "private remark zebra-umbrella-41"
ANSWER = "Requirements quokka-lighthouse-77: 20M DAU and 5K writes/s."
OWN_ANSWER = "Requirements narwhal-teapot-93: shard carts by user, 50K reads/s."
OTHER_NOTE = "another remark walrus-accordion-12"
CHECK_ANSWER = "Customer first: p99 under 100 ms for 20M DAU; owners on call for failures."


def traces(path: Path, user_id: int, words: list[str]) -> dict[str, list[str]]:
    """Per file (db, -wal, -shm), which encodings of the member or their words it holds."""
    needles = {
        "id as text": str(user_id).encode(),
        "id as 8-byte integer": struct.pack(">q", user_id),
        **{f"text {w[:20]!r}": w.encode() for w in words},
    }
    found: dict[str, list[str]] = {}
    for suffix in ("", "-wal", "-shm"):
        file = Path(f"{path}{suffix}")
        data = file.read_bytes() if file.exists() else b""
        hits = [name for name, needle in needles.items() if needle in data]
        if hits:
            found[file.name] = hits
    return found


async def confirm_delete(standin: Any, user: int, channel: int) -> str:
    """Run /privacy delete, press "Delete everything", return what the bot said."""
    delete = standin.slash(user, channel, "privacy delete", {})
    confirm = await delete.wait_message()
    pressed = standin.click(user, int(confirm["id"]), custom_ids(confirm)[0])
    done = await pressed.wait_message(lambda m: "cannot be undone" not in m["content"],
                                      timeout=10)
    return done["content"]


async def ended_round(standin: Any, general: int, host: int, cand: int, ivy: int,
                      answer: str = ANSWER, note: str = NOTE) -> int:
    """A round in which ``ivy`` interviews and notes, ``cand`` answers; ends with a scorecard."""
    thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
    await click(standin, cand, lobby, ":join:candidate")
    await click(standin, ivy, lobby, ":join:interviewer")
    await click(standin, host, lobby, ":start")
    await standin.wait_until(lambda: embeds(standin, thread, "Phase 1/5"), what="phase 1")
    ask = standin.slash(cand, thread, "mock answer", {})
    await ask.wait_callback()
    await standin.submit_modal(ask, {"mock:answer:text": answer}).wait_message()
    await standin.slash(ivy, thread, "mock note",
                        {"text": note, "visibility": "public"}).wait_message()
    await standin.slash(host, thread, "mock end", {}).wait_message()
    await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
    return thread


@pytest.mark.sqlite_only  # the bytes of the SQLite file
async def test_a_deleted_interviewer_leaves_no_byte_on_disk(standin, bot_env, run_bot):
    """Item 13: the note sat in the other candidate's stored scorecard and in the WAL."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, ivy = (guild.add_member(n) for n in ("host", "cand", "ivy"))
    env = {**bot_env, "MOCK_MINUTE_SECONDS": str(MINUTE)}
    async with run_bot(env) as bot:
        thread = await ended_round(standin, general, host, cand, ivy)
        assert NOTE in str(embeds(standin, thread, "Scorecard")[0])
        path = Path(bot.database.path)
        # Another round with the interviewer as candidate: their own answer is on disk too.
        second = await ended_round(standin, general, host, ivy, cand, OWN_ANSWER, OTHER_NOTE)
        # Its last post is the archiving: until then that row still holds what it shows.
        await standin.wait_until(lambda: standin.channel(second)["thread_metadata"]["archived"],
                                 what="the second round archived")
        assert traces(path, ivy, [NOTE, OWN_ANSWER])  # the test can see what it looks for
        said = await confirm_delete(standin, ivy, general)
        assert "Deleted" in said
        assert await rows_naming(bot.database, ivy) == {}
        assert traces(path, ivy, [NOTE, OWN_ANSWER]) == {}
        # The others keep what is theirs: the candidate's answer and note, on disk too.
        assert await rows_naming(bot.database, cand)
        assert set(traces(path, cand, [ANSWER, OTHER_NOTE])["bar-raiser.db"]) == {
            "id as 8-byte integer", f"text {ANSWER[:20]!r}", f"text {OTHER_NOTE[:20]!r}",
        }


async def test_a_delete_during_a_check_leaves_no_review_behind(standin, bot_env, run_bot):
    """Item 14: the delete ran while /check was between its review and its record."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    member = guild.add_member("bo")
    async with run_bot(bot_env) as bot:
        ask = standin.slash(member, general, "check", {})
        await ask.wait_callback()
        # The card (sent before the review is recorded) takes 2 s to reach Discord:
        # the member deletes their data meanwhile.
        standin.delay_next("POST", "/webhooks/*", 2.0)
        submitted = standin.submit_modal(ask, {"review:answer": CHECK_ANSWER})
        await submitted.wait_callback()
        said = await confirm_delete(standin, member, general)
        assert "nothing stored" in said  # the delete ran before the review was recorded
        await submitted.wait_message(timeout=10)
        await standin.wait_until(lambda: not _handling(), what="the /check handler to finish")
        left = await rows_naming(bot.database, member)
    assert left == {}, f"after {said!r} the database still holds {left}"


def _handling() -> list[asyncio.Task[Any]]:
    """discord.py runs each modal submit as a task with this name prefix."""
    return [t for t in asyncio.all_tasks()
            if t.get_name().startswith("discord-ui-modal-dispatch") and not t.done()]


async def test_the_host_export_holds_only_their_own_rows(standin, bot_env, run_bot):
    """Item 15: the host of a running round got the others' notes and answers."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, ivy = (guild.add_member(n) for n in ("host", "cand", "ivy"))
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": "5"}):
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        await click(standin, cand, lobby, ":join:candidate")
        await click(standin, ivy, lobby, ":join:interviewer")
        await click(standin, host, lobby, ":start")
        ask = standin.slash(cand, thread, "mock answer", {})
        await ask.wait_callback()
        await standin.submit_modal(ask, {"mock:answer:text": ANSWER}).wait_message()
        await standin.slash(ivy, thread, "mock note", {"text": NOTE}).wait_message()
        export = standin.slash(host, general, "privacy export", {})
        exported = await export.wait_message(lambda m: bool(m.get("attachments")))
        raw = standin.attachment_bytes(exported["attachments"][0]).decode()
    document = json.loads(raw)
    assert document["tables"]["mock_sessions"][0]["host_user_id"] == host
    assert NOTE not in raw and ANSWER not in raw
    assert str(cand) not in raw and str(ivy) not in raw


async def test_a_host_who_deletes_their_data_hands_the_round_on(standin, bot_env, run_bot):
    """Item 18: the round was left with host 0, which nobody can end."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    host, cand, ivy = (guild.add_member(n) for n in ("host", "cand", "ivy"))
    async with run_bot({**bot_env, "MOCK_MINUTE_SECONDS": "5"}) as bot:
        thread, lobby = await open_round(standin, host, general, "3,3,3,3,3")
        await click(standin, cand, lobby, ":join:candidate")
        await click(standin, ivy, lobby, ":join:interviewer")
        await click(standin, host, lobby, ":start")
        said = await confirm_delete(standin, host, general)
        assert "host" in said and f"<@{cand}>" in said  # the longest-standing participant
        end = standin.slash(cand, thread, "mock end", {})
        await end.wait_message()
        await standin.wait_until(lambda: embeds(standin, thread, "Scorecard"), what="scorecard")
        assert await rows_naming(bot.database, host) == {}

        # A host alone in their lobby: the round ends with the delete, and says so.
        lone, _ = await open_round(standin, ivy, general, "3,3,3,3,3")
        said = await confirm_delete(standin, ivy, general)
        assert "ended" in said
        status = standin.slash(cand, lone, "mock status", {})
        assert "ended" in str(await status.wait_message())
        assert await rows_naming(bot.database, ivy) == {}
