"""The regex speed-ups in bot.review.patterns must not change a single match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.review import (
    alarms,
    antipatterns,
    checklist,
    customer,
    deferral,
    failures,
    ownership,
    people,
    stance,
)
from bot.review.patterns import WordPattern, word_start, words
from bot.review.rules import default_rules

FIXTURE = Path(__file__).parent / "fixtures" / "review" / "extra.jsonl"
MODULES = (alarms, antipatterns, checklist, customer, deferral, failures, ownership, people, stance)
def _word_patterns() -> dict[str, WordPattern]:
    """Every word pattern of the label modules, including those built from the rule files
    on first use (``rules.lazy_words``), and every rule file's cues."""
    found: dict[str, WordPattern] = {}
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, WordPattern):
                found[f"{module.__name__}.{name}"] = value
    for label in default_rules().specs:
        cues = default_rules().rule(label).cues
        if cues is not None:
            found[f"prompts/review/{label}.yaml cues"] = cues
    return found


WORD_PATTERNS = _word_patterns()


@pytest.fixture(scope="module")
def answers() -> str:
    """Every labeled answer, lowercased, as one search buffer like ``Document.low``."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return "\n".join(json.loads(line)["answer"].lower() for line in lines if line.strip())


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str, ...]]]:
    return [(m.span(), tuple(g for g in m.groups() if g)) for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", sorted(WORD_PATTERNS))
def test_factored_word_list_matches_like_the_plain_alternation(name: str, answers: str) -> None:
    pattern = WORD_PATTERNS[name]
    plain = re.compile("|".join(pattern.alternatives))
    assert _found(pattern.regex, answers) == _found(plain, answers)


def test_factoring_keeps_the_order_of_alternatives_that_share_a_prefix() -> None:
    pattern = words("al", "alarm", "alert", "al\\w+", "always")
    assert pattern.search("alarms").group(0) == "al"
    assert words("alarm", "al\\w+", "al").search("alerts").group(0) == "alerts"
    assert words("a\\ b", "a c", "a bc").search("a bc").group(0) == "a b"


@pytest.mark.parametrize(
    "text", ["but", "a but b", "abut", "but_", "_but", "rebuttal", "x,but", "butbut but", "é but"]
)
def test_word_start_is_a_leading_word_boundary(text: str) -> None:
    fast = re.compile(word_start("but") + r"\b")
    slow = re.compile(r"\bbut\b")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]
