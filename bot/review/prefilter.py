"""Literals a regex cannot match without: a substring test that skips a search sure to fail.

``needed(pattern)`` reads the pattern's syntax tree and returns strings such that every
match contains at least one of them ("un fact", "FUN FACT", "rivia" or "TRIVIA" for
``\\b(?:[Ff]un fact|FUN FACT|[Tt]rivia|TRIVIA)\\s*:``), or None when it cannot name any.
A text holding none of them has no match, so ``Prefiltered.search`` returns None there
after a few ``in`` tests (C string searches) instead of running a regex that cannot skip
ahead. Where one of them is present it runs the regex, so its answer is always the
regex's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Set
from re import _parser  # type: ignore[attr-defined]  # the stdlib's own regex parser
from typing import Any

_MOST = 64
"""At most this many strings in a set: a longer list would cost more than the regex."""
_FEW_CHARS = 8
"""A character class of at most this many plain characters ("[Ff]") counts as literals."""
_ZERO_WIDTH = frozenset(("AT", "ASSERT", "ASSERT_NOT"))
_REPEATS = frozenset(("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))


def needed(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains; None when unknown."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _needed(_parser.parse(pattern.pattern, pattern.flags))


def _exact(op: Any, av: Any) -> Set[str] | None:
    """Every text one item can match, when that is a short list (a literal, a choice of
    literals); zero-width assertions match the empty text. None otherwise."""
    name = str(op)
    if name == "LITERAL":
        return {chr(av)}
    if name in _ZERO_WIDTH:
        return {""}
    if name == "IN" and len(av) <= _FEW_CHARS and all(str(kind) == "LITERAL" for kind, _ in av):
        return {chr(code) for _, code in av}  # "[Ff]": a choice of literals
    if name == "SUBPATTERN":
        return None if av[1] or av[2] else _exact_sequence(av[3])  # flags: case may fold
    if name == "ATOMIC_GROUP":
        return _exact_sequence(av)
    if name == "BRANCH":
        return _union(av[1], _exact_sequence)
    return None


def _union(
    branches: Iterable[Iterable[tuple[Any, Any]]],
    texts_of: Callable[[Iterable[tuple[Any, Any]]], Set[str] | None],
) -> Set[str] | None:
    """The texts of every branch of an alternation together; None when one branch has none
    or there are too many to test."""
    found: set[str] = set()
    for branch in branches:
        texts = texts_of(branch)
        if texts is None:
            return None
        found |= texts
    return found if len(found) <= _MOST else None


def _exact_sequence(items: Iterable[tuple[Any, Any]]) -> Set[str] | None:
    texts: Set[str] = {""}
    for op, av in items:
        choices = _exact(op, av)
        if choices is None or len(texts) * len(choices) > _MOST:
            return None
        texts = {a + b for a in texts for b in choices}
    return texts


def _needed(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    """The best set of strings one of which every match of the sequence contains: each
    run of exact items gives one (its texts joined), and so does each group or branch."""
    best: frozenset[str] | None = None
    run: Set[str] = {""}
    for op, av in items:
        choices = _exact(op, av)
        if choices is not None and len(run) * len(choices) <= _MOST:
            run = {a + b for a in run for b in choices}
            continue
        best = _better(best, run)
        if choices is not None:
            run = choices
            continue
        run = {""}
        best = _better(best, _inner(op, av))
    return _better(best, run)


def _inner(op: Any, av: Any) -> Set[str] | None:
    name = str(op)
    if name == "SUBPATTERN":
        return None if av[1] or av[2] else _needed(av[3])
    if name == "ATOMIC_GROUP":
        return _needed(av)
    if name in _REPEATS:
        return _needed(av[2]) if av[0] >= 1 else None
    if name == "BRANCH":
        return _union(av[1], _needed)
    return None


def _better(best: frozenset[str] | None, candidate: Set[str] | None) -> frozenset[str] | None:
    """The more selective set: the longer shortest string, then the fewer strings."""
    if not candidate or "" in candidate:
        return best
    if best is None:
        return frozenset(candidate)
    key = (min(map(len, candidate)), -len(candidate))
    return frozenset(candidate) if key > (min(map(len, best)), -len(best)) else best


def opens_with_literal(pattern: re.Pattern[str]) -> bool:
    """Whether every match starts with one fixed character ("\\(" in "\\((?:TBD|TODO)\\)"):
    the regex engine then skips ahead to that character in C by itself, faster than any
    substring tests could rule the search out."""
    items = _parser.parse(pattern.pattern, pattern.flags)
    return not pattern.flags & re.IGNORECASE and len(items) > 0 and str(items[0][0]) == "LITERAL"


class Prefiltered:
    """A compiled regex whose ``search`` first tests for the literals every match holds,
    unless the regex can skip ahead by itself (``opens_with_literal``)."""

    __slots__ = ("needed", "regex")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.needed = None if opens_with_literal(regex) else needed(regex)

    def search(self, text: str) -> re.Match[str] | None:
        if self.needed is not None and not any(literal in text for literal in self.needed):
            return None
        return self.regex.search(text)
