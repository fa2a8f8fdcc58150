"""The parsed answer plus everything detectors share, computed once per review."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.review.document import Document, Sentence
from bot.review.number_words import spell_digits
from bot.review.numbers import Quantity, is_restated, prompt_values, quantities
from bot.review.rules import RuleSet, default_rules
from bot.review.stance import quoted_span
from bot.review.text import parse

# Digits, or number words the quantity reader knows ("four nines", "a second behind"); two
# regexes because one mixing "\d" with words cannot skip ahead to candidate characters.
_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = re.compile(r"nines|single[- ]digit|(?:seconds?|minutes?) (?:behind|stale|old|of)")


# What a person is shown: "riders see 'high demand, about 6 min wait'", "the banner says '…'"
_SHOWN_BEFORE = re.compile(
    r"\b(?:sees?|seeing|shows?|shown|displays?|displayed|reads?|says|message|banner|toast|label"
    r"|prompt|text|copy)\W{0,3}$"
)


def _on_screen(low: str, position: int) -> bool:
    """A number inside quoted text a person is shown: copy, not the writer's estimate."""
    quote = quoted_span(low, position)
    if quote is None:
        return False
    return _SHOWN_BEFORE.search(low, max(0, quote.start() - 30), quote.start()) is not None


@dataclass
class Analysis:
    """One answer as the detectors see it.

    ``evidence(label)`` runs a label's detector once and remembers the result, so a
    detector that depends on another label's verdict reads it from here instead of
    relying on run order: ``committed(...)`` is the sentences that commit the given
    anti-patterns, so that a customer mentioned only to justify one ("customers should
    never see stale data, so everything is strongly consistent") does not also earn
    ``customer_first`` (GUIDE 2.1). The result is the same whatever order the engine
    asks for the labels in (tests/test_review_rules.py shuffles it).
    """

    doc: Document
    given: frozenset[tuple[str, float]]
    detectors: Mapping[str, Callable[[Analysis], Sentence | None]] = field(default_factory=dict)
    _evidence: dict[str, Sentence | None] = field(default_factory=dict)
    _running: set[str] = field(default_factory=set)
    _quantities: dict[int, tuple[Quantity, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        answer: str,
        prompt: str | None = None,
        detectors: Mapping[str, Callable[[Analysis], Sentence | None]] | None = None,
        rules: RuleSet | None = None,
    ) -> Analysis:
        # sentences that could be pasted under any prompt count for nothing (relevance.py)
        doc = (rules or default_rules()).relevance.generic(parse(answer), prompt)
        return cls(doc, prompt_values(prompt), dict(detectors or {}))

    def evidence(self, label: str) -> Sentence | None:
        """The detector's evidence sentence for ``label`` (computed once)."""
        if label in self._evidence:
            return self._evidence[label]
        if label in self._running:
            raise RuntimeError(f"detector dependency cycle through {label!r}")
        self._running.add(label)
        found = self.detectors[label](self)
        self._running.discard(label)
        self._evidence[label] = found
        return found

    def committed(self, labels: Iterable[str]) -> set[int]:
        """Indexes of the sentences that commit any of the anti-patterns ``labels``."""
        found = (self.evidence(label) for label in labels if label in self.detectors)
        return {self.index(sentence) for sentence in found if sentence is not None}

    def index(self, sentence: Sentence) -> int:
        return self.doc.index_at(sentence.start)

    def quantities(self, sentence: Sentence) -> tuple[Quantity, ...]:
        """The sentence's counted numbers, measured on first use (most are never asked)."""
        found = self._quantities.get(sentence.start)
        if found is None:
            low = sentence.low
            may_hold = _DIGIT.search(low) is not None or _NUMBER_WORDS.search(low) is not None
            found = tuple(quantities(low)) if may_hold else ()
            spelled = spell_digits(low)  # "twenty thousand a second": read as digits too
            if spelled is not None:
                found += tuple(quantities(spelled))
            self._quantities[sentence.start] = found
        return found

    def own_quantities(self, sentence: Sentence) -> tuple[Quantity, ...]:
        """The sentence's counted numbers that the prompt did not already give, outside
        quoted text (a number in a quoted screen, "about 6 min wait", is copy, not an estimate)."""
        low = sentence.low
        return tuple(q for q in self.quantities(sentence)
                     if not is_restated(q, self.given) and not _on_screen(low, q.start))
