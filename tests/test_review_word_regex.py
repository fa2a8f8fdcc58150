"""patterns.word_regex finds exactly what the plain ``\\b(?:...)`` regex finds."""

from __future__ import annotations

import random
import re

import pytest

from bot.review.patterns import word_regex

CASES = (
    (r"no|not|never|nobody|no one|won't|cannot|nor|was going to", r"\b"),
    (r"without|avoid\w*|skip\w*|instead of|rather than", r"\b"),
    (r"if|when|whenever|unless|once|since", r"\b"),
    (r"over|vs\.?|versus|or", r"\s*$"),
)
WORDS = ("no", "not", "none", "no one", "won't", "snot", "ano", "if", "when", "whenever", "ifs",
         "over", "vs.", "vs", "or", "for", "avoiding", "skipped", "instead of", "é", "no_", "_no",
         "ño", "9no", "cannot", "nor", "was going to")
SEPARATORS = (" ", "", ",", "'", ".", "-", "\n", "é", "_")


@pytest.mark.parametrize(("alternatives", "tail"), CASES)
def test_same_matches_as_the_plain_regex(alternatives: str, tail: str) -> None:
    plain = re.compile(rf"\b(?:{alternatives}){tail}")
    fast = word_regex(alternatives, tail)
    rng = random.Random(alternatives)
    for _ in range(3000):
        text = "".join(rng.choice(WORDS) + rng.choice(SEPARATORS) for _ in range(rng.randint(0, 8)))
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
        for pos in (1, 3):
            found, expected = fast.search(text, pos), plain.search(text, pos)
            assert (found and found.span()) == (expected and expected.span()), (text, pos)


def test_alternatives_must_start_with_a_letter() -> None:
    with pytest.raises(ValueError, match="letter"):
        word_regex(r"no|\d+")
