"""The one storage retry policy, and what a storage failure means for the user.

SQLite's busy handler waits for another process's lock only when the waiting
connection holds no read snapshot; ``retry_locked`` covers the rest by re-running
a whole operation (a single statement, a read, or the ``BEGIN IMMEDIATE`` that
opens a transaction) with backoff, within the same busy timeout.
``storage_problem`` is the one classification of full, read-only and locked
databases that the error boundary and ``doctor`` share.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
_RETRY_FIRST_DELAY = 0.005
_RETRY_MAX_DELAY = 0.25
T = TypeVar("T")


def primary_code(error: BaseException) -> int | None:
    """The primary SQLite result code (an extended code's low byte), when the error has one."""
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if code is not None else None


def is_locked(error: BaseException) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED in any of their extended forms."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    primary = primary_code(error)
    if primary is not None:
        return primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def storage_problem(error: BaseException) -> str | None:
    """What kind of storage failure ``error`` is: "full", "readonly", "locked", or None.

    The one classification the error boundary and ``doctor`` share. A read-only
    file, a read-only filesystem (EROFS surfaces as a write I/O error) and a
    file that vanished under the bot all mean "the database can't be written".
    """
    if not isinstance(error, sqlite3.Error):
        return "readonly" if isinstance(error, PermissionError) else None
    primary = primary_code(error)
    text = str(error).lower()
    if primary == sqlite3.SQLITE_FULL or "full" in text:
        return "full"
    if primary in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN,
                   sqlite3.SQLITE_PERM) or "readonly" in text or "disk i/o" in text:
        return "readonly"
    if is_locked(error):
        return "locked"
    return None


async def retry_locked(operation: Callable[[], Awaitable[T]], what: str) -> T:
    """Run ``operation``; while the database is locked, retry with backoff up to the busy timeout.

    The one storage retry policy. Only whole operations that either fully
    happened or did not happen at all are passed here: a single autocommit
    statement, a read, or the ``BEGIN IMMEDIATE`` that opens a transaction.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = _RETRY_FIRST_DELAY
    attempts = 0
    while True:
        try:
            return await operation()
        except sqlite3.OperationalError as error:
            if not is_locked(error) or time.monotonic() + delay > deadline:
                raise
            attempts += 1
            if attempts == 1:
                log.info("database locked during %s; retrying for up to %d ms", what,
                         BUSY_TIMEOUT_MS)
        await asyncio.sleep(delay)
        delay = min(delay * 2, _RETRY_MAX_DELAY)
