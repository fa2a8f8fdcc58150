"""The one length bound on everything a member types, checked before any handler runs.

Discord lets a string option carry up to 6,000 characters whatever the bot
declared, and a handler that fuzzy-matches, parses or echoes such a value can
run past the 3 s acknowledgement window or build a reply Discord refuses.
So the command tree (``BarRaiserTree.interaction_check``) and the form router
(``bot.forms``) both measure every value here first: an option's own
``max_length`` when it declares one, else ``OPTION_LIMIT``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from discord import app_commands

OPTION_LIMIT = 100  # ids, times, zones, dates, topic names: all far shorter
_STRING = 3
_GROUPS = (1, 2)  # subcommand, subcommand group


@dataclass(frozen=True)
class TooLong:
    """One value over its bound; the refusal names the option, never echoes the value."""

    name: str
    length: int
    limit: int


def string_options(options: list[Mapping[str, Any]]) -> Iterator[tuple[str, str]]:
    """(name, value) of every string option in an interaction's option tree."""
    for option in options:
        if option.get("type") in _GROUPS:
            yield from string_options(option.get("options", []))
        elif option.get("type") == _STRING and isinstance(option.get("value"), str):
            yield option["name"], option["value"]


def declared_limit(command: object, name: str) -> int:
    """The option's own ``max_length`` (e.g. ``Range[str, 1, 1000]``), else ``OPTION_LIMIT``."""
    if isinstance(command, app_commands.Command):
        parameter = command.get_parameter(name)
        # discord.py keeps a string option's max_length in max_value.
        if parameter is not None and parameter.max_value is not None:
            return int(parameter.max_value)
    return OPTION_LIMIT


def first_too_long(values: Mapping[str, str], limits: Mapping[str, int]) -> TooLong | None:
    """The first value longer than its limit (``OPTION_LIMIT`` when none is given)."""
    for name, value in values.items():
        limit = limits.get(name, OPTION_LIMIT)
        if len(value) > limit:
            return TooLong(name, len(value), limit)
    return None


def oversized_option(command: object, data: Mapping[str, Any]) -> TooLong | None:
    """The first string option of a slash-command payload that is over its bound."""
    values = dict(string_options(data.get("options", [])))
    limits = {name: declared_limit(command, name) for name in values}
    return first_too_long(values, limits)
