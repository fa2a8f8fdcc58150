"""The one-pass scan (bot.review.scan) finds exactly what each word pattern's own scan finds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.review import customer, detect, failures, scan
from bot.review.patterns import WordPattern
from bot.review.rules import default_rules, word_patterns
from bot.review.text import parse

FIXTURE = Path(__file__).parent / "fixtures" / "review" / "extra.jsonl"
SEARCHED_ONLY = (customer._ACTOR, customer._FIRST_PERSON, customer._INTERNAL, failures._RESPONSE)


@pytest.fixture(scope="module")
def lows() -> list[str]:
    """Every labeled answer's search buffer (``Document.low``)."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return [parse(json.loads(line)["answer"]).low for line in lines if line.strip()]


def test_the_pass_finds_what_each_pattern_finds(lows: list[str]) -> None:
    patterns = word_patterns(default_rules())
    scan.prepare(patterns)
    for low in lows:
        found = scan.Scan(low)
        for pattern in patterns:
            expected = [m.span() for m in pattern.finditer(low) if "\n" not in m.group(0)]
            assert [m.span() for m in found.matches(pattern)] == expected, (pattern.alternatives, low)


def test_searched_only_lists_stay_out_of_the_pass() -> None:
    registered = {id(p) for p in word_patterns(default_rules())}
    assert not registered & {id(p) for p in SEARCHED_ONLY}


def test_a_searched_only_list_asked_of_a_document_is_still_found(lows: list[str]) -> None:
    pattern = WordPattern(customer._INTERNAL.alternatives, customer._INTERNAL.regex)  # a fresh copy
    for low in lows[:50]:
        doc = parse(low)
        assert [m.span() for m in doc.matches(pattern)] == [m.span() for m in pattern.finditer(doc.low)]


def test_no_match_runs_on_into_the_next_sentence() -> None:
    # "\s" reads the newline that joins two sentences in ``Document.low``
    across = WordPattern(("ownership:\\s*the \\w+ team",), re.compile("ownership:\\s*the \\w+ team"))
    plain = re.compile("ownership:\\s*the \\w+ team")
    split = parse("Ownership:\nThe routing team owns the optimizer.")
    kept = parse("Ownership: the routing team.")
    for pattern in (across, plain):
        assert list(split.matches(pattern)) == []
        assert not split.has(pattern, split.sentences[0])
        assert [m.group(0) for m in kept.matches(pattern)] == ["ownership: the routing team"]
        assert kept.has(pattern, kept.sentences[0])
    found = detect("Ownership:\nThe routing team is great.", "Design a payment system.")[0]
    assert found.evidence["team_ownership"] is None
