"""Agreement between the checker and hand labels: per-label P/R/F1 and macro-F1.

Used by ``python -m bot check --eval FILE.jsonl`` and by the tests that keep
the checker honest on the labeled fixtures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.review.model import ITEM_IDS, LABELS, MODE_IDS


@dataclass(frozen=True)
class LabelScore:
    """Confusion counts for one label, with the usual ratios (1.0 when undefined)."""

    label: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True)
class EvalReport:
    """Scores for all ten labels over ``examples`` labeled answers."""

    scores: tuple[LabelScore, ...]
    examples: int

    def score(self, label: str) -> LabelScore:
        return next(s for s in self.scores if s.label == label)

    def macro_f1(self, labels: Iterable[str]) -> float:
        chosen = [self.score(label).f1 for label in labels]
        return sum(chosen) / len(chosen)

    @property
    def items_macro_f1(self) -> float:
        return self.macro_f1(ITEM_IDS)

    @property
    def modes_macro_f1(self) -> float:
        return self.macro_f1(MODE_IDS)


def evaluate(pairs: Iterable[tuple[Mapping[str, int], Mapping[str, int]]]) -> EvalReport:
    """Compare (expected, predicted) label maps; missing labels count as 0."""
    counts = {label: [0, 0, 0] for label in LABELS}
    examples = 0
    for expected, predicted in pairs:
        examples += 1
        for label in LABELS:
            truth, guess = bool(expected.get(label)), bool(predicted.get(label))
            if truth and guess:
                counts[label][0] += 1
            elif guess:
                counts[label][1] += 1
            elif truth:
                counts[label][2] += 1
    scores = tuple(LabelScore(label, *counts[label]) for label in LABELS)
    return EvalReport(scores, examples)


def format_report(report: EvalReport) -> str:
    """A plain table: one line per label, then the two macro-F1 lines."""
    lines = [f"{'label':22} {'P':>5} {'R':>5} {'F1':>5}   tp  fp  fn   ({report.examples} answers)"]
    for group, macro in ((ITEM_IDS, report.items_macro_f1), (MODE_IDS, report.modes_macro_f1)):
        for label in group:
            s = report.score(label)
            lines.append(
                f"{label:22} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f}  {s.true_positives:3d}"
                f" {s.false_positives:3d} {s.false_negatives:3d}"
            )
        kind = "items" if group is ITEM_IDS else "failure modes"
        lines.append(f"{'macro-F1 ' + kind:22} {macro:17.3f}")
    return "\n".join(lines)
