"""The one storage retry policy, and what a storage failure means for the user.

Two failures are transient, one per engine, and one policy retries both with
backoff within the same deadline (``BUSY_TIMEOUT_MS``):

- SQLite: the database is locked by another process. The busy handler waits
  for that lock only when the waiting connection holds no read snapshot;
  re-running the whole operation covers the rest.
- PostgreSQL: the connection was lost (the server restarted, an administrator
  ran ``pg_terminate_backend``, the network reset it). SQLAlchemy discards
  that connection; the next attempt takes a fresh one from the pool.

Only work that either fully happened or did not happen at all is re-run: a
read, a single autocommit statement, the ``BEGIN`` that opens a transaction,
or a whole transaction whose COMMIT was never sent (``retry_uncommitted``). A
connection lost during COMMIT leaves the outcome unknown, so that is raised.

``storage_problem`` is the one classification of storage failures, on either
engine, that the error boundary, ``doctor`` and the daily job share.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
_RETRY_FIRST_DELAY = 0.005
_RETRY_MAX_DELAY = 0.25
# SQLSTATE classes/codes of a lost PostgreSQL connection: 08 connection exception,
# 57P01 admin shutdown (pg_terminate_backend), 57P02 crash shutdown, 57P03 cannot connect now.
_LOST_SQLSTATES = ("08", "57P01", "57P02", "57P03")
T = TypeVar("T")
S = TypeVar("S")


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


def is_connection_lost(error: BaseException) -> bool:
    """The database server's connection went away under the statement (PostgreSQL)."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    cause: BaseException | None = error
    while cause is not None:
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if isinstance(state, str) and state.startswith(_LOST_SQLSTATES):
            return True
        if type(cause).__name__ in ("ConnectionDoesNotExistError", "ConnectionResetError"):
            return True
        cause = getattr(cause, "orig", None) or cause.__cause__
    return False


def is_transient(error: BaseException) -> bool:
    """What the retry policy retries: a locked SQLite file, or a lost server connection."""
    return is_locked(error) or is_connection_lost(error)


def _chain(error: BaseException) -> list[BaseException]:
    """The error and what caused it (SQLite can surface a failed ROLLBACK over a full disk)."""
    chain: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = getattr(cause, "orig", None) or cause.__cause__ or cause.__context__
    return chain


def storage_problem(error: BaseException) -> str | None:
    """What kind of storage failure ``error`` is: "full", "readonly", "locked", "unreachable"
    or None, on either engine, looking through what caused it.

    The one classification the error boundary, ``doctor`` and the daily job share.
    A read-only file, a read-only filesystem (EROFS surfaces as a write I/O error)
    and a file that vanished under the bot all mean "the database can't be
    written"; a lost or refused server connection means "unreachable".
    """
    for cause in _chain(error):
        problem = _one_problem(cause)
        if problem:
            return problem
    return None


def _one_problem(error: BaseException) -> str | None:
    if is_connection_lost(error) or isinstance(error, ConnectionRefusedError):
        return "unreachable"
    state = getattr(error, "sqlstate", None)
    if isinstance(state, str):  # PostgreSQL: 53100 disk full, 25006 read-only transaction
        return {"53100": "full", "25006": "readonly"}.get(state)
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


async def retry_transient(operation: Callable[[], Awaitable[T]], what: str,
                          may_retry: Callable[[], bool] = lambda: True) -> T:
    """Run ``operation``; while it fails transiently (``is_transient``), retry with backoff
    up to the busy timeout.

    The one storage retry policy. Only whole operations that either fully
    happened or did not happen at all are passed here; ``may_retry`` is asked
    after a failure when that depends on how far the operation got.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = _RETRY_FIRST_DELAY
    attempts = 0
    while True:
        try:
            return await operation()
        except Exception as error:
            if (not is_transient(error) or not may_retry()
                    or time.monotonic() + delay > deadline):
                raise
            attempts += 1
            if attempts == 1:
                log.info("database %s during %s; retrying for up to %d ms",
                         "locked" if is_locked(error) else "connection lost", what, BUSY_TIMEOUT_MS)
        await asyncio.sleep(delay)
        delay = min(delay * 2, _RETRY_MAX_DELAY)



async def retry_uncommitted(begin: Callable[[], AbstractAsyncContextManager[S]],
                            work: Callable[[S], Awaitable[T]], what: str) -> T:
    """``work`` in one transaction opened by ``begin``, re-run whole after a transient failure
    that came before COMMIT (so nothing of it was committed); ``work`` only touches the
    database. A failure during COMMIT is raised: whether it committed is unknown."""
    committing = False

    async def once() -> T:
        nonlocal committing
        committing = False
        async with begin() as statements:
            result = await work(statements)
            committing = True  # the block's exit sends COMMIT
        return result

    return await retry_transient(once, what, may_retry=lambda: not committing)
