"""The real BarRaiser against the stand-in: startup, command sync, the error boundary."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from standin import StandIn, harness
from standin.gateway import MESSAGE_CONTENT


async def test_starts_syncs_once_and_a_restart_with_unchanged_commands_does_not_sync(
        standin: StandIn, bot_env: dict[str, str], run_bot) -> None:
    guild = standin.add_guild("Study group")
    async with run_bot(bot_env) as bot:
        assert [g.id for g in bot.guilds] == [guild.id]
        synced = {(c["type"], c["name"]) for c in standin.registered_commands()}
        defined = {(c.to_dict(bot.tree).get("type", 1), c.name) for c in bot.tree.get_commands()}
        assert synced == defined and (1, "help") in synced
    async with run_bot(bot_env):
        pass
    assert [sync.guild_id for sync in standin.command_syncs] == [None]
    assert len(standin.requests("PUT", "/applications/{application_id}/commands")) == 1
    assert standin.unhandled() == []


async def test_a_dev_guild_gets_its_own_sync(standin: StandIn, bot_env: dict[str, str],
                                             run_bot) -> None:
    guild = standin.add_guild("Dev server")
    async with run_bot({**bot_env, "DEV_GUILD_ID": str(guild.id)}):
        pass
    assert [sync.guild_id for sync in standin.command_syncs] == [guild.id]
    assert standin.registered_commands(guild.id)


async def test_an_unexpected_error_gives_an_ephemeral_ref_that_is_in_the_log(
        standin: StandIn, bot_env: dict[str, str], run_bot,
        caplog: pytest.LogCaptureFixture) -> None:
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    channel = next(iter(guild.channels))

    async def broken(*_: object) -> None:
        raise RuntimeError("database on fire")

    async with run_bot(bot_env) as bot:
        bot.get_cog("StudyCog").service.roadmap = broken
        with caplog.at_level(logging.ERROR):
            reply = await standin.slash(member, channel, "roadmap").wait_message()
    found = re.search(r"Something went wrong.*\(ref `([0-9A-F]+)`\)", reply["content"])
    assert found is not None, reply["content"]
    assert reply["flags"] & 64, "the error reply must be ephemeral"
    logged = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info[1].args == ("database on fire",)
    assert "database on fire" not in reply["content"]


async def test_everything_the_bot_sends_has_pings_disabled(
        standin: StandIn, bot_env: dict[str, str], run_bot) -> None:
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    channel = next(iter(guild.channels))
    async with run_bot(bot_env):
        await standin.slash(member, channel, "help").wait_message()
        await standin.slash(member, channel, "roadmap").wait_message()
    sent = [r for r in standin.requests("POST") if r.route.endswith(("/callback", "/messages"))
            or r.route.startswith("/webhooks")]
    assert sent
    for request in sent:
        assert request.allowed_mentions == {"parse": []}, (request.route, request.json)


async def test_the_message_content_intent_is_asked_for_only_when_configured(
        standin: StandIn, bot_env: dict[str, str], run_bot, make_standin,
        tmp_path: Path) -> None:
    standin.add_guild("Study group")
    async with run_bot(bot_env):
        pass
    assert not standin.gateway.identifies[0]["intents"] & MESSAGE_CONTENT
    granted = await make_standin(privileged_intents=MESSAGE_CONTENT)
    granted.add_guild("Study group")
    env = harness.bot_env(granted, tmp_path / "granted.db", MESSAGE_CONTENT_INTENT="true")
    async with run_bot(env):
        pass
    assert granted.gateway.identifies[0]["intents"] & MESSAGE_CONTENT
