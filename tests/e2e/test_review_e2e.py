"""/check through its modal, the "Check against checklist" message command, and
auto-review in a daily thread, with the real bot against the stand-in."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FixedClock
from standin import StandIn, harness
from standin import permissions as perms
from standin.commands import CHAT_INPUT
from tests.test_progress_privacy import rows_naming

MESSAGE_CONTENT = 1 << 15
HOSTILE = "@everyone {{ 7*7 }} <@&1> We'll just run everything on Kubernetes, the standard. "
# 60 words: a real answer (more than 40 words, not a question, not a reply).
LONG_ANSWER = ("Shoppers see add-to-cart return in under 100 ms p99. Assume 20M DAU, so about "
               "500 writes per second at peak. If DynamoDB throttles, the SDK retries with "
               "backoff and then queues the write in SQS, so no cart update is lost. We alarm on "
               "p99 latency and throttles, and the cart team of six owns the service and its "
               "runbook.")
GOOD = ("Shoppers see add-to-cart return in < 100 ms p99. Assume 20M DAU → ~500 writes/s. "
        "If DynamoDB throttles, the SDK retries with backoff and then queues the write.")

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
    """The stored reviews once ``expected`` are there: the card is sent first, then recorded.

    Polled (the record has no event of its own), with the patience of a busy machine."""
    async with asyncio.timeout(15):
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
        shown = standin.slash(member, general, "check", {"phase": "requirements"})
        await shown.wait_callback()
        assert shown.callback_type == 9 and shown.modal is not None
        submitted = standin.submit_modal(shown, {"review:answer": answer})
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


def _inputs(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["custom_id"]: c for row in modal["components"] for c in row["components"]}


async def test_check_offers_the_phase_as_a_select_and_the_form_has_only_the_answer(
    standin, bot_env, run_bot
):
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    async with run_bot(bot_env):
        command = standin.commands.find(guild.id, "check", CHAT_INPUT)
        phase = next(o for o in command["options"] if o["name"] == "phase")
        shown = standin.slash(member, next(iter(guild.channels)), "check", {})
        await shown.wait_callback()
    assert [c["value"] for c in phase["choices"]] == [
        "requirements", "high_level", "deep_dive", "scale", "operations", "full"]
    assert not phase.get("required")
    assert list(_inputs(shown.modal)) == ["review:answer"]


async def test_rate_limit_is_checked_before_the_form_opens(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    member = guild.add_member("ada")
    async with run_bot(bot_env) as bot:
        for _ in range(bot.get_cog("ReviewCog").service.cooldown.limit):
            shown = standin.slash(member, general, "check", {})
            await shown.wait_callback()
            submitted = standin.submit_modal(shown, {"review:answer": GOOD})
            await submitted.wait_message()
        refused = standin.slash(member, general, "check", {})
        reply = await refused.wait_message()
    assert refused.callback_type == 4 and refused.modal is None  # a message, no form
    assert refused.ephemeral and reply["content"].startswith("Slow down")


async def test_a_refusal_after_submit_offers_edit_and_resubmit_with_the_text_kept(
    standin, bot_env, run_bot
):
    """The form opened while allowed; by submit time the member used up the limit (in
    another window). The 1,600-character answer comes back filled in, once allowed."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    member = guild.add_member("ada")
    answer = (GOOD + " ") * 8
    answer = answer[:1600]
    clock = FixedClock(datetime(2026, 12, 6, 12, 0, tzinfo=UTC))
    async with run_bot(bot_env, clock=clock) as bot:
        opened = standin.slash(member, general, "check",
                               {"phase": "scale", "question": "shopping_cart"})
        await opened.wait_callback()
        message = standin.post_message(general, member, GOOD)
        for _ in range(bot.get_cog("ReviewCog").service.cooldown.limit):
            other = standin.message_command(member, "Check against checklist", int(message["id"]))
            await other.wait_message()
        submitted = standin.submit_modal(opened, {"review:answer": answer})
        refusal = await submitted.wait_message()
        button = refusal["components"][0]["components"][0]
        still_limited = standin.click(member, int(refusal["id"]), button["custom_id"])
        limited_reply = await still_limited.wait_message()
        clock.set(clock.now() + timedelta(seconds=61))
        reopened = standin.click(member, int(refusal["id"]), button["custom_id"])
        await reopened.wait_callback()
        resubmitted = standin.submit_modal(reopened, {"review:answer": answer})
        card = await resubmitted.wait_message()
        rows = await stored(bot, 2)
    assert submitted.ephemeral and refusal["content"].startswith("Slow down")
    assert button["label"] == "Edit and resubmit"
    assert limited_reply["content"].startswith("Slow down") and still_limited.modal is None
    assert reopened.callback_type == 9
    assert _inputs(reopened.modal)["review:answer"]["value"] == answer
    assert card["embeds"][0]["title"].startswith("Answer review")
    assert "for **Shopping Cart**, phase **scale**" in card["embeds"][0]["description"]
    assert {"user_id": member, "source": "check", "phase": "scale", "score": 3} in rows


