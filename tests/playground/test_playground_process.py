"""``python -m bot playground`` as a user runs it: what it prints, the token it never shows,
and that Ctrl-C or SIGTERM leaves no process behind."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp
import psutil
import pytest

from standin.harness import REPO_ROOT

START_WITHIN = 60.0
STOP_WITHIN = 30.0


async def start_playground(tmp_path: Path) -> tuple[asyncio.subprocess.Process, list[str]]:
    """Start it in its own process group (as a shell does), return it and its first two lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "playground", "--port", "0", "--data", str(tmp_path / "data"),
        "--speed", "0.1", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, start_new_session=True)
    assert process.stdout is not None
    async with asyncio.timeout(START_WITHIN):
        lines = [(await process.stdout.readline()).decode().strip() for _ in range(2)]
    return process, lines


def bot_children(process: asyncio.subprocess.Process) -> list[psutil.Process]:
    return [child for child in psutil.Process(process.pid).children(recursive=True)
            if child.cmdline()[-3:] == ["-m", "bot", "run"]]


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
async def test_stopping_leaves_no_process_behind(tmp_path: Path, how: str) -> None:
    process, lines = await start_playground(tmp_path)
    try:
        assert re.fullmatch(r"Bar Raiser playground: http://127\.0\.0\.1:\d+/ .*", lines[0]), lines
        assert lines[1] == "Press Ctrl-C to stop the playground and the bot."
        [bot] = bot_children(process)
        everything = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
        if how == "ctrl-c":  # the terminal sends SIGINT to the whole foreground group
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(STOP_WITHIN):
            code = await process.wait()
        assert code == 0
        gone, alive = psutil.wait_procs(everything, timeout=5)
        assert alive == [] and bot in gone
        assert (tmp_path / "data" / "bar-raiser.db").exists()
    finally:
        if process.returncode is None:
            os.killpg(process.pid, signal.SIGKILL)
            await process.wait()


async def test_the_page_never_shows_the_token(tmp_path: Path) -> None:
    """Not in the page, its scripts, its state or its live events, not even across a restart."""
    process, lines = await start_playground(tmp_path)
    url = re.search(r"http://127\.0\.0\.1:\d+/", lines[0]).group(0)
    try:
        [bot] = bot_children(process)
        token = bot.environ()["DISCORD_TOKEN"]
        assert token.count(".") == 2
        seen = []
        async with aiohttp.ClientSession() as http:
            for path in ("", "static/app.js", "static/render.js", "static/composer.js",
                         "static/markdown.js", "static/style.css", "api/state"):
                async with http.get(url + path) as response:
                    assert response.status == 200
                    seen.append(await response.text())
            async with http.get(url + "api/events") as events:
                state = json.loads(seen[-1])
                general = state["default_channel"]
                organiser = next(m["id"] for m in state["members"] if m["organiser"])
                async with http.post(url + "api/slash", json={
                        "member": organiser, "channel": general, "path": "help"}) as ran:
                    assert ran.status == 200
                async with http.post(url + "api/restart", json={}) as restarted:
                    assert restarted.status == 200
                    seen.append(await restarted.text())
                async with asyncio.timeout(START_WITHIN):
                    while "PLAYGROUND_RESTARTED" not in seen[-1]:
                        seen.append((await events.content.readline()).decode())
            async with http.get(url + "api/state") as response:
                seen.append(await response.text())
            # Another web site's form post (no JSON content type) or a rebound host name is refused.
            async with http.post(url + "api/message", data=json.dumps({
                    "member": organiser, "channel": general, "content": "hi"})) as forged:
                assert forged.status == 403
            async with http.post(url + "api/message", headers={"Host": "evil.example"}, json={
                    "member": organiser, "channel": general, "content": "hi"}) as rebound:
                assert rebound.status == 403
        page_text = "\n".join(seen)
        assert "Bar Raiser" in page_text
        assert token not in page_text
        assert token.split(".")[2] not in page_text  # not even its secret part
    finally:
        os.killpg(process.pid, signal.SIGINT)
        async with asyncio.timeout(STOP_WITHIN):
            await process.wait()


async def test_a_bot_that_cannot_start_is_reported_not_hidden(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Broken content: the bot exits at once; the page is told why and the playground stays up."""
    from playground.core import Playground

    monkeypatch.setenv("CONTENT_DIR", str(tmp_path / "no-such-content"))
    async with Playground.running(tmp_path / "data", port=0, minute_seconds=0.1) as playground:
        status = playground.supervisor.status
        assert status.state == "crashed"
        assert "exited with code 2" in status.detail and "content" in status.detail.lower()
        async with aiohttp.ClientSession() as http, http.get(playground.url + "api/state") as page:
            assert (await page.json())["bot"]["state"] == "crashed"
