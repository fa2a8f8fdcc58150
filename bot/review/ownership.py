"""team_ownership (GUIDE 2.5): a named team or role that owns, builds or runs the system.

"The team" alone is not ownership: the team must be named ("the search team",
"SRE", "a 6-person team owns…") and tied to a scope, a pager or a rotation.
"""

from __future__ import annotations

import re

from bot.review.analysis import Analysis
from bot.review.patterns import expand, words
from bot.review.stance import claims
from bot.review.text import Sentence

_OWN_VERB = (
    r"\b[^\n.;]{0,60}?\b(?:owns?|owned|builds? and (?:runs?|operates?)|runs? and owns?"
    r"|is on-?call|carr(?:y|ies) (?:the|its|their) pager|(?:is|are) paged|holds? the pager"
    r"|(?:is|are) responsible for|responsible for)\b"
)
_DUTY = r"(?:on-?call|rotation|pager)"
_OWNERSHIP = words(
    *(rf"{team}{_OWN_VERB}" for team in ("teams?", "squad", "sres?", "org\b", "group")),
    r"owned by (?:the |a |one |its )?(?:[\w/&+-]+ ){0,3}(?:team|squad|sre|org|group)\b",
    *expand(
        "t&s|trust & safety|trust and safety|sre|secops|infosec|devops|dbas?|netops|finops",
        r" owns?\b",
    ),
    r"owners?(?:hip)?\s*(?::|is|=)\s*(?:the )?(?!(?:the|our|a|ops|dev)\b)[\w/&+-]+"
    r" (?:team|squad|sre)\b",
    *(rf"{duty} (?:inside|within|in|held by|for) the [\w-]+ team" for duty in ("on-?call",
                                                                            "rotation", "pager")),
)
_NAMED_TEAM = words(
    rf"teams? (?:with|has|have|each with) (?:its|their) own {_DUTY}",
    rf"team's (?:own )?{_DUTY}",
    r"teams? (?:runs|operates|maintains|builds|carries|holds)\b",
    rf"teams?\b[^\n.;]{{0,40}}?\b{_DUTY}\b",
)
_DUTY_THEN_TEAM = words(
    *(rf"{duty}\b[^\n.;]{{0,25}}?\b(?:is |= )?(?:the )?([\w/&+-]+) team\b"
      for duty in ("on-?call", "rotation", "pager")),
    # "on-call (primary + secondary from the ticketing team)": held by, further along
    *(rf"{duty}\b[^\n.;]{{0,40}}?\b(?:from|held by|inside|within) (?:the )?([\w/&+-]+) team\b"
      for duty in ("on-?call", "rotation", "pager")),
)
_NAME_BEFORE = re.compile(r"([\w/&+-]+) $")
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
