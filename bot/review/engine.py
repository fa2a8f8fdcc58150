"""The answer checker: detection (content-free) plus tips from the rubric.

Detection needs no content at all, so the CLI's ``--eval`` and the benchmark
run without YAML. A ``Reviewer`` built with a ``Rubric`` attaches the guide's
names, phase-specific tips, "do instead" lines and phase deliverables; the cogs
build one in ``cog_load`` from ``bot.content``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from bot.content import Question, Rubric
from bot.content._yields import settling_order
from bot.review import scan
from bot.review.analysis import Analysis, Detector
from bot.review.antipatterns import monitor_later
from bot.review.checklist import numbers_always, operations_ready
from bot.review.coaching import next_push, question_tips
from bot.review.customer import customer_first
from bot.review.document import Document
from bot.review.failures import failure_planning
from bot.review.model import (
    DEFAULT_ITEM_NAMES,
    DEFAULT_MODE_NAMES,
    DeliverableResult,
    FailureModeResult,
    ItemResult,
    Review,
)
from bot.review.ownership import team_ownership
from bot.review.people import team_will_handle
from bot.review.rules import CompiledRule, RuleSet, default_rules, word_patterns
from bot.review.text import MAX_CHARS

EVIDENCE_LIMIT = 280
_LEADING_MARKS = "*_`># "
_TRAILING_MARKS = "*_` "

NOTHING_TO_REVIEW = "Nothing to review: the message has no text."
NO_WORDS = "Nothing to review: the message has no words (only emoji, symbols or numbers)."
TRUNCATED = f"Only the first {MAX_CHARS:,} characters were reviewed."
ONLY_CODE = "The answer is only a code block; add a few sentences that explain the design."
NOT_ENGLISH = "The checker reads English; parts written in other languages were not understood."
VERY_SHORT = "Very short answer: most items need a sentence or two each."


@dataclass(frozen=True)
class Detection:
    """Raw detector output: evidence sentence per label (None when absent)."""

    evidence: Mapping[str, str | None]


SHAPES: Mapping[str, Detector] = {
    "customer_first": customer_first,
    "numbers_always": numbers_always,
    "failure_planning": failure_planning,
    "operations_ready": operations_ready,
    "team_ownership": team_ownership,
    "monitor_later": monitor_later,
    "team_will_handle": team_will_handle,
}
"""The labels whose shape is still code; every other label is its rule file alone."""


def _generic(rule: CompiledRule) -> Detector:
    return lambda analysis: rule.candidates(analysis.doc)


@dataclass(frozen=True)
class Plan:
    """How one rule set is run: a detector per label, and the order labels are settled
    in, each after the labels its rule file yields to (``yields_to``)."""

    detectors: Mapping[str, Detector]
    order: tuple[str, ...]


@lru_cache(maxsize=8)
def plan(rules: RuleSet) -> Plan:
    """The rule set's plan, built once, which is also when the one-pass scan learns every
    word pattern. A ring of yields (only possible in rules that skipped validation)
    raises ``YieldCycle`` here, before any answer is read."""
    scan.prepare(word_patterns(rules))
    detectors = {label: SHAPES.get(label) or _generic(rules.rule(label)) for label in rules.labels}
    settled = settling_order({label: rules.specs[label] for label in rules.labels})
    return Plan(detectors, settled)


def detect(
    answer: str, prompt: str | None = None, order: Sequence[str] | None = None,
    rules: RuleSet | None = None,
) -> tuple[Detection, Document]:
    """Run every label's detector, in the plan's order unless ``order`` is given. The
    analysis settles a label's yielded-to labels before it whatever is asked first, so
    ``order`` never changes the result (the shuffle test asks in random orders)."""
    rules = rules or default_rules()
    run = plan(rules)
    analysis = Analysis.of(answer, prompt, run.detectors, rules)
    evidence: dict[str, str | None] = {}
    for label in order or run.order:
        sentence = analysis.evidence(label)
        evidence[label] = _quote(sentence.text) if sentence else None
    return Detection({label: evidence[label] for label in rules.labels}), analysis.doc


def _quote(text: str) -> str:
    """A sentence tidied for quoting: one line, markdown edges off, at most 280 chars."""
    # split/join makes every whitespace run one space, so plain strips remove the edges
    # (str methods: a regex anchored at the end retries at every space of the sentence).
    text = " ".join(text.replace("**", "").replace("__", "").split())
    text = text.lstrip(_LEADING_MARKS).rstrip(_TRAILING_MARKS)
    return text if len(text) <= EVIDENCE_LIMIT else text[: EVIDENCE_LIMIT - 1].rstrip() + "…"


class Reviewer:
    """Reviews answers against the rubric; one instance per bot, safe to share."""

    def __init__(
        self, rubric: Rubric | None = None, questions: Mapping[str, Question] | None = None,
        rules: RuleSet | None = None,
    ) -> None:
        self._rubric = rubric
        self._questions = questions or {}
        self._rules = rules

    @property
    def rules(self) -> RuleSet:
        """The rule files this reviewer reads (prompts/review/ unless given)."""
        return self._rules or default_rules()

    def review(
        self,
        text: str,
        phase: str | None = None,
        question: str | Question | None = None,
        prompt: str | None = None,
    ) -> Review:
        """Review ``text``; ``question`` is a question id or object, ``prompt`` the text
        the answer replies to (its numbers do not count as the answer's own)."""
        resolved = self._question(question) or self._question_titled(prompt)
        if prompt is None and resolved is not None:
            prompt = " ".join((resolved.brief, *resolved.scale))
        rules = self.rules
        detection, doc = detect(text, prompt, rules=rules)
        non_latin = doc.mostly_non_latin()  # both checks below need it; it counts letters
        problem = _problem(doc, non_latin)
        missing = [label for label in rules.checklist if detection.evidence[label] is None]
        # The question's own system, numbers and probes when it is known (coaching.py).
        tips = question_tips(missing, resolved, phase) if resolved is not None else {}
        items = tuple(self._item(label, detection, phase, tips.get(label))
                      for label in rules.checklist)
        complete = problem is None and all(item.met for item in items)
        return Review(
            items=items,
            failure_modes=tuple(self._mode(label, detection) for label in rules.failure_modes),
            phase=phase,
            deliverables=() if problem else self._deliverables(phase, doc),
            notices=_notices(doc, non_latin) if problem is None else (),
            problem=problem,
            next_push=next_push(resolved, phase) if complete else (),
            question=resolved.title if resolved else None,
        )

    def _question(self, question: str | Question | None) -> Question | None:
        if isinstance(question, str):
            return self._questions.get(question)
        return question

    def _question_titled(self, prompt: str | None) -> Question | None:
        """The question a prompt of the bot's own form names ("Key-Value Database (DynamoDB)
        (operations): …"), so coaching can use its system and probes without an id."""
        if not prompt:
            return None
        return next((q for q in self._questions.values() if prompt.startswith(q.title + " (")), None)

    def _item(
        self, label: str, detection: Detection, phase: str | None, question_tip: str | None
    ) -> ItemResult:
        evidence = detection.evidence[label]
        entry = _entry(self._rubric.item, label) if self._rubric else None
        spec = self.rules.specs[label]
        name = entry.name if entry else spec.name or DEFAULT_ITEM_NAMES.get(label) or _title(label)
        if evidence is not None:
            return ItemResult(label, name, True, evidence, None)
        # The question's tip when there is one; the rubric's general tip otherwise, or
        # the rule file's for a label added as data.
        tip = question_tip
        if tip is None:
            tip = entry.tip_for(phase) if entry else spec.tip
        return ItemResult(label, name, False, None, tip)

    def _mode(self, label: str, detection: Detection) -> FailureModeResult:
        evidence = detection.evidence[label]
        entry = _entry(self._rubric.failure_mode, label) if self._rubric else None
        spec = self.rules.specs[label]
        name = entry.mistake if entry else spec.name or DEFAULT_MODE_NAMES.get(label) or _title(label)
        instead = (entry.instead if entry else spec.instead) if evidence is not None else None
        return FailureModeResult(label, name, evidence is not None, evidence, instead)

    def _deliverables(self, phase: str | None, doc: Document) -> tuple[DeliverableResult, ...]:
        if phase is None or self._rubric is None:
            return ()
        try:
            deliverables = self._rubric.phase(phase).deliverables
        except KeyError:
            return ()
        return tuple(DeliverableResult(d.name, d.covered_by(doc.text)) for d in deliverables)


EntryT = TypeVar("EntryT")


def _entry(find: Callable[[str], EntryT], label: str) -> EntryT | None:
    """The rubric's entry for ``label``; None for a label only the rule files describe."""
    try:
        return find(label)
    except KeyError:
        return None


def _title(label: str) -> str:
    return label.replace("_", " ").capitalize()


def _problem(doc: Document, non_latin: bool) -> str | None:
    if not doc.sentences:
        return NOTHING_TO_REVIEW
    if not doc.has_words() and not non_latin:
        return NO_WORDS
    return None


def _notices(doc: Document, non_latin: bool) -> tuple[str, ...]:
    notices: list[str] = []
    if doc.truncated:
        notices.append(TRUNCATED)
    if doc.only_code():
        notices.append(ONLY_CODE)
    if non_latin:
        notices.append(NOT_ENGLISH)
    elif len(doc.text.split(None, 25)) < 25:  # stop splitting once there are 25 words
        notices.append(VERY_SHORT)
    return tuple(notices)
