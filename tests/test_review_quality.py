"""Agreement with hand labels: the checker's quality bar, measured on labeled answers.

extra.jsonl was written for this project from the labeling guide's definitions
(tricky negations, stuffing, Discord style, code blocks). dev.jsonl is the shared
development set; it is read when the shared folder is present.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.review import ITEM_IDS, LABELS, MODE_IDS, Reviewer
from bot.review.evaluate import EvalReport, LabelScore, evaluate

FIXTURES = Path(__file__).parent / "fixtures" / "review"
DEV = Path(__file__).resolve().parents[2] / "shared" / "rubric-eval" / "dev.jsonl"


def _report(path: Path) -> EvalReport:
    reviewer = Reviewer()
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        predicted = reviewer.review(record["answer"], prompt=record["prompt"]).labels()
        pairs.append((record["labels"], predicted))
    return evaluate(pairs)


def _assert_quality(report: EvalReport) -> None:
    weak = {s.label: round(s.f1, 2) for s in report.scores if s.f1 < 0.8}
    assert report.items_macro_f1 >= 0.9
    assert report.modes_macro_f1 >= 0.9
    assert not weak


def test_extra_set_is_big_enough_and_fully_labeled() -> None:
    records = [json.loads(line) for line in (FIXTURES / "extra.jsonl").read_text().splitlines()]
    assert len(records) >= 60
    assert all(set(r["labels"]) == set(LABELS) for r in records)
    assert len({r["id"] for r in records}) == len(records)


def test_quality_on_extra_set() -> None:
    _assert_quality(_report(FIXTURES / "extra.jsonl"))


@pytest.mark.skipif(not DEV.exists(), reason="shared dev set not present")
def test_quality_on_dev_set() -> None:
    _assert_quality(_report(DEV))


def test_label_score_ratios_and_macro_f1() -> None:
    expected = [{"customer_first": 1}, {"customer_first": 1}, {"customer_first": 0}]
    predicted = [{"customer_first": 1}, {"customer_first": 0}, {"customer_first": 1}]
    report = evaluate(zip(expected, predicted, strict=True))
    score = report.score("customer_first")
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 1)
    assert score.precision == score.recall == score.f1 == 0.5
    assert report.score("numbers_always").f1 == 1.0  # never present, never flagged
    assert report.items_macro_f1 == pytest.approx((0.5 + 4 * 1.0) / len(ITEM_IDS))
    assert report.modes_macro_f1 == 1.0 and len(MODE_IDS) == 5


def test_f1_is_zero_when_everything_is_missed() -> None:
    assert LabelScore("x", 0, 0, 3).f1 == 0.0
