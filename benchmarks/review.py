"""Review engine speed: throughput on 1,500-char answers, p99 on a 6,000-char answer.

``benchmarks.review_engine.measure`` (the review engineer's) times the real ``Reviewer``
on one core. Throughput is held against the regex engine's own scan rate on
the same text: one ``re.findall(r"\\w+")`` pass, the least any regex-based
reviewer must do. The ratio (reviews/s ÷ scans/s) says how many plain scans one
review costs, which stays comparable across machines where reviews/s does not.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from benchmarks.model import Check, Measurement, NotMeasuredError, RunConfig, Target
from benchmarks.stats import median, rate, repeat

MIN_PER_SECOND = 5_000.0
P99_TARGET_MS = 1.0
ANSWER_CHARS = 1_500
_WORDS = re.compile(r"\w+")
_RUNS: dict[RunConfig, list[dict[str, float]]] = {}
"""One set of review-bench runs per bench run: both figures read the same repetitions."""


def _bench() -> Any:
    try:
        from benchmarks import review_engine as bench
    except ImportError as error:
        raise NotMeasuredError(f"benchmarks.review_engine is not importable ({error})") from None
    return bench


def scan_rate(text: str) -> float:
    """Whole-text regex scans per second: the floor a review is compared with."""
    return rate(1, lambda: _WORDS.findall(text))


async def _runs(config: RunConfig) -> list[dict[str, float]]:
    """The review bench, repeated once per bench run; each on a thread so the loop stays free."""
    if config not in _RUNS:
        _RUNS[config] = await _fresh_runs(config)
    return _RUNS[config]


async def _fresh_runs(config: RunConfig) -> list[dict[str, float]]:
    bench = _bench()
    runs = config.size(2_000, 200)

    async def once() -> dict[str, float]:
        return await asyncio.to_thread(bench.measure, runs)

    return await repeat(once, warmups=config.warmups, repetitions=config.repetitions)


async def measure_throughput(config: RunConfig) -> Measurement:
    results = await _runs(config)
    text = _bench().sized(ANSWER_CHARS)
    samples = [r["reviews_per_second_1500"] for r in results]
    scans = [scan_rate(text) for _ in results]
    value, reference = median(samples), median(scans)
    return Measurement(
        value=value, unit="reviews/s", samples=tuple(samples), reference=reference,
        reference_label="regex scan rate", ratio=value / reference,
        checks=(Check("reviews/s", value, Target(">=", MIN_PER_SECOND, "/s")),),
        details={"scans_per_second": scans, "p50_ms_1500": [r["p50_ms_1500"] for r in results],
                 # the figures differ by about 20% between the two (tools/compile_checker.py)
                 "checker": "compiled" if results and results[0]["compiled"] else "plain Python"},
    )


async def measure_p99(config: RunConfig) -> Measurement:
    results = await _runs(config)
    samples = [r["p99_ms_6000"] for r in results]
    value = median(samples)
    return Measurement(
        value=value, unit="ms", samples=tuple(samples),
        checks=(Check("p99", value, Target("<", P99_TARGET_MS, " ms")),),
        details={"p50_ms_6000": [r["p50_ms_6000"] for r in results],
                 "max_ms_adversarial_100k": [r["max_ms_adversarial_100k"] for r in results]},
    )
