"""The one generic matcher that reads prompts/review/<label>.yaml.

A rule is an existence check with conditions, like Vale's ``existence`` and
``conditional`` rules: a cue phrase, held as the writer's claim (``stance``),
counts unless an exception pattern matches in its scope, and only if every
required pattern matches in its scope. Labels whose shape is more than that
(failure→response, numbers vs settings) keep their shape in code and read their
phrase lists from the same files (``RuleSet.words`` / ``RuleSet.regex``).

Rules are compiled once per process (``default_rules``) from the validated data;
a label's rule never reads another label's result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.content import DEFAULT_DIRECTORY
from bot.content._reader import Problems
from bot.content._review import (
    LabelOrder,
    Relevance,
    ReviewRule,
    parse_review_dir,
    read_labels,
    read_relevance,
)
from bot.review.document import Document, Sentence
from bot.review.lazy import LazyRegex
from bot.review.patterns import WordPattern, word_list
from bot.review.relevance import RelevanceCheck
from bot.review.stance import claims, clause_after, clause_before

RULES_DIRECTORY = DEFAULT_DIRECTORY / "review"
_CLAIM_BREAK = re.compile(r";|\. |\bbut\b|\bwhile\b|\bwhereas\b")


class RuleError(Exception):
    """The rule files are invalid; the message lists every problem."""


def _either(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class CompiledRule:
    """One label's rule, compiled: cues as a fast word pattern, scopes as regexes."""

    label: str
    cues: WordPattern | None
    unless: Mapping[str, re.Pattern[str] | WordPattern]
    requires: Mapping[str, re.Pattern[str] | WordPattern]

    @classmethod
    def of(cls, rule: ReviewRule) -> CompiledRule:
        def scoped(source: Mapping[str, tuple[str, ...]]) -> dict[str, re.Pattern[str] | WordPattern]:
            return {
                scope: word_list(patterns) if scope == "answer" else _either(patterns)
                for scope, patterns in source.items()
            }

        return cls(rule.label, word_list(rule.cues) if rule.cues else None,
                   scoped(rule.unless), scoped(rule.requires))

    def first(self, doc: Document) -> Sentence | None:
        """The first sentence whose cue is a claim that no exception cancels."""
        return next(self.candidates(doc), None)

    def candidates(self, doc: Document) -> Iterator[Sentence]:
        """Every sentence whose cue is a claim that no exception cancels, in order."""
        if self.cues is None:
            return
        answer_exception: bool | None = None
        for sentence, match in claims(doc, self.cues):
            scopes = _Scopes(doc, sentence, match)
            if not all(scopes.search(scope, p) for scope, p in self.requires.items() if scope != "answer"):
                continue
            if any(scopes.search(scope, p) for scope, p in self.unless.items() if scope != "answer"):
                continue
            if "answer" in self.requires and not _any_claim(doc, self.requires["answer"]):
                continue
            if "answer" in self.unless:
                if answer_exception is None:
                    answer_exception = _any_claim(doc, self.unless["answer"])
                if answer_exception:
                    continue
            yield sentence


def _any_claim(doc: Document, pattern: re.Pattern[str] | WordPattern) -> bool:
    return next(claims(doc, pattern), None) is not None


class _Scopes:
    """The texts around one cue match, each built only when a rule asks for it."""

    def __init__(self, doc: Document, sentence: Sentence, match: re.Match[str]) -> None:
        self.doc, self.sentence = doc, sentence
        self.start, self.end = match.start() - sentence.start, match.end() - sentence.start

    def search(self, scope: str, pattern: re.Pattern[str] | WordPattern) -> bool:
        low = self.sentence.low
        if scope == "after":  # anchored at the cue's end: "k8s is overkill here"
            return isinstance(pattern, re.Pattern) and pattern.match(low[self.end :]) is not None
        return pattern.search(self._text(scope)) is not None

    def _text(self, scope: str) -> str:
        low = self.sentence.low
        if scope == "before":
            return clause_before(low, self.start)
        if scope == "clause":
            return clause_before(low, self.start) + " " + clause_after(low, self.end)
        if scope == "claim":
            return _claim_of(low, self.start)
        if scope == "sentence_and_next":
            following = self.doc.next_in_line(self.sentence)
            return low + " " + (following.low if following else "")
        return low


def _claim_of(low: str, position: int) -> str:
    """The part of the sentence holding ``position``, between ';'/'but' breaks."""
    start = 0
    for match in _CLAIM_BREAK.finditer(low):
        if match.start() >= position:
            return low[start : match.start()]
        start = match.end()
    return low[start:]


