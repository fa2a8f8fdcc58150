"""The parsed answer plus everything detectors share, computed once per review."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
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


# What a person is shown: "riders see 'high demand, about 6 min wait'", "the banner says '…'",
# "I get a 'price changed, $24.99 → $27.99' screen"
_SHOWN_BEFORE = re.compile(
    r"\b(?:sees?|seeing|gets?|shows?|shown|displays?|displayed|reads?|says|message|banner|toast"
    r"|label|prompt|text|copy)(?: an?| the)?\W{0,3}$"
)
_SHOWN_AFTER = re.compile(
    r"\W{0,2}(?:note|screen|banner|message|popup|pop-up|toast|dialog|prompt|page|email|sms|push"
    r"|notification|label)\b"
)


def _on_screen(low: str, position: int) -> bool:
    """A number inside quoted text a person is shown: copy, not the writer's estimate."""
    quote = quoted_span(low, position)
    if quote is None:
        return False
    return (_SHOWN_BEFORE.search(low, max(0, quote.start() - 30), quote.start()) is not None
            or _SHOWN_AFTER.match(low, quote.end()) is not None)


@dataclass(frozen=True)
class Firm:
    """A candidate its label keeps even when a label it yields to accepts the same sentence:
    "we run it on Kubernetes with canary deploys" commits kubernetes_first and still names
    a real deploy practice (operations_ready)."""

    sentence: Sentence


Detector = Callable[["Analysis"], Iterable[Sentence | Firm]]
"""A label's shape: the sentences that could be its evidence, best first."""


def distinct(candidates: Iterable[Sentence]) -> Iterator[Sentence]:
    """Each sentence once, at its best place: a shape that reads an answer several ways
    (its sentence, a heading, a question) offers a sentence two readings accept once."""
    seen: set[int] = set()
    for sentence in candidates:
        if sentence.start not in seen:
            seen.add(sentence.start)
            yield sentence


_QUESTION = re.compile(r"[^?.!\n]*\?")


def _questions(prompt: str | None) -> str:
    """The question sentences of ``prompt`` (a design brief has none), lowercased."""
    if not prompt or "?" not in prompt:
        return ""
    return " ".join(m.group(0).strip() for m in _QUESTION.finditer(prompt.lower()))


@dataclass
class Analysis:
    """One answer as the detectors see it.

    ``evidence(label)`` settles a label once: the first sentence its detector offers that
    no label it yields to accepts (``yields_to`` in its rule file: "customers should never
    see stale data, so everything is strongly consistent" commits perfect_consistency and
    so is not ``customer_first``, GUIDE 2.1), or that it offers as ``Firm``. Every sentence
    the other label accepts counts, not only the one it quotes: an answer that commits an
    anti-pattern twice justifies it with its customer in either sentence. Those labels
    are settled first, on demand, so no detector reads another's verdict and the result
    is the same whatever order the labels are asked for in (tests/test_review_rules.py
    shuffles it); the rule files are checked to hold no ring of yields.
    """

    doc: Document
    given: frozenset[tuple[str, float]]
    detectors: Mapping[str, Detector] = field(default_factory=dict)
    yields_to: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    prompt_questions: str = ""
    """The prompt's questions, lowercased ("a node dies; what does the system do?"): what
    the answer replies to, which a detector may read as the answer's context."""
    _evidence: dict[str, Sentence | None] = field(default_factory=dict)
    _quantities: dict[int, tuple[Quantity, ...]] = field(default_factory=dict)
    _kept_all: dict[str, list[Sentence]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        answer: str,
        prompt: str | None = None,
        detectors: Mapping[str, Detector] | None = None,
        rules: RuleSet | None = None,
    ) -> Analysis:
        rules = rules or default_rules()
        # sentences that could be pasted under any prompt count for nothing (relevance.py)
        doc = rules.relevance.generic(parse(answer), prompt)
        yields_to = {label: spec.yields_to for label, spec in rules.specs.items()}
        return cls(doc, prompt_values(prompt), dict(detectors or {}), yields_to, _questions(prompt))

    def evidence(self, label: str) -> Sentence | None:
        """The label's evidence sentence, computed once."""
        if label not in self._evidence:
            self._evidence[label] = next(self._kept(label), None)
        return self._evidence[label]

    def _kept(self, label: str) -> Iterator[Sentence]:
        """The detector's candidates that the label keeps: firm ones, and the rest unless
        a label it yields to accepts them."""
        taken = self._taken_for(label)
        for candidate in self.detectors[label](self):
            if isinstance(candidate, Firm):
                yield candidate.sentence
            elif self.index(candidate) not in taken:
                yield candidate

    def untaken(self, label: str, sentences: Iterable[Sentence]) -> Iterator[Sentence]:
        """``sentences`` without those the labels ``label`` yields to accept: for a shape
        that reads sentences besides its candidates ("alarms already in place")."""
        taken = self._taken_for(label)
        return (sentence for sentence in sentences if self.index(sentence) not in taken)

    def _taken_for(self, label: str) -> set[int]:
        """Indexes of the sentences the labels ``label`` yields to accept."""
        return {self.index(sentence) for other in self.yields_to.get(label, ())
                for sentence in self._all_kept(other)}

    def _all_kept(self, label: str) -> list[Sentence]:
        """Every sentence ``label`` keeps, read once: its evidence is the first of them."""
        found = self._kept_all.get(label)
        if found is None:
            found = self._kept_all[label] = list(self._kept(label))
        return found

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
