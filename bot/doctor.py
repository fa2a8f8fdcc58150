"""``python -m bot doctor``: what is wrong with this installation, before Discord is involved.

Each check is independent and reports ✅ or ❌ with the fix, so an operator
sees every problem in one run instead of fixing them one crash at a time.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.render import Renderer
from bot.startup import content_directory, file_problems
from storage.db import (
    Database,
    NotBarRaiserDatabaseError,
    SchemaTooNewError,
    discover_migrations,
)
from storage.retry import storage_problem


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


MIN_FREE_BYTES = 1024 * 1024  # below this, the next migration or busy day can fill the disk


async def check_database(path: Path) -> CheckResult:
    latest = len(discover_migrations())
    if not await asyncio.to_thread(path.exists):
        parent = path.parent if path.parent.exists() else None
        if parent is not None and not _writable(parent):
            return CheckResult("database", False, f"cannot create {path}: {parent} is not writable")
        return CheckResult("database", True, f"{path} will be created at first start (schema {latest})")
    problem = filesystem_problem(path)
    if problem:
        return CheckResult("database", False, problem)
    try:
        db = await Database.open(path)
    except NotBarRaiserDatabaseError as error:
        return CheckResult("database", False, str(error))
    except (sqlite3.Error, OSError) as error:
        return CheckResult("database", False, f"cannot open {path}: {error}")
    try:
        version = await db.schema_version()
        if version > latest:
            raise SchemaTooNewError(f"schema {version} is newer than this code knows ({latest})")
        await db.check_writable()
        if not await db.integrity_ok():
            return CheckResult("database", False, f"{path} fails PRAGMA integrity_check")
    except (SchemaTooNewError, NotBarRaiserDatabaseError) as error:
        return CheckResult("database", False, str(error))
    except sqlite3.Error as error:
        return CheckResult("database", False, f"{path} {database_problem_text(error)}: {error}")
    finally:
        await db.close()
    pending = latest - version
    note = f", {pending} migration(s) applied at next start" if pending else ""
    return CheckResult("database", True, f"{path} writable, schema {version}/{latest}{note}")


def database_problem_text(error: BaseException) -> str:
    """How a failed write probe reads in a doctor line (shared with the /doctor command)."""
    problem = storage_problem(error)
    if problem == "full":
        return "can't be written: the disk is full"
    if problem == "readonly":
        return "can't be written: the file or filesystem is read-only"
    if problem == "locked":
        return "is locked by another process for longer than the busy timeout"
    if problem == "unreachable":
        return "can't be reached: the connection to the server was lost"
    return "is not writable"


def check_content(settings: Settings) -> CheckResult:
    directory = content_directory(settings)
    problems = file_problems(settings)
    if problems:
        shown = "; ".join(problems[:10]) + (f" (+{len(problems) - 10} more)" if len(problems) > 10 else "")
        return CheckResult("content", False, f"{directory}: {shown}")
    templates = Renderer(directory / "templates").template_names()
    return CheckResult("content", True, f"{directory} validates, help.yaml and "
                       f"{len(templates)} templates compile")


async def check_database_server(settings: Settings) -> CheckResult:
    """PostgreSQL (DATABASE_URL): reachable, at a known revision, and a write commits."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import DatabaseUnreachableError

    latest = len(discover_migrations())
    where = settings.database_label
    try:
        db = await Database.open(settings.database, schema=settings.database_schema)
    except DatabaseUnreachableError as error:
        return CheckResult("database", False, str(error))
    try:
        version = await db.schema_version()
        if version > latest:
            raise SchemaTooNewError(f"schema {version} is newer than this code knows ({latest})")
        await db.check_writable()
    except SchemaTooNewError as error:
        return CheckResult("database", False, f"{where}: {error}")
    except SQLAlchemyError as error:
        return CheckResult("database", False, f"{where} is not writable: {str(error).splitlines()[0]}")
    finally:
        await db.close()
    pending = latest - version
    note = f", {pending} migration(s) applied at next start" if pending else ""
    return CheckResult("database", True, f"{where} (PostgreSQL) writable, schema {version}/{latest}{note}")


def check_checker() -> CheckResult:
    """Whether the answer checker runs compiled (tools/compile_checker.py) or as Python, and
    a compiled build older than its sources: the sources run then, and this says so."""
    from bot.review import native

    if native.STALE:
        return CheckResult("checker", False, native.stale_advice(native.STALE))
    if native.is_compiled():
        return CheckResult("checker", True, "compiled (tools/compile_checker.py), built from these sources")
    return CheckResult("checker", True, "plain Python (tools/compile_checker.py compiles it, optional)")


async def run_checks(settings: Settings) -> list[CheckResult]:
    database = (await check_database_server(settings) if settings.database_url
                else await check_database(settings.database_path))
    return [check_token(settings), database, check_content(settings), check_checker()]


def _writable(path: Path) -> bool:
    """os.access answers EROFS for a read-only filesystem even to root."""
    return os.access(path, os.W_OK)


def filesystem_problem(path: Path) -> str | None:
    """A full disk or a read-only file/filesystem under the database, else None.

    Checked beside the write probe: the probe's one page can still fit on a
    disk too full for the next real write, and SQLite may hold pages in memory.
    """
    free = shutil.disk_usage(path.parent).free
    if free < MIN_FREE_BYTES:
        return (f"the disk holding {path} is full ({free // 1024} KiB free): the bot can't save "
                "anything; free some space")
    if not _writable(path) or not _writable(path.parent):
        return (f"{path} is read-only (file or filesystem): the bot can't save anything; "
                "make it writable or move DATABASE_PATH")
    return None