class RuleSet:
    """All rule files, compiled; detectors ask it for their rule or a named list."""

    def __init__(self, rules: Mapping[str, ReviewRule], relevance: Relevance | None = None,
                 order: LabelOrder | None = None) -> None:
        self.specs = dict(rules)
        self._compiled = {label: CompiledRule.of(rule) for label, rule in rules.items()}
        self.relevance_data = relevance or Relevance()
        self.relevance = RelevanceCheck(self.relevance_data)
        if order is None:  # no labels.yaml given: every rule file, by group, in name order
            order = LabelOrder(
                tuple(label for label, rule in self.specs.items() if rule.group == "checklist"),
                tuple(label for label, rule in self.specs.items() if rule.group == "failure_mode"),
            )
        self.order = order

    @property
    def checklist(self) -> tuple[str, ...]:
        """The checklist labels the checker reports, in card order (labels.yaml)."""
        return self.order.checklist

    @property
    def failure_modes(self) -> tuple[str, ...]:
        return self.order.failure_modes

    @property
    def labels(self) -> tuple[str, ...]:
        return self.order.labels

    def rule(self, label: str) -> CompiledRule:
        return self._compiled[label]

    def compiled(self) -> tuple[CompiledRule, ...]:
        return tuple(self._compiled.values())

    def items(self, label: str, name: str) -> tuple[str, ...]:
        return self.specs[label].lists[name]

    def words(self, label: str, *names: str) -> WordPattern:
        """Named lists as one fast word pattern (``patterns.word_list``)."""
        return word_list(item for name in names for item in self.items(label, name))

    def regex(self, label: str, name: str) -> re.Pattern[str]:
        """A named list as one regex, the entries as alternatives in order."""
        return _either(self.items(label, name))


def load_rules(directory: Path = RULES_DIRECTORY) -> RuleSet:
    """Parse, validate and compile the rule files; RuleError lists every problem."""
    problems = Problems("review")
    rules = parse_review_dir(directory, problems)
    relevance = read_relevance(directory, Problems("review"))  # its problems are in ``problems``
    if problems.messages:
        raise RuleError("\n".join(problems.messages))
    return RuleSet(rules, relevance, read_labels(directory, rules, Problems("review")))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The rules in prompts/review/, loaded on first use and shared (they are immutable)."""
    return load_rules()


_DECLARED: list[WordPattern] = []
"""Every pattern the label modules declared for the scan, in declaration order (``word_patterns``)."""


def word_patterns(rules: RuleSet) -> list[WordPattern]:
    """The word patterns detectors may ask a document about: the rules' cues and
    answer-wide scopes, and every word list the label modules declared. The one-pass
    scan registers them all before the first review (``scan.prepare``), so its tables
    are built once, at load, instead of once more each time a review first asks for one."""
    found: list[WordPattern] = []
    for rule in rules.compiled():
        found.extend(p for p in (rule.cues, rule.unless.get("answer"), rule.requires.get("answer"))
                     if isinstance(p, WordPattern))
    return found + rules.relevance.word_patterns() + _DECLARED


def lazy_words(label: str, *names: str, scanned: bool = True) -> WordPattern:
    """``word_list`` of the lists ``names`` of ``label``'s rule file, compiled on first use.

    ``scanned=False`` for a list a detector only ever ``search``es in a sentence and never
    asks the document for (``Document.matches``/``has``): the one-pass scan then does not
    read every answer for it, which costs a stop (and a Python match attempt) at each of its
    hits. Asked for by a document after all, it is still found correctly: the scan registers
    it then and rebuilds its tables once, for the rest of the process."""
    return lazy_word_pattern(lambda rules: rules.words(label, *names), scanned=scanned)


def lazy_word_pattern(build: Callable[[RuleSet], WordPattern], *, scanned: bool = True) -> WordPattern:
    """A word pattern composed from several lists (nouns x verbs), built on first use."""
    pattern = WordPattern.deferred(lambda: build(default_rules()))
    if scanned:
        _DECLARED.append(pattern)
    return pattern


def lazy_regex(label: str, name: str) -> re.Pattern[str]:
    """The list ``name`` of ``label``'s rule file as one regex, compiled on first use."""
    return lazy(lambda rules: rules.regex(label, name))


def lazy(build: Callable[[RuleSet], re.Pattern[str]]) -> re.Pattern[str]:
    """A regex composed from several lists, built on first use (``lazy.LazyRegex``)."""
    return LazyRegex(lambda: build(default_rules()))  # type: ignore[return-value]
