"""The playground page in a real headless Chromium: a whole study-group flow, and a restart.

Each step is done the way a person would (typing ``/``, picking the command, filling its
options, clicking buttons, switching members) and checked on what the page shows. A
screenshot of every step lands in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from playground.core import Playground
from playground.drive import CHROMIUM, act_as, browser_page, open_channel, run_command, say

WAIT_MS = 20_000
HAVE_CHROMIUM = CHROMIUM.exists()
ANSWER = ("Requirements first: shoppers add items and check out; assume 20M DAU and 5K writes/s at "
          "peak with p99 < 200 ms. The cart service writes to DynamoDB with Multi-AZ replicas; if "
          "the payment call times out we retry with backoff and an idempotency key, and the shopper "
          "sees 'order pending' instead of a double charge.")


async def shot(page: Any, folder: Path, name: str) -> None:
    await page.screenshot(path=str(folder / f"{name}.png"))


def message_with(page: Any, text: str) -> Any:
    return page.locator("#messages .message", has_text=text).last


async def test_a_whole_study_group_flow_through_the_page(playground: Playground, page: Any,
                                                         tmp_path: Path) -> None:
    # 1. The organiser sets up the daily prompt and moves the cohort on a day.
    await open_channel(page, "general")
    await run_command(page, "daily setup", {"channel": "#daily-prompt", "time": "00:00"},
                      autocomplete={"timezone": "UTC"})
    setup = message_with(page, "Only you can see this")
    await setup.wait_for(timeout=WAIT_MS)
    assert "/daily setup" in await setup.inner_text()
    # Next post 00:00 UTC, shown as <t:…:F> in the viewer's zone (Tokyo, UTC+9): 09:00.
    next_post = await setup.locator('.ts[data-style="F"]').first.inner_text()
    assert "09:00" in next_post, next_post
    await shot(page, tmp_path, "1a-daily-setup")
    await page.click("#advance-day")
    await open_channel(page, "daily-prompt")
    day_two = page.locator("#messages .embed", has_text="Day 2 ·")
    await day_two.first.wait_for(timeout=WAIT_MS)
    titles = await page.locator("#messages .embed-title").all_inner_texts()
    assert any(t.startswith("Day 1") for t in titles) and any("Day 2" in t for t in titles), titles
    hint = page.locator("#messages .spoiler").last
    assert "revealed" not in (await hint.get_attribute("class") or "")
    await hint.click()
    assert "revealed" in (await hint.get_attribute("class") or "")
    await shot(page, tmp_path, "1b-advanced-a-day")

    # 2. The post's thread: a member answers, a real MESSAGE_CREATE the bot sees.
    await page.locator("#messages .thread-link", has_text="Day 2").click()
    await act_as(page, "Ada")
    await say(page, ANSWER)
    mine = message_with(page, "assume 20M DAU")
    await mine.wait_for(timeout=WAIT_MS)
    assert "Ada" in await mine.inner_text()
    thread_id = await page.locator("#messages").get_attribute("data-showing")
    seen = [m for m in playground.standin.channel_messages(int(thread_id))
            if m["author"]["username"] == "Ada"]
    assert [m["content"] for m in seen] == [ANSWER]
    # The bot saw it: it marks a counted daily answer with a reaction, shown live on the message.
    await mine.locator(".reaction").wait_for(timeout=WAIT_MS)
    await shot(page, tmp_path, "2-member-answers-in-thread")

    # 3. /check through the modal; the review is Ada's alone.
    await run_command(page, "check")
    await page.wait_for_selector("#modal-backdrop:not([hidden])", timeout=WAIT_MS)
    await shot(page, tmp_path, "3a-check-modal")
    await page.locator("#modal textarea, #modal input").first.fill(ANSWER)
    await page.click("#modal button[type=submit]")
    review = page.locator("#messages .message.ephemeral", has_text="Customer First")
    await review.last.wait_for(timeout=WAIT_MS)
    assert "Only you can see this" in await review.last.inner_text()
    await shot(page, tmp_path, "3b-ephemeral-review")
    await act_as(page, "Ben")
    assert await page.locator("#messages .message.ephemeral", has_text="Customer First").count() == 0

    # 4. Two members play a five-phase mock to the scorecard, at 1 s per session minute.
    await page.select_option("#speed", label="60× (1 s/min)")
    await page.locator("#messages .notice", has_text="Bot restarted").wait_for(timeout=30_000)
    await page.wait_for_selector("#bot-status.online", timeout=30_000)
    assert playground.supervisor.env()["MOCK_MINUTE_SECONDS"] == "1"
    await open_channel(page, "mock-interviews")
    await run_command(page, "mock start", {"minutes": "1,1,1,1,1"})
    ready = page.locator("#messages .message.ephemeral .channel-mention")
    await ready.last.wait_for(timeout=WAIT_MS)
    await ready.last.click()
    lobby_join = page.locator("#messages button.btn", has_text="Candidate")
    await lobby_join.first.wait_for(timeout=WAIT_MS)
    await shot(page, tmp_path, "4a-mock-lobby")
    await act_as(page, "Ada")
    await lobby_join.first.click()
    await act_as(page, "Ben")
    await page.locator("#messages button.btn", has_text="Interviewer").first.click()
    await page.locator("#messages button.btn", has_text="Start").first.click()
    await page.locator("#messages .embed-title", has_text="Phase 1/5").first.wait_for(timeout=WAIT_MS)
    await act_as(page, "Ada")
    await say(page, "Clarifying first: who are the users, and what is the peak write rate?")
    await page.locator("#messages .embed-title", has_text="Phase 5/5").first.wait_for(timeout=WAIT_MS)
    scorecard = page.locator("#messages .embed-title", has_text="Scorecard")
    await scorecard.first.wait_for(timeout=60_000)
    phases = await page.locator("#messages .embed-title", has_text="Phase").all_inner_texts()
    assert [p.split(" · ")[0] for p in phases] == [f"Phase {i}/5" for i in range(1, 6)]
    # The round's last edits (the lobby marked ended, the archive) re-render the message list
    # while the scorecard arrives: scroll in the page, not through Playwright's stability wait.
    await scorecard.first.evaluate("element => element.scrollIntoView({block: 'center'})")
    await shot(page, tmp_path, "4b-mock-scorecard")
    await act_as(page, "Ada")
    await run_command(page, "mock export")
    download = page.locator("#messages .message.ephemeral .attachment-file a[download]").last
    await download.wait_for(timeout=WAIT_MS)
    exported = await page.request.get(playground.url.rstrip("/") + await download.get_attribute("href"))
    assert exported.ok and "attachment" in exported.headers["content-disposition"]
    assert "## 1. Requirements" in await exported.text()
    await shot(page, tmp_path, "4c-mock-export")

    # 5. /progress shows its chart.
    await run_command(page, "progress")
    chart = page.locator("#messages .message img.attachment-image").last
    await chart.wait_for(timeout=WAIT_MS)
    await page.wait_for_function(
        "() => [...document.querySelectorAll('#messages img.attachment-image')]"
        ".some(img => img.complete && img.naturalWidth > 100)", timeout=WAIT_MS)
    await chart.scroll_into_view_if_needed()
    await shot(page, tmp_path, "5-progress-chart")
    assert playground.standin.token not in await page.content()


async def test_restart_from_the_page_keeps_the_database(playground: Playground, page: Any,
                                                        tmp_path: Path) -> None:
    await run_command(page, "daily setup", {"channel": "#daily-prompt", "time": "00:00"},
                      autocomplete={"timezone": "UTC"})
    await message_with(page, "Only you can see this").wait_for(timeout=WAIT_MS)
    first_pid = playground.supervisor.pid
    await page.click("#restart-bot")
    notice = page.locator("#messages .notice", has_text="Bot restarted")
    await notice.wait_for(timeout=30_000)
    await page.wait_for_selector("#bot-status.online", timeout=30_000)
    text = await notice.inner_text()
    assert playground.supervisor.pid != first_pid and str(playground.supervisor.pid) in text
    assert "daily_schedules 1" in text and "daily_posts 1" in text, text
    await run_command(page, "daily status")
    status = message_with(page, "#daily-prompt")
    await status.wait_for(timeout=WAIT_MS)
    assert "00:00" in await status.inner_text()
    await shot(page, tmp_path, "restart")


async def test_closing_the_page_ends_its_live_stream(playground: Playground) -> None:
    if not HAVE_CHROMIUM:
        pytest.skip("needs Debian's chromium (apt-get install chromium; .ci/run does it)")
    async with browser_page(playground.url):
        await playground.standin.wait_until(lambda: len(playground.streams) == 1, timeout=10,
                                            what="the page's event stream")
    await playground.standin.wait_until(lambda: not playground.streams, timeout=10,
                                        what="the closed page's stream to end")
    assert playground.supervisor.status.state == "online"  # closing a page stops nothing
