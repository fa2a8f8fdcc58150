"""The issue's table as data: every figure, its target, what it is held against, how it runs.

Order matters only for reading: in-process figures first (seconds), then the
ones that start the bot against the stand-in (tens of seconds each).
"""

from __future__ import annotations

from benchmarks import (
    ack,
    fanout,
    fanout_shards,
    memory,
    progress,
    restart,
    restart_shard,
    review,
    timers,
)
from benchmarks.model import Figure

FIGURES: tuple[Figure, ...] = (
    Figure("review-throughput", "review throughput, 1,500-char answers, one core", "≥ 5,000/s",
           "the regex engine's own scan rate on the same text", review.measure_throughput),
    Figure("review-p99", "review p99, 6,000-char answer", "< 1 ms", "", review.measure_p99),
    Figure("progress", "progress and leaderboard queries, 100,000 reviews, 1,000 members",
           "< 50 ms", "", progress.measure),
    Figure("progress-pg", "the same progress queries on PostgreSQL", "< 50 ms", "",
           progress.measure_postgres),
    Figure("ack", "interaction ack, 200 simultaneous /check submits", "p99 ≤ 1.25× reference, < 3 s",
           "a reference bot that only replies ok, same burst, same stand-in; Discord's 3 s",
           ack.measure),
    Figure("fanout", "daily fan-out, 1,000 guilds due in one minute, 50 req/s global",
           "≥ 90% of the limit, 0 duplicates, 0 misses", "50 requests/s", fanout.measure),
    Figure("fanout-pg", "daily fan-out, 200 servers due at once, two shard processes on PostgreSQL",
           "≥ 90% of the limit, 0 duplicates, 0 misses, 0 global 429s", "50 requests/s",
           fanout_shards.measure),
    Figure("timers", "mock timers, 200 concurrent sessions", "p99 ≤ 1 s after deadline",
           "the deadline", timers.measure),
    Figure("restart", "restart with 1,000 guilds and 200 live sessions", "< 3 s after READY",
           "", restart.measure),
    Figure("restart-shard", "one of two shard processes on PostgreSQL SIGKILLed and restarted, "
           "1,000 servers, 200 live sessions", "READY → resumed < 3 s", "", restart_shard.measure),
    Figure("memory", "resident memory, 1,000 guilds idle", "< 150 MB", "", memory.measure),
)
