"""Log output as operators read it: plain lines in files, JSON for shippers, never the token."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.config import load_settings
from bot.errors import ConfigError
from bot.logs import configure_logging
from tests.conftest import FAKE_TOKEN


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_text_logs_to_a_file_carry_no_colour_codes() -> None:
    stream = io.StringIO()
    configure_logging("INFO", "text", None, stream=stream)
    logging.getLogger("bot.test").warning("posted %d prompts", 3)
    line = stream.getvalue()
    assert "WARNING" in line and "bot.test posted 3 prompts" in line
    assert "\x1b[" not in line


def test_a_terminal_gets_the_level_coloured() -> None:
    stream = Terminal()
    configure_logging("INFO", "text", None, stream=stream)
    logging.getLogger("bot.test").error("boom")
    assert "\x1b[31mERROR\x1b[0m" in stream.getvalue()


def test_json_logs_are_one_object_per_line_with_extras_and_tracebacks() -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", "json", None, stream=stream)
    log = logging.getLogger("bot.test")
    log.info("guild %s ready", 42, extra={"shard": 1})
    try:
        raise ValueError("bad")
    except ValueError:
        log.exception("failed")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "guild 42 ready" and first["level"] == "INFO"
    assert first["logger"] == "bot.test" and first["shard"] == 1 and first["time"].endswith("+00:00")
    assert "ValueError: bad" in second["traceback"]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_token_never_reaches_a_log_line(log_format: str) -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", log_format, FAKE_TOKEN, stream=stream)
    logging.getLogger("discord.http").debug("sending Authorization: Bot %s", FAKE_TOKEN)
    assert FAKE_TOKEN not in stream.getvalue()
    assert "[token redacted]" in stream.getvalue()


def test_an_unknown_log_format_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="LOG_FORMAT must be one of text, json"):
        load_settings({"LOG_FORMAT": "xml"}, env_file=None, require_token=False)
    assert load_settings({"LOG_FORMAT": "JSON"}, env_file=None, require_token=False).log_format == "json"
