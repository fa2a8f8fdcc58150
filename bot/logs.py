"""Logging for the CLI: readable lines on a terminal, plain lines in files, JSON for shippers.

discord.py's own ``setup_logging`` colours output whenever it guesses a container,
so a log file written under systemd or Docker would keep ANSI codes; this module
decides colour from the stream alone. Every handler also carries the token
redactor, so no record can leak the secret whatever its format.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any, ClassVar

TEXT_FORMAT = "%(asctime)s %(levelname)-8s %(name)s %(message)s"
LABELLED_TEXT_FORMAT = "%(asctime)s %(levelname)-8s [%(shards)s] %(name)s %(message)s"
# Attributes every LogRecord has; anything else was passed as ``extra=`` and is kept in JSON.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class TokenRedactingFilter(logging.Filter):
    """Belt and braces: no log record may ever carry the token, even at DEBUG."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._secret in message:
            record.msg = message.replace(self._secret, "[token redacted]")
            record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, traceback, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        return json.dumps(entry, ensure_ascii=False)


class TerminalFormatter(logging.Formatter):
    """The text format with the level name coloured, for a person watching a terminal."""

    _COLOURS: ClassVar[dict[str, str]] = {"DEBUG": "\x1b[2m", "INFO": "\x1b[34m", "WARNING": "\x1b[33m",
                                          "ERROR": "\x1b[31m", "CRITICAL": "\x1b[41m"}

    def __init__(self, fmt: str = TEXT_FORMAT) -> None:
        super().__init__(fmt)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        colour = self._COLOURS.get(record.levelname)
        return line.replace(record.levelname, f"{colour}{record.levelname}\x1b[0m", 1) if colour else line


class ProcessLabel(logging.Filter):
    """Names this process in every record (``shards 0,1 of 4``), when it is one of several."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self._label = label

    def filter(self, record: logging.LogRecord) -> bool:
        record.shards = self._label
        return True


def make_formatter(log_format: str, stream: IO[str], labelled: bool = False) -> logging.Formatter:
    """JSON; coloured text only when the stream is a terminal; plain text everywhere else."""
    if log_format == "json":
        return JsonFormatter()  # the label is a field of its own, like every extra
    fmt = LABELLED_TEXT_FORMAT if labelled else TEXT_FORMAT
    return TerminalFormatter(fmt) if stream.isatty() else logging.Formatter(fmt)


def configure_logging(level: str, log_format: str, secret: str | None,
                      stream: IO[str] | None = None, process_label: str | None = None) -> None:
    """Replace the root logger's handlers with one stderr handler of the chosen format."""
    target = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(target)
    handler.setFormatter(make_formatter(log_format, target, labelled=bool(process_label)))
    if process_label:
        handler.addFilter(ProcessLabel(process_label))
    if secret:
        handler.addFilter(TokenRedactingFilter(secret))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level))
