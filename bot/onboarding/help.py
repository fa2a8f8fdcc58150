"""``/help``: generated from the registered commands plus ``prompts/help.yaml``.

Discord-free: the cog describes the registered commands as plain data
(``CommandSpec``) and this module decides what to say. ``prompts/help.yaml`` gives
each command its group and example, and ``help_problems`` fails the test suite when
the file and the registered commands drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.errors import BotError
from bot.text import echo

HELP_GROUPS: tuple[str, ...] = (
    "Study daily", "Practise a mock", "Get feedback", "Track progress", "Admin",
)
ADMIN_GROUP = "Admin"  # exactly the commands Discord hides below Manage Server
ADMINISTRATOR_BIT = 1 << 3


@dataclass(frozen=True)
class OptionSpec:
    name: str
    description: str
    required: bool


@dataclass(frozen=True)
class CommandSpec:
    """A registered command as the cog sees it in the tree."""

    name: str  # qualified: "daily setup", or a context menu's label
    description: str
    options: tuple[OptionSpec, ...] = ()
    context_menu: bool = False
    # The top-level command's default_member_permissions as an int; None = everyone.
    required_permissions: int | None = None

    def usable_with(self, permissions: int) -> bool:
        """Whether a member holding ``permissions`` (Discord's bit field) sees this command.

        Mirrors how Discord applies ``default_member_permissions``: every required bit,
        or Administrator, which implies all of them.
        """
        if not self.required_permissions:
            return True
        return bool(permissions & ADMINISTRATOR_BIT) or (
            permissions & self.required_permissions == self.required_permissions
        )

    @property
    def mention(self) -> str:
        return f'"{self.name}" (right-click a message → Apps)' if self.context_menu else f"/{self.name}"


@dataclass(frozen=True)
class HelpEntry:
    group: str
    example: str
    about: str = ""  # optional: how the feature behaves, beyond the command's one line


@dataclass(frozen=True)
class HelpItem:
    command: CommandSpec
    entry: HelpEntry


def load_help_entries(path: Path) -> dict[str, HelpEntry]:
    """Read ``help.yaml``: ``{command name: {group, example}}``; HelpFileError if malformed."""
    entries, problems = read_help_file(path)
    if problems:
        raise HelpFileError(problems[0])
    return entries


class HelpFileError(Exception):
    """help.yaml cannot be read or has the wrong shape; the message names file and place."""


def read_help_file(path: Path) -> tuple[dict[str, HelpEntry], list[str]]:
    """The entries of ``help.yaml`` and every problem with the file (start-up and doctor)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        return {}, [f"{path}: cannot read: {error.strerror or error}"]
    except UnicodeDecodeError as error:
        return {}, [f"{path}: not valid UTF-8 (byte {error.start})"]
    except yaml.YAMLError as error:
        return {}, [f"{path}: not valid YAML: {' '.join(str(error).split())}"]
    commands = data.get("commands") if isinstance(data, dict) else None
    if not isinstance(commands, dict):
        return {}, [f"{path}: needs a top-level 'commands:' mapping of command name to entry"]
    entries: dict[str, HelpEntry] = {}
    problems = []
    for name, raw in commands.items():
        if not isinstance(raw, dict):
            problems.append(f"{path}: commands.{name} must be a mapping with group and example")
            continue
        entries[str(name)] = HelpEntry(str(raw.get("group", "")), str(raw.get("example", "")),
                                       str(raw.get("about", "")))
    return entries, problems


def help_problems(commands: Iterable[CommandSpec], entries: Mapping[str, HelpEntry]) -> list[str]:
    """Every way the help text and the registered commands disagree."""
    problems = []
    names = set()
    for command in commands:
        names.add(command.name)
        if not command.context_menu and not command.description.strip():
            problems.append(f"/{command.name} has no description")
        entry = entries.get(command.name)
        if entry is None:
            problems.append(f"{command.name}: no entry in help.yaml")
            continue
        if entry.group not in HELP_GROUPS:
            problems.append(f"{command.name}: group {entry.group!r} is not one of {HELP_GROUPS}")
        if not entry.example.strip():
            problems.append(f"{command.name}: no example in help.yaml")
        if (entry.group == ADMIN_GROUP) != bool(command.required_permissions):
            problems.append(
                f"{command.name}: listed under {entry.group!r} but "
                + ("every member sees it (add default_permissions)"
                   if entry.group == ADMIN_GROUP else "only admins see it (move it to Admin)"))
        problems += [f"/{command.name} option {o.name} has no description"
                     for o in command.options if not o.description.strip()]
    problems += [f"help.yaml describes {name!r}, which is not a registered command"
                 for name in entries if name not in names]
    return problems


def usable_commands(commands: Iterable[CommandSpec], permissions: int | None) -> list[CommandSpec]:
    """The commands a member can use; ``permissions`` None means "unknown": show them all."""
    if permissions is None:
        return list(commands)
    return [command for command in commands if command.usable_with(permissions)]


def help_overview(
    commands: Iterable[CommandSpec], entries: Mapping[str, HelpEntry]
) -> list[tuple[str, list[HelpItem]]]:
    """Commands grouped by what people want to do, in HELP_GROUPS order."""
    grouped: dict[str, list[HelpItem]] = {group: [] for group in HELP_GROUPS}
    for command in sorted(commands, key=lambda c: c.name):
        entry = entries.get(command.name)
        if entry is not None and entry.group in grouped:
            grouped[entry.group].append(HelpItem(command, entry))
    return [(group, items) for group, items in grouped.items() if items]


def find_command(
    name: str, commands: Iterable[CommandSpec], entries: Mapping[str, HelpEntry]
) -> HelpItem:
    wanted = name.strip().lstrip("/").lower()
    for command in commands:
        if command.name.lower() == wanted and command.name in entries:
            return HelpItem(command, entries[command.name])
    raise BotError(f"There is no command called `{echo(name, 50)}` that you can use here. "
                   "Run `/help` to see yours.")
