"""The page's server: one static page, a JSON API for member actions, and a live event stream.

Everything a member does goes through the stand-in's member actions (the same ones the
end-to-end tests use), so the bot sees exactly what Discord would send it. The page gets
world changes as server-sent events from the stand-in's feed (``World.watch``).
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from playground import controls, views
from playground.controls import Playground
from standin import StandInUsageError

STATIC = Path(__file__).parent / "static"
KEEPALIVE_SECONDS = 15.0
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PLAYGROUND: web.AppKey[Playground] = web.AppKey("playground", Playground)


def build_app(playground: Playground) -> web.Application:
    app = web.Application()
    app[PLAYGROUND] = playground
    app.router.add_get("/", _index)
    app.router.add_static("/static", STATIC)
    app.router.add_get("/api/state", _state)
    app.router.add_get("/api/events", _events)
    app.router.add_get("/attachments/{attachment_id}/{filename}", _attachment)
    for name, action in controls.ACTIONS.items():
        app.router.add_post(f"/api/{name}", _action(action))
    return app


def _pg(request: web.Request) -> Playground:
    return request.app[PLAYGROUND]


async def _index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def _state(request: web.Request) -> web.Response:
    playground = _pg(request)
    return web.json_response(views.snapshot(playground.standin, playground.group,
                                            playground.supervisor.status.payload()))


async def _attachment(request: web.Request) -> web.Response:
    """Files the bot uploaded: images inline, everything else as a download."""
    data = _pg(request).standin.world.attachments.get(int(request.match_info["attachment_id"]))
    if data is None:
        raise web.HTTPNotFound()
    filename = request.match_info["filename"]
    kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    headers = {} if kind.startswith("image/") else {
        "Content-Disposition": f'attachment; filename="{filename.replace(chr(34), "")}"'}
    return web.Response(body=data, content_type=kind, headers=headers)


def _action(action: Callable[[Playground, dict[str, Any]], Awaitable[dict[str, Any]]]) -> Handler:
    """POST JSON in, JSON out; what Discord's client would refuse comes back as a 400 message."""
    async def handle(request: web.Request) -> web.Response:
        # JSON only: another web site cannot send that to 127.0.0.1 without a CORS preflight,
        # which this server never grants; a foreign Host header means DNS rebinding.
        if request.content_type != "application/json" or request.host.split(":")[0] not in LOCAL_HOSTS:
            return web.json_response({"error": "only the playground page may do that"}, status=403)
        try:
            body = await request.json()
        except ValueError:
            return web.json_response({"error": "the request was not JSON"}, status=400)
        try:
            return web.json_response(await action(_pg(request), body))
        except (StandInUsageError, controls.RefusedError) as error:
            return web.json_response({"error": str(error)}, status=400)
        except (KeyError, TypeError, ValueError) as error:
            return web.json_response({"error": f"bad request: {error!r}"}, status=400)
    return handle


async def _events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: each world change the page shows, and the bot's state."""
    playground = _pg(request)
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def feed(event: str, data: dict[str, Any]) -> None:
        if event in views.PAGE_EVENTS or event.startswith("PLAYGROUND_"):
            queue.put_nowait(json.dumps({"t": event, "d": data}))

    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-store"})
    await response.prepare(request)
    unsubscribe = playground.standin.world.watch(feed)
    playground.streams.add(queue)
    try:
        await response.write(b": connected\n\n")
        while True:
            try:
                async with asyncio.timeout(KEEPALIVE_SECONDS):
                    text = await queue.get()
            except TimeoutError:
                await response.write(b": keepalive\n\n")
                continue
            if text is None:  # the playground is stopping
                break
            await response.write(f"data: {text}\n\n".encode())
    except ConnectionResetError:
        pass  # the page was closed or reloaded
    finally:
        unsubscribe()
        playground.streams.discard(queue)
    return response
