"""Settings: one typed object built from the environment and ``.env``.

Built once in ``__main__`` and passed down; nothing reads ``os.environ``
elsewhere. Every problem names the setting, so the CLI can print one clear
line and exit 2. The token is kept out of ``repr`` so it never reaches a log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from dotenv import dotenv_values

from bot.errors import ConfigError

DISCORD_API_DEFAULT = "https://discord.com/api/v10"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
# Three base64url parts: the bot's id, a timestamp, an HMAC. Discord tokens are
# opaque, but this catches the usual paste mistakes (quotes, "Bot " prefix, a
# client secret or the application id instead of the token).
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads; ``.env.example`` documents each one."""

    discord_token: str | None = field(default=None, repr=False)
    database_path: Path = Path("data/bar-raiser.db")
    # PostgreSQL instead of the SQLite file (postgresql+asyncpg://user@host:5432/db).
    database_url: str | None = field(default=None, repr=False)
    # A schema inside that database (search_path); None: the server's default (public).
    database_schema: str | None = None
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    metrics_port: int | None = None
    discord_api_base: str = DISCORD_API_DEFAULT
    content_dir: Path | None = None
    mock_minute_seconds: float = 60.0
    mock_max_per_guild: int = 10
    message_content_intent: bool = False
    application_id: int | None = None
    guild_ready_timeout: float = 2.0
    # None: one process with as many shards as Discord recommends (today's default).
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @property
    def database(self) -> Path | str:
        """What ``storage.db.Database.open`` takes: the PostgreSQL URL if set, else the file."""
        return self.database_url or self.database_path

    @property
    def database_label(self) -> str:
        """Where the data lives, for messages (no password)."""
        if not self.database_url:
            return str(self.database_path)
        from storage.postgres import safe_url

        shown = safe_url(self.database_url)
        return f"{shown} (schema {self.database_schema})" if self.database_schema else shown

    @property
    def custom_api_base(self) -> bool:
        """True when REST and gateway go to a Discord-compatible API other than Discord's own.

        That is a REST proxy in front of Discord on a large deployment, or the local stand-in;
        the bot treats both alike, through ``DISCORD_API_BASE`` and ``GET /gateway/bot``.
        """
        return self.discord_api_base != DISCORD_API_DEFAULT


def load_settings(
    environ: Mapping[str, str],
    *,
    env_file: Path | None = Path(".env"),
    require_token: bool = True,
) -> Settings:
    """Build Settings from ``environ`` over ``env_file``; raise ConfigError naming the setting."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(environ)

    def get(name: str) -> str | None:
        raw = values.get(name)
        return raw.strip() if raw is not None and raw.strip() != "" else None

    token = _token(get("DISCORD_TOKEN"), require_token)
    shard_count, shard_ids = _shards(get("SHARD_COUNT"), get("SHARD_IDS"))
    return Settings(
        discord_token=token,
        database_path=Path(get("DATABASE_PATH") or "data/bar-raiser.db"),
        database_url=_database_url(get("DATABASE_URL")),
        database_schema=_schema_name(get("DATABASE_SCHEMA")),
        dev_guild_id=_int("DEV_GUILD_ID", get("DEV_GUILD_ID"), minimum=1),
        log_level=_log_level(get("LOG_LEVEL")),
        log_format=_choice("LOG_FORMAT", get("LOG_FORMAT"), LOG_FORMATS),
        metrics_port=_int("METRICS_PORT", get("METRICS_PORT"), minimum=1, maximum=65535),
        discord_api_base=_api_base(get("DISCORD_API_BASE")),
        content_dir=Path(d) if (d := get("CONTENT_DIR")) else None,
        mock_minute_seconds=_float("MOCK_MINUTE_SECONDS", get("MOCK_MINUTE_SECONDS"), 60.0),
        mock_max_per_guild=_int("MOCK_MAX_PER_GUILD", get("MOCK_MAX_PER_GUILD"), 1, 50) or 10,
        message_content_intent=_bool("MESSAGE_CONTENT_INTENT", get("MESSAGE_CONTENT_INTENT")),
        application_id=_int("DISCORD_APPLICATION_ID", get("DISCORD_APPLICATION_ID"), minimum=1),
        guild_ready_timeout=_float("GUILD_READY_TIMEOUT", get("GUILD_READY_TIMEOUT"), 2.0),
        shard_count=shard_count,
        shard_ids=shard_ids,
    )


def application_id_from_token(token: str) -> int | None:
    """A bot token's first part is its user id (= application id) in base64."""
    import base64
    import binascii

    first = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(decoded) if decoded.isdigit() else None


