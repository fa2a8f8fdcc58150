"""Application commands and interactions through the stand-in with a stock commands.Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from standin import StandIn, StandInUsageError
from standin import permissions as perms
from standin.harness import run_client
from standin.model import Guild


class AnswerModal(discord.ui.Modal, title="Your answer"):
    answer = discord.ui.TextInput(label="Answer", custom_id="answer", max_length=50)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Got: {self.answer.value}", ephemeral=True)


class Confirm(discord.ui.View):
    @discord.ui.button(label="Done", custom_id="done")
    async def done(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        button.disabled = True
        await interaction.response.edit_message(content="Marked done", view=self)

    @discord.ui.button(label="Answer", custom_id="open-modal")
    async def open_modal(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_modal(AnswerModal())

    @discord.ui.select(custom_id="level", options=[discord.SelectOption(label=x) for x in "ABC"])
    async def level(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"level {select.values[0]}", ephemeral=True)


def study_bot() -> commands.Bot:
    """A small bot with the shapes Bar Raiser uses: groups, typed options, views, modals."""
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(),
                       guild_ready_timeout=0.1, allowed_mentions=discord.AllowedMentions.none())
    daily = app_commands.Group(name="daily", description="Daily prompts")
    admin = app_commands.Group(name="admin", description="Admin", parent=daily)

    @daily.command(name="setup", description="Choose where prompts go")
    async def setup(interaction: discord.Interaction, channel: discord.TextChannel,
                    time: str, weeks: int = 8) -> None:
        await interaction.response.send_message(f"{channel.mention} at {time} for {weeks}",
                                                ephemeral=True)

    @admin.command(name="reset", description="Reset")
    async def reset(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("reset done")

    @app_commands.command(name="prompt", description="Today's prompt")
    async def prompt(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Design a cache", view=Confirm())

    @app_commands.command(name="topic", description="Pick a topic")
    async def topic(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    @topic.autocomplete("name")
    async def topic_names(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in ("caching", "cap") if n.startswith(current)]

    @app_commands.context_menu(name="Review answer")
    async def review(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"reviewing {message.content}", ephemeral=True)

    @app_commands.command(name="purge", description="Delete all progress")
    @app_commands.default_permissions(manage_guild=True)
    async def purge(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("purged")

    for command in (daily, prompt, topic, review, purge):
        bot.tree.add_command(command)
    return bot


@pytest.fixture
async def synced(standin: StandIn) -> AsyncIterator[tuple[commands.Bot, Guild, int, int]]:
    guild = standin.add_guild("Study")
    member = guild.add_member("ada")
    async with run_client(standin, study_bot()) as bot:
        await bot.tree.sync(guild=None)
        yield bot, guild, next(iter(guild.channels)), member


async def test_sync_is_recorded_and_keeps_ids(standin: StandIn,
                                              synced: tuple[commands.Bot, Guild, int, int]) -> None:
    bot, *_ = synced
    first = {c["name"]: c["id"] for c in standin.registered_commands()}
    fetched = await bot.tree.sync()
    assert {c.name: c.id for c in fetched} == {n: int(i) for n, i in first.items()}
    assert len(standin.command_syncs) == 2 and standin.command_syncs[0].guild_id is None
    assert set(first) == {"daily", "prompt", "topic", "Review answer", "purge"}


async def test_slash_command_with_subcommand_group_and_typed_options(
        standin: StandIn, synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, guild, channel, member = synced
    target = guild.add_text_channel("daily-prompts")
    call = standin.slash(member, channel, "daily setup", {"channel": target, "time": "07:30",
                                                         "weeks": 4})
    reply = await call.wait_message()
    assert reply["content"] == f"<#{target}> at 07:30 for 4"
    assert call.ephemeral and call.callback_type == 4 and call.latency < 3
    assert standin.channel_messages(channel) == []


async def test_defer_then_followup_replaces_the_thinking_message(
        standin: StandIn, synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, channel, member = synced
    call = standin.slash(member, channel, "daily admin reset")
    reply = await call.wait_message()
    assert call.callback_type == 5 and reply["content"] == "reset done"
    assert reply["id"] == str(call.original_id) and call.ephemeral


async def test_commands_hidden_by_default_permissions_cannot_be_run(
        standin: StandIn, synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, guild, channel, member = synced
    with pytest.raises(StandInUsageError, match="hidden"):
        standin.slash(member, channel, "purge")
    admin = guild.add_member("root", permissions=perms.MANAGE_GUILD)
    assert (await standin.slash(admin, channel, "purge").wait_message())["content"] == "purged"


async def test_option_mistakes_in_a_test_are_reported(
        standin: StandIn, synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, channel, member = synced
    with pytest.raises(StandInUsageError, match="required"):
        standin.slash(member, channel, "daily setup", {"time": "07:30"})
    with pytest.raises(StandInUsageError, match="no such options"):
        standin.slash(member, channel, "topic", {"nme": "x"})


async def test_button_press_updates_the_message_for_everyone(
        standin: StandIn, synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, channel, member = synced
    prompt = await standin.slash(member, channel, "prompt").wait_message()
    press = await standin.click(member, int(prompt["id"]), "done").wait_callback()
    [seen] = standin.channel_messages(channel)
    assert press.callback_type == 7 and seen["content"] == "Marked done"
    with pytest.raises(StandInUsageError, match="disabled"):
        standin.click(member, int(prompt["id"]), "done")


async def test_select_answer(standin: StandIn, synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, channel, member = synced
    prompt = await standin.slash(member, channel, "prompt").wait_message()
    reply = await standin.select(member, int(prompt["id"]), "level", ["B"]).wait_message()
    assert reply["content"] == "level B"
    with pytest.raises(StandInUsageError, match="not offered"):
        standin.select(member, int(prompt["id"]), "level", ["Z"])


async def test_modal_submit_round_trip(standin: StandIn,
                                       synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, channel, member = synced
    prompt = await standin.slash(member, channel, "prompt").wait_message()
    shown = await standin.click(member, int(prompt["id"]), "open-modal").wait_callback()
    assert shown.modal["title"] == "Your answer"
    reply = await standin.submit_modal(shown, {"answer": "consistent hashing"}).wait_message()
    assert reply["content"] == "Got: consistent hashing"
    with pytest.raises(StandInUsageError, match="50"):
        standin.submit_modal(shown, {"answer": "x" * 51})


async def test_autocomplete_returns_choices(standin: StandIn,
                                            synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, channel, member = synced
    call = await standin.autocomplete(member, channel, "topic", {"name": "ca"},
                                      focused="name").wait_callback()
    assert [c["value"] for c in call.choices] == ["caching", "cap"]


async def test_message_context_menu(standin: StandIn,
                                    synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, channel, member = synced
    answer = standin.post_message(channel, member, "use a CDN")
    reply = await standin.message_command(member, "Review answer", int(answer["id"])).wait_message()
    # Interactions carry message content even without the privileged intent, as on Discord.
    assert reply["content"] == "reviewing use a CDN"


async def test_a_callback_after_three_seconds_is_unknown_interaction(
        standin: StandIn, synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, channel, member = synced
    interaction = standin.slash(member, channel, "prompt")
    interaction.dispatched_at -= 3.5  # as if the bot had taken 3.5 s; no sleeping in tests
    failed = await standin.wait_for_request(
        lambda r: r.route.endswith("/callback") and r.status == 404)
    assert failed.response["code"] == 10062
    assert interaction.callback_type is None


async def test_a_second_callback_is_already_acknowledged(
        standin: StandIn, synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, channel, member = synced
    call = await standin.slash(member, channel, "topic", {"name": "cap"}).wait_callback()
    async with aiohttp.ClientSession() as http, http.post(
            f"{standin.api_base}/interactions/{call.id}/{call.token}/callback",
            json={"type": 4, "data": {"content": "again"}}) as response:
        body = await response.json()
    assert response.status == 400 and body["code"] == 40060


async def test_a_command_in_direct_messages_has_no_guild(
        standin: StandIn, synced: tuple[commands.Bot, Guild, int, int]) -> None:
    _, _, _, member = synced
    dm = standin.dm_channel(member)
    call = standin.slash(member, dm, "topic", {"name": "cap"})
    reply = await call.wait_message()
    assert "guild_id" not in call.payload and call.payload["user"]["id"] == str(member)
    assert reply["content"] == "cap" and reply["channel_id"] == str(dm)
