"""relevance.yaml's "Team X" placeholder finds exactly where the plain regex finds.

The file's regex starts at the space before the capital and checks the noun by looking
back, so each match ends where the plain regex's match ends (it starts after the noun).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from bot.review.rules import default_rules

PLAIN = re.compile(
    r"\b(?:[Tt]eam|[Ss]ervice|[Dd]atabase|DB|[Qq]ueue|[Cc]omponent|[Ss]ystem|[Mm]odule"
    r"|[Mm]icroservice|[Cc]luster|[Ss]quad) [A-Z]\b(?![\w'])"
)
FIXTURES = Path(__file__).parent / "fixtures" / "review"
TOKENS = ("Team", "team", "TEAM", "Teams", "xteam", "DB", "db", "xDB", "Service", "service",
          "Microservice", "microservice", "Database", "Queue", "Component", "System", "Module",
          "Cluster", "Squad", "squad", "A", "B", "X", "Y", "Z", "a", "AB", "X'", "X's", "É", "é",
          "owns", "the", "1", "_", "Team_", "Teamé")
SEPARATORS = (" ", " ", " ", "", "  ", ",", ".", "'", "\n", "-", "é", "_", "é ")


def _placeholder() -> re.Pattern[str]:
    source = default_rules().relevance_data.placeholders[0]
    assert "eam" in source, "the first placeholder is the 'Team X' one"
    return re.compile(source)


def _ends(pattern: re.Pattern[str], text: str) -> list[int]:
    return [m.end() for m in pattern.finditer(text)]


def test_same_matches_as_the_plain_regex_on_random_text() -> None:
    fast = _placeholder()
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(TOKENS) + rng.choice(SEPARATORS) for _ in range(rng.randint(0, 8)))
        assert _ends(fast, text) == _ends(PLAIN, text), text
        assert (fast.search(text) is None) == (PLAIN.search(text) is None), text


def test_same_matches_as_the_plain_regex_on_every_fixture_answer() -> None:
    fast = _placeholder()
    texts = [json.loads(line)["answer"] for line in
             (FIXTURES / "extra.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert texts
    for text in texts:
        assert _ends(fast, text) == _ends(PLAIN, text), text


SLOTS = re.compile(r"\[[A-Z][A-Z0-9 _/-]{0,30}\]|\{[A-Za-z][A-Za-z0-9 _-]{0,30}\}"
                   r"|<[A-Za-z][A-Za-z0-9 _-]{1,30}>")
SLOT_TOKENS = ("[", "]", "{", "}", "<", ">", "TEAM", "Team", "team", "Y", "y", "9", " ", "_", "/", "-",
               "SERVICE", "owns", "p99", "é", "ms", "X" * 31)


def test_the_slot_regexes_find_a_slot_where_the_joined_regex_does() -> None:
    """The template-slot placeholder is three regexes, one per bracket; any of them finds
    a slot exactly when their alternation does."""
    sources = default_rules().relevance_data.placeholders
    split = SLOTS.pattern.split("|")
    assert set(split) <= set(sources)
    slots = [re.compile(s) for s in split]
    rng = random.Random(8)
    for _ in range(20_000):
        text = "".join(rng.choice(SLOT_TOKENS) for _ in range(rng.randint(0, 10)))
        assert any(s.search(text) for s in slots) == (SLOTS.search(text) is not None), text
