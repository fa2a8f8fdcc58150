"""REST plumbing: route templates, request recording, auth, faults and rate limits.

Handlers receive a ``Call`` (parsed params, JSON or multipart body) and return
``(status, body)`` or raise ``ApiError``. Every request, good or bad, is recorded with
its route template so tests can assert on what the bot actually sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from standin.errors import ApiError, unauthorized
from standin.notify import Notifier
from standin.traffic import VIA, Fault, FaultPlan, RateLimiter, TooManyRequests

log = logging.getLogger(__name__)
_MAJOR = ("channel_id", "guild_id", "webhook_id")


@dataclass
class RecordedFile:
    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class RecordedRequest:
    """One HTTP request as the stand-in received and answered it."""

    method: str
    route: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    at: float
    status: int = 0
    response: Any = None
    # an "ambiguous" fault: the handler ran (the message exists) but the answer was a 5xx
    ambiguous: bool = False

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """As sent; for interaction callbacks, from the ``data`` of the response."""
        body = self.json.get("data") if self.route.endswith("/callback") and self.json else self.json
        return body.get("allowed_mentions") if isinstance(body, dict) else None


@dataclass
class Call:
    """What a handler gets: path params (ids as int), body, and the record to annotate."""

    params: dict[str, Any]
    json: Any
    files: list[RecordedFile]
    record: RecordedRequest
    query: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Call], Awaitable[tuple[int, Any]]]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    authenticated: bool
    pattern: re.Pattern[str]


async def _invalid_json(_: Call) -> tuple[int, Any]:
    raise ApiError(400, 50109, "The request body contains invalid JSON.")


def _compile(template: str) -> re.Pattern[str]:
    regex = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(f"^{regex}$")


_INVALID_JSON = Route("*", "<invalid json>", _invalid_json, False, _compile("<invalid json>"))


def _param(value: str) -> Any:
    return int(value) if value.isdigit() else value


async def _read_body(request: web.Request) -> tuple[Any, list[RecordedFile]]:
    """JSON body, or multipart ``payload_json`` + ``files[n]`` as discord.py sends them."""
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            data = await part.read()  # type: ignore[union-attr]
            if part.name == "payload_json":
                payload = json.loads(data)
            else:
                files.append(RecordedFile(part.name or "", part.filename or "",  # type: ignore[union-attr]
                                          part.headers.get("Content-Type", ""), bytes(data)))
        return payload, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []


class Router:
    """Matches ``/api/v10/...`` paths to handlers and applies Discord's gatekeeping first."""

    def __init__(self, token: str, faults: FaultPlan, limiter: RateLimiter,
                 notifier: Notifier) -> None:
        self.token = token
        self.faults = faults
        self.limiter = limiter
        self.notifier = notifier
        self.routes: list[Route] = []
        self.records: list[RecordedRequest] = []
        self.internal_errors: list[BaseException] = []

    def add(self, method: str, template: str, handler: Handler, *,
            authenticated: bool = True) -> None:
        """Register a handler; routes with a token in the path need no Authorization header."""
        self.routes.append(Route(method, template, handler, authenticated, _compile(template)))

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, Any]]:
        for route in self.routes:
            if route.method == method and (found := route.pattern.match(path)):
                return route, {k: _param(v) for k, v in found.groupdict().items()}
        return None, {}

    async def handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        route, params = self._match(request.method, path)
        try:
            body, files = await _read_body(request)
        except ValueError:  # json.JSONDecodeError included
            body, files, route = None, [], _INVALID_JSON
        record = RecordedRequest(request.method, route.template if route else "?", path,
                                 dict(request.query), body, files, time.monotonic())
        self.records.append(record)
        headers = dict(VIA)
        try:
            if route is None:
                raise ApiError(404, 0, "404: Not Found")
            status, answer = await self._guarded(request, route, Call(params, body, files, record,
                                                                     dict(request.query)), headers)
        except TooManyRequests as error:
            status, answer = 429, error.body()
            headers.update(error.headers)
        except ApiError as error:
            status, answer = error.status, error.body()
        except Exception as error:  # a stand-in bug: keep it for the fixture to report
            log.exception("stand-in handler for %s %s crashed", request.method, path)
            self.internal_errors.append(error)
            status, answer = 500, {"message": "stand-in internal error", "code": 0}
        record.status, record.response = status, answer
        self.notifier.notify()
        if status == 204:
            return web.Response(status=204, headers=headers)
        if isinstance(answer, str):
            return web.Response(status=status, text=answer, content_type="text/html",
                                headers=headers)
        # Exactly "application/json", no charset: discord.py compares the header verbatim.
        return web.Response(status=status, body=json.dumps(answer).encode(),
                            content_type="application/json", headers=headers)

    async def _guarded(self, request: web.Request, route: Route, call: Call,
                       headers: dict[str, str]) -> tuple[int, Any]:
        if route.authenticated and request.headers.get("Authorization") != f"Bot {self.token}":
            raise unauthorized()
        if route.authenticated:
            # Counted on arrival, as Discord counts it: a request that is then slow to be
            # served (a ``delay`` fault) does not land in a later one-second window.
            self.limiter.check_global()
        ambiguous: Fault | None = None
        for fault in self.faults.take(request.method, route.template, call.record.path):
            if fault.kind == "delay":
                await asyncio.sleep(fault.seconds)
            elif fault.kind == "ratelimit":
                raise TooManyRequests(fault.seconds, global_=fault.global_, scope="user")
            elif fault.kind == "fail":
                return _failure(fault.status)
            elif fault.kind == "ambiguous":
                ambiguous = fault
        major = next((str(call.params[k]) for k in _MAJOR if k in call.params), "")
        headers.update(self.limiter.check_bucket(route.template, major))
        answer = await route.handler(call)
        if ambiguous is not None:
            # The request took effect, but the edge lost the answer: the caller cannot tell.
            call.record.ambiguous = True
            return _failure(ambiguous.status)
        return answer


def _failure(status: int) -> tuple[int, Any]:
    """A 5xx as Discord's edge sends it: 500 as JSON, 502/503/504 as an HTML page."""
    if status == 500:
        return status, {"message": "500: Internal Server Error", "code": 0}
    return status, f"<html><body>{status} Bad Gateway</body></html>"
