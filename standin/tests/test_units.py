"""The stand-in's pure parts: Discord's permission algorithm, limits, ids and tokens."""

from __future__ import annotations

import re

import pytest

from standin import make_token
from standin import permissions as perms
from standin.errors import ApiError
from standin.ids import SnowflakeFactory, app_id_from_token
from standin.limits import check_message
from standin.permissions import MEMBER_OVERWRITE, ROLE_OVERWRITE, Overwrite

GUILD, ROLE, MEMBER = 1, 2, 3


def channel_permissions(base: int, *overwrites: Overwrite) -> int:
    return perms.apply_overwrites(base, overwrites, guild_id=GUILD, role_ids={ROLE},
                                  member_id=MEMBER)


def test_member_overwrite_beats_role_overwrite_which_beats_everyone() -> None:
    base = perms.VIEW_CHANNEL | perms.SEND_MESSAGES
    everyone_deny = Overwrite(GUILD, ROLE_OVERWRITE, deny=perms.SEND_MESSAGES)
    role_allow = Overwrite(ROLE, ROLE_OVERWRITE, allow=perms.SEND_MESSAGES)
    member_deny = Overwrite(MEMBER, MEMBER_OVERWRITE, deny=perms.SEND_MESSAGES)
    assert not channel_permissions(base, everyone_deny) & perms.SEND_MESSAGES
    assert channel_permissions(base, everyone_deny, role_allow) & perms.SEND_MESSAGES
    assert not channel_permissions(base, everyone_deny, role_allow, member_deny) & perms.SEND_MESSAGES


def test_without_view_channel_nothing_is_granted() -> None:
    hidden = Overwrite(GUILD, ROLE_OVERWRITE, deny=perms.VIEW_CHANNEL)
    assert channel_permissions(perms.BOT_DEFAULT, hidden) == 0


def test_without_send_messages_embeds_and_files_are_implicitly_denied() -> None:
    mute = Overwrite(ROLE, ROLE_OVERWRITE, deny=perms.SEND_MESSAGES)
    granted = channel_permissions(perms.BOT_DEFAULT, mute)
    assert granted & perms.VIEW_CHANNEL and not granted & (perms.EMBED_LINKS | perms.ATTACH_FILES)


def test_administrator_and_owner_ignore_overwrites() -> None:
    deny_all = Overwrite(GUILD, ROLE_OVERWRITE, deny=perms.ALL)
    admin = perms.base_permissions(0, [perms.ADMINISTRATOR], is_owner=False)
    assert channel_permissions(admin, deny_all) == perms.ALL
    assert perms.base_permissions(0, [], is_owner=True) == perms.ALL


def test_limit_errors_name_the_field_like_discord() -> None:
    with pytest.raises(ApiError) as raised:
        check_message({"embeds": [{"title": "ok"}, {"fields": [{"name": "n", "value": "v" * 1025}]}]})
    assert raised.value.status == 400 and raised.value.code == 50035
    assert raised.value.errors == {"embeds": {"1": {"fields": {"0": {"value": {"_errors": [{
        "code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 1024 or fewer in length."}]}}}}}}


def test_an_empty_message_is_50006_and_exact_limits_pass() -> None:
    with pytest.raises(ApiError) as raised:
        check_message({"content": ""})
    assert raised.value.code == 50006
    check_message({"content": "x" * 2000, "embeds": [{"title": "t" * 256, "description": "d" * 4096}]})


def test_snowflakes_are_unique_and_increasing_even_in_bursts() -> None:
    factory = SnowflakeFactory()
    ids = [factory.next() for _ in range(10_000)]
    assert ids == sorted(set(ids))


def test_tokens_look_like_discord_tokens_and_name_their_application() -> None:
    token = make_token(1_234_567_890_123_456_789)
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}", token)
    assert app_id_from_token(token) == 1_234_567_890_123_456_789
    assert app_id_from_token("not-a-token") is None
