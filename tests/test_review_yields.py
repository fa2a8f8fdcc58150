"""``yields_to`` in the rule files: a sentence another label quotes is not this label's.

The rule files declare which labels give way to which; the checker settles a label after
the labels it yields to, so no detector reads another's verdict and the order the labels
are asked for never matters (tests/test_review_rules.py shuffles it). A rule file naming
an unknown label, or a ring of labels yielding to each other, is refused at start-up.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml

from bot.content import DEFAULT_DIRECTORY, validate_content_dir
from bot.content._reader import Problems
from bot.content._review import parse_review_dir
from bot.content._yields import YieldCycle, settling_order
from bot.review import detect
from bot.review.rules import RULES_DIRECTORY, RuleError, RuleSet, default_rules, load_rules


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _problems(folder: Path) -> list[str]:
    problems = Problems("review")
    parse_review_dir(folder, problems)
    return problems.messages


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of prompts/ with its review rules, to break one rule file in."""
    for name in ("rubric.yaml", "questions.yaml", "roadmap.yaml", "guide.yaml"):
        shutil.copy(DEFAULT_DIRECTORY / name, tmp_path / name)
    shutil.copytree(RULES_DIRECTORY, tmp_path / "review")
    return tmp_path


def test_yielding_to_an_unknown_label_is_refused(content: Path) -> None:
    _edit(content / "review" / "customer_first.yaml", lambda d: d["yields_to"].append("k8s_first"))
    expected = "review/customer_first.yaml: yields_to[5]: no rule file review/k8s_first.yaml"
    assert _problems(content / "review") == [expected]
    assert any(expected in problem for problem in validate_content_dir(content))  # start-up, doctor
    with pytest.raises(RuleError, match="k8s_first"):
        load_rules(content / "review")


def test_a_ring_of_yields_is_refused(content: Path) -> None:
    _edit(content / "review" / "team_will_handle.yaml", lambda d: d.update(yields_to=["customer_first"]))
    expected = ("review/customer_first.yaml: yields_to: labels yield to each other in a ring "
                "(customer_first → team_will_handle → customer_first), so none can be settled first")
    assert _problems(content / "review") == [expected]
    assert any(expected in problem for problem in validate_content_dir(content))
    with pytest.raises(RuleError, match="ring"):
        load_rules(content / "review")


def test_a_label_yielding_to_itself_is_a_ring(content: Path) -> None:
    _edit(content / "review" / "kubernetes_first.yaml", lambda d: d.update(yields_to=["kubernetes_first"]))
    assert _problems(content / "review") == [
        "review/kubernetes_first.yaml: yields_to: labels yield to each other in a ring "
        "(kubernetes_first → kubernetes_first), so none can be settled first"]


def test_a_ring_in_rules_built_without_validation_is_refused_before_any_answer() -> None:
    shipped = default_rules()
    specs = dict(shipped.specs)
    specs["team_will_handle"] = dataclasses.replace(specs["team_will_handle"], yields_to=("customer_first",))
    with pytest.raises(YieldCycle):
        detect("Shoppers see their cart in < 100 ms.", rules=RuleSet(specs, shipped.relevance_data,
                                                                      shipped.order))


def test_every_label_is_settled_after_the_labels_it_yields_to() -> None:
    specs = default_rules().specs
    order = settling_order(specs)
    assert sorted(order) == sorted(specs)
    for label, spec in specs.items():
        assert all(order.index(other) < order.index(label) for other in spec.yields_to)
    assert set(specs["customer_first"].yields_to) == set(default_rules().failure_modes)


# --- the mechanism, on two labels added as data -------------------------------------------

GOLD_PLATING = {
    "label": "gold_plating",
    "group": "failure_mode",
    "cues": ["blockchain\\b"],
    "examples": [
        {"text": "Every click goes on a blockchain.", "found": True},
        {"text": "No blockchain here.", "found": False},
    ],
}
AUDIT_TRAIL = {
    "label": "audit_trail",
    "group": "checklist",
    "cues": ["audit\\w*"],
    "examples": [
        {"text": "The audit log is append-only in S3.", "found": True},
        {"text": "It should be traceable.", "found": False},
    ],
}
CHAIN = "Every change goes on a blockchain for auditability."
BOTH = f"{CHAIN} The audit log is append-only in S3."


def _with_labels(tmp_path: Path, yields: bool) -> RuleSet:
    """prompts/review/ plus the two labels; audit_trail yields to gold_plating if ``yields``."""
    folder = tmp_path / "review"
    shutil.copytree(RULES_DIRECTORY, folder)
    audit = {**AUDIT_TRAIL, "yields_to": ["gold_plating"]} if yields else AUDIT_TRAIL
    for spec in (GOLD_PLATING, audit):
        (folder / f"{spec['label']}.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    _edit(folder / "labels.yaml", lambda d: (d["checklist"].append("audit_trail"),
                                             d["failure_modes"].append("gold_plating")))
    return load_rules(folder)


def test_a_sentence_another_label_quotes_is_not_evidence_of_the_label_yielding(tmp_path: Path) -> None:
    plain = detect(BOTH, rules=_with_labels(tmp_path / "plain", yields=False))[0].evidence
    assert plain["audit_trail"] == plain["gold_plating"] == CHAIN
    rules = _with_labels(tmp_path / "yielding", yields=True)
    evidence = detect(BOTH, rules=rules)[0].evidence
    assert evidence["gold_plating"] == CHAIN
    assert evidence["audit_trail"] == "The audit log is append-only in S3."  # the next candidate
    for order in (["audit_trail", "gold_plating"], ["gold_plating", "audit_trail"]):
        assert detect(BOTH, order=[*order, *default_rules().labels], rules=rules)[0].evidence == evidence
    only = detect(CHAIN, rules=rules)[0].evidence
    assert only["audit_trail"] is None and only["gold_plating"] is not None
