"""Each detector on the labeling guide's own positive, negative and tricky sentences,
plus informal Discord variants. A row says: this text, this label, should it fire."""

from __future__ import annotations

import pytest

from bot.review import detect
from bot.review.analysis import Analysis
from bot.review.engine import plan
from bot.review.rules import default_rules

CASES: list[tuple[str, str, bool]] = [
    # customer_first (GUIDE 2.1)
    ("Target: the product page (title, price, image) renders in < 300 ms p95 on mobile.",
     "customer_first", True),
    ("Rider view: the car on the map should never be more than ~5 s behind reality, "
     "or people walk to the wrong corner.", "customer_first", True),
    ("A guest who books the last room sees 'confirmed' only if the room is really held.",
     "customer_first", True),
    ("We obsess over the customer, so everything must be fast and reliable.",
     "customer_first", False),
    ("Functional reqs: create short link, redirect, analytics.", "customer_first", False),
    ("Replication lag between the primary and the read replicas must stay under 1 s.",
     "customer_first", False),
    ("Alarm: add-to-cart p99 > 300 ms pages on-call.", "customer_first", False),
    # a quoted screen's "?" is the screen's, not the writer's question
    ("Shopper side: if the condition fails at checkout they see \"only 2 left - update "
     "quantity?\" right there, instead of a cancellation email the next day.",
     "customer_first", True),
    ("customers should never see stale data, so everything is strongly consistent",
     "customer_first", False),
    # numbers_always (2.2)
    ("40M page views/day ≈ 460/s average, call it ~2.5K/s at a 5x peak.", "numbers_always", True),
    ("Availability target 99.95% for the booking API.", "numbers_always", True),
    ("target p99<100ms, 4 nines", "numbers_always", True),
    ("This needs to handle massive scale with super low latency.", "numbers_always", False),
    ("We'll run 3 replicas across 2 AZs and retry failed calls 3 times.", "numbers_always", False),
    ("latency should be like 50, availability: 4", "numbers_always", False),
    ("TTL 24h, poll every 10 s, 7-day retention, 16 shards.", "numbers_always", False),
    ("✅ numbers ✅ nines ✅ QPS", "numbers_always", False),
    ("✅ Ownership ✅ You build it, you run it ✅ Runbooks ✅ Golden signals ✅ Streamer obsession",
     "operations_ready", False),
    # three check marks beside short terms are a checklist, whatever the terms
    ("Other stuff: ✅ customer obsession ✅ 4 nines ✅ multi-region ✅ blameless COEs",
     "numbers_always", False),
    ("Messages: ~30M DAU x 40 msgs = 1.2B/day, ~14K/s average. ✅ resilience ✅ ownership ✅ ops",
     "numbers_always", True),
    # failure_planning (2.3)
    ("If the geocoding provider is down, new addresses are queued and geocoded when it returns.",
     "failure_planning", True),
    ("A kiosk loses its network link: it keeps taking orders locally and uploads them later.",
     "failure_planning", True),
    ("if an az dies the ALB stops routing to it and the ASG replaces the instances",
     "failure_planning", True),
    ("Everything is multi-AZ and replicated, so it's highly available.", "failure_planning", False),
    ("We'll add circuit breakers and retries everywhere.", "failure_planning", False),
    ("RDS Multi-AZ with automatic failover, no single point of failure.", "failure_planning", False),
    ("What if S3 goes down? That would be bad.", "failure_planning", False),
    ("If the route service crashes, the dispatchers will fix the routes manually.",
     "failure_planning", False),
    ("If the card is declined the order stays in 'payment failed'.", "failure_planning", False),
    # operations_ready (2.4)
    ("CloudWatch alarms on 5xx > 1% and p99 > 300 ms page the on-call through PagerDuty.",
     "operations_ready", True),
    ("Deploy one-box first, then 10% of hosts per AZ, auto-rollback if the error alarm fires.",
     "operations_ready", True),
    ("dashboards for consumer lag", "operations_ready", True),
    ("We need good observability.", "operations_ready", False),
    ("Logs go to CloudWatch. Monitoring: Prometheus + Grafana.", "operations_ready", False),
    ("Later we'll add p99 dashboards and an error-rate alarm.", "operations_ready", False),
    # team_ownership (2.5)
    ("The search team (7 engineers) owns the indexer and carries its pager.", "team_ownership", True),
    ("SRE owns paging for the ingest tier via a weekly rotation.", "team_ownership", True),
    ("The payments team runs a weekly on-call for the gateway.", "team_ownership", True),
    ("The team will look after it.", "team_ownership", False),
    ("Ops team handles the servers.", "team_ownership", False),
    ("Amazon uses two-pizza teams.", "team_ownership", False),
    ("Who owns this?", "team_ownership", False),
    # kubernetes_first (3.1)
    ("Step 1: spin up a k8s cluster. Step 2: one microservice per feature.",
     "kubernetes_first", True),
    ("k8s because autoscaling", "kubernetes_first", True),
    ("lol just k8s it 😂", "kubernetes_first", True),
    ("we will NOT start with Kubernetes", "kubernetes_first", False),
    ("lol just k8s it 😂 jk, Lambda is plenty", "kubernetes_first", False),
    ("Why not Kubernetes? Too much ops overhead; ECS Fargate it is.", "kubernetes_first", False),
    ("We run on EKS because the company mandates it and a platform team already runs 300 "
     "services on it.", "kubernetes_first", False),
    # infinite_scale (3.2)
    ("Serverless means we never have to think about scale.", "infinite_scale", True),
    ("The design scales horizontally to any number of users.", "infinite_scale", True),
    ("scales linearly forever", "infinite_scale", True),
    ("Autoscale the fleet between 20 and 200 instances.", "infinite_scale", False),
    ("don't say 'infinite scale' in the interview; give a cost", "infinite_scale", False),
    ("Object storage is effectively unlimited for our ~400 TB; that's ~$9K/month.",
     "infinite_scale", False),
    # perfect_consistency (3.3)
    ("We can't tolerate any inconsistency anywhere; everything is linearizable.",
     "perfect_consistency", True),
    ("All 3 regions must always show identical data; writes commit in all regions before ack.",
     "perfect_consistency", True),
    ("Strongly consistent reads only for the order status page.", "perfect_consistency", False),
    ("Do we need strong consistency everywhere? No: titles can be a few seconds stale.",
     "perfect_consistency", False),
    # monitor_later (3.4)
    ("MVP first, observability later.", "monitor_later", True),
    ("We don't need alarms until we have real traffic.", "monitor_later", True),
    ("We won't leave monitoring for later: p99 and 5xx alarms go out with the first deploy.",
     "monitor_later", False),
    ("Interviewers hate 'monitor later'.", "monitor_later", False),
    # the quote around a deferral is found where the deferral is, in a later clause too
    ("Alarms on p99 ship day one, but someone said 'tracing can wait until later' and I disagree.",
     "monitor_later", False),
    # a deferral quoted to be rejected leaves the alarm beside it in place
    ("- \"we'll add an alarm for this later\" → no: a `limiter_fallback_mode` gauge > 0 for 1 min "
     "pages the API platform on-call from day one.", "operations_ready", True),
    # in code a quoted stretch is a string: prose in it is the writer's, a token is a value
    ("```yaml\nowner: \"cart team (6 eng) builds and runs cart-svc + the table\"\n```",
     "team_ownership", True),
    # a single-quoted remark may hold contractions: the quote still ends where it closes
    ("My mentor told me 'if you say we'll add monitoring later, it's over' and she was right.",
     "monitor_later", False),
    ("Someone in the mock said 'just put it on k8s, it's the standard'. We run it on Fargate.",
     "kubernetes_first", False),
    ("The finance reporting dashboard is v2; error-rate and latency alarms ship with v1.",
     "monitor_later", False),
    ("is it OK to add monitoring later?", "monitor_later", False),
    # team_will_handle (3.5)
    ("If the primary fails, ops will switch over manually.", "team_will_handle", True),
    ("Devs will remember to bump the cache version on every price change.",
     "team_will_handle", True),
    ("whoever's online will figure it out", "team_will_handle", True),
    ("An alarm pages the on-call, who promotes the replica with a one-click script.",
     "team_will_handle", False),
    ("We won't depend on the team remembering; the pipeline enforces it.",
     "team_will_handle", False),
    ("If anything goes wrong, the platform team will jump on it.", "team_will_handle", True),
    ("If jobs pile up, an engineer will SSH in and clear them.", "team_will_handle", True),
    # work handed to people by "left to" / "up to", and roles beyond engineering
    ("Duplicate listings are left to the night editors catching them.", "team_will_handle", True),
    ("It's up to the shift supervisor to notice when a robot stalls.", "team_will_handle", True),
    ("Failed webhooks land in a table and interns clear it by hand on Mondays.",
     "team_will_handle", True),
    ("Retries are capped: up to 5 attempts, then the message goes to the DLQ.",
     "team_will_handle", False),
    ("From the rider's pov the car icon never lags more than ~3 s, otherwise they walk "
     "to the wrong spot.", "team_will_handle", False),
    ("If the merchant endpoint fails, the merchant will get an email.", "team_will_handle", False),
    ("When something breaks, the team will look at the alarm and follow runbook RB-2.",
     "team_will_handle", False),
    # failure_planning by shape: a response no word list anticipates
    ("If an edge PoP goes dark, anycast withdraws its routes and clients land elsewhere.",
     "failure_planning", True),
    ("If the cache node dies the app reads from the database directly.", "failure_planning", True),
    ("If the DB is down we page the on-call.", "failure_planning", False),
    ("Session data is fine to lose: if an item is gone the user just logs in again.",
     "failure_planning", False),
    ("Jobs have a 30-day retention, max 5 retries, 15-minute visibility timeout.",
     "failure_planning", False),
]


