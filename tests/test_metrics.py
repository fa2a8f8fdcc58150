"""Metrics a running bot exposes: what the runbook's alerts are written against."""

from pathlib import Path

from prometheus_client import generate_latest

from bot.metrics import Metrics


def test_every_runbook_metric_is_exposed():
    metrics = Metrics()
    metrics.interactions.labels(command="check", outcome="ok").inc()
    metrics.interaction_latency.labels(command="check").observe(0.2)
    metrics.posts.labels(kind="daily", outcome="ok").inc()
    metrics.errors.labels(where="command").inc()
    metrics.jobs.labels(job="daily", outcome="ok").inc()
    metrics.job_duration.labels(job="daily").observe(0.1)
    text = generate_latest(metrics.registry).decode()
    runbook = (Path(__file__).resolve().parent.parent / "docs" / "RUNBOOK.md").read_text()
    for name in ("barraiser_interactions_total", "barraiser_interaction_latency_seconds_bucket",
                 "barraiser_posts_total", "barraiser_errors_total",
                 "barraiser_scheduler_jobs_total", "barraiser_guilds",
                 "barraiser_gateway_latency_seconds"):
        assert name in text, name
        assert name.removesuffix("_bucket") in runbook, f"{name} has no runbook entry"


def test_two_bots_in_one_process_do_not_share_a_registry():
    first, second = Metrics(), Metrics()
    first.posts.labels(kind="daily", outcome="ok").inc()
    assert "barraiser_posts_total{" not in generate_latest(second.registry).decode()
