"""What a review says, as plain frozen data the cogs, CLI and storage all share."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ITEM_IDS = (
    "customer_first",
    "numbers_always",
    "failure_planning",
    "operations_ready",
    "team_ownership",
)
MODE_IDS = (
    "kubernetes_first",
    "infinite_scale",
    "perfect_consistency",
    "monitor_later",
    "team_will_handle",
)
LABELS = ITEM_IDS + MODE_IDS

# Names used when no rubric is loaded (the CLI's --eval, benchmarks): the guide's words.
DEFAULT_ITEM_NAMES = {
    "customer_first": "Customer First",
    "numbers_always": "Numbers Always",
    "failure_planning": "Failure Planning",
    "operations_ready": "Operations Ready",
    "team_ownership": "Team Ownership",
}
DEFAULT_MODE_NAMES = {
    "kubernetes_first": "We'll use Kubernetes",
    "infinite_scale": "Infinite scale design",
    "perfect_consistency": "Perfect consistency",
    "monitor_later": "We'll monitor later",
    "team_will_handle": "The team will handle it",
}


@dataclass(frozen=True)
class ItemResult:
    """One success-formula item: met with the quoted sentence, or missing with a tip."""

    id: str
    name: str
    met: bool
    evidence: str | None
    tip: str | None


@dataclass(frozen=True)
class FailureModeResult:
    """One common failure mode: committed (with the sentence and the fix) or not."""

    id: str
    name: str
    committed: bool
    evidence: str | None
    instead: str | None


@dataclass(frozen=True)
class DeliverableResult:
    """One deliverable of the requested phase and whether the answer covers it."""

    name: str
    covered: bool


@dataclass(frozen=True)
class Review:
    """The checker's verdict on one answer.

    ``score`` counts met items only; committed failure modes are reported beside
    it (``failure_count``), never folded into the number, so a strong answer
    with one mistake reads "5/5, 1 failure mode" rather than a vague 4.
    """

    items: tuple[ItemResult, ...]
    failure_modes: tuple[FailureModeResult, ...]
    phase: str | None = None
    deliverables: tuple[DeliverableResult, ...] = ()
    notices: tuple[str, ...] = ()
    problem: str | None = None
    next_push: tuple[str, ...] = ()
    """For an answer that meets every item: what a bar raiser would probe next."""
    question: str | None = None
    """The title of the question the answer was checked against, when it was known."""

    @property
    def score(self) -> int:
        return sum(1 for item in self.items if item.met)

    @property
    def max_score(self) -> int:
        return len(self.items)

    @property
    def committed(self) -> tuple[FailureModeResult, ...]:
        return tuple(mode for mode in self.failure_modes if mode.committed)

    @property
    def failure_count(self) -> int:
        return len(self.committed)

    @property
    def missing(self) -> tuple[ItemResult, ...]:
        return tuple(item for item in self.items if not item.met)

    def labels(self) -> dict[str, int]:
        """Every label as 0/1: the checklist items, then the failure modes, in card order
        (the labeling guide's ten, and any label added as data after them)."""
        found = {item.id: int(item.met) for item in self.items}
        found.update({mode.id: int(mode.committed) for mode in self.failure_modes})
        return found

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the CLI's ``--format json`` and ``--jsonl`` output."""
        data = asdict(self)
        data.update(score=self.score, max_score=self.max_score, labels=self.labels())
        data["failure_count"] = self.failure_count
        return data
