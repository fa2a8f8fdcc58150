"""Detectors for the guide's five success-formula items (GUIDE section 2).

An item is met by one clear instance anywhere in the answer (rule 2), so each
detector returns the first sentence that meets it as evidence. Stuffed lines,
questions and negated phrases never meet an item (rules 4 and 6).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bot.review.analysis import Analysis
from bot.review.customer import customer_first
from bot.review.deferral import deferred_monitoring
from bot.review.failures import failure_planning
from bot.review.ownership import team_ownership
from bot.review.patterns import words
from bot.review.stance import claims
from bot.review.text import Sentence

Detector = Callable[[Analysis], Sentence | None]


def _usable(sentence: Sentence) -> bool:
    return not (sentence.stuffing or sentence.question)


# --- numbers_always ----------------------------------------------------------------------


def numbers_always(analysis: Analysis) -> Sentence | None:
    """The writer's own number on scale, latency, availability or cost, with a unit."""
    for sentence in analysis.doc.sentences:
        if _usable(sentence) and analysis.own_quantities(sentence):
            return sentence
    return None


# --- operations_ready --------------------------------------------------------------------

_ALERTING = words(
    r"alarms?\b", r"alert(?:s|ing)?\b", r"paged\b", r"paging\b", r"pager(?:duty)?\b",
    r"opsgenie\b", r"dashboards?\b", r"metrics\b", r"metric(?=:| for| on| of)", r"signals?\b",
    r"slis?\b", r"slos?\b",
    r"we (?:watch|track|measure|emit|record)\b", r"beacons?\b",
    r"what we (?:watch|measure|track)\b",
    r"pages?\b(?= (?:the |an? |on-?call|us\b|someone|primary|secondary|sre|\())",
    r"→ ?pages?\b", r"-> ?pages?\b", r"then pages?\b", r"and pages?\b", r", ?pages?\b",
    r"<[^\n]{0,60}\bpages?\b", r">[^\n]{0,60}\bpages?\b", r"≥[^\n]{0,60}\bpages?\b",
    r"≤[^\n]{0,60}\bpages?\b", r"if\b[^\n]{0,60}\bpages?\b", r"when\b[^\n]{0,60}\bpages?\b",
    r"non-zero[^\n]{0,60}\bpages?\b", r"baseline[^\n]{0,60}\bpages?\b",
    r"to page\b", r"will page\b", r"should page\b", r"must page\b", r"would page\b",
    r"page (?:if|when|on)\b",
)
_SIGNAL = words(
    r"p\d{2,3}\b", r"latency", r"5xx", r"4xx", r"errors?\b", r"error[- ]rate", r"depth", r"lag\b",
    r"age\b", r"throttl", r"success rate", r"succeed\w*", r"failure rate", r"rate\b", r"count", r"backlog",
    r"iterator", r"queue", r"qps", r"rps", r"freshness", r"cpu\b", r"memory", r"disk",
    r"throughput", r"saturation", r"burn", r"budget", r"drops?\b", r"404s", r"timeouts?",
    r"heartbeat", r"stale", r"mismatch", r"oversell", r"duplicate", r"per minute", r"per hour",
    r"/min\b", r"cold start", r"rebuffer", r"first frame", r"play-start", r"connect failures",
    r"checksum", r"hit ratio", r"<\s*~?\d", r">\s*~?\d", r"≥\s*~?\d", r"≤\s*~?\d",
    r"utili[sz]ation", r"usage", r"health", r"fail(?:s|ed|ures?)?\b",
)
_PRACTICE = words(
    r"canar(?:y|ies)\b", r"one-?box\b", r"one box (?=first|→|->|then|,)", r"blue[/-]green",
    r"staged (?:rollout|deploy\w*)", r"rolling (?:deploy\w*|update)", r"bake(?:s|d)?\b",
    r"auto[- ]?rollback", r"roll(?:s|ed)?[- ]?back\b", r"rollback", r"shadow (?:mode|traffic)",
    r"dark launch", r"wave by wave", r"region[- ]by[- ]region", r"runbooks?\b", r"playbooks?\b",
    r"game ?days?\b", r"synthetic (?:checks?|canar\w*|probes?|tests?|traffic|load|monitor\w*)",
    r"chaos\b", r"error budget", r"restores? (?:is |are )?(?:tested|drilled|rehearsed)",
    r"test(?:ed|s)? (?:the )?restores?", r"restore drills?", r"dr drills?", r"failover drills?",
    r"post-?mortems?", r"ops review",
    r"escalat\w*", r"its (?:own )?(?:on-?call|pager|rotation)",
    r"their (?:own )?(?:on-?call|pager|rotation)", r"on-?call (?:rotation|for it)",
    r"weekly (?:\w+ )?(?:rotation|on-?call)", r"daily (?:\w+ )?(?:rotation|on-?call)",
    r"follow[- ]the[- ]sun", r"primary(?:/secondary)? (?:\w+ )?(?:rotation|on-?call)",
    r"secondary (?:\w+ )?(?:rotation|on-?call)", r"primary ?(?:\+|/|and) ?secondary\b",
    r"owns? [^\n.;]{0,40}on-?call",
    r"pager rotation", r"%\s?(?:→|->)\s?\d", r"roll(?:ed|s)? out (?:to )?(?:\d+%|one|a few)",
    r"rollouts? (?:to|of) \d+%", r"gradual rollout", r"percentage rollout", r"auto-?revert\w*",
    r"reverts? automatically",
)