# Numbers, customer and failure, but no monitoring and no owner: two tips to read.
NO_OPS = ("A shortened link must redirect in under 20 ms p99 for the person clicking it. "
          "We plan for 40K redirects/s at peak. If the cache node dies, reads fall back to "
          "DynamoDB and the link still works, just slower.")


async def test_check_with_a_question_coaches_on_that_question(standin, bot_env, run_bot):
    """The question option: offered as you type, refused before the form when unknown,
    and the card's tips use the question's own system and probes, not cart examples."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    member = guild.add_member("ada")
    async with run_bot(bot_env):
        offered = standin.autocomplete(member, general, "check", {"question": "short"},
                                       focused="question")
        await offered.wait_callback()
        unknown = standin.slash(member, general, "check", {"question": "no_such_question"})
        refusal = await unknown.wait_message()
        opened = standin.slash(member, general, "check",
                               {"phase": "operations", "question": "url_shortener"})
        await opened.wait_callback()
        submitted = standin.submit_modal(opened, {"review:answer": NO_OPS})
        card = await submitted.wait_message()
    assert {"name": "URL Shortener (Classics)", "value": "url_shortener"} in offered.choices
    assert unknown.modal is None and unknown.ephemeral
    assert refusal["content"].startswith("There is no question `no_such_question`")
    embed = card["embeds"][0]
    assert "for **URL Shortener**, phase **operations**" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["✅ Numbers Always"].startswith("“A shortened link must redirect in under 20 ms")
    for missing in ("❌ Operations Ready", "❌ Team Ownership"):
        assert "URL Shortener" in fields[missing], fields[missing]
        assert "cart" not in fields[missing].lower()


# Real content for two items, and filler that must earn nothing: a list of bare terms, blanks
# left in a template, and the seed's table header pasted in.
FILLER = """Ops: error budgets, game days, golden signals, COEs, shift-left testing.
Owner: ____ team, rotation: ____

| Mistake | Why It Fails | Do Instead |
|---|---|---|
| k8s first | cost | ECS |

