"""How discord.py's errors become the daily service's four failure kinds."""

from __future__ import annotations

from types import SimpleNamespace

import aiohttp
import discord
import pytest

from bot.daily.poster import (
    ChannelGoneError,
    MissingPermissionsError,
    PostError,
    TransientPostError,
)
from bot.outbox.sender import translate


def http_error(kind: type[discord.HTTPException], status: int, code: int,
               text: str) -> discord.HTTPException:
    response = SimpleNamespace(status=status, reason=text)
    return kind(response, {"code": code, "message": text})


def missing_threads() -> list[str]:
    return ["Create Public Threads"]


@pytest.mark.parametrize(("error", "expected", "says"), [
    (http_error(discord.NotFound, 404, 10003, "Unknown Channel"), ChannelGoneError,
     "Unknown Channel"),
    (http_error(discord.DiscordServerError, 503, 0, "Service Unavailable"), TransientPostError,
     "503"),
    (http_error(discord.HTTPException, 429, 0, "You are being rate limited."),
     TransientPostError, "429"),
    (aiohttp.ClientConnectionError("reset by peer"), TransientPostError, "reset by peer"),
    (TimeoutError(), TransientPostError, "network"),
    (http_error(discord.HTTPException, 400, 50035, "Invalid Form Body"), PostError, "50035"),
    (http_error(discord.NotFound, 404, 10008, "Unknown Message"), PostError, "10008"),
])
def test_each_discord_failure_maps_to_one_kind(error, expected, says) -> None:
    translated = translate(error, 55, missing_threads)
    assert type(translated) is expected
    assert says in str(translated)


def test_forbidden_names_the_missing_permissions_from_the_channel() -> None:
    forbidden = http_error(discord.Forbidden, 403, 50013, "Missing Permissions")
    translated = translate(forbidden, 55, missing_threads)
    assert isinstance(translated, MissingPermissionsError)
    assert translated.missing == ["Create Public Threads"]


def test_forbidden_with_nothing_visibly_missing_quotes_discord() -> None:
    forbidden = http_error(discord.Forbidden, 403, 50001, "Missing Access")
    translated = translate(forbidden, 55, list)
    assert translated.missing == ["a permission (Missing Access)"]
