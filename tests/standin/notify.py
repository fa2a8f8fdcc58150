"""Waiting for the bot to do something, without sleeps.

Every state change in the stand-in calls ``notify()``; ``wait_for`` re-checks its
predicate after each change until it holds or the timeout expires.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


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
                    await changed.wait()
        except TimeoutError:
            raise TimeoutError(f"stand-in: timed out after {timeout}s waiting for {what}") from None
