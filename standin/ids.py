"""Snowflake ids and bot tokens shaped like Discord's.

discord.py reads the creation time out of snowflakes (``discord.utils.snowflake_time``)
and parses nothing out of tokens, but a token that does not look like a Discord token
would hide bugs in code that logs or redacts tokens, so both are made faithfully.
"""

from __future__ import annotations

import base64
import secrets
import time

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeFactory:
    """Unique, increasing snowflakes: timestamp << 22 | worker << 17 | increment.

    The increment has 12 bits; a burst of more ids than that in one millisecond
    borrows from the next millisecond instead of repeating an id.
    """

    _last = 0  # process-wide: ids stay unique across stand-ins and their applications

    def __init__(self, replay: list[int] | None = None) -> None:
        """``replay``: ids to hand out first, in order (a world rebuilt with the ids it had)."""
        self._replay = list(replay or [])

    def next(self) -> int:
        if self._replay:
            snowflake = self._replay.pop(0)
            SnowflakeFactory._last = max(SnowflakeFactory._last, snowflake)
            return snowflake
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (millis << 22) | (1 << 17)
        SnowflakeFactory._last = max(candidate, SnowflakeFactory._last + 1)
        return SnowflakeFactory._last

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next id whose guild Discord would route to ``shard_id`` of ``shard_count``.

        A shard is chosen by the id's millisecond, and ids made in a burst share one,
        so waiting for the clock to spread them could take millions of ids: skip
        ahead to the next millisecond that lands on the shard instead.
        """
        snowflake = self.next()
        while (snowflake >> 22) % shard_count != shard_id:
            snowflake = (((snowflake >> 22) + 1) << 22) | (1 << 17)
        SnowflakeFactory._last = snowflake
        return snowflake


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
