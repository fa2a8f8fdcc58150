"""Onboarding through the stand-in: welcome once, /help, /doctor, /settings, admin refusal."""

from __future__ import annotations

import pytest

from bot.permissions import ALL_NEEDS
from standin import permissions as perms
from standin.errors import StandInUsageError
from storage.guilds import GuildRepository


def welcome_posts(standin, channel_id):
    return [m for m in standin.channel_messages(channel_id)
            if m.get("embeds") and "Bar Raiser is here" in m["embeds"][0].get("title", "")]


async def test_welcome_exactly_once_across_restart_and_reinvite(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    general = next(iter(guild.channels))
    async with run_bot(bot_env):
        await standin.wait_until(lambda: welcome_posts(standin, general), what="welcome")
    async with run_bot(bot_env):  # restart on the same database
        pass
    async with run_bot(bot_env):
        standin.remove_guild(guild.id)
        again = standin.add_guild("Study group 2")  # a new guild joining while running
        await standin.wait_until(lambda: welcome_posts(standin, next(iter(again.channels))),
                                 what="welcome in the new guild")
    assert len(welcome_posts(standin, general)) == 1
    embed = welcome_posts(standin, general)[0]["embeds"][0]
    assert "/daily setup" in embed["description"] and "/check" in embed["description"]


async def test_welcome_names_missing_permissions(standin, bot_env, run_bot):
    guild = standin.add_guild("Thin", bot_permissions=perms.BOT_DEFAULT & ~perms.CREATE_PUBLIC_THREADS,
                              everyone_permissions=perms.VIEW_CHANNEL | perms.USE_APPLICATION_COMMANDS)
    general = next(iter(guild.channels))
    async with run_bot(bot_env):
        await standin.wait_until(lambda: welcome_posts(standin, general), what="welcome")
    fields = welcome_posts(standin, general)[0]["embeds"][0]["fields"]
    assert "Create Public Threads" in fields[0]["value"]


async def test_help_overview_and_details(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    member = guild.add_member("ada")
    admin = guild.add_member("org", permissions=perms.MANAGE_GUILD)
    general = next(iter(guild.channels))
    async with run_bot(bot_env):
        overview = standin.slash(member, general, "help", {})
        reply = await overview.wait_message()
        admin_overview = await standin.slash(admin, general, "help", {}).wait_message()
        detail = standin.slash(admin, general, "help", {"command": "settings"})
        detail_reply = await detail.wait_message()
        hidden = await standin.slash(member, general, "help", {"command": "settings"}).wait_message()
        unknown = standin.slash(member, general, "help", {"command": "nope"})
        unknown_reply = await unknown.wait_message()
        offered = standin.autocomplete(member, general, "help", {"command": "d"}, focused="command")
        await offered.wait_callback()
    assert overview.ephemeral and detail.ephemeral
    names = [f["name"] for f in reply["embeds"][0]["fields"]]
    assert names[:1] and set(names) <= {"Study daily", "Practise a mock", "Get feedback",
                                        "Track progress"}
    member_text = str(reply["embeds"][0])
    assert "/check" in member_text and "/doctor" not in member_text and "/daily" not in member_text
    admin_text = str(admin_overview["embeds"][0])
    assert "/doctor" in admin_text and "/daily setup" in admin_text and "/settings" in admin_text
    assert "auto_review" in detail_reply["embeds"][0]["fields"][0]["value"]
    assert "no command called `settings`" in hidden["content"]
    assert "no command called" in unknown_reply["content"]
    assert offered.choices and not any(c["value"].startswith(("daily", "doctor"))
                                       for c in offered.choices)


@pytest.mark.parametrize("need", ALL_NEEDS, ids=lambda n: n.flag)
async def test_doctor_names_each_missing_permission_with_its_fix(standin, bot_env, run_bot, need):
    guild = standin.add_guild("Study group")
    admin = guild.add_member("admin", permissions=perms.MANAGE_GUILD)
    design = guild.add_text_channel("design")
    general = next(iter(guild.channels))
    async with run_bot(bot_env):
        standin.set_overwrite(design, guild.bot_role_id, deny=need.bit)
        call = standin.slash(admin, general, "doctor", {})
        await call.wait_message()
        # the current channel is checked; ask from #design too
        if need.flag != "view_channel":
            in_design = standin.slash(admin, design, "doctor", {})
            text = (await in_design.wait_message())["embeds"][0]["description"]
            assert f"❌ #design (this channel): {need.label}, needed to {need.why}" in text
            assert f"enable {need.label}, or grant it in #design's permissions" in text
        general_text = (await call.wait_message())["embeds"][0]["description"]
    assert f"✅ #general (this channel): all {len(ALL_NEEDS)} permissions" in general_text
    assert "Message Content intent: off" in general_text and "Database: writable" in general_text


async def test_settings_validation_and_admin_only(standin, bot_env, run_bot):
    guild = standin.add_guild("Study group")
    admin = guild.add_member("admin", permissions=perms.MANAGE_GUILD)
    member = guild.add_member("member")
    general = next(iter(guild.channels))
    async with run_bot(bot_env) as bot:
        refused = standin.slash(admin, general, "settings", {"auto_review": True})
        refused_text = (await refused.wait_message())["content"]
        change = standin.slash(admin, general, "settings", {"auto_review": False,
                                                            "mock_max_sessions": 3})
        changed = (await change.wait_message())["embeds"][0]["description"]
        settings = await GuildRepository(bot.database).settings(guild.id)
    # Without the Message Content intent, auto-review would silently do nothing: refused.
    assert "Auto-review needs the Message Content intent" in refused_text
    assert "MESSAGE_CONTENT_INTENT=true" in refused_text and refused.ephemeral
    assert "auto_review → off" in changed and "mock_max_sessions → 3" in changed
    assert not settings.auto_review and settings.mock_max_sessions == 3
    with pytest.raises(StandInUsageError, match="is hidden from this member"):
        standin.slash(member, general, "settings", {"auto_review": False})
