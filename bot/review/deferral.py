"""Monitoring put off until later: shared by ``monitor_later`` and ``operations_ready``.

GUIDE 3.4 flags "we'll add monitoring later"; 2.4 says a deferred monitoring
plan does not make an answer operations-ready. Both need the same reading of
one clause: a monitoring term, a deferral, and no negation in front of either
("we will NOT add monitoring later" defers nothing).
"""

from __future__ import annotations

import re

from bot.review.stance import is_negated

_MONITORING = re.compile(
    r"\b(?:monitor\w*|observab\w*|metrics?|dashboards?|alarms?|alert\w*|logging|logs?|tracing"
    r"|instrument\w*|telemetry|prometheus|grafana|cloudwatch|datadog|pagerduty|health ?checks?"
    r"|slos?|paging)\b"
)
_PRODUCT_REPORTING = re.compile(
    r"(?:finance|financial|business|reporting|analytics|customer-facing|seller|admin|marketing"
    r"|usage|product)\s(?:\w+\s)?(?:dashboards?|metrics|reports?)"
)
_DEFERRAL = re.compile(
    r"(?<!\d )(?<!\d)\blater\b|\beventually\b|post[- ]launch|after (?:the )?(?:launch|mvp|go[- ]live"
    r"|we (?:launch|ship|go live|see|get|have))|\bonce (?:it'?s |we'?re |we )?(?:live|launched"
    r"|in prod\w*|have|see|get|actually|scale|grow)|next (?:sprint|quarter|phase|iteration"
    r"|version|release)|\bv2\b|phase (?:2|two)|in the future|down the road|future work|when (?:we )?"
    r"(?:see|have|get|hit) (?:problems|issues|real|actual|traffic|customers|users)|not (?:a )?"
    r"(?:launch[- ])?blocker|out of scope|\bskip\w*|\bbolt\w* on|nice to have|would be nice"
    r"|can wait|(?:isn'?t|aren'?t|not) (?:needed|necessary|required) (?:for|until|in|at)\b"
    r"|(?:don'?t|do not|won'?t) need (?:\w+ ){0,3}until|\buntil (?:we|there'?s|after|launch)"
    r"|(?:wouldn'?t|won'?t|don'?t|not) bother|for now just|\bnot yet\b|\bleave (?:that|it|this"
    r"|them)? ?(?:for|until|to)\b|\bpunt\w*|\bdefer\w*|\bpostpon\w*|(?:launch|ship\w*|go live)"
    r" without"
)
_CLAUSE = re.compile(r";|—|–| - |,|\bbut\b")


_POINTER = re.compile(r"\b(?:that|it|them|this)\b")
_BETWEEN_NEGATION = re.compile(r"\b(?:isn'?t|is not|not|never|won'?t)\b")


def deferred_monitoring(low: str) -> re.Match[str] | None:
    """The deferral in a clause that puts monitoring off, or None.

    A clause counts when it holds a monitoring term and a deferral, or a
    deferral of "that/it" right after a clause naming monitoring ("metrics would
    be nice, but I'd leave that for after launch"). Product reporting ("the
    finance dashboard is v2") is not operational monitoring.
    """
    clauses = _CLAUSE.split(low)
    for number, clause in enumerate(clauses):
        deferral = _DEFERRAL.search(clause)
        if deferral is None:
            continue
        operational = _PRODUCT_REPORTING.sub("", clause)
        term = _MONITORING.search(operational)
        if term is None:
            previous = clauses[number - 1] if number else ""
            if not (_POINTER.search(clause) and _MONITORING.search(previous)):
                continue
        if not _negated(clause, deferral, term):
            return deferral
    return None


def _negated(clause: str, deferral: re.Match[str], term: re.Match[str] | None) -> bool:
    first = min(deferral.start(), term.start()) if term else deferral.start()
    if is_negated(clause, first):
        return True
    if term is not None and term.end() < deferral.start():
        return _BETWEEN_NEGATION.search(clause, term.end(), deferral.start()) is not None
    return False
