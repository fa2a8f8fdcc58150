"""Prometheus metrics, served on METRICS_PORT when it is set.

"Metrics from day 1" is the guide's own rule. The registry belongs to the bot
instance (no module-level globals), so tests and benchmarks can run several
bots in one process.
"""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.interactions = Counter(
            "barraiser_interactions_total", "Application commands handled",
            ["command", "outcome"], registry=self.registry,
        )
        self.interaction_latency = Histogram(
            "barraiser_interaction_latency_seconds",
            "From the interaction's creation to the end of its handler",
            ["command"], buckets=_LATENCY_BUCKETS, registry=self.registry,
        )
        self.posts = Counter(
            "barraiser_posts_total", "Messages posted by schedules and sessions",
            ["kind", "outcome"], registry=self.registry,
        )
        self.errors = Counter(
            "barraiser_errors_total", "Unexpected errors, by where they happened",
            ["where"], registry=self.registry,
        )
        self.jobs = Counter(
            "barraiser_scheduler_jobs_total", "Scheduler job runs", ["job", "outcome"],
            registry=self.registry,
        )
        self.job_duration = Histogram(
            "barraiser_scheduler_job_seconds",
            "From a scheduler job's due time to the end of its run (lateness + run time)", ["job"],
            buckets=_LATENCY_BUCKETS, registry=self.registry,
        )
        self.guilds = Gauge("barraiser_guilds", "Guilds the bot is in", registry=self.registry)
        self.gateway_latency = Gauge(
            "barraiser_gateway_latency_seconds", "Heartbeat round trip", registry=self.registry
        )

    def serve(self, port: int) -> None:
        """Expose /metrics on ``port`` (a daemon thread from prometheus_client)."""
        start_http_server(port, registry=self.registry)
        log.info("metrics served on :%d/metrics", port)
