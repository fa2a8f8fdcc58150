"""The parsed answer plus everything detectors share, computed once per review."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.review.numbers import Quantity, is_restated, prompt_values, quantities
from bot.review.text import Document, Sentence, parse

# Digits, or number words the quantity reader knows ("four nines", "a second behind"); two
# regexes because one mixing "\d" with words cannot skip ahead to candidate characters.
_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = re.compile(r"nines|single[- ]digit|(?:seconds?|minutes?) (?:behind|stale|old|of)")


@dataclass
class Analysis:
    """One answer as the detectors see it.

    ``committed`` collects the sentences that commit an anti-pattern, so that a
    customer mentioned only to justify one ("customers should never see stale
    data, so everything is strongly consistent") does not also earn
    ``customer_first`` (GUIDE 2.1).
    """

    doc: Document
    given: frozenset[tuple[str, float]]
    committed: set[int] = field(default_factory=set)
    _quantities: dict[int, tuple[Quantity, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, answer: str, prompt: str | None = None) -> Analysis:
        return cls(parse(answer), prompt_values(prompt))

    def index(self, sentence: Sentence) -> int:
        return self.doc.index_at(sentence.start)

    def quantities(self, sentence: Sentence) -> tuple[Quantity, ...]:
        """The sentence's counted numbers, measured on first use (most are never asked)."""
        found = self._quantities.get(sentence.start)
        if found is None:
            low = sentence.low
            may_hold = _DIGIT.search(low) is not None or _NUMBER_WORDS.search(low) is not None
            found = tuple(quantities(low)) if may_hold else ()
            self._quantities[sentence.start] = found
        return found

    def own_quantities(self, sentence: Sentence) -> tuple[Quantity, ...]:
        """The sentence's counted numbers that the prompt did not already give."""
        return tuple(q for q in self.quantities(sentence) if not is_restated(q, self.given))
