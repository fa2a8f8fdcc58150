"""Snowflake ids and bot tokens shaped like Discord's.

discord.py reads the creation time out of snowflakes (``discord.utils.snowflake_time``)
and parses nothing out of tokens, but a token that does not look like a Discord token
would hide bugs in code that logs or redacts tokens, so both are made faithfully.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import time

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeFactory:
    """Hands out unique, increasing snowflakes: timestamp << 22 | worker | increment."""

    def __init__(self) -> None:
        self._increment = itertools.count()

    def next(self) -> int:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (millis << 22) | (1 << 17) | (next(self._increment) & 0xFFF)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def make_token(app_id: int) -> str:
    """A bot token like Discord's: base64(app id) . base64(timestamp) . random HMAC part."""
    stamp = int(time.time()).to_bytes(4, "big")
    return f"{_b64(str(app_id).encode())}.{_b64(stamp)}.{_b64(secrets.token_bytes(20))}"


def app_id_from_token(token: str) -> int | None:
    """The application id a token claims, or None when it is not a well-formed token."""
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        return None
    head = parts[0] + "=" * (-len(parts[0]) % 4)
    try:
        return int(base64.urlsafe_b64decode(head).decode())
    except (ValueError, UnicodeDecodeError):
        return None
