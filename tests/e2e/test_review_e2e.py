"""/check through its modal, the "Check against checklist" message command, and
auto-review in a daily thread, with the real bot against the stand-in."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from standin import StandIn, harness
from standin import permissions as perms
from storage.guilds import GuildRepository
from tests.test_progress_privacy import rows_naming

MESSAGE_CONTENT = 1 << 15
HOSTILE = "@everyone {{ 7*7 }} <@&1> We'll just run everything on Kubernetes, the standard. "
GOOD = ("Shoppers see add-to-cart return in < 100 ms p99. Assume 20M DAU → ~500 writes/s. "
        "If DynamoDB throttles, the SDK retries with backoff and then queues the write.")
# Long enough to be a substantive answer (bot.answers.is_substantive), which auto-review needs.
LONG_GOOD = GOOD + (" The cart service keeps one table per region and a small worker drains the"
                    " queue in order, so the layout stays simple to follow for a new reader.")


def no_pings(standin: Any) -> None:
    posts = standin.requests("POST") + standin.requests("PATCH")
    sent = [r for r in posts if isinstance(r.json, dict) and ("content" in r.json
                                                              or "embeds" in r.json
                                                              or "data" in r.json)]
    assert sent
    for request in sent:
        mentions = request.allowed_mentions or {"parse": []}
        assert mentions.get("parse") == [] and not mentions.get("replied_user"), request.route
        assert not mentions.get("users") and not mentions.get("roles"), request.route


async def stored(bot: Any, expected: int) -> list[dict[str, Any]]:
    """The stored reviews once ``expected`` are there: the card is sent first, then recorded."""
    async with asyncio.timeout(5):
        while True:
            rows = await bot.database.fetchall("SELECT user_id, source, phase, score FROM reviews")
            if len(rows) >= expected:
                return [dict(row) for row in rows]
            await asyncio.sleep(0.02)


async def test_check_modal_reviews_hostile_4000_char_answer_without_pings(
    standin, bot_env, run_bot
):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    member = guild.add_member("ada")
    answer = (HOSTILE + GOOD + " ") * 20
    answer = answer[:4000]
    async with run_bot(bot_env) as bot:
        shown = standin.slash(member, general, "check", {})
        await shown.wait_callback()
        assert shown.callback_type == 9 and shown.modal is not None
        submitted = standin.submit_modal(
            shown, {"review:answer": answer, "review:phase": "Requirements"}
        )
        reply = await submitted.wait_message()
        rows = await stored(bot, 1)
    assert submitted.ephemeral and submitted.latency < 3
    embed = reply["embeds"][0]
    assert embed["title"].startswith("Answer review · 3/5 items met · 1 failure mode")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "@everyone {{ 7\\*7 }} <@&1>" in fields["⚠️ We'll use Kubernetes"]
    assert "Phase deliverables · requirements" in fields
    assert not reply.get("mention_everyone") and reply.get("mention_roles", []) == []
    assert rows == [{"user_id": member, "source": "check", "phase": "requirements", "score": 3}]
    no_pings(standin)


async def test_check_modal_with_an_unknown_phase_says_so(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    member = guild.add_member("ada")
    async with run_bot(bot_env) as bot:
        shown = standin.slash(member, general, "check", {})
        await shown.wait_callback()
        submitted = standin.submit_modal(shown, {"review:answer": GOOD, "review:phase": "lunch"})
        reply = await submitted.wait_message()
        rows = await stored(bot, 0)
    assert submitted.ephemeral
    assert reply["content"].startswith("Unknown phase `lunch`")
    assert rows == []


async def test_context_menu_on_another_members_message_is_only_the_askers_and_stores_nothing(
    standin, bot_env, run_bot
):
    """A review belongs to whoever asked: checking someone else's message shows the card
    to the asker only and leaves no row naming the author in any table; checking your
    own message is your review."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    author = guild.add_member("ada")
    asker = guild.add_member("bo")
    async with run_bot(bot_env) as bot:
        message = standin.post_message(general, author, GOOD + " " + HOSTILE)
        empty = standin.post_message(general, author, "")
        call = standin.message_command(asker, "Check against checklist", int(message["id"]))
        reply = await call.wait_message()
        again = standin.message_command(asker, "Check against checklist", int(message["id"]))
        await again.wait_message()
        blank = standin.message_command(asker, "Check against checklist", int(empty["id"]))
        blank_reply = await blank.wait_message()
        await bot.get_cog("ProgressCog").courier.tick()  # grading, reminders: nothing for ada
        naming_author = await rows_naming(bot.database, author)
        naming_asker = await rows_naming(bot.database, asker)
        own = standin.post_message(general, asker, GOOD)
        mine = standin.message_command(asker, "Check against checklist", int(own["id"]))
        await mine.wait_message()
        rows = await stored(bot, 1)
        naming_author_after = await rows_naming(bot.database, author)
    assert call.ephemeral and blank.ephemeral and mine.ephemeral
    embed = reply["embeds"][0]
    assert "3/5 items met" in embed["title"] and "1 failure mode" in embed["title"]
    assert message["id"] in embed["description"]  # links the reviewed message
    assert blank_reply["embeds"][0]["description"] == "Nothing to review: the message has no text."
    assert naming_author == {} and naming_author_after == {}  # every table, from the schema
    assert naming_asker == {}  # nor for the asker: it was not their answer
    # the asker's review of their own message is theirs, stored once
    assert rows == [{"user_id": asker, "source": "context_menu", "phase": None, "score": 3}]
    visible = standin.channel_messages(general)  # the cards were ephemeral: nothing public
    assert not any("Answer review" in str(m.get("embeds")) for m in visible)
    no_pings(standin)


