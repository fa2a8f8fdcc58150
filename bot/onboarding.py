"""Onboarding and self-service: /help, the welcome message, /doctor and /settings.

Discord-free: the cog describes the registered commands and the channels as
plain data, and this module decides what to say. ``/help`` is generated from
the registered commands plus ``prompts/help.yaml`` (group and example per
command), and ``help_problems`` fails the test suite when the two drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.errors import BotError
from bot.permissions import ALL_NEEDS, Need, fix_hint
from bot.text import echo

HELP_GROUPS: tuple[str, ...] = (
    "Study daily", "Practise a mock", "Get feedback", "Track progress", "Admin",
)
MOCK_LIMIT_RANGE = range(1, 51)


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

    @property
    def mention(self) -> str:
        return f'"{self.name}" (right-click a message → Apps)' if self.context_menu else f"/{self.name}"


@dataclass(frozen=True)
class HelpEntry:
    group: str
    example: str


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
        entries[str(name)] = HelpEntry(str(raw.get("group", "")), str(raw.get("example", "")))
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
        problems += [f"/{command.name} option {o.name} has no description"
                     for o in command.options if not o.description.strip()]
    problems += [f"help.yaml describes {name!r}, which is not a registered command"
                 for name in entries if name not in names]
    return problems


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
    raise BotError(f"There is no command called `{echo(name, 50)}`. Run `/help` to see them all.")


# -- welcome --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelView:
    """A text channel and what the bot may do there."""

    id: int
    name: str
    position: int
    missing: tuple[Need, ...]

    @property
    def can_speak(self) -> bool:
        flags = {need.flag for need in self.missing}
        return not flags & {"view_channel", "send_messages"}


def choose_welcome_channel(
    system_channel: ChannelView | None, text_channels: Sequence[ChannelView]
) -> ChannelView | None:
    """The system channel if the bot may speak there, else the first text channel where it may."""
    if system_channel is not None and system_channel.can_speak:
        return system_channel
    for channel in sorted(text_channels, key=lambda c: (c.position, c.id)):
        if channel.can_speak:
            return channel
    return None


# -- doctor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DoctorLine:
    ok: bool
    text: str
    fix: str | None = None


def channel_lines(channel: ChannelView, purpose: str) -> list[DoctorLine]:
    """One ✅ line when every permission is there, else one ❌ line per missing one with its fix."""
    where = f"#{channel.name} ({purpose})"
    if not channel.missing:
        labels = ", ".join(need.label for need in ALL_NEEDS)
        return [DoctorLine(True, f"{where}: all {len(ALL_NEEDS)} permissions ({labels})")]
    return [
        DoctorLine(False, f"{where}: {need.label}, needed to {need.why}", fix_hint(need, channel.name))
        for need in channel.missing
    ]


def intent_line(message_content_enabled: bool) -> DoctorLine:
    if message_content_enabled:
        return DoctorLine(True, "Message Content intent: on (auto-review and chat transcripts work)")
    return DoctorLine(
        False,
        "Message Content intent: off, so auto-review of thread answers and mock transcripts "
        "from chat are disabled (/check, the context menu and /mock answer still work)",
        "Developer Portal → Bot → enable Message Content Intent, then set "
        "MESSAGE_CONTENT_INTENT=true and restart the bot",
    )


def parse_mock_limit(raw: int | None) -> int | None:
    """``/settings mock_max_sessions``: 1-50, or 0 to go back to the bot-wide default."""
    if raw is None or raw == 0:
        return None
    if raw not in MOCK_LIMIT_RANGE:
        raise BotError("mock_max_sessions must be between 1 and 50, or 0 for the default.")
    return raw
