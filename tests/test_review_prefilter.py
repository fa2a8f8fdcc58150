"""The literal pre-test of bot.review.prefilter never changes whether a regex matches."""

from __future__ import annotations

import random
import re

import pytest

from bot.review.prefilter import Prefiltered, needed
from bot.review.rules import default_rules

PATTERNS = (
    r"ab(c|d)+e", r"x(?:yz|w)?q", r"\bfoo\b|bar", r"(?:a|b)(?:c|d)e", r"(?>ab)c", r"a{2}b",
    r"(?i)abc", r"a(?i:b)c", r"[^ab]c", r"[Tt][ae]x", r"(a)\1b", r"c(?=ab)", r"(?<=b)ax",
)
PIECES = ("Team X", "fun fact:", "Trivia :", "<abc>", "abce", "xq", "aace", "abc", "aaB", "ABC",
          "aBc", "Tax", "aab", "cab", "bax", "Service Y", "DB Z", " ", "a", "b")


def _texts(seed: int, count: int = 3000) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6))) for _ in range(count)]


@pytest.mark.parametrize("source", PATTERNS)
def test_the_pre_test_agrees_with_the_regex(source: str) -> None:
    regex = re.compile(source)
    prefiltered = Prefiltered(regex)
    for text in _texts(len(source)):
        assert (prefiltered.search(text) is None) == (regex.search(text) is None), text


def test_the_placeholders_agree_with_their_regexes() -> None:
    for prefiltered in default_rules().relevance._placeholders:
        for text in _texts(7):
            assert (prefiltered.search(text) is None) == (prefiltered.regex.search(text) is None)


def test_needed_literals() -> None:
    assert needed(re.compile(r"\b(?:[Ff]un fact|TRIVIA)\s*:")) == {"Fun fact", "fun fact", "TRIVIA"}
    assert needed(re.compile(r"(?:a|b)(?:c|d)e")) == {"ace", "ade", "bce", "bde"}
    assert needed(re.compile(r"(?i)abc")) is None  # case folded: no literal is certain
    assert needed(re.compile(r"a?b*")) is None


def test_a_regex_that_opens_with_a_literal_is_searched_without_a_pre_test() -> None:
    # the engine skips ahead to "(" by itself; ten substring tests over the answer cost more
    assert Prefiltered(re.compile(r"\((?:TBD|TODO)\)")).needed is None
    assert Prefiltered(re.compile(r"\b(?:[Ff]un fact|TRIVIA)\s*:")).needed is not None
    assert Prefiltered(re.compile(r"(?i)\(tbd\)")).needed is None  # folded: no literal is certain
