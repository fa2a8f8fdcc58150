"""Background tasks that are never fire-and-forget.

``asyncio.create_task`` keeps only a weak reference: a task nobody holds can
be garbage-collected mid-flight, and an exception in it is only reported when
it is. ``BackgroundTasks`` holds every task until it ends and logs failures.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._awaited: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str,
              awaited: bool = False) -> asyncio.Task[Any]:
        """Run ``coro`` as a held task. ``awaited``: a caller awaits it and reports its
        failure itself, so it is not logged here a second time."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        if awaited:
            self._awaited.add(task)
        task.add_done_callback(self._finished)
        return task

    def abandoned(self, task: asyncio.Task[Any]) -> None:
        """The caller that awaited ``task`` is gone (cancelled): log its failure here."""
        self._awaited.discard(task)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled() or task in self._awaited:
            self._awaited.discard(task)
            return
        error = task.exception()
        if error is not None:
            log.error("background task %s failed", task.get_name(), exc_info=error)

    def __len__(self) -> int:
        return len(self._tasks)

    async def close(self, grace_seconds: float = 10.0) -> None:
        """Let running tasks finish for up to ``grace_seconds``, then cancel the rest."""
        if not self._tasks:
            return
        pending = set(self._tasks)
        if grace_seconds > 0:
            _, pending = await asyncio.wait(pending, timeout=grace_seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