async def test_auto_review_replies_in_daily_thread_when_enabled(tmp_path: Path):
    standin = StandIn(privileged_intents=MESSAGE_CONTENT)
    await standin.start()
    try:
        env = harness.bot_env(standin, tmp_path / "bar-raiser.db", MESSAGE_CONTENT_INTENT="true")
        guild = standin.add_guild("Study group")
        admin = guild.add_member("ada", permissions=perms.ADMINISTRATOR)
        member = guild.add_member("bo")
        async with harness.run_bot(env) as bot:
            channel = guild.add_text_channel("daily")
            setup = standin.slash(admin, channel, "daily setup",
                                  {"channel": channel, "time": "00:00", "timezone": "UTC"})
            await setup.wait_message()
            await standin.wait_until(
                lambda: any(r.route.endswith("/threads") for r in standin.requests("POST")),
                what="the daily thread",
            )
            thread = int([r for r in standin.requests("POST")
                          if r.route.endswith("/threads")][-1].response["id"])
            # (off by default: covered in tests/test_review_service.py without a race)
            await GuildRepository(bot.database).set_auto_review(guild.id, True, bot.clock.now())
            chat = standin.post_message(thread, member, "nice prompt today @everyone")
            answer = standin.post_message(thread, member, LONG_GOOD + " @everyone")
            await standin.wait_until(
                lambda: any(str((m.get("message_reference") or {}).get("message_id")) == answer["id"]
                            for m in standin.channel_messages(thread)),
                what="the auto-review reply",
            )
            replies = [m for m in standin.channel_messages(thread)
                       if m["author"]["id"] != str(member) and m.get("message_reference")]
            rows = await stored(bot, 1)
        assert len(replies) == 1  # the one-liner is chat, not an answer: no review
        assert replies[0]["message_reference"]["message_id"] != chat["id"]
        assert replies[0]["content"].startswith("**Checklist 3/5**")
        assert not replies[0].get("mention_everyone") and replies[0].get("mentions", []) == []
        assert rows == [{"user_id": member, "source": "auto", "phase": None, "score": 3}]
        no_pings(standin)
    finally:
        await standin.stop()
    assert not standin.internal_errors
