"""The parsed answer plus everything detectors share, computed once per review."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.review.numbers import Quantity, is_restated, measure, prompt_values
from bot.review.text import Document, Sentence, parse


@dataclass
class Analysis:
    """One answer as the detectors see it.

    ``committed`` collects the sentences that commit an anti-pattern, so that a
    customer mentioned only to justify one ("customers should never see stale
    data, so everything is strongly consistent") does not also earn
    ``customer_first`` (GUIDE 2.1).
    """

    doc: Document
    quantities: tuple[tuple[Quantity, ...], ...]
    given: frozenset[tuple[str, float]]
    committed: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, answer: str, prompt: str | None = None) -> Analysis:
        doc = parse(answer)
        return cls(doc, measure(doc), prompt_values(prompt))

    def index(self, sentence: Sentence) -> int:
        return self.doc.index_at(sentence.start)

    def own_quantities(self, sentence: Sentence) -> tuple[Quantity, ...]:
        """The sentence's counted numbers that the prompt did not already give."""
        return tuple(
            q for q in self.quantities[self.index(sentence)] if not is_restated(q, self.given)
        )
