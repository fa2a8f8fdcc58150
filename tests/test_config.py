from pathlib import Path

import pytest

from bot.config import DISCORD_API_DEFAULT, application_id_from_token, load_settings
from bot.errors import ConfigError
from tests.conftest import FAKE_TOKEN


def settings(**env: str):
    return load_settings({"DISCORD_TOKEN": FAKE_TOKEN, **env}, env_file=None)


def test_defaults():
    s = settings()
    assert s.database_path == Path("data/bar-raiser.db")
    assert s.discord_api_base == DISCORD_API_DEFAULT and not s.custom_api_base
    assert s.metrics_port is None and s.dev_guild_id is None
    assert s.mock_minute_seconds == 60.0 and s.mock_max_per_guild == 10
    assert s.message_content_intent is False and s.log_level == "INFO"


def test_token_never_in_repr():
    assert FAKE_TOKEN not in repr(settings())


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DISCORD_TOKEN": ""}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "not-a-token"}, "DISCORD_TOKEN does not look like a bot token"),
        ({"DISCORD_TOKEN": "Bot " + FAKE_TOKEN}, "without the 'Bot ' prefix"),
        ({"DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID must be a whole number"),
        ({"DEV_GUILD_ID": "-5"}, "DEV_GUILD_ID must be >= 1"),
        ({"METRICS_PORT": "70000"}, "METRICS_PORT must be between 1 and 65535"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"DISCORD_API_BASE": "ftp://x"}, "DISCORD_API_BASE must be an http(s) URL"),
        ({"MOCK_MINUTE_SECONDS": "fast"}, "MOCK_MINUTE_SECONDS must be a number"),
        ({"MOCK_MINUTE_SECONDS": "0"}, "MOCK_MINUTE_SECONDS must be between"),
        ({"MOCK_MAX_PER_GUILD": "0"}, "MOCK_MAX_PER_GUILD must be between 1 and 50"),
        ({"MESSAGE_CONTENT_INTENT": "maybe"}, "MESSAGE_CONTENT_INTENT must be true or false"),
    ],
)
def test_each_bad_setting_is_named(env, names):
    with pytest.raises(ConfigError, match=names.replace("(", r"\(").replace(")", r"\)")):
        load_settings({"DISCORD_TOKEN": FAKE_TOKEN, **env}, env_file=None)


def test_malformed_token_message_does_not_echo_it():
    secret = "sk_live_very_secret_value"
    with pytest.raises(ConfigError) as caught:
        load_settings({"DISCORD_TOKEN": secret}, env_file=None)
    assert secret not in str(caught.value)


def test_token_optional_for_doctor_and_invite():
    assert load_settings({}, env_file=None, require_token=False).discord_token is None


def test_env_file_is_read_and_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={FAKE_TOKEN}\nLOG_LEVEL=debug\nDEV_GUILD_ID=42\n")
    s = load_settings({"DEV_GUILD_ID": "7"}, env_file=env_file)
    assert s.discord_token == FAKE_TOKEN
    assert s.log_level == "DEBUG"
    assert s.dev_guild_id == 7


def test_standin_base_is_normalised():
    s = settings(DISCORD_API_BASE="http://127.0.0.1:9999/api/v10/")
    assert s.discord_api_base == "http://127.0.0.1:9999/api/v10" and s.custom_api_base


def test_application_id_from_token():
    assert application_id_from_token(FAKE_TOKEN) == 123456789012345678
    assert application_id_from_token("!!!.x.y") is None


def test_env_example_lists_every_setting():
    """.env.example documents every setting the loader reads, each with a comment."""
    import re

    example = (Path(__file__).resolve().parent.parent / ".env.example").read_text()
    source = (Path(__file__).resolve().parent.parent / "bot" / "config.py").read_text()
    read = set(re.findall(r'get\("([A-Z_]+)"\)', source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.M))
    assert read and read == documented
    for name in read:
        index = example.index(f"{name}=")
        preceding = example[:index].rstrip().splitlines()[-1]
        assert preceding.lstrip().startswith("#"), f"{name} has no comment line above it"


@pytest.mark.parametrize(("count", "ids", "expected"), [
    (None, None, (None, None)),
    ("4", None, (4, (0, 1, 2, 3))),
    ("4", "0,1", (4, (0, 1))),
    ("2", " 1 ", (2, (1,))),
])
def test_shard_settings(count, ids, expected):
    environ = {k: v for k, v in {"SHARD_COUNT": count, "SHARD_IDS": ids}.items() if v is not None}
    settings = load_settings(environ, env_file=None, require_token=False)
    assert (settings.shard_count, settings.shard_ids) == expected


@pytest.mark.parametrize(("count", "ids", "message"), [
    ("2", "2", "SHARD_IDS must list different shards from 0 to 1"),
    ("2", "0,0", "SHARD_IDS must list different shards"),
    ("2", "-1", "SHARD_IDS must list different shards"),
    ("2", "a,b", "SHARD_IDS must be shard numbers separated by commas"),
    (None, "0", "SHARD_IDS needs SHARD_COUNT"),
    ("0", None, "SHARD_COUNT must be between 1 and 10000"),
])
def test_bad_shard_settings_name_the_setting(count, ids, message):
    environ = {k: v for k, v in {"SHARD_COUNT": count, "SHARD_IDS": ids}.items() if v is not None}
    with pytest.raises(ConfigError, match=message):
        load_settings(environ, env_file=None, require_token=False)
