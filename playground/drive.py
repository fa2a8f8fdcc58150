"""Driving the page as a person would, with Playwright: shared by the browser tests and the
screenshot script so both click through the same controls.

Every helper acts on the visible page (typing ``/``, picking from the list, filling the
option fields, pressing Enter); none of them calls the page's API directly.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

TIMEOUT_MS = 15_000
#: Debian's chromium (``apt-get install chromium``); Playwright's own browsers are never downloaded.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")
VIEWPORT = {"width": 1400, "height": 860}


@contextlib.asynccontextmanager
async def browser_page(url: str, **context: Any) -> AsyncIterator[Any]:
    """A headless Chromium tab on ``url``, once the page shows the bot online.

    ``context`` goes to Playwright's ``new_context`` (``timezone_id``, ``locale``, ...).
    """
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM),
                                               args=list(CHROMIUM_ARGS))
        try:
            page = await (await browser.new_context(viewport=VIEWPORT, **context)).new_page()
            await page.goto(url)
            await page.wait_for_selector("#bot-status.online", timeout=30_000)
            yield page
        finally:
            await browser.close()


async def act_as(page: Any, name: str) -> None:
    """Pick a member in the "Acting as" switcher."""
    await page.select_option("#member-switcher", label=_switcher_label(await page.locator(
        "#member-switcher option").all_text_contents(), name))


def _switcher_label(labels: list[str], name: str) -> str:
    return next(label for label in labels if label == name or label.startswith(f"{name} ("))


async def open_channel(page: Any, name: str) -> None:
    """Click a channel or thread in the sidebar by its (start of its) name."""
    await page.locator("#channel-list .channel", has_text=name).first.click()
    await page.wait_for_function(
        "name => document.querySelector('#channel-title').textContent.includes(name)", arg=name)


async def say(page: Any, text: str) -> None:
    """Type a message in the composer and send it."""
    await page.fill("#composer-input", text)
    await page.press("#composer-input", "Enter")


async def run_command(page: Any, path: str, options: dict[str, str] | None = None,
                      autocomplete: dict[str, str] | None = None) -> None:
    """``/path``: type it, pick it from the list, fill the options, press Enter.

    ``options`` are typed or chosen by their visible label; ``autocomplete`` options are
    typed and the bot's suggestion with that value is clicked.
    """
    await page.fill("#composer-input", "")
    await page.type("#composer-input", f"/{path}")
    await page.click(f'.cmd-item[data-path="{path}"]', timeout=TIMEOUT_MS)
    for name, value in (options or {}).items():
        field = page.locator(f'#command-form [data-option="{name}"]')
        if await field.evaluate("element => element.tagName") == "SELECT":
            await field.select_option(label=value)
        else:
            await field.fill(value)
    for name, value in (autocomplete or {}).items():
        field = page.locator(f'#command-form [data-option="{name}"]')
        await field.fill("")
        await field.type(value[:3])
        await page.click(f'.suggestion[data-value="{value}"]', timeout=TIMEOUT_MS)
    await page.press("#composer-input", "Enter")


async def last_message(page: Any, selector: str = ".message") -> Any:
    return page.locator(f"#messages {selector}").last
