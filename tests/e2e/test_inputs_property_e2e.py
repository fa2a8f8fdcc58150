"""Property: any Unicode in any text field gets a clear, bounded, timely answer (issue 13).

Hypothesis feeds every string option of every slash command (found by walking
the bot's command tree, so a new option cannot be forgotten) and every field of
every form with arbitrary Unicode up to 10,000 characters, through the real bot
against the stand-in. One bot serves the whole module to keep this affordable.
Each interaction must be acknowledged within Discord's 3 s, every reply must be
under 2,000 characters and never the generic "Something went wrong", and a
refused value must leave every table as it was.

Form fields are cut to the field's ``max_length`` first: Discord's form (and the
stand-in) will not submit more, so longer text cannot reach the bot that way.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import discord
import pytest
import pytest_asyncio
from discord import app_commands
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content import load_content
from bot.daily.validation import parse_start_date, parse_time
from bot.daily.zones import parse_zone
from bot.errors import BotError
from bot.mock.plan import parse_override
from bot.mock.when import parse_when
from standin import StandIn, harness
from standin import permissions as perms
from tests.e2e.test_mock_e2e import click, embeds, open_round

pytestmark = pytest.mark.asyncio(loop_scope="module")

GENERIC = "Something went wrong"
BOOK_AT = f"<t:{int(datetime.now(UTC).timestamp()) + 86_400}:F>"  # a valid /mock schedule start
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(min_size=90, max_size=400),
    st.text(min_size=5_000, max_size=10_000),
)
# Valid values for the other options of a command while one option is under test.
FILLERS = {
    "time": "07:30", "timezone": "Europe/London", "question": "shopping_cart",
    "text": "never sized the cache",
}


def accepted(parse: Callable[[str], object]) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            parse(value)
        except BotError:
            return False
        return True
    return check


# Values a command may legitimately store (an empty optional value means its default);
# everything else must leave the tables untouched.
STORES_WHEN_VALID: dict[tuple[str, str], Callable[[str], bool]] = {
    ("daily setup", "time"): accepted(parse_time),
    ("daily setup", "timezone"): accepted(parse_zone),
    ("daily setup", "start_date"): lambda v: not v.strip() or accepted(
        lambda d: parse_start_date(d, datetime.now(UTC).date()))(v),
    ("mock start", "question"): lambda v: v.strip() == "shopping_cart",
    ("mock start", "minutes"): lambda v: not v.strip() or accepted(
        lambda m: parse_override(m, 5))(v),
    ("mock note", "text"): lambda v: True,  # a note stored in the live round
    ("mock decide", "reason"): lambda v: False,  # the admin hosts and watches: not the bar raiser
    # a booking (with its event and sign-up message) for a valid start, question or plan
    ("mock schedule", "when"): accepted(lambda w: parse_when(w, datetime.now(UTC), None)),
    ("mock schedule", "question"): lambda v: v == "shopping_cart",
    ("mock schedule", "minutes"): lambda v: not v.strip() or accepted(
        lambda m: parse_override(m, 5))(v),
    # a drill that was shown is recorded (so it is not repeated); reminder settings are stored
    ("drill", "item"): lambda v: not v.strip() or v.strip().casefold().replace("_", " ") in {
        name for item in load_content().rubric.checklist
        for name in (item.id.replace("_", " "), item.name.casefold())},
    ("drill", "time"): lambda v: not v.strip() or accepted(parse_time)(v),
    ("drill", "timezone"): lambda v: not v.strip() or accepted(parse_zone)(v),
}


@dataclass
class World:
    standin: StandIn
    bot: Any
    admin: int
    candidate: int
    general: int
    daily: int
    thread: int
    guild: Any = None


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    server = StandIn()
    await server.start()
    guild = server.add_guild("Study group", bot_permissions=perms.BOT_DEFAULT | perms.CREATE_EVENTS)
    daily = guild.add_text_channel("daily")
    admin = guild.add_member("admin", permissions=perms.ADMINISTRATOR)
    candidate = guild.add_member("cand")
    general = next(iter(guild.channels))
    env = harness.bot_env(server, tmp_path_factory.mktemp("prop") / "bot.db",
                          MOCK_MINUTE_SECONDS="60", MOCK_MAX_PER_GUILD="50")
    try:
        async with harness.run_bot(env) as bot:
            thread, lobby = await open_round(server, admin, general, "5,5,5,5,5")
            await click(server, candidate, lobby, ":join:candidate")
            await click(server, admin, lobby, ":start")
            await server.wait_until(lambda: embeds(server, thread, "Phase 1/5"), what="phase 1")
            yield World(server, bot, admin, candidate, general, daily, thread, guild)
    finally:
        await server.stop()
    assert not server.internal_errors


def string_options(tree: app_commands.CommandTree[Any]) -> list[tuple[str, str]]:
    """Every free-text option (fixed choices cannot carry arbitrary text on Discord)."""
    found = []
    for command in tree.walk_commands():
        if isinstance(command, app_commands.Command):
            found += [(command.qualified_name, p.name) for p in command.parameters
                      if p.type is discord.AppCommandOptionType.string and not p.choices]
    return sorted(found)


SLASH_FIELDS = [("check", "question"), ("daily setup", "start_date"), ("daily setup", "time"),
                ("daily setup", "timezone"), ("drill", "item"), ("drill", "time"),
                ("drill", "timezone"), ("guide", "topic"), ("help", "command"),
                ("mock decide", "reason"), ("mock note", "text"), ("mock schedule", "minutes"),
                ("mock schedule", "question"), ("mock schedule", "when"),
                ("mock start", "minutes"), ("mock start", "question")]
# /check's phase is a choice on the command (nothing to type), and its question is checked
# before the form opens (above: any text but a question id is refused), so its form has one
# field.
FORM_FIELDS = [("check", "review:answer"), ("mock answer", "mock:answer:text")]


async def test_the_property_covers_every_string_option(world):
    assert string_options(world.bot.tree) == SLASH_FIELDS


# Written by the bot's own background work (a post that fell due, a phase warning), not by
# the interaction under test.
BACKGROUND_TABLES = {"command_sync", "daily_posts", "mock_announcements"}
# Rows the interaction could add, but that background delivery then updates (sent, its
# mentions forgotten): compared by which posts exist, not by their delivery state.
DELIVERED_TABLES = {"outbox", "outbox_mentions"}


async def snapshot(bot: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the interactions could write: a refusal must change none."""
    names = [r[0] for r in await bot.database.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    rows = {}
    for name in sorted(set(names) - BACKGROUND_TABLES - set(DELIVERED_TABLES)):
        found = await bot.database.fetchall(f'SELECT * FROM "{name}"')
        rows[name] = sorted((tuple(r) for r in found), key=repr)
    outbox = await bot.database.fetchall("SELECT key FROM outbox")
    rows["outbox"] = sorted((r["key"],) for r in outbox)
    return rows


def assert_clear_reply(call: Any, reply: dict[str, Any]) -> str:
    assert call.latency is not None and call.latency < 3, call.latency
    text = (reply.get("content") or "") + "".join(
        (e.get("title") or "") + (e.get("description") or "") for e in reply.get("embeds", []))
    assert len(reply.get("content") or "") < 2_000
    assert GENERIC not in text
    return text


def options_for(world: World, command: str, option: str, value: str) -> dict[str, Any]:
    if command == "daily setup":
        base: dict[str, Any] = {"channel": world.daily, "time": "07:30",
                                "timezone": "Europe/London"}
    elif command == "mock start":
        base = {"question": "shopping_cart"}
    elif command == "mock decide":
        base = {"call": "hire"}
    elif command == "mock schedule":
        base = {"when": BOOK_AT, "question": "shopping_cart", "mode": "text"}
    else:
        base = {}
    return base | {option: value}


@pytest.mark.parametrize(("command", "option"), SLASH_FIELDS)
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(value=TEXT)
async def test_any_text_in_any_slash_option_gets_a_clear_bounded_reply(
    world, command, option, value
):
    before = await snapshot(world.bot)
    channel = world.thread if command in ("mock note", "mock decide") else world.general
    call = world.standin.slash(world.admin, channel, command,
                               options_for(world, command, option, value))
    reply = await call.wait_message(timeout=10)
    assert_clear_reply(call, reply)
    stores = STORES_WHEN_VALID.get((command, option))
    if stores is None or not stores(value):
        assert await snapshot(world.bot) == before, (command, option, value[:80])


@pytest.mark.parametrize(("command", "field"), FORM_FIELDS)
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(value=TEXT)
async def test_any_text_in_any_form_field_gets_a_clear_bounded_reply(
    world, command, field, value
):
    # /check's rate limit (5 a minute) is checked before its form opens: a fresh member each time.
    user, channel = ((world.candidate, world.thread) if command == "mock answer"
                     else (world.guild.add_member("checker"),
                           world.general))
    shown = world.standin.slash(user, channel, command, {})
    await shown.wait_callback()
    assert shown.modal is not None
    inputs = {c["custom_id"]: c for row in shown.modal["components"] for c in row["components"]}
    value = value[: inputs[field].get("max_length", 4_000)]
    values = {field: value}
    if not value.strip():
        values[field] = value or "x"  # Discord's form will not submit an empty required field
    submitted = world.standin.submit_modal(shown, values)
    reply = await submitted.wait_message(timeout=10)
    assert_clear_reply(submitted, reply)


async def test_form_field_ids_are_what_the_forms_declare():
    from cogs.mock._records import ANSWER_FORM
    from cogs.review import CHECK_FORM

    declared = {("check", f) for f in CHECK_FORM.limits()} | {
        ("mock answer", f) for f in ANSWER_FORM.limits()}
    assert declared == set(FORM_FIELDS)
    assert all(re.fullmatch(r"[a-z:]+", f) for _, f in FORM_FIELDS)
