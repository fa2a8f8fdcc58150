"""``python -m bot doctor``: what is wrong with this installation, before Discord is involved.

Each check is independent and reports ✅ or ❌ with the fix, so an operator
sees every problem in one run instead of fixing them one crash at a time.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.content import DEFAULT_DIRECTORY, validate_content_dir
from bot.render import Renderer
from storage.db import Database, SchemaTooNewError, discover_migrations


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'✅' if self.ok else '❌'} {self.name}: {self.detail}"


def check_token(settings: Settings) -> CheckResult:
    if settings.discord_token:
        return CheckResult("token", True, "DISCORD_TOKEN is set and well-formed")
    return CheckResult("token", False, "DISCORD_TOKEN is not set; the bot cannot log in (see README)")


async def check_database(path: Path) -> CheckResult:
    latest = len(discover_migrations())
    if not await asyncio.to_thread(path.exists):
        parent = path.parent if path.parent.exists() else None
        if parent is not None and not _writable_dir(parent):
            return CheckResult("database", False, f"cannot create {path}: {parent} is not writable")
        return CheckResult("database", True, f"{path} will be created at first start (schema {latest})")
    try:
        db = await Database.open(path)
    except (sqlite3.Error, OSError) as error:
        return CheckResult("database", False, f"cannot open {path}: {error}")
    try:
        version = await db.schema_version()
        if version > latest:
            raise SchemaTooNewError(f"schema {version} is newer than this code knows ({latest})")
        await db.check_writable()
        if not await db.integrity_ok():
            return CheckResult("database", False, f"{path} fails PRAGMA integrity_check")
    except SchemaTooNewError as error:
        return CheckResult("database", False, str(error))
    except sqlite3.Error as error:
        return CheckResult("database", False, f"{path} is not writable: {error}")
    finally:
        await db.close()
    pending = latest - version
    note = f", {pending} migration(s) applied at next start" if pending else ""
    return CheckResult("database", True, f"{path} writable, schema {version}/{latest}{note}")


def check_content(settings: Settings) -> CheckResult:
    directory = settings.content_dir or DEFAULT_DIRECTORY
    problems = validate_content_dir(directory)
    if problems:
        shown = "; ".join(problems[:10]) + (f" (+{len(problems) - 10} more)" if len(problems) > 10 else "")
        return CheckResult("content", False, f"{directory}: {shown}")
    templates = Renderer(directory / "templates").template_names()
    return CheckResult("content", True, f"{directory} validates ({len(templates)} templates)")


async def run_checks(settings: Settings) -> list[CheckResult]:
    return [check_token(settings), await check_database(settings.database_path),
            check_content(settings)]


def _writable_dir(directory: Path) -> bool:
    import os

    return os.access(directory, os.W_OK)
