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
from bot.review.document import Sentence
from bot.review.failures import failure_planning
from bot.review.ownership import team_ownership
from bot.review.rules import lazy_regex, lazy_words
from bot.review.stance import claims

Detector = Callable[[Analysis], Sentence | None]


def _usable(sentence: Sentence) -> bool:
    return not (sentence.stuffing or sentence.question)


# --- numbers_always ----------------------------------------------------------------------


_WAVED_AWAY = lazy_regex("numbers_always", "waved_away")
_OPS_CONTEXT = lazy_regex("operations_ready", "ops_context")


def numbers_always(analysis: Analysis) -> Sentence | None:
    """The writer's own number on scale, latency, availability or cost, with a unit."""
    for sentence in analysis.doc.sentences:
        if (_usable(sentence) and analysis.own_quantities(sentence)
                and _WAVED_AWAY.search(sentence.low) is None):
            return sentence
    return None


# --- operations_ready --------------------------------------------------------------------

_ALERTING = lazy_words("operations_ready", "alerting")
_SIGNAL = lazy_words("operations_ready", "signal")
_PRACTICE = lazy_words("operations_ready", "practice")


_PRODUCT_ALERT = lazy_regex("operations_ready", "product_alert")
_PRODUCT_DASHBOARD = lazy_regex("operations_ready", "product_dashboard")
_HYPOTHETICAL = lazy_regex("operations_ready", "hypothetical")
# "< 100 ms p95 — web pages stall", "every tracking page refresh": a page of the product,
# not paging someone
_WEB_PAGE_BEFORE = lazy_regex("operations_ready", "web_page_before")
_WEB_PAGE_AFTER = lazy_regex("operations_ready", "web_page_after")
# "-- must update exactly N rows, else ROLLBACK": a database transaction, not a deploy
_TRANSACTION = lazy_regex("operations_ready", "transaction")
# "Runbooks: we'll have them.", "On-call: yes.": a heading with a promise and no content
_BARE_PROMISE = lazy_regex("operations_ready", "bare_promise")


def _is_web_page(low: str, end: int) -> bool:
    """Whether an alerting match that ends in "page" names a page of the product."""
    if not low[:end].rstrip("s").endswith("page"):
        return False
    page = low.rfind("page", 0, end)
    return bool(_WEB_PAGE_BEFORE.search(low, 0, page) or _WEB_PAGE_AFTER.match(low, page + 4))


# "someone watches the dashboard" commits team_will_handle; it is not operability.
# monitor_later asks about live alarms itself, so its own verdict is not consulted here.
_PEOPLE_NOT_OPERABILITY = ("kubernetes_first", "infinite_scale", "perfect_consistency",
                           "team_will_handle")


def _live_alarms(analysis: Analysis) -> Iterator[Sentence]:
    """Sentences with an alarm/dashboard on a named signal, kept only if not deferred."""
    committed: set[int] | None = None
    for sentence, match in claims(analysis.doc, _ALERTING):
        start = match.start() - sentence.start
        if _PRODUCT_DASHBOARD.match(sentence.low, start) or _PRODUCT_ALERT.search(
            sentence.low, 0, start
        ):
            continue  # "a dashboard query returns in < 2 s", "price-drop alerts": the product
        if _is_web_page(sentence.low, match.end() - sentence.start):
            continue
        if committed is None:
            committed = analysis.committed(_PEOPLE_NOT_OPERABILITY)
        if analysis.index(sentence) in committed:
            continue
        if analysis.doc.has(_SIGNAL, sentence) and not _deferred(sentence):
            yield sentence


def _deferred(sentence: Sentence) -> bool:
    return deferred_monitoring(sentence.low) is not None


def has_live_alarms(analysis: Analysis) -> bool:
    """Whether the answer already has concrete alarms or dashboards in place now."""
    return next(_live_alarms(analysis), None) is not None


def operations_ready(analysis: Analysis) -> Sentence | None:
    """Concrete operability: signals with alarms, safe deploys, runbooks, on-call."""
    alarm = _best_alarm(analysis)
    if alarm is not None:
        return alarm
    for sentence, match in claims(analysis.doc, _PRACTICE):
        if _not_a_practice(sentence, match):
            continue
        before = sentence.low[: match.start() - sentence.start]
        if not _deferred(sentence) and _HYPOTHETICAL.search(before) is None:
            return sentence
    return None


def _best_alarm(analysis: Analysis) -> Sentence | None:
    """The alarm sentence to quote: the first one under an operations heading ("Ops:",
    "Monitoring") when there is one, else the one naming the most signals, so the card
    quotes the monitoring paragraph rather than a DLQ aside in the failure section."""
    best, best_signals = None, -1
    for sentence in _live_alarms(analysis):
        if _OPS_CONTEXT.search(sentence.context):
            return sentence
        signals = len(set(m.group(0) for m in _SIGNAL.finditer(sentence.low)))
        if signals > best_signals:
            best, best_signals = sentence, signals
    return best


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
