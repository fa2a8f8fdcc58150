"""Speed of the answer checker, for the benchmark command (never asserted in tests).

Targets: at least 5,000 reviews/s on one core for 1,500-character answers, p99
under 1 ms for a 6,000-character answer, and an adversarial 100 KB paste done in
under 100 ms (it is cut at ``MAX_CHARS`` first).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from bot.review import scan
from bot.review.engine import Reviewer, detect
from bot.review.native import is_compiled
from bot.review.rules import default_rules
from bot.review.text import MAX_CHARS, parse

SAMPLE = """**Cart service**
Customer side: if I add something on my phone it is in my cart on my laptop, and add-to-cart
returns in < 100 ms p99 so the button never feels laggy.
Numbers: assume 50M DAU, ~3 cart writes each per day → 150M writes/day ≈ 1.7K writes/s avg,
plan for 10x on Prime Day. Cart ~20 items × 200 B ≈ 4 KB, 300M carts ≈ 1.2 TB.
Design: API GW → cart-svc on ECS Fargate → DynamoDB keyed by cartId; guest carts merge on login.
We will NOT put this on k8s: at this size a cluster is pure overhead.
Failures: DynamoDB throttles on a hot partition → SDK retries with backoff + jitter, then the
client keeps the item in a pending list and retries, so the shopper never sees an error page.
An AZ goes down: the ALB stops routing to unhealthy targets in that AZ.
Ops: dashboards of add-to-cart p99 and 5xx; alarms page on-call at 5xx > 0.5% for 5 min.
Deploys go one-box → 1 AZ → all, auto-rollback on alarm.
Team: the cart team (~7 eng) owns cart-svc, the tables and the on-call rotation.
"""


def sized(length: int, base: str = SAMPLE) -> str:
    """``base`` repeated and cut to exactly ``length`` characters."""
    return (base * (length // len(base) + 1))[:length]


def adversarial(length: int = 100_000) -> str:
    """Text built to provoke regex backtracking: long runs of near-misses."""
    pieces = ("1" * 300 + " ", "a " * 200, "k8s? " * 50, "— " * 100, "'" * 200, "the team " * 60,
              "if " * 300, "when the " * 100, "monitoring later, " * 30)
    return sized(length, "".join(pieces))


def _timed(call: Callable[[], object], runs: int) -> list[float]:
    samples: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def measure(runs: int = 2_000, reviewer: Reviewer | None = None) -> dict[str, float]:
    """Throughput and latency figures (seconds → ms / per-second) for the benchmark report."""
    reviewer = reviewer or Reviewer()
    short, long_, hostile = sized(1_500), sized(6_000), adversarial()
    reviewer.review(short)  # warm the regex caches
    short_samples = _timed(lambda: reviewer.review(short), runs)
    long_samples = sorted(_timed(lambda: reviewer.review(long_), max(100, runs // 4)))
    hostile_samples = _timed(lambda: reviewer.review(hostile), 5)
    return {
        "reviews_per_second_1500": len(short_samples) / sum(short_samples),
        "p50_ms_1500": statistics.median(short_samples) * 1000,
        "p50_ms_6000": statistics.median(long_samples) * 1000,
        "p99_ms_6000": long_samples[int(len(long_samples) * 0.99) - 1] * 1000,
        "max_ms_adversarial_100k": max(hostile_samples) * 1000,
        "max_chars": float(MAX_CHARS),
        "compiled": float(is_compiled()),  # 1.0 when tools/compile_checker.py has been run
    }


def _median_us(call: Callable[[], object], runs: int) -> float:
    return statistics.median(_timed(call, runs)) * 1e6


def stages(length: int = 1_500, runs: int = 1_000) -> dict[str, float]:
    """Median microseconds of the stages of one review of ``sized(length)``, to see where
    the time goes: ``detect`` (the whole detection pass) and, each timed on its own,
    parsing, the relevance check and the one-pass scan; ``rest_of_detect`` is ``detect``
    minus those three: mostly the detectors. It is a difference of medians timed apart, so
    on a busy machine it is rough, and it can even come out below zero."""
    reviewer, text = Reviewer(), sized(length)
    reviewer.review(text)  # loads the rules and registers every word pattern
    rules = default_rules()
    doc = parse(text)
    found = {
        "review": _median_us(lambda: reviewer.review(text), runs),
        "detect": _median_us(lambda: detect(text, rules=rules), runs),
        "parse": _median_us(lambda: parse(text), runs),
        "relevance": _median_us(lambda: rules.relevance.generic(doc, None), runs),
        "scan": _median_us(lambda: scan.Scan(doc.low), runs),
    }
    found["rest_of_detect"] = found["detect"] - found["parse"] - found["relevance"] - found["scan"]
    return found


if __name__ == "__main__":
    for name, value in measure().items():
        print(f"{name:28} {value:12.3f}")
    for length in (1_500, 6_000):
        for name, value in stages(length).items():
            print(f"{f'us_{name}_{length}':28} {value:12.1f}")
