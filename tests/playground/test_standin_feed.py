"""The stand-in's watcher feed (``World.watch``), which the playground page is built on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from standin import StandIn, harness
from standin.actions import TEXT_INPUT, walk_components

ANSWER = "Assume 20M DAU and 5K writes/s; Multi-AZ with failover; p99 < 200 ms for shoppers."


async def test_watchers_see_what_only_the_member_sees_and_the_bot_never_gets(tmp_path: Path) -> None:
    server = StandIn()
    await server.start()
    try:
        guild = server.add_guild("Study group")
        general = next(iter(guild.channels))
        ada = guild.add_member("ada")
        seen: list[tuple[str, dict[str, Any]]] = []
        unsubscribe = server.world.watch(lambda event, data: seen.append((event, data)))
        async with harness.run_bot(harness.bot_env(server, tmp_path / "bot.db")):
            form = await server.slash(ada, general, "check").wait_callback()
            inputs = [c["custom_id"] for c in walk_components(form.modal["components"])
                      if c["type"] == TEXT_INPUT]
            review = server.submit_modal(form, {inputs[0]: ANSWER})
            card = await review.wait_message()
            said = server.post_message(general, ada, "hello")
            await server.wait_until(lambda: any(e == "MESSAGE_CREATE" and d["id"] == said["id"]
                                                for e, d in seen), what="the member's message")
        callbacks = [d for e, d in seen if e == "INTERACTION_CALLBACK"]
        assert [(c["id"], c["type"], c["user_id"]) for c in callbacks[:2]] == [
            (str(form.id), 9, str(ada)), (str(review.id), callbacks[1]["type"], str(ada))]
        assert callbacks[0]["data"]["custom_id"] == form.modal["custom_id"]
        ephemeral = [d for e, d in seen if e.startswith("EPHEMERAL_MESSAGE_")]
        assert card["id"] in {d["id"] for d in ephemeral}
        assert all(d["interaction_metadata"]["user"]["id"] == str(ada)
                   for d in ephemeral if "interaction_metadata" in d)
        assert server.gateway.session is not None
        sent_to_bot = {p["t"] for p in server.gateway.session.log}
        assert "MESSAGE_CREATE" in sent_to_bot
        assert not sent_to_bot & {"INTERACTION_CALLBACK", "EPHEMERAL_MESSAGE_CREATE",
                                  "EPHEMERAL_MESSAGE_UPDATE"}
        unsubscribe()
        before = len(seen)
        server.post_message(general, ada, "after unsubscribing")
        assert len(seen) == before
    finally:
        await server.stop()
    assert server.internal_errors == []
