"""Daily fan-out across two shard processes on PostgreSQL: 200 servers due at once, 50 req/s global.

The set-up is the shard end-to-end test's (``benchmarks.fleet``): 100 servers on
each of two shards, a fresh schema on the PostgreSQL server of
``BENCH_DATABASE_URL`` (else ``TEST_DATABASE_URL``), and two ``python -m bot run``
processes (``SHARD_COUNT=2``, ``SHARD_IDS=0`` and ``1``). Every server's daily
prompt is due at the first whole minute at least 20 s after the processes start,
so both are up and their schedulers fire their 100 jobs at the same instant, as
in a deployment. (``--quick`` skips the wait: the prompts are due already and
each process's start-up catch-up is the fan-out; processes that start at
different moments leave part of the limit unused, so that rate is lower.) Each
process paces its REST calls to its share of the global limit (``bot.budget``:
50 × ½ × 0.95 = 23.75/s), so 95 % is the ceiling.

From the stand-in's record: successful requests ÷ seconds from the first daily
post to the last successful request, as a share of 50/s; duplicate and missing
posts; and global 429s. The rate is also given per process, and the figure says
how far the two processes' starts were apart, since a process that starts later
leaves its half of the limit unused meanwhile.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from benchmarks import fleet
from benchmarks.fanout import GLOBAL_LIMIT, POST_ROUTE, share_of_limit
from benchmarks.model import Check, Measurement, RunConfig, Target
from benchmarks.stats import repeat
from benchmarks.world import running_standin

if TYPE_CHECKING:
    from standin import RecordedRequest

SHARDS = 2
LEAD_SECONDS = 20.0  # start-up of two processes on a busy 2-core machine, with margin


@dataclass(frozen=True)
class ShardedRun:
    """One repetition, read from the stand-in's record."""

    requests: int
    seconds: float
    global_429: int
    other_429: int
    duplicates: int
    misses: int
    per_process: dict[int, float]  # shard → its requests/s over its own busy span
    start_gap: float  # seconds between the two processes' first daily posts

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def analyse(records: list[RecordedRequest], daily: dict[int, int],
            threads: dict[int, int]) -> ShardedRun:
    """From the first post on: rate, 429s, duplicates and misses. ``daily`` and ``threads``
    map the daily channels and the posts' threads to the shard of their server."""
    channel_shard = daily | threads
    def channel_of(record: RecordedRequest) -> int | None:
        parts = record.path.split("/")
        return int(parts[2]) if len(parts) > 2 and parts[1] == "channels" and parts[2].isdigit() else None

    posts = [r for r in records if r.method == "POST" and r.route == POST_ROUTE
             and channel_of(r) in channel_shard]
    if not posts:
        raise RuntimeError("no daily post reached the stand-in")
    started = min(r.at for r in posts)
    window = [r for r in records if r.at >= started]
    ok = [r for r in window if 200 <= r.status < 300]
    made = Counter(channel_of(r) for r in posts if 200 <= r.status < 300)
    throttled = [r for r in window if r.status == 429]
    global_429 = sum(bool(isinstance(r.response, dict) and r.response.get("global")) for r in throttled)
    by_shard: dict[int, list[float]] = {}
    for record in ok:  # a thread's id is its starter message's: both belong to the post's server
        shard = channel_shard.get(channel_of(record) or 0)
        if shard is not None:
            by_shard.setdefault(shard, []).append(record.at)
    firsts = [min(r.at for r in posts if channel_shard[channel_of(r) or 0] == s) for s in by_shard]
    return ShardedRun(
        requests=len(ok), seconds=max(r.at for r in ok) - started,
        global_429=global_429, other_429=len(throttled) - global_429,
        duplicates=sum(n - 1 for n in made.values() if n > 1),
        misses=len(set(daily) - set(made)),
        per_process={s: (len(at) - 1) / (max(at) - min(at)) if len(at) > 1 else 0.0
                     for s, at in sorted(by_shard.items())},
        start_gap=max(firsts) - min(firsts) if firsts else 0.0,
    )


def next_minute(after: datetime) -> datetime:
    """The first whole minute at or after ``after``."""
    floor = after.replace(second=0, microsecond=0)
    return floor if floor == after else floor + timedelta(minutes=1)


async def one_run(config: RunConfig, per_shard: int, url: str, lead: float | None) -> ShardedRun:
    """``lead`` seconds (at least) before a whole minute, start both processes with every
    server due at that minute; ``None``: due already, posted by the start-up catch-up."""
    from standin import harness

    async with running_standin(global_limit=GLOBAL_LIMIT, shards=SHARDS) as standin:
        servers = fleet.spread_servers(standin, per_shard, SHARDS)
        folder = config.fresh_path("fanout-pg", suffix="")
        folder.mkdir()
        async with fleet.shared_store(folder, url) as store:
            # INFO logs (bot_env's default): the fleet waits for each process's catch-up line
            env = harness.bot_env(standin, store["DATABASE_PATH"], SHARD_COUNT=str(SHARDS)) | store
            due = next_minute(datetime.now(UTC) + timedelta(seconds=lead or 0))
            if due.date() != datetime.now(UTC).date():
                raise RuntimeError("the due minute is past midnight UTC; run again in a minute")
            await fleet.schedule_daily(env, servers, at=due.time() if lead else time(0, 0),
                                       welcomed=True)
            run = await fleet.fan_out(standin, env, servers, {f"shard{s}": str(s) for s in range(SHARDS)},
                                      folder, within=(lead or 0) + 90 + 6 * len(servers) / GLOBAL_LIMIT)
        late = max(run.caught_up.values()) - due.timestamp()
        if lead is not None and late > 0:
            raise RuntimeError(f"a process was ready {late:.1f} s after the due minute; raise the lead")
        channel_shard = {channel: (guild.id >> 22) % SHARDS for guild, channel in servers}
        thread_shard = {int(post["id"]): channel_shard[channel] for _, channel in servers
                        for post in fleet.day_one_posts(standin, channel)}
        return analyse(standin.router.records, channel_shard, thread_shard)


async def measure(config: RunConfig) -> Measurement:
    url = fleet.database_url()
    per_shard = config.size(100, 10)

    lead = None if config.quick else LEAD_SECONDS

    async def run() -> ShardedRun:
        return await one_run(config, per_shard, url, lead)

    runs = await repeat(run, warmups=0, repetitions=config.repetitions)
    return share_of_limit(
        runs, {"servers": per_shard * SHARDS, "processes": SHARDS,
               "runs": [asdict(r) | {"rate": r.rate} for r in runs]},
        Check("global 429s", max(r.global_429 for r in runs), Target("==", 0)))
