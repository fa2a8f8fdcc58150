"""Waiting for the bot to do something, without sleeps.

Every state change in the stand-in calls ``notify()``; ``wait_for`` re-checks its
predicate after each change until it holds or the timeout expires. It also re-checks
every ``POLL_SECONDS``, so predicates on things outside the stand-in (a subprocess's
log file, the bot's database) work too.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL_SECONDS = 0.05


class Notifier:
    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, probe: Callable[[], T | None], timeout: float, what: str) -> T:  # noqa: ASYNC109 (names what timed out)
        """Return the first truthy ``probe()`` result; TimeoutError naming ``what`` otherwise."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    changed = self._changed
                    result = probe()
                    if result:
                        return result
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(POLL_SECONDS):
                            await changed.wait()
        except TimeoutError:
            raise TimeoutError(f"stand-in: timed out after {timeout}s waiting for {what}") from None
