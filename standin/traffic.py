"""Rate limits and injected faults: the two ways Discord refuses a well-formed request.

Headers follow Discord: every rate-limited route answers with ``X-RateLimit-Limit``,
``-Remaining``, ``-Reset``, ``-Reset-After`` and ``-Bucket``; a 429 carries
``Retry-After``, ``X-RateLimit-Scope`` and a JSON body with ``retry_after`` and ``global``.
Every response carries ``Via``, which discord.py checks to tell Discord's 429s from
Cloudflare bans.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from standin.errors import ApiError

VIA = {"Via": "1.1 google"}


@dataclass
class Fault:
    """One injected misbehaviour for the next ``times`` requests matching method and pattern."""

    method: str
    pattern: str
    kind: str
    times: int = 1
    status: int = 500
    seconds: float = 0.0
    global_: bool = False

    def matches(self, method: str, route: str, path: str) -> bool:
        method_ok = self.method in ("*", method)
        return method_ok and (fnmatchcase(route, self.pattern) or fnmatchcase(path, self.pattern))


class FaultPlan:
    """Queued faults, consumed in the order they were added."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        self.pending.append(fault)

    def take(self, method: str, route: str, path: str) -> list[Fault]:
        """Consume one use of every matching fault (a delay and a failure can combine)."""
        taken = []
        for fault in list(self.pending):
            if fault.matches(method, route, path):
                fault.times -= 1
                taken.append(fault)
                if fault.times == 0:
                    self.pending.remove(fault)
        return taken


class TooManyRequests(ApiError):
    """A 429 with Discord's headers and body."""

    def __init__(self, retry_after: float, *, global_: bool, scope: str) -> None:
        super().__init__(429, 0, "You are being rate limited.")
        self.retry_after = retry_after
        self.global_ = global_
        self.headers = {"Retry-After": str(max(1, math.ceil(retry_after))),
                        "X-RateLimit-Scope": scope}
        if global_:
            self.headers["X-RateLimit-Global"] = "true"

    def body(self) -> dict[str, Any]:
        return {"message": self.message, "retry_after": self.retry_after,
                "global": self.global_, "code": 0}


@dataclass
class _Window:
    started: float
    count: int = 0


class RateLimiter:
    """Fixed-window buckets per (route, major parameter), plus the global per-second limit."""

    def __init__(self, bucket_limit: int, bucket_window: float, global_limit: int) -> None:
        self.bucket_limit = bucket_limit
        self.bucket_window = bucket_window
        self.global_limit = global_limit
        self._buckets: dict[tuple[str, str], _Window] = {}
        self._global = _Window(0.0)

    def check_global(self) -> None:
        now = time.monotonic()
        if now - self._global.started >= 1.0:
            self._global = _Window(now)
        self._global.count += 1
        if self._global.count > self.global_limit:
            retry_after = round(1.0 - (now - self._global.started), 3)
            raise TooManyRequests(max(retry_after, 0.001), global_=True, scope="global")

    def check_bucket(self, route: str, major: str) -> dict[str, str]:
        """Count a request against its bucket; the headers to send, or raise 429."""
        now = time.monotonic()
        window = self._buckets.get((route, major))
        if window is None or now - window.started >= self.bucket_window:
            window = self._buckets[(route, major)] = _Window(now)
        window.count += 1
        reset_after = round(self.bucket_window - (now - window.started), 3)
        if window.count > self.bucket_limit:
            raise TooManyRequests(reset_after, global_=False, scope="user")
        return {
            "X-RateLimit-Limit": str(self.bucket_limit),
            "X-RateLimit-Remaining": str(self.bucket_limit - window.count),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": hashlib.sha1(route.encode(), usedforsecurity=False).hexdigest()[:16],
        }
