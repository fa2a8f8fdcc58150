"""The Reviewer with the real rubric: tips, do-instead, deliverables, score and bad input."""

from __future__ import annotations

import json
import time

import pytest

from benchmarks.review_engine import adversarial
from bot.content import load_content
from bot.review import MAX_CHARS, Review, Reviewer
from bot.review.engine import NO_WORDS, NOT_ENGLISH, NOTHING_TO_REVIEW, ONLY_CODE, TRUNCATED

STRONG_WITH_K8S = (
    "Shoppers see add-to-cart return in < 100 ms p99.\n"
    "Assume 20M DAU → ~500 writes/s.\n"
    "If DynamoDB throttles, the SDK retries with backoff and then queues the write.\n"
    "Alarms on 5xx > 1% page the on-call via PagerDuty.\n"
    "The cart team owns the service and its on-call.\n"
    "Everything runs on Kubernetes because that's the standard."
)


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    content = load_content()
    return Reviewer(content.rubric, content.questions)


def test_score_counts_items_and_shows_failure_modes_beside_it(reviewer: Reviewer) -> None:
    result = reviewer.review(STRONG_WITH_K8S)
    assert result.score == 5 and result.max_score == 5
    assert [mode.id for mode in result.committed] == ["kubernetes_first"]
    assert result.failure_count == 1
    kubernetes = result.committed[0]
    assert kubernetes.name == "We'll use Kubernetes"
    assert kubernetes.instead == "Start with EC2 + ALB, evolve if needed"
    assert kubernetes.evidence == "Everything runs on Kubernetes because that's the standard."


def test_missing_items_get_the_phase_tip(reviewer: Reviewer) -> None:
    content = load_content()
    result = reviewer.review("We use DynamoDB.", phase="operations")
    tips = {item.id: item.tip for item in result.items}
    assert tips["operations_ready"] == content.rubric.item("operations_ready").tip_for("operations")
    assert tips["operations_ready"] != content.rubric.item("operations_ready").tip
    assert all(not item.met and item.evidence is None for item in result.items)


def test_question_scale_sharpens_the_numbers_tip(reviewer: Reviewer) -> None:
    question = next(iter(load_content().questions.values()))
    result = reviewer.review("We use a cache.", question=question.id)
    numbers = next(item for item in result.items if item.id == "numbers_always")
    assert question.title in (numbers.tip or "") and question.scale[0] in (numbers.tip or "")


def test_question_numbers_are_the_prompt_so_restating_them_does_not_count(
    reviewer: Reviewer,
) -> None:
    question = next(q for q in load_content().questions.values() if any(c.isdigit() for s in
                                                                         q.scale for c in s))
    restated = reviewer.review(f"So: {question.scale[0]}. That is a lot.", question=question)
    assert restated.labels()["numbers_always"] == 0


def test_phase_deliverables_are_reported(reviewer: Reviewer) -> None:
    result = reviewer.review("Use cases: add to cart. Assume 10M DAU, p99 < 100 ms.",
                             phase="requirements")
    assert [d.covered for d in result.deliverables] == [True, True, True]
    assert reviewer.review("Just a cache.", phase="full").deliverables == ()


def test_detection_without_content_gives_defaults_and_no_tips() -> None:
    result = Reviewer().review(STRONG_WITH_K8S)
    assert result.score == 5
    assert result.items[0].name == "Customer First"
    assert result.committed[0].instead is None


def test_review_serialises_to_json_with_all_ten_labels(reviewer: Reviewer) -> None:
    data = json.loads(json.dumps(reviewer.review(STRONG_WITH_K8S).to_dict()))
    assert data["score"] == 5 and data["failure_count"] == 1
    assert sorted(data["labels"]) == sorted(Review.labels(reviewer.review("x")))
    assert len(data["labels"]) == 10


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", NOTHING_TO_REVIEW),
        ("   \n\t  \n", NOTHING_TO_REVIEW),
        ("\u200b\u200d\ufeff", NOTHING_TO_REVIEW),
        ("\x00\x07\x1b", NOTHING_TO_REVIEW),
        ("🔥🚀💯 ✅✅", NO_WORDS),
        ("123 456 !!!", NO_WORDS),
    ],
)
def test_nothing_to_review_is_said_plainly(text: str, problem: str) -> None:
    result = Reviewer().review(text)
    assert result.problem == problem
    assert result.score == 0 and not result.committed and result.notices == ()


def test_long_paste_is_cut_with_a_notice_and_stays_fast() -> None:
    started = time.perf_counter()
    result = Reviewer().review(adversarial(100_000))
    elapsed = time.perf_counter() - started
    assert TRUNCATED in result.notices and str(f"{MAX_CHARS:,}") in TRUNCATED
    assert elapsed < 2.0  # generous: catches exponential backtracking, not speed


@pytest.mark.parametrize(
    "hostile",
    ["a" * 50_000, "1" * 50_000, "k8s? " * 10_000, "'" * 30_000 + "x", ("(" * 5000 + ")" * 5000),
     "the team will " * 3000, "\u202e" * 1000 + "text", "**" * 10_000, "- " * 20_000,
     "if " * 7_000, "when the " * 3_000, "once " * 5_000, "monitoring later, " * 1_500,
     "strongly consistent everything " * 700, "customers see " * 2_000],
)
def test_adversarial_input_never_crashes_or_hangs(hostile: str) -> None:
    started = time.perf_counter()
    Reviewer().review(hostile)
    assert time.perf_counter() - started < 2.0


def test_code_only_and_non_english_answers_get_notices() -> None:
    code = Reviewer().review("```yaml\nkind: Deployment\nreplicas: 3\n```")
    assert ONLY_CODE in code.notices
    assert code.labels()["kubernetes_first"] == 1
    foreign = Reviewer().review("这是一个关于购物车系统设计的回答，我们使用缓存和数据库来处理请求。" * 2)
    assert NOT_ENGLISH in foreign.notices and foreign.problem is None


def test_zero_width_characters_do_not_hide_words() -> None:
    result = Reviewer().review("We run every\u200bthing on k\u200b8s.")
    assert result.labels()["kubernetes_first"] == 1
