"""team_ownership (GUIDE 2.5): a named team or role that owns, builds or runs the system.

"The team" alone is not ownership: the team must be named ("the search team",
"SRE", "a 6-person team owns…") and tied to a scope, a pager or a rotation.
"""

from __future__ import annotations

from bot.review.analysis import Analysis
from bot.review.rules import lazy_regex, lazy_words
from bot.review.stance import claims
from bot.review.text import Sentence

_OWNERSHIP = lazy_words("team_ownership", "ownership")
_NAMED_TEAM = lazy_words("team_ownership", "named_team")
_DUTY_THEN_TEAM = lazy_words("team_ownership", "duty_then_team")
_NAME_BEFORE = lazy_regex("team_ownership", "name_before")
_GENERIC_NAMES = frozenset(
    ("the", "our", "a", "an", "this", "that", "ops", "dev", "devs", "whole", "my", "your", "each")
)


def _named(name: str | None) -> bool:
    return name is not None and name not in _GENERIC_NAMES


def team_ownership(analysis: Analysis) -> Sentence | None:
    """A named team or role that owns, builds or runs the system or its parts."""
    for sentence, _ in claims(analysis.doc, _OWNERSHIP):
        if "will handle" in sentence.low or "will take care" in sentence.low:
            continue
        return sentence
    for sentence, match in claims(analysis.doc, _NAMED_TEAM):
        name = _NAME_BEFORE.search(sentence.low, 0, match.start() - sentence.start)
        if _named(name.group(1) if name else None):
            return sentence
    for sentence, match in claims(analysis.doc, _DUTY_THEN_TEAM):
        if _named(next((g for g in match.groups() if g), None)):
            return sentence
    return None
