"""The checker's outputs on every labelled answer, kept as a golden file (issue 16).

``python -m tests.review_golden write`` records, for every answer of
tests/fixtures/review/*.jsonl (and ../shared/rubric-eval/dev.jsonl when present) plus every
rule-file example and the benchmark samples, the evidence each of the ten labels quotes
(None when not found). tests/test_review_equivalence.py checks that the checker still
produces exactly these outputs: a rewrite of the matcher must not change one of them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "review"
DEV = Path(__file__).resolve().parents[2] / "shared" / "rubric-eval" / "dev.jsonl"
GOLDEN = FIXTURES / "golden_outputs.json"
GOLDEN_FILES = ("adversarial_tune", "adversarial_unseen", "adversarial3_tune",
                "adversarial3_round2_tune", "blind", "blind2", "classes_tune", "classes_unseen",
                "classes3_tune", "classes3_round2_tune", "classes4_round3_tune", "classes5_unseen",
                "adversarial5_unseen", "mixed5_unseen", "classes6_tune", "adversarial6_tune",
                "mixed6_tune", "classes7_tune", "adversarial7_tune", "mixed7_tune", "classes8_tune",
                "adversarial8_tune", "mixed8_tune", "mixed9_unseen", "adversarial9_unseen",
                "mixed10_tune", "adversarial10_tune", "mixed11_tune", "adversarial11_tune",
                "mixed12_tune", "adversarial12_tune", "mixed13_tune", "adversarial13_tune",
                "mixed14_tune", "adversarial14_tune", "mixed15_tune", "adversarial15_tune",
                "mixed16_tune", "adversarial16_tune", "mixed17_tune",
                "adversarial17_tune", "mixed18_tune", "adversarial18_tune", "mixed19_unseen",
                "adversarial19_tune", "mixed20_unseen", "adversarial20_unseen",
                "eval_small", "extra")


def cases() -> Iterator[tuple[str, str, str | None]]:
    """(key, answer, prompt) for every answer the golden file covers."""
    for name in GOLDEN_FILES:
        path = FIXTURES / f"{name}.jsonl"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            record = json.loads(line)
            yield f"{name}:{number}", record["answer"], record.get("prompt")
    if DEV.exists():
        for number, line in enumerate(DEV.read_text(encoding="utf-8").splitlines()):
            record = json.loads(line)
            yield f"dev:{number}", record["answer"], record.get("prompt")
    from benchmarks.review_engine import adversarial, sized
    from bot.review.rules import default_rules

    for label, spec in sorted(default_rules().specs.items()):
        for number, example in enumerate(spec.examples):
            yield f"example:{label}:{number}", example.text, example.prompt

    for length in (1_500, 6_000):
        yield f"bench:{length}", sized(length), None
    yield "bench:adversarial", adversarial(), None


def sentence_cases() -> Iterator[tuple[str, str, str | None]]:
    """Every line of every labelled answer on its own: many more inputs, labels only."""
    for key, answer, prompt in cases():
        if key.startswith(("bench:", "example:")):
            continue
        for number, line in enumerate(answer.splitlines()):
            if line.strip():
                yield f"{key}:{number}", line, prompt


def outputs() -> dict[str, object]:
    from bot.review import LABELS, Reviewer

    reviewer = Reviewer()
    found: dict[str, object] = {}
    for key, answer, prompt in cases():
        review = reviewer.review(answer, prompt=prompt)
        evidence = {r.id: r.evidence for r in (*review.items, *review.failure_modes)}
        found[key] = {label: evidence[label] for label in LABELS}
    for key, line, prompt in sentence_cases():
        labels = reviewer.review(line, prompt=prompt).labels()
        found[key] = "".join(str(labels[label]) for label in LABELS)
    return found


if __name__ == "__main__":
    if sys.argv[1:] == ["write"]:
        GOLDEN.write_text(json.dumps(outputs(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {GOLDEN}")
