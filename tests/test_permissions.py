import discord

from bot.permissions import (
    CREATE_PUBLIC_THREADS,
    DAILY_CHANNEL_NEEDS,
    INVITE_NEEDS,
    fix_hint,
    invite_url,
    missing_permissions,
    permission_value,
)


def test_bits_match_discord_py():
    for need in INVITE_NEEDS:
        assert discord.Permissions(**{need.flag: True}).value == need.bit, need.flag
    assert permission_value() == 17918603676736


def test_missing_permissions_names_each_one():
    perms = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
    missing = missing_permissions(perms, DAILY_CHANNEL_NEEDS)
    assert [n.label for n in missing] == [
        "Create Public Threads", "Send Messages in Threads", "Read Message History"]
    assert missing_permissions(discord.Permissions(administrator=True), DAILY_CHANNEL_NEEDS) == []


def test_invite_url_and_fix_hint():
    assert invite_url(7).endswith("client_id=7&scope=bot+applications.commands&permissions=17918603676736")
    assert fix_hint(CREATE_PUBLIC_THREADS, "design") == (
        "Server Settings → Roles → Bar Raiser → enable Create Public Threads, "
        "or grant it in #design's permissions"
    )
