"""Fixtures for the playground: a running playground and a headless Chromium looking at it.

The browser is Debian's ``chromium`` driven by Playwright (never ``playwright install``);
``.ci/run`` installs it when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from playground.core import Playground
from playground.drive import CHROMIUM, browser_page

HAVE_CHROMIUM = CHROMIUM.exists()
VIEWER_ZONE = "Asia/Tokyo"  # UTC+9, no daylight saving


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep the test's own outcome on the item, so ``page`` can photograph a failure."""
    report = yield
    if report.when == "call":
        item.report_call = report  # type: ignore[attr-defined]
    return report


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[Playground]:
    """The stand-in, the study group and ``python -m bot run`` at 0.1 s per mock minute."""
    async with Playground.running(tmp_path / "data", port=0, minute_seconds=0.1) as running:
        yield running


@pytest.fixture
async def page(playground: Playground, tmp_path: Path,
               request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """A Chromium tab on the playground page, the bot shown online; photographed on failure."""
    if not HAVE_CHROMIUM:
        pytest.skip("needs Debian's chromium (apt-get install chromium; .ci/run does it)")
    # A viewer far from UTC: Discord timestamps must show in the viewer's own time.
    async with browser_page(playground.url, timezone_id=VIEWER_ZONE, locale="en-GB") as tab:
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        yield tab
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            await tab.screenshot(path=str(tmp_path / "failure.png"))
        assert errors == [], f"the page raised: {errors}"
