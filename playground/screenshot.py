"""``python -m playground.screenshot docs/playground.png``: the README's picture, regenerated.

Runs a fresh playground in a temporary folder, walks a short study-group morning through
the page in headless Chromium (the organiser sets up the daily prompt and moves a day on,
Ada answers in the thread, checks her answer and opens her progress) and saves the page.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from playground.core import Playground
from playground.drive import (
    CHROMIUM,
    TIMEOUT_MS,
    act_as,
    browser_page,
    open_channel,
    run_command,
    say,
)

ANSWER = ("Assume 5K checkouts/min at peak, p99 < 300 ms. A timed-out payment call is retried with "
          "the same idempotency key; until the provider answers, the shopper sees 'payment pending' "
          "and is never charged twice. Multi-AZ queue, DLQ after 5 tries.")


async def take(target: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="bar-raiser-screenshot-") as folder:
        async with Playground.running(Path(folder), 0, 0.1) as playground, \
                browser_page(playground.url) as page:
            await run_command(page, "daily setup", {"channel": "#daily-prompt", "time": "00:00"},
                              autocomplete={"timezone": "UTC"})
            await page.locator(".message.ephemeral").first.wait_for(timeout=TIMEOUT_MS)
            await page.click("#advance-day")
            await open_channel(page, "daily-prompt")
            await page.locator("#messages .thread-link", has_text="Day 2").click(timeout=TIMEOUT_MS)
            await act_as(page, "Ada")
            await say(page, ANSWER)
            await page.locator("#messages .reaction").first.wait_for(timeout=TIMEOUT_MS)
            await run_command(page, "check")
            await page.locator("#modal textarea").fill(ANSWER)
            await page.click("#modal button[type=submit]")
            await page.locator(".message.ephemeral").last.wait_for(timeout=TIMEOUT_MS)
            await run_command(page, "progress")
            await page.wait_for_function(
                "() => [...document.querySelectorAll('#messages img.attachment-image')]"
                ".some(img => img.complete && img.naturalWidth > 100)", timeout=TIMEOUT_MS)
            await page.locator("#messages img.attachment-image").last.scroll_into_view_if_needed()
            await page.screenshot(path=str(target))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m playground.screenshot OUT.png", file=sys.stderr)
        return 2
    if not CHROMIUM.exists():
        print(f"error: needs {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    target = Path(argv[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(take(target))
    print(f"saved {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