def _token(raw: str | None, required: bool) -> str | None:
    if raw is None:
        if required:
            raise ConfigError(
                "DISCORD_TOKEN is not set: put your bot token in .env "
                "(see README, 'Create the Discord application')"
            )
        return None
    if raw.lower().startswith("bot "):
        raise ConfigError("DISCORD_TOKEN must be the bare token, without the 'Bot ' prefix")
    if not _TOKEN_SHAPE.match(raw):
        # Never echo the value: it may be a real secret pasted in the wrong place.
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token (three parts separated by dots); "
            "copy it again from Developer Portal → Bot → Reset Token"
        )
    return raw


def _int(name: str, raw: str | None, minimum: int, maximum: int | None = None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise ConfigError(f"{name} must be {bound}, got {value}")
    return value


def _float(name: str, raw: str | None, default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not 0.01 <= value <= 3600:
        raise ConfigError(f"{name} must be between 0.01 and 3600 seconds, got {raw}")
    return value


def _bool(name: str, raw: str | None) -> bool:
    if raw is None:
        return False
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _log_level(raw: str | None) -> str:
    level = (raw or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {raw!r}")
    return level


_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _database_url(raw: str | None) -> str | None:
    """``postgresql+asyncpg://…`` (``postgresql://`` is taken to mean the same)."""
    if raw is None:
        return None
    if raw.startswith("postgresql://") or raw.startswith("postgres://"):
        raw = "postgresql+asyncpg://" + raw.split("://", 1)[1]
    if not raw.startswith("postgresql+asyncpg://") or len(raw) <= len("postgresql+asyncpg://"):
        raise ConfigError("DATABASE_URL must look like postgresql+asyncpg://user@host:5432/database "
                          f"(unset it to use the SQLite file DATABASE_PATH), got {raw.split('@')[-1]!r}")
    return raw


def _schema_name(raw: str | None) -> str | None:
    if raw is not None and not _SCHEMA_NAME.match(raw):
        raise ConfigError(f"DATABASE_SCHEMA must be a lower-case SQL name, got {raw!r}")
    return raw


def _shards(count_raw: str | None, ids_raw: str | None) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT alone runs every shard here; with SHARD_IDS, only those (each below the count)."""
    count = _int("SHARD_COUNT", count_raw, minimum=1, maximum=10_000)
    if ids_raw is None:
        return count, tuple(range(count)) if count else None
    if count is None:
        raise ConfigError("SHARD_IDS needs SHARD_COUNT, the total number of shards of the bot")
    try:
        ids = tuple(int(part) for part in ids_raw.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"SHARD_IDS must be shard numbers separated by commas, got {ids_raw!r}") from None
    outside = [shard for shard in ids if not 0 <= shard < count]
    if not ids or outside or len(set(ids)) != len(ids):
        raise ConfigError(f"SHARD_IDS must list different shards from 0 to {count - 1} "
                          f"(SHARD_COUNT={count}), got {ids_raw!r}")
    return count, ids


def _choice(name: str, raw: str | None, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (case-insensitive), the first when unset."""
    value = (raw or choices[0]).lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return value


def _api_base(raw: str | None) -> str:
    if raw is None:
        return DISCORD_API_DEFAULT
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"DISCORD_API_BASE must be an http(s) URL, got {raw!r}")
    return raw.rstrip("/")