@pytest.mark.parametrize(("text", "label", "expected"), CASES)
def test_detector(text: str, label: str, expected: bool) -> None:
    detection, _ = detect(text)
    assert (detection.evidence[label] is not None) is expected, detection.evidence[label]


def test_evidence_quotes_the_sentence_that_meets_the_item() -> None:
    answer = "Intro line.\n- Assume 20M DAU → ~700 writes/s.\n- Redis in front."
    detection, _ = detect(answer)
    assert detection.evidence["numbers_always"] == "Assume 20M DAU → ~700 writes/s."


def test_prompt_numbers_restated_do_not_count_but_derived_ones_do() -> None:
    prompt = "Design a chat service for 50M DAU sending 40 messages a day each."
    restated, _ = detect("50M DAU × 40 msgs is a lot, so Cassandra.", prompt)
    derived, _ = detect("50M × 40 = 2B msgs/day ≈ 23K/s average.", prompt)
    assert restated.evidence["numbers_always"] is None
    assert derived.evidence["numbers_always"] is not None


def test_stuffed_line_counts_for_nothing_but_real_content_beside_it_does() -> None:
    answer = (
        "✅ customer obsession ✅ multi-AZ ✅ PagerDuty ✅ two-pizza\n"
        "If a worker crashes the message becomes visible again and another worker retries it."
    )
    detection, _ = detect(answer)
    found = {label for label, evidence in detection.evidence.items() if evidence}
    assert found == {"failure_planning"}


@pytest.mark.parametrize(
    ("label", "sentences"),
    [
        ("failure_planning", ["If the cache node dies, reads fall back to DynamoDB.",
                              "If the email provider returns 5xx, we retry with backoff and "
                              "park the message in a DLQ."]),
        ("team_ownership", ["The payments team owns the ledger and its on-call.",
                            "The search team (7 engineers) owns the indexer."]),
        ("team_will_handle", ["If the queue backs up, ops will handle it.",
                              "Someone will watch the dashboard on launch night."]),
    ],
)
def test_every_shape_offers_all_its_candidates_best_first(label: str, sentences: list[str]) -> None:
    """A label's evidence is its first candidate no label it yields to has taken, so a shape
    must offer every sentence it would accept, in order, not only the first."""
    rules = default_rules()
    detectors = plan(rules).detectors
    analysis = Analysis.of(" ".join(sentences), None, detectors, rules)
    assert [s.text for s in detectors[label](analysis)] == sentences
