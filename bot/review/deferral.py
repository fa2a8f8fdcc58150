"""Monitoring put off until later: shared by ``monitor_later`` and ``operations_ready``.

GUIDE 3.4 flags "we'll add monitoring later"; 2.4 says a deferred monitoring
plan does not make an answer operations-ready. Both need the same reading of
one clause: a monitoring term, a deferral, and no negation in front of either
("we will NOT add monitoring later" defers nothing).
"""

from __future__ import annotations

import re

from bot.review.patterns import expand, word_start, words
from bot.review.stance import is_negated

_MONITORING = re.compile(
    # "logs" but not "log": "we keep appending to the log" is the data, not its monitoring
    r"\b(?:monitor\w*|observab\w*|metrics?|dashboards?|alarms?|alert\w*|logging|logs|tracing"
    r"|instrument\w*|telemetry|prometheus|grafana|cloudwatch|datadog|pagerduty|health ?checks?"
    r"|slos?|paging)\b"
)
_PRODUCT_REPORTING = re.compile(
    r"(?:finance|financial|business|reporting|analytics|customer-facing|seller|admin|marketing"
    r"|usage|product)\s(?:\w+\s)?(?:dashboards?|metrics|reports?)"
)
_PRODUCT_ONLY = re.compile(r"analytics|reporting|\breports?\b|finance|\bkpis?\b|business metrics")
_CORE_ALERTING = re.compile(r"\b(?:alarms?|alert\w*|paging|on-?call|error rates?|latency)\b")
DEFERRAL = words(
    r"later\b(?! than)", r"eventually\b", r"post[- ]launch",
    r"after (?:the )?(?:launch|mvp|go[- ]live|we (?:launch|ship|go live|see|get|have))",
    r"once (?:it'?s |we'?re |we )?(?:live|launched|in prod\w*|have|see|get|actually|scale|grow)",
    r"next (?:sprint|quarter|phase|iteration|version|release|semester|term|month|year|cycle"
    r"|milestone)", r"v2\b", r"phase (?:2|two)\b",
    r"in the future", r"down the road", r"future work",
    r"when (?:we )?(?:see|have|get|hit) (?:problems|issues|real|actual|traffic|customers|users)",
    r"not (?:a )?(?:launch[- ])?blocker", r"out of scope", r"skip\w*", r"bolt\w* on",
    r"nice[- ]to[- ]have", r"would be nice", r"can wait",
    r"isn'?t (?:needed|necessary|required) (?:for|until|in|at)\b",
    r"aren'?t (?:needed|necessary|required) (?:for|until|in|at)\b",
    r"not (?:needed|necessary|required) (?:for|until|in|at)\b",
    r"don'?t need (?:\w+ ){0,3}until", r"do not need (?:\w+ ){0,3}until",
    r"won'?t need (?:\w+ ){0,3}until", r"until (?:we|there'?s|after|launch)",
    r"wouldn'?t bother", r"won'?t bother", r"don'?t bother", r"not bother", r"for now just",
    r"not yet\b", r"leave (?:that|it|this|them)? ?(?:for|until|to)\b", r"punt\w*", r"defer\w*",
    r"postpon\w*", r"launch without", r"ship\w* without", r"go live without",
    r"not (?:for|in) (?:v1|the mvp|mvp|launch|now|day one|day 1)\b", r"after v1\b", r"post-v1\b",
    r"not a priority", r"on the roadmap", r"until then\b", r"in q[1-4]\b", r"for q[1-4]\b",
    r"after\b[^,.;\n]{0,30}\b(?:launch\w*|goes live|go-live|ships?|shipped|released?|is live)\b",
    *expand(
        "if|when|once",
        r" (?:it|this|we|traffic|usage) (?:gets?|becomes?|takes off|grows?|blows up|picks up)\b",
    ),
    r"once\b[^,.;\n]{0,30}\b(?:done|over|finished|complete|completed|launched|stable|shipped"
    r"|ready|sign up|signs up|onboard\w*|arrive|show up|start using|join)\b",
    r"after (?:the )?(?:pilot|beta|soft launch|first release|public launch|ga\b"
    r"|general availability)",
    # "Alerting/metrics: post-MVP", "post-GA", "post v1"
    r"post[- ]?(?:mvp|ga\b|v1\b|release|beta|pilot|migration|cutover|rollout)",
    # "after the migration settles", "once things calm down": a later stage, named by an event
    *expand(
        "after|once|when",
        r"\b[^,.;\n]{0,30}\b(?:settles?|settled|stabili[sz]\w*|calms? down|lands?|landed"
        r"|is done|are done|wraps? up|is over|finish\w*|complet\w*)\b",
    ),
    *expand("is|are", r" (?:good )?enough for now"),
    # "Monitoring: v1.1", "a fast-follow", "Metrics: TBD", "in the second milestone"
    r"v1\.[1-9]\b", r"v[3-9]\b", r"fast[- ]follow\w*", r"follow[- ]?up (?:item|task|ticket|work)\b",
    # ": TBD" starts at the colon: words starting with "t" are everywhere, colons are rare
    r"a follow[- ]?up\b", r": ?tbd\b", r"afterwards?\b", r"as soon as we (?:have|get|see)",
    r"not in this (?:iteration|release|phase|version|sprint|milestone)",
    r"not (?:needed|required|necessary) to (?:launch|ship|go live)",
    *expand("second|later|future|subsequent", r" (?:milestone|release|iteration|phase|sprint)"),
)
_CLAUSE = re.compile(rf";|—|–| - |,|{word_start('but')}\b")


_LATER_IN_TIME = re.compile(r"\d+\s?\w*\s?later$")
_POINTER = re.compile(r"\b(?:that|it|them|this)\b")
_BETWEEN_NEGATION = re.compile(r"\b(?:isn'?t|is not|not|never|won'?t)\b")


def deferred_monitoring(low: str, asked: bool = False) -> re.Match[str] | None:
    """The deferral in a clause that puts monitoring off, or None.

    A clause counts when it holds a monitoring term and a deferral, or a
    deferral of "that/it" right after a clause naming monitoring ("metrics would
    be nice, but I'd leave that for after launch"). Product reporting ("the
    finance dashboard is v2") is not operational monitoring. ``asked`` says the
    sentence is a short answer to a question about monitoring ("Monitoring? Later.").
    """
    clauses = _CLAUSE.split(low)
    for number, clause in enumerate(clauses):
        deferral = DEFERRAL.search(clause)
        if deferral is None or _LATER_IN_TIME.search(clause, 0, deferral.end()):
            continue
        if _PRODUCT_ONLY.search(clause) and not _CORE_ALERTING.search(clause):
            continue  # "merchant analytics in v2" defers a product feature, not monitoring
        operational = _PRODUCT_REPORTING.sub("", clause)
        term = _MONITORING.search(operational)
        if term is None and not asked:
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


def asks_about_monitoring(question: str) -> bool:
    """A question naming monitoring, such as "Monitoring?" or "what about alerts?"."""
    return question.rstrip().endswith("?") and _MONITORING.search(question) is not None
