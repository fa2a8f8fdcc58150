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

from bot.daily.validation import BotRoleView, RoleView, ping_role_problems
from bot.errors import BotError
from bot.outbox.model import OutboxRow, State
from bot.permissions import ALL_NEEDS, Need, fix_hint
from bot.text import echo

HELP_GROUPS: tuple[str, ...] = (
    "Study daily", "Practise a mock", "Get feedback", "Track progress", "Admin",
)
ADMIN_GROUP = "Admin"  # exactly the commands Discord hides below Manage Server
MOCK_LIMIT_RANGE = range(1, 51)
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
    """One line of /doctor: ✅ ok, ❌ a problem with its fix, or ℹ️ ``info`` (nothing to fix)."""

    ok: bool
    text: str
    fix: str | None = None
    info: bool = False


def channel_lines(channel: ChannelView, purpose: str,
                  needs: tuple[Need, ...] = ALL_NEEDS) -> list[DoctorLine]:
    """One ✅ line when every permission is there, else one ❌ line per missing one with its fix.

    ``needs`` is what ``channel.missing`` was checked against (a forum has its own).
    """
    where = f"#{channel.name} ({purpose})"
    if not channel.missing:
        labels = ", ".join(need.label for need in needs)
        return [DoctorLine(True, f"{where}: all {len(needs)} permissions ({labels})")]
    return [
        DoctorLine(False, f"{where}: {need.label}, needed to {need.why}", fix_hint(need, channel.name))
        for need in channel.missing
    ]


def outbox_line(row: OutboxRow) -> DoctorLine:
    """One ❌ line for a post the outbox could not deliver (impossible, or still retrying)."""
    what = row.kind.replace("_", " ")
    where = f"<#{row.channel_id}>"
    if row.state is State.IMPOSSIBLE:
        return DoctorLine(False, f"Posts: a {what} post in {where} could not be made: "
                                 f"{row.last_error}", "fix the permission or channel above; "
                                 "new posts will go out")
    return DoctorLine(False, f"Posts: a {what} post in {where} is waiting after "
                             f"{row.attempts} attempt(s): {row.last_error}",
                      "nothing to do if Discord is having trouble; it is retried with backoff")


INTENT_FIX = (
    "Developer Portal → Bot → enable Message Content Intent, then set "
    "MESSAGE_CONTENT_INTENT=true and restart the bot"
)


def intent_line(message_content_enabled: bool, auto_review: bool = True) -> DoctorLine:
    """A problem only when this server switched auto-review on; otherwise informational."""
    if message_content_enabled:
        return DoctorLine(True, "Message Content intent: on (auto-review and chat transcripts work)")
    if not auto_review:
        return DoctorLine(
            True,
            "Message Content intent: off. Auto-review is off here, so nothing needs it "
            "(/check, the context menu and /mock answer work without it)",
            INTENT_FIX,
            info=True,
        )
    return DoctorLine(
        False,
        "Message Content intent: off, but auto-review is on: answers in daily threads "
        "are not reviewed (/check, the context menu and /mock answer still work)",
        INTENT_FIX,
    )


def require_intent_for_auto_review(enabling: bool | None, message_content_enabled: bool) -> None:
    """Refuse to switch auto-review on when the bot cannot read thread messages.

    Without the intent Discord delivers thread messages with empty content, so
    auto-review would silently do nothing; the organiser hears the fix instead.
    """
    if enabling and not message_content_enabled:
        raise BotError(
            "Auto-review needs the Message Content intent, which is off for this bot, so "
            f"it would never see an answer. Fix: {INTENT_FIX}; then switch auto-review on."
        )


def ping_role_lines(role: RoleView | None, me: BotRoleView) -> list[DoctorLine]:
    """The daily ping role: ✅ when I can give and mention it, else one ❌ per problem."""
    if role is None:
        return [DoctorLine(False, "Daily ping: the ping role was deleted, so posts ping no one",
                           "/daily setup ping_role:@a-role, or /daily unping")]
    problems = ping_role_problems(role, me)
    if not problems:
        return [DoctorLine(True, f"Daily ping: @{role.name}; I can give it with the 🔔 button")]
    return [DoctorLine(False, f"Daily ping: {problem.split(': ', 1)[0]}",
                       problem.split(": ", 1)[1] if ": " in problem else None)
            for problem in problems]


def parse_mock_limit(raw: int | None) -> int | None:
    """``/settings mock_max_sessions``: 1-50, or 0 to go back to the bot-wide default."""
    if raw is None or raw == 0:
        return None
    if raw not in MOCK_LIMIT_RANGE:
        raise BotError("mock_max_sessions must be between 1 and 50, or 0 for the default.")
    return raw
