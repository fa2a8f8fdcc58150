"""``python -m bot [run|doctor|invite|backup|restore|migrate-store|check|preview|bench|playground|…]``.

Configuration problems print one line naming the setting and exit 2, never a
traceback. Subcommands of other features register themselves through a
``register(subparsers)`` function in their module.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import __version__
from bot.config import Settings, application_id_from_token, load_settings
from bot.content import ContentError
from bot.errors import ConfigError
from bot.logs import configure_logging
from bot.startup import StartupError, one_line
from storage.db import DatabaseUnreachableError, NotBarRaiserDatabaseError, SchemaTooNewError

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_CONFIG = 2

# Feature modules that add subcommands; each exposes register(subparsers).
FEATURE_COMMANDS: tuple[str, ...] = ("bot.review.cli", "bot.daily.preview", "bot.migrate_store")


def setup_logging(settings: Settings) -> None:
    from bot.sharding import Ownership

    label = None
    if settings.shard_count and settings.shard_ids:
        ownership = Ownership(settings.shard_count, settings.shard_ids)
        label = None if ownership.is_everything else ownership.label()
    configure_logging(settings.log_level, settings.log_format, settings.discord_token, process_label=label)


def _settings(require_token: bool) -> Settings:
    return load_settings(os.environ, env_file=Path(".env"), require_token=require_token)


def cmd_run(_: argparse.Namespace) -> int:
    settings = _settings(require_token=True)
    setup_logging(settings)
    import discord

    from bot.runner import run

    try:
        asyncio.run(run(settings))
    except discord.LoginFailure:
        print("error: Discord rejected DISCORD_TOKEN; reset it in the Developer Portal → Bot "
              "and update .env", file=sys.stderr)
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        print("error: MESSAGE_CONTENT_INTENT=true but the Message Content intent is not enabled "
              "in Developer Portal → Bot → Privileged Gateway Intents; enable it or set "
              "MESSAGE_CONTENT_INTENT=false", file=sys.stderr)
        return EXIT_CONFIG
    return EXIT_OK


def cmd_invite(_: argparse.Namespace) -> int:
    from bot.permissions import GATEWAY_INTENTS, INVITE_NEEDS, invite_url

    settings = _settings(require_token=False)
    app_id = settings.application_id or (
        application_id_from_token(settings.discord_token) if settings.discord_token else None
    )
    if app_id is None:
        print("error: set DISCORD_APPLICATION_ID (Developer Portal → General Information → "
              "Application ID) or DISCORD_TOKEN so I know which bot to invite", file=sys.stderr)
        return EXIT_CONFIG
    print(invite_url(app_id))
    print("\nScopes: bot (joins the server), applications.commands (slash commands).")
    print("Permissions requested:")
    for need in INVITE_NEEDS:
        print(f"  - {need.label}: {need.why}")
    print("Gateway intents (none privileged; Message Content only with MESSAGE_CONTENT_INTENT):")
    for intent in GATEWAY_INTENTS:
        print(f"  - {intent.name}: {intent.why}")
    return EXIT_OK


_NOT_FOR_POSTGRES = ("error: `{command}` copies the SQLite file; with DATABASE_URL set, use pg_dump / "
                     "pg_restore (README, Migrations)")


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the database while the bot keeps running."""
    from storage.backup import BackupError, backup

    settings = _settings(require_token=False)
    if settings.database_url:
        print(_NOT_FOR_POSTGRES.format(command="backup"), file=sys.stderr)
        return EXIT_CONFIG
    try:
        copy = backup(settings.database_path, Path(args.file))
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"backed up {settings.database_path} to {copy.path} (schema version {copy.schema_version}, "
          f"{copy.tables} tables, integrity ok)")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup in place of the database; the bot must be stopped first."""
    from storage.backup import BackupError, restore
    from storage.db import discover_migrations

    settings = _settings(require_token=False)
    if settings.database_url:
        print(_NOT_FOR_POSTGRES.format(command="restore"), file=sys.stderr)
        return EXIT_CONFIG
    database = settings.database_path
    keep_as = database.with_name(f"{database.name}.before-restore-{_stamp()}")
    try:
        restored = restore(Path(args.file), database, discover_migrations()[-1].version, keep_as)
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    kept = f"; the previous database is kept as {keep_as}" if keep_as.exists() else ""
    print(f"restored {args.file} into {database} (schema version {restored.schema_version}){kept}")
    return EXIT_OK


def _stamp() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


# Commands whose code lives outside the runtime package, imported only when asked:
# (command, module, help, what to install when the import fails).
HANDED_OVER: tuple[tuple[str, str, str, str], ...] = (
    ("bench", "benchmarks", "run the performance benchmarks (same as python -m benchmarks)",
     "the repository checkout and the test extras (pip install -e '.[test]')"),
    ("playground", "playground", "try the bot without Discord, in a local web page",
     "the repository checkout (pip install -e .)"),
)


def cmd_handed_over(args: argparse.Namespace) -> int:
    """Run ``main(argv)`` of a package the runtime never imports (benchmarks, playground)."""
    import importlib

    try:
        module = importlib.import_module(args.module)
    except ImportError as error:
        print(f"error: `{args.command}` needs {args.needs}: {error}", file=sys.stderr)
        return EXIT_CONFIG
    return int(module.main(args.handed_args))


def cmd_doctor(_: argparse.Namespace) -> int:
    from bot.doctor import run_checks

    try:
        settings = _settings(require_token=False)
    except ConfigError as error:
        print(f"❌ config: {error}")
        return EXIT_PROBLEM
    results = asyncio.run(run_checks(settings))
    for result in results:
        print(result.line())
    problems = [r for r in results if not r.ok]
    print(f"\n{len(problems)} problem(s) found." if problems else "\nAll checks passed.")
    return EXIT_PROBLEM if problems else EXIT_OK


def build_parser(feature_modules: Sequence[str] = FEATURE_COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Bar Raiser, a system-design study-group bot."
    )
    parser.add_argument("--version", action="version", version=f"bar-raiser {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands: list[tuple[str, str, Callable[[argparse.Namespace], int]]] = [
        ("run", "start the bot (the default)", cmd_run),
        ("doctor", "check config, database and content; exit 1 on any problem", cmd_doctor),
        ("invite", "print the invite URL with the permissions the bot needs", cmd_invite),
    ]
    for name, help_text, func in commands:
        sub.add_parser(name, help=help_text).set_defaults(func=func)
    backup_parser = sub.add_parser("backup", help="copy the database to FILE while the bot runs")
    backup_parser.add_argument("file", metavar="FILE", help="a new file for the copy")
    backup_parser.set_defaults(func=cmd_backup)
    restore_parser = sub.add_parser("restore", help="replace the database with backup FILE (bot stopped)")
    restore_parser.add_argument("file", metavar="FILE", help="a file made by `backup`")
    restore_parser.set_defaults(func=cmd_restore)
    for name, module, help_text, needs in HANDED_OVER:
        # "+" as its only prefix makes every "--flag" after the command a plain word, handed on.
        handed = sub.add_parser(name, help=help_text, add_help=False, prefix_chars="+")
        handed.add_argument("handed_args", nargs=argparse.REMAINDER)
        handed.set_defaults(func=cmd_handed_over, module=module, needs=needs)
    for module_name in feature_modules:
        __import__(module_name, fromlist=["register"]).register(sub)
    parser.set_defaults(func=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except ContentError as error:
        print(f"error: {one_line(error.problems)}", file=sys.stderr)
        return EXIT_CONFIG
    except (StartupError, SchemaTooNewError, NotBarRaiserDatabaseError, DatabaseUnreachableError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except sqlite3.Error as error:
        print(f"error: cannot use the database at DATABASE_PATH: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_OK