If a redirect node dies, the load balancer drops it and the other nodes serve its links.
Each link row is ~200 B, so a year of new links is about 240 GB."""


async def test_check_credits_no_term_list_blank_or_pasted_table_header(standin, bot_env, run_bot):
    """What a member gets for filler: ❌ with a tip, never its words quoted as evidence;
    the real sentences beside it still count."""
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    member = guild.add_member("ada")
    async with run_bot(bot_env):
        opened = standin.slash(member, general, "check", {"question": "url_shortener"})
        await opened.wait_callback()
        card = await standin.submit_modal(opened, {"review:answer": FILLER}).wait_message()
    fields = {f["name"]: f["value"] for f in card["embeds"][0]["fields"]}
    assert fields["✅ Failure Planning"].startswith("“If a redirect node dies")
    assert fields["✅ Numbers Always"].startswith("“Each link row is")
    assert "❌ Operations Ready" in fields and "❌ Team Ownership" in fields
    assert not [name for name in fields if name.startswith("⚠️")]  # the mistakes table is not mine
    quoted = " ".join(fields.values())
    for filler in ("error budgets", "____", "Mistake"):
        assert filler not in quoted


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


async def test_auto_review_reviews_the_first_answer_privately(tmp_path: Path):
    """Chat earns nothing; the first 40+ word answer gets 📝 and a private card."""
    standin = StandIn(privileged_intents=MESSAGE_CONTENT)
    await standin.start()
    try:
        env = harness.bot_env(standin, tmp_path / "bar-raiser.db", MESSAGE_CONTENT_INTENT="true")
        guild = standin.add_guild("Study group")
        admin = guild.add_member("ada", permissions=perms.ADMINISTRATOR)
        member = guild.add_member("bo")
        other = guild.add_member("cy")
        async with harness.run_bot(env) as bot:
            channel = guild.add_text_channel("daily")
            setup = standin.slash(admin, channel, "daily setup",
                                  {"channel": channel, "time": "00:00", "timezone": "UTC",
                                   "auto_review": True})
            await setup.wait_message()
            await standin.wait_until(
                lambda: any(r.route.endswith("/threads") for r in standin.requests("POST")),
                what="the daily thread",
            )
            thread = int([r for r in standin.requests("POST")
                          if r.route.endswith("/threads")][-1].response["id"])
            chat = standin.post_message(thread, member, "I agree with Alice!")
            answer = standin.post_message(thread, member, LONG_ANSWER + " @everyone")
            await standin.wait_until(
                lambda: any(str((m.get("message_reference") or {}).get("message_id")) == answer["id"]
                            for m in standin.channel_messages(thread)),
                what="the review button under the answer",
            )
            second = standin.post_message(thread, member, LONG_ANSWER)  # not the first: ignored
            # cy replies to bo's answer at length: discussion, not cy's own answer ...
            reply = standin.post_message(thread, other, LONG_ANSWER, reply_to=int(answer["id"]))
            # ... and then answers for real, which is reviewed (and orders the checks above).
            own = standin.post_message(thread, other, LONG_ANSWER.replace("six", "seven"))
            await standin.wait_until(
                lambda: any(str((m.get("message_reference") or {}).get("message_id")) == own["id"]
                            for m in standin.channel_messages(thread)),
                what="cy's own answer reviewed",
            )
            rows = await stored(bot, 2)
            [ready] = [m for m in standin.channel_messages(thread)
                       if m["author"]["id"] == str(standin.bot_user_id)
                       and str((m.get("message_reference") or {}).get("message_id")) == answer["id"]]
            custom_id = ready["components"][0]["components"][0]["custom_id"]
            stranger = standin.click(other, int(ready["id"]), custom_id)
            refused = await stranger.wait_message()
            mine = standin.click(member, int(ready["id"]), custom_id)
            card = await mine.wait_message()
            answers = await bot.database.fetchall("SELECT user_id, message_id FROM daily_answers")
        assert [dict(r) for r in answers] == [{"user_id": member, "message_id": int(answer["id"])},
                                              {"user_id": other, "message_id": int(own["id"])}]
        assert [(r["user_id"], r["source"]) for r in rows] == [(member, "auto"), (other, "auto")]
        # 📝 is auto-review's mark; ✅ (progress counting any first message) is not ours
        reacted = [r for r in standin.requests("PUT") if "/reactions/📝" in r.path]
        assert [r.path.split("/")[4] for r in reacted] == [answer["id"], own["id"]]
        assert {chat["id"], second["id"], reply["id"]}.isdisjoint(r.path for r in reacted)
        public = " ".join(str(m) for m in standin.channel_messages(thread))
        assert "Checklist" not in public and "items met" not in public  # no public card
        assert "Only the answer's author" in refused["content"] and stranger.ephemeral
        assert mine.ephemeral and "items met" in card["embeds"][0]["title"]
        assert ready["flags"] & 4096  # silent: the button message notifies no one
        no_pings(standin)
    finally:
        await standin.stop()
    assert not standin.internal_errors
