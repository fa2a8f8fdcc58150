"""Two shard processes of one bot: each answers its own servers, and its logs say which it is."""

from __future__ import annotations

import re

from standin import harness
from standin.gateway import shard_of


async def test_each_shard_process_answers_only_its_own_servers(make_standin, tmp_path,
                                                               start_bot_process):
    standin = await make_standin(shards=2)
    guilds = {shard: standin.add_guild(f"group-{shard}", on_shard=(shard, 2)) for shard in (0, 1)}
    assert [shard_of(guild.id, 2) for guild in guilds.values()] == [0, 1]
    env = harness.bot_env(standin, tmp_path / "shared.db", SHARD_COUNT="2")
    processes = {}
    for shard in (0, 1):
        processes[shard] = await start_bot_process({**env, "SHARD_IDS": str(shard)}, name=f"shard{shard}")
        await standin.wait_until(lambda p=processes[shard]: "ready as" in p.output(), timeout=30,
                                 what=f"shard {shard} ready")
    try:
        for guild in guilds.values():
            member = guild.add_member("ada")
            call = standin.slash(member, next(iter(guild.channels)), "help", {})
            await call.wait_message(timeout=30)
    finally:
        codes = [await process.terminate(grace=20) for process in processes.values()]
    assert codes == [0, 0]
    for shard, process in processes.items():
        answered = set(map(int, re.findall(r"command guild=(\d+) command=help", process.output())))
        assert answered == {guilds[shard].id}, process.output()[-2000:]
        assert f"[shards {shard} of 2]" in process.output()
    assert sorted(i["shard"] for i in standin.gateway.identifies) == [[0, 2], [1, 2]]
