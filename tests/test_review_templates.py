"""review/card.md.j2 and review/compact.md.j2 with the real renderer: within Discord's
limits for every labeled answer, and hostile answer text echoed literally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.content import load_content
from bot.render import Renderer
from bot.review import Reviewer
from tests.render_checks import assert_fits

FIXTURES = Path(__file__).parent / "fixtures" / "review"
DEV = Path(__file__).resolve().parents[2] / "shared" / "rubric-eval" / "dev.jsonl"
PHASES = ("requirements", "high_level", "deep_dive", "scale", "operations")


def _answers() -> list[tuple[str, str]]:
    paths = [FIXTURES / "extra.jsonl", *([DEV] if DEV.exists() else [])]
    return [
        (record["answer"], record["phase"])
        for path in paths
        for record in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    ]


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    content = load_content()
    return Reviewer(content.rubric, content.questions)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()



def test_every_labeled_answer_fits_in_both_templates(
    reviewer: Reviewer, renderer: Renderer
) -> None:
    answers = _answers()
    assert len(answers) >= 100
    for number, (answer, phase) in enumerate(answers):
        review = reviewer.review(answer, phase=PHASES[number % len(PHASES)] if phase else None)
        assert_fits(renderer.render("review/card.md.j2", review=review, source_label=None))
        assert_fits(renderer.render("review/compact.md.j2", review=review))


def test_card_shows_evidence_tips_failure_modes_and_deliverables(
    reviewer: Reviewer, renderer: Renderer
) -> None:
    review = reviewer.review(
        "Assume 20M DAU → ~500 writes/s.\nWe'll run it all on Kubernetes, the standard.",
        phase="requirements",
    )
    embed = renderer.render("review/card.md.j2", review=review, source_label=None).embed
    assert embed is not None and embed.title == "Answer review · 1/5 items met · 1 failure mode"
    fields = {f.name: f.value for f in embed.fields}
    assert fields["✅ Numbers Always"] == "“Assume 20M DAU → \\~500 writes/s.”"  # escaped
    assert fields["❌ Customer First"] == load_content().rubric.item("customer_first").tip_for(
        "requirements")
    assert "**Instead:** Start with EC2 + ALB" in fields["⚠️ We'll use Kubernetes"]
    assert "Phase deliverables · requirements" in fields


def test_problem_card_says_what_was_wrong(reviewer: Reviewer, renderer: Renderer) -> None:
    embed = renderer.render("review/card.md.j2", review=reviewer.review(""), source_label=None).embed
    assert embed is not None and embed.description == "Nothing to review: the message has no text."
    assert embed.fields == ()


def test_hostile_answer_text_is_echoed_literally(reviewer: Reviewer, renderer: Renderer) -> None:
    answer = "@everyone {{ 7*7 }} <@123> _x_ we run everything on k8s {% raw %}"
    review = reviewer.review(answer)
    card = renderer.render("review/card.md.j2", review=review, source_label=None).as_text()
    compact = renderer.render("review/compact.md.j2", review=review).as_text()
    for text in (card, compact):
        assert "{{ 7\\*7 }}" in text and "49" not in text  # literal, markdown-escaped
        assert "@everyone" in text and "<@123>" in text and "{% raw %}" in text
        assert "\\_x\\_" in text
