"""Daily fan-out: 1,000 guilds due in the same minute, the stand-in enforcing 50 requests/s.

The database holds one schedule per guild, all at 07:00 UTC starting today.
The process's wall clock is moved (time-machine, ticking) to a few seconds
before 07:00 and the real bot is started against a stand-in whose global limit
is 50 requests/s; its own scheduler fires the 1,000 jobs. From the stand-in's
record: the effective rate (successful requests ÷ seconds from 07:00 to the last
one) as a share of the limit, duplicate posts and guilds never posted to.
"""

from __future__ import annotations

import time as clock
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from benchmarks.model import Check, Measurement, NotMeasuredError, RunConfig, Target
from benchmarks.seed import Placement, migrated, seed_daily, seed_welcomed
from benchmarks.stats import median, repeat
from benchmarks.world import add_guilds, bench_env, channel_named, running_standin

if TYPE_CHECKING:
    from standin import RecordedRequest, StandIn

GLOBAL_LIMIT = 50
MIN_SHARE = 0.9
POST_TIME = time(7, 0)
POST_ROUTE = "/channels/{channel_id}/messages"
QUIET_SECONDS = 2.0


@dataclass(frozen=True)
class FanoutRun:
    """One repetition, read from the stand-in's record."""

    requests: int
    throttled: int
    seconds: float
    duplicates: int
    misses: int
    start_delay: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def analyse(records: list[RecordedRequest], channels: set[int], due_at: float) -> FanoutRun:
    """Requests from the due instant on; a post is a 2xx message create in a daily channel."""
    window = [r for r in records if r.at >= due_at]
    ok = [r for r in window if 200 <= r.status < 300]
    posts = Counter(int(r.path.split("/")[2]) for r in ok
                    if r.method == "POST" and r.route == POST_ROUTE
                    and int(r.path.split("/")[2]) in channels)
    last = max((r.at for r in ok), default=due_at)
    first = min((r.at for r in ok), default=due_at)
    return FanoutRun(
        requests=len(ok), throttled=sum(r.status == 429 for r in window),
        seconds=last - due_at, duplicates=sum(n - 1 for n in posts.values() if n > 1),
        misses=len(channels - set(posts)), start_delay=first - due_at,
    )


async def _quiet(standin: StandIn, channels: set[int], limit_seconds: float) -> None:
    """Until every channel has a post and the bot has sent nothing for ``QUIET_SECONDS``."""
    import asyncio

    deadline = clock.monotonic() + limit_seconds
    while clock.monotonic() < deadline:
        records = standin.router.records
        posted = {int(r.path.split("/")[2]) for r in records
                  if r.route == POST_ROUTE and 200 <= r.status < 300}
        idle = clock.monotonic() - (records[-1].at if records else 0.0)
        if channels <= posted and idle >= QUIET_SECONDS:
            return
        await asyncio.sleep(0.1)


async def one_run(config: RunConfig, guilds: int, lead: float) -> FanoutRun:
    try:
        import time_machine
    except ImportError:
        raise NotMeasuredError("time-machine is not installed (pip install time-machine)") from None
    from standin.harness import run_bot

    today = date.today()  # noqa: DTZ011 - the bench picks a real calendar day to travel within
    due = datetime.combine(today, POST_TIME, tzinfo=UTC)
    async with running_standin(global_limit=GLOBAL_LIMIT) as standin:
        made = add_guilds(standin, guilds, channels=("general", "daily"))
        places = [Placement(g.id, channel_named(g, "daily")) for g in made]
        db_path = config.fresh_path("fanout")
        async with migrated(db_path) as db:
            await seed_welcomed(db, [(g.id, g.name) for g in made], due - timedelta(days=30))
            await seed_daily(db, places, POST_TIME, today, due - timedelta(days=1))
        channels = {p.channel_id for p in places}
        with time_machine.travel(due - timedelta(seconds=lead), tick=True):
            due_at = clock.monotonic() + lead
            async with run_bot(bench_env(standin, db_path), ready_within=lead + 30):
                ready_in = clock.monotonic() - due_at
                if ready_in > 0:
                    raise RuntimeError(f"the bot was ready {ready_in:.1f} s after the due minute; "
                                       "raise the lead time")
                budget = lead + 3 * len(channels) * 3 / GLOBAL_LIMIT + 30
                await _quiet(standin, channels, budget)
        return analyse(standin.router.records, channels, due_at)


class ShareOfLimit(Protocol):
    """What a fan-out run reports for its figure."""

    @property
    def rate(self) -> float: ...
    duplicates: int
    misses: int


def share_of_limit(runs: Sequence[ShareOfLimit], details: dict[str, Any],
                   *more: Check) -> Measurement:
    """A fan-out's figure: the median rate as a share of the global limit, with no post
    twice and none missing in any run (plus ``more`` checks)."""
    rates = [r.rate for r in runs]
    value = median(rates)
    return Measurement(
        value=value, unit="req/s", samples=tuple(rates), reference=GLOBAL_LIMIT,
        reference_label="of the global limit", ratio=value / GLOBAL_LIMIT,
        checks=(Check("share of the limit", value / GLOBAL_LIMIT, Target(">=", MIN_SHARE, "×")),
                Check("duplicates", max(r.duplicates for r in runs), Target("==", 0)),
                Check("misses", max(r.misses for r in runs), Target("==", 0)), *more),
        details=details,
    )


async def measure(config: RunConfig) -> Measurement:
    guilds, lead = config.size(1_000, 20), float(config.size(20, 8))
    async def run() -> FanoutRun:
        return await one_run(config, guilds, lead)

    runs = await repeat(run, warmups=0, repetitions=config.repetitions)
    return share_of_limit(runs, _details(guilds, runs))


def _details(guilds: int, runs: list[FanoutRun]) -> dict[str, Any]:
    return {"guilds": guilds, "runs": [run.__dict__ | {"rate": run.rate} for run in runs],
            "ideal_seconds": [run.requests / GLOBAL_LIMIT for run in runs]}