_PRODUCT_ALERT = re.compile(
    r"\b(?:price|price-drop|stock|back-in-stock|restock|deal|fraud|news|weather|geofence|delivery"
    r"|shipping|order|balance|low-balance|login|sale|job|tweet|traffic|speed)[- ]$"
)
_PRODUCT_DASHBOARD = re.compile(r"dashboards? (?:query|queries|loads?|renders?|page|widget)")
_HYPOTHETICAL = re.compile(r"\bwould (?:need|require|mean|have)\b")
# "< 100 ms p95 — web pages stall", "every tracking page refresh": a page of the product,
# not paging someone
_WEB_PAGE_BEFORE = re.compile(
    r"(?:web|tracking|product|home|landing|detail|search|status|results|order|checkout|event"
    r"|cart|item|booking|login|error|static|html)[ -]$"
)
_WEB_PAGE_AFTER = re.compile(r"s?\b[ -](?:refresh\w*|loads?|views?|renders?|stalls?|weight|size)\b")
# "-- must update exactly N rows, else ROLLBACK": a database transaction, not a deploy
_TRANSACTION = re.compile(r"\b(?:txns?|transactions?|rows?|sql|saga)\b")
# "Runbooks: we'll have them.", "On-call: yes.": a heading with a promise and no content
_BARE_PROMISE = re.compile(
    r":\s*(?:yes|yep|sure|of course|obviously|tbd|todo|standard|the usual"
    r"|we'?ll (?:have|write|add) (?:them|it|one|some))\W*$"
)


def _is_web_page(low: str, end: int) -> bool:
    """Whether an alerting match that ends in "page" names a page of the product."""
    if not low[:end].rstrip("s").endswith("page"):
        return False
    page = low.rfind("page", 0, end)
    return bool(_WEB_PAGE_BEFORE.search(low, 0, page) or _WEB_PAGE_AFTER.match(low, page + 4))


def _live_alarms(analysis: Analysis) -> Iterator[Sentence]:
    """Sentences with an alarm/dashboard on a named signal, kept only if not deferred."""
    for sentence, match in claims(analysis.doc, _ALERTING):
        start = match.start() - sentence.start
        if _PRODUCT_DASHBOARD.match(sentence.low, start) or _PRODUCT_ALERT.search(
            sentence.low, 0, start
        ):
            continue  # "a dashboard query returns in < 2 s", "price-drop alerts": the product
        if _is_web_page(sentence.low, match.end() - sentence.start):
            continue
        if analysis.index(sentence) in analysis.committed:
            continue  # "someone watches the dashboard" is team_will_handle, not operability
        if _SIGNAL.search(sentence.low) and not _deferred(sentence):
            yield sentence


def _deferred(sentence: Sentence) -> bool:
    return deferred_monitoring(sentence.low) is not None


def has_live_alarms(analysis: Analysis) -> bool:
    """Whether the answer already has concrete alarms or dashboards in place now."""
    return next(_live_alarms(analysis), None) is not None


def operations_ready(analysis: Analysis) -> Sentence | None:
    """Concrete operability: signals with alarms, safe deploys, runbooks, on-call."""
    alarm = next(_live_alarms(analysis), None)
    if alarm is not None:
        return alarm
    for sentence, match in claims(analysis.doc, _PRACTICE):
        if _not_a_practice(sentence, match):
            continue
        before = sentence.low[: match.start() - sentence.start]
        if not _deferred(sentence) and _HYPOTHETICAL.search(before) is None:
            return sentence
    return None


def _not_a_practice(sentence: Sentence, match: re.Match[str]) -> bool:
    """A transaction rollback, or a practice only promised ("Runbooks: we'll have them")."""
    if _BARE_PROMISE.search(sentence.low):
        return True
    rollback = match.group(0).startswith("roll")
    return rollback and (sentence.code or _TRANSACTION.search(sentence.low) is not None)


DETECTORS: dict[str, Detector] = {
    "customer_first": customer_first,
    "numbers_always": numbers_always,
    "failure_planning": failure_planning,
    "operations_ready": operations_ready,
    "team_ownership": team_ownership,
}
