"""``--data DIR`` twice: the same server, the same commands, the bot's database carried over."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playground import controls, views
from playground.core import Playground


async def test_a_second_run_on_the_same_folder_finds_the_same_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    async with Playground.running(data, port=0, minute_seconds=0.1) as first:
        group, standin = first.group, first.standin
        setup = await controls.slash(first, {
            "member": group.organiser_id, "channel": group.channels["general"],
            "path": "daily setup", "options": {"channel": group.channels["daily-prompt"],
                                               "time": "00:00", "timezone": "UTC"}})
        answered = standin.responses.by_id[int(setup["interaction_id"])]
        assert f"<#{group.channels['daily-prompt']}>" in str(await answered.wait_message())
        moved = await controls.advance_day(first, {})
        used = views.used_commands(standin)  # what "Olivia used /…" says over each reply
        assert used[setup["interaction_id"]] == "daily setup"
        assert [used[i] for i in moved["interaction_ids"]] == ["daily setup", "daily now"]
        first_app = standin.app_id
        assert len(standin.command_syncs) == 1
    assert (data / "standin.json").exists()

    async with Playground.running(data, port=0, minute_seconds=0.1) as second:
        assert second.group == group and second.standin.app_id == first_app
        # The bot remembered its last sync and did not sync again: the commands are Discord's memory.
        assert second.standin.command_syncs == []
        assert {c["name"] for c in second.standin.registered_commands(None)} >= {"daily", "check"}
        status = second.standin.slash(group.organiser_id, group.channels["general"],
                                      "daily status", {})
        reply = await status.wait_message()
        assert f"<#{group.channels['daily-prompt']}>" in str(reply["embeds"])
        assert "00:00" in str(reply["embeds"])
        persisted = await second.supervisor.persisted()
        assert persisted["daily_schedules"] == 1
        # "Post tomorrow's prompt now" carries on from where the last run left the cohort.
        assert second.daily is not None and second.daily.start_date == moved["start_date"]
        again = await controls.advance_day(second, {})
        assert date.fromisoformat(again["start_date"]) == (
            date.fromisoformat(moved["start_date"]) - timedelta(days=1))
        daily = group.channels["daily-prompt"]
        await second.standin.wait_until(
            lambda: any("Day 3 ·" in str(m["embeds"]) for m in second.standin.channel_messages(daily)),
            timeout=10, what="day 3's post")
