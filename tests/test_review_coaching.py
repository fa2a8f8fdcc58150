"""Coaching on the question asked: tips from the question's own system, numbers and
probes; a complete answer gets the next push; deliverables only when present."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.render import Renderer
from bot.review import Reviewer
from tests.render_checks import assert_fits

STRONG = (
    "Customer side: a shortened link should redirect in < 50 ms p99 at the edge, or people "
    "think the link is broken.\n"
    "Assume 100M new links/month ≈ 40 writes/s; 100:1 reads ≈ 4K redirects/s.\n"
    "If the primary DynamoDB region is impaired, Route 53 health checks shift redirects to "
    "the replica region within ~60 s.\n"
    "Alarm: redirect p99 > 80 ms or 5xx > 0.5% for 5 min pages the on-call via PagerDuty.\n"
    "The links team (5 engineers) owns the redirect service and its weekly on-call."
)


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    content = load_content()
    return Reviewer(content.rubric, content.questions)


def test_missing_items_are_coached_with_the_question_s_own_system(reviewer: Reviewer) -> None:
    review = reviewer.review("We use a cache and a database.", phase="scale", question="url_shortener")
    tips = {item.id: item.tip or "" for item in review.missing}
    assert len(tips) == 5
    for tip in tips.values():
        assert "URL Shortener" in tip
        assert "cart" not in tip.lower() and "checkout" not in tip.lower()
    assert "100M new links/month" in tips["numbers_always"]
    assert "Redirect p99 < 50 ms" in tips["customer_first"]
    probes = [p for phase in load_content().question("url_shortener").probes.values() for p in phase]
    assert any(probe in tips["failure_planning"] for probe in probes)


def test_two_questions_get_different_tips(reviewer: Reviewer) -> None:
    answer = "We use a cache and a database."
    chat = reviewer.review(answer, phase="deep_dive", question="chat")
    urls = reviewer.review(answer, phase="deep_dive", question="url_shortener")
    assert [i.tip for i in chat.items] != [i.tip for i in urls.items]


def test_a_prompt_in_the_bots_own_form_names_its_question(reviewer: Reviewer) -> None:
    title = load_content().question("url_shortener").title
    prompt = f"{title} (scale): One link goes viral at 100K clicks/s; where is it served from?"
    review = reviewer.review("We use a cache and a database.", phase="scale", prompt=prompt)
    assert review.question == title
    tips = {item.id: item.tip or "" for item in review.missing}
    assert all("URL Shortener" in tip and "cart" not in tip.lower() for tip in tips.values())
    other = reviewer.review("We use a cache and a database.", prompt="Design a URL shortener.")
    assert other.question is None  # free text names no question: the rubric's tips


def test_without_a_question_the_rubric_tip_is_used(reviewer: Reviewer) -> None:
    review = reviewer.review("We use a cache and a database.", phase="requirements")
    customer = next(i for i in review.items if i.id == "customer_first")
    assert customer.tip == load_content().rubric.item("customer_first").tip_for("requirements")


def test_a_complete_answer_gets_the_next_push(reviewer: Reviewer) -> None:
    review = reviewer.review(STRONG, phase="operations", question="url_shortener")
    assert review.score == review.max_score
    assert review.next_push == load_content().question("url_shortener").probes["operations"][:3]
    card = Renderer().render("review/card.md.j2", review=review, source_label=None)
    assert_fits(card)
    assert "Next push" in card.as_text() and review.next_push[0] in card.as_text()


def test_a_complete_whole_answer_is_pushed_past_the_requirements(reviewer: Reviewer) -> None:
    """No phase: the answer already gave its rates and its boxes, so the push goes deeper."""
    probes = load_content().question("url_shortener").probes
    for phase in (None, "full"):
        review = reviewer.review(STRONG, phase=phase, question="url_shortener")
        assert review.score == review.max_score
        assert review.next_push == (probes["deep_dive"][0], probes["scale"][0],
                                    probes["operations"][0])
        assert not set(review.next_push) & {*probes["requirements"], *probes["high_level"]}


def test_an_incomplete_answer_gets_no_next_push(reviewer: Reviewer) -> None:
    review = reviewer.review("Assume 20M DAU → ~500 writes/s.", question="url_shortener")
    assert review.next_push == ()


def test_api_deliverable_needs_an_api_not_an_api_gateway_box(reviewer: Reviewer) -> None:
    chain = reviewer.review("Client -> API Gateway -> Lambda -> DynamoDB.", phase="high_level")
    covered = {d.name: d.covered for d in chain.deliverables}
    assert covered["REST/gRPC APIs"] is False and covered["Box & arrow diagram"] is True
    with_api = reviewer.review("Client -> API Gateway -> Lambda. POST /links returns the code.",
                               phase="high_level")
    assert {d.name: d.covered for d in with_api.deliverables}["REST/gRPC APIs"] is True


def test_operations_evidence_is_the_monitoring_paragraph_not_a_dlq_aside(reviewer: Reviewer) -> None:
    answer = (
        "**Failures**\n- A poison message goes to the DLQ; alarm when DLQ depth > 100.\n"
        "**Ops**\n- Dashboards of p99 redirect latency and 5xx rate; alarms page on-call at "
        "5xx > 1% for 5 min."
    )
    ops = next(i for i in reviewer.review(answer).items if i.id == "operations_ready")
    assert ops.met and ops.evidence is not None and ops.evidence.startswith("Dashboards of p99")


def test_no_probe_is_given_twice_in_one_review(reviewer: Reviewer) -> None:
    """"Which metric pages on-call when redirects fail" fits operations and ownership
    alike; it is given once, and ownership still gets a tip in the question's terms."""
    review = reviewer.review("We use a cache and a database.", phase="operations",
                             question="url_shortener")
    tips = [item.tip or "" for item in review.missing]
    probes = [p for phase in load_content().question("url_shortener").probes.values() for p in phase]
    used = [probe for probe in probes for tip in tips if probe in tip]
    assert used and len(used) == len(set(used))
    ownership = next(i.tip for i in review.missing if i.id == "team_ownership")
    assert ownership is not None and "URL Shortener" in ownership


def test_the_ownership_tip_asks_an_ownership_probe(reviewer: Reviewer) -> None:
    """Not any probe with "team" in it: "One team starts tagging metrics with request ids"
    is about cardinality; the metrics pipeline's ownership probe is "Who owns the pipeline"."""
    review = reviewer.review("We use a cache and a database.", phase="requirements",
                             question="metrics_pipeline")
    ownership = next(i.tip for i in review.missing if i.id == "team_ownership")
    assert ownership is not None and "Who owns the pipeline" in ownership
