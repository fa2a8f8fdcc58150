"""A shard process SIGKILLed and restarted: restart → READY, and READY → its work resumed.

Two ``python -m bot run`` shard processes (``SHARD_COUNT=2``) share a fresh
PostgreSQL schema (``BENCH_DATABASE_URL``, else ``TEST_DATABASE_URL``) holding
what a running deployment leaves behind (``benchmarks.seed.seed_deployment``):
1,000 servers spread over both shards, each welcomed and scheduled, and 200 live
mock rounds, half on each shard. Once both are up, shard 1's process is killed
(SIGKILL: no shutdown code runs) and started again. Read from the new process's
JSON log and the stand-in's gateway (both wall clock, one machine):

- restart → READY: from spawning the new process to the stand-in dispatching
  READY to its session (interpreter start, migrations check, connect, IDENTIFY);
- READY → resumed: until the process has both resumed its live rounds (every
  timer re-armed) and finished its start-up catch-up (daily and end-of-day jobs
  armed, anything overdue posted); the target is < 3 s;
- restart → first job armed: when its daily jobs were armed (before READY: they
  are armed as the cog loads).
"""

from __future__ import annotations

import json
import time as clock
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from benchmarks import fleet
from benchmarks.model import Check, Measurement, RunConfig, Target
from benchmarks.seed import Placement, seed_deployment
from benchmarks.stats import median, repeat
from benchmarks.world import running_standin

if TYPE_CHECKING:
    from standin import StandIn
    from standin.harness import BotProcess

TARGET_SECONDS = 3.0
SHARDS = 2
KILLED = 1
RESUMED, ROUNDS = "resumed ", " live mock rounds"  # "resumed N live mock rounds"
ARMED = "armed "  # "armed N daily jobs; …"


class ReadyClock:
    """Wall-clock instants at which the stand-in dispatched READY, per shard."""

    def __init__(self, standin: StandIn) -> None:
        self.at: dict[int, list[float]] = {}
        standin.gateway.on_send.append(self._record)

    def _record(self, event: str, data: dict[str, Any]) -> None:
        if event == "READY":
            self.at.setdefault(data["shard"][0], []).append(clock.time())


def logged_at(output: str, starts: str, *, contains: str = "") -> float:
    """Wall-clock instant of the first JSON log line whose message starts with ``starts``."""
    for line in output.splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            message = entry.get("message", "")
            if message.startswith(starts) and contains in message:
                return datetime.fromisoformat(entry["time"]).timestamp()
    raise RuntimeError(f"the restarted process never logged {starts!r}:\n{output[-2000:]}")


async def until_up(standin: StandIn, process: BotProcess, name: str) -> None:
    """Until ``process`` has resumed its rounds and finished its start-up catch-up."""
    await standin.wait_until(lambda: fleet.CATCH_UP_DONE in process.output()
                             and ROUNDS in process.output(), timeout=120, what=f"{name} up")


async def one_run(config: RunConfig, per_shard: int, rounds: int, url: str) -> dict[str, float]:
    from standin import harness

    async with running_standin(shards=SHARDS) as standin:
        servers = fleet.spread_servers(standin, per_shard, SHARDS)
        # alternate shards, so the first ``rounds`` servers (the live rounds) are half on each
        ordered = [server for pair in zip(servers[:per_shard], servers[per_shard:], strict=True)
                   for server in pair]
        folder = config.fresh_path("restart-shard", suffix="")
        folder.mkdir()
        async with fleet.shared_store(folder, url) as store:
            env = harness.bot_env(standin, store["DATABASE_PATH"], SHARD_COUNT=str(SHARDS),
                                  LOG_FORMAT="json") | store
            async with fleet.env_database(env) as db:
                await db.migrate()
                await seed_deployment(db, [Placement(g.id, channel) for g, channel in ordered],
                                      [g.name for g, _ in ordered], datetime.now(UTC),
                                      live_rounds=rounds)
            readies = ReadyClock(standin)
            processes = await fleet.start_shards(env, {f"shard{s}": str(s) for s in range(SHARDS)},
                                                 folder)
            try:
                for name, process in processes.items():
                    await until_up(standin, process, name)
                await processes[f"shard{KILLED}"].kill()
                restarted = clock.time()
                again = await fleet.start_shards(env, {"restarted": str(KILLED)}, folder)
                processes["restarted"] = again["restarted"]
                await until_up(standin, again["restarted"], "the restarted process")
            finally:
                for process in processes.values():
                    if process.process.returncode is None:
                        await process.terminate(grace=20)
        output = processes["restarted"].output()
        ready = readies.at[KILLED][-1]
        resumed = max(logged_at(output, RESUMED, contains=ROUNDS),
                      logged_at(output, fleet.CATCH_UP_DONE))
        return {"restart_to_ready": ready - restarted, "ready_to_resumed": resumed - ready,
                "restart_to_first_job_armed": logged_at(output, ARMED, contains=" daily jobs")
                - restarted,
                "ready_to_on_ready_done": logged_at(output, "ready as") - ready}


async def measure(config: RunConfig) -> Measurement:
    url = fleet.database_url()
    per_shard, rounds = config.size(500, 10), config.size(200, 10)

    async def run() -> dict[str, float]:
        return await one_run(config, per_shard, rounds, url)

    runs = await repeat(run, warmups=0, repetitions=config.repetitions)
    samples = [r["ready_to_resumed"] for r in runs]
    value = median(samples)
    return Measurement(
        value=value, unit="s", samples=tuple(samples),
        checks=(Check("READY → resumed", value, Target("<", TARGET_SECONDS, " s")),),
        details={"servers": per_shard * SHARDS, "live_rounds": rounds, "killed_shard": KILLED,
                 "restart_to_ready": median([r["restart_to_ready"] for r in runs]), "runs": runs},
    )
